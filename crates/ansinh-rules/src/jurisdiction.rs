//! Vietnam as a jurisdiction package (gói pháp luật Việt Nam): what the rest of the system asks
//! of it — currency, languages, participant kinds, funds, identifiers — and its calculator.

use crate::calc;
use crate::params::Params;
use ansinh_core::ids::{PersonalId, SocialInsuranceNumber, TaxCode};
use ansinh_law::{CalcError, Currency, Identifier, Jurisdiction, Named, Package};
use serde_json::Value;
use std::sync::Arc;

/// Vietnam: Law on Social Insurance 41/2024/QH15, Law on Health Insurance, Law on Employment
/// 74/2025/QH15, as encoded under `rules/vn/`.
pub static VIETNAM: Jurisdiction = Jurisdiction {
    code: "VN",
    name_local: "Việt Nam",
    name_en: "Vietnam",
    law: "Luật Bảo hiểm xã hội 41/2024/QH15; Luật Bảo hiểm y tế; Luật Việc làm 74/2025/QH15",
    currency: Currency {
        code: "VND",
        symbol: "₫",
        group_separator: '.',
    },
    languages: &["vi", "en"],
    participant_kinds: &[
        Named {
            code: "employee",
            local: "Người lao động",
            en: "Employee",
        },
        Named {
            code: "foreign_employee",
            local: "Người lao động nước ngoài",
            en: "Foreign employee",
        },
        Named {
            code: "voluntary",
            local: "Người tham gia tự nguyện",
            en: "Voluntary participant",
        },
        Named {
            code: "household_business",
            local: "Chủ hộ kinh doanh",
            en: "Household business owner",
        },
    ],
    funds: &[
        Named {
            code: "sickness_maternity",
            local: "Quỹ ốm đau và thai sản",
            en: "Sickness and maternity fund",
        },
        Named {
            code: "pension_survivor",
            local: "Quỹ hưu trí và tử tuất",
            en: "Pension and survivor fund",
        },
        Named {
            code: "occupational",
            local: "Quỹ bảo hiểm tai nạn lao động, bệnh nghề nghiệp",
            en: "Occupational accident and disease fund",
        },
        Named {
            code: "health",
            local: "Quỹ bảo hiểm y tế",
            en: "Health insurance fund",
        },
        Named {
            code: "unemployment",
            local: "Quỹ bảo hiểm thất nghiệp",
            en: "Unemployment insurance fund",
        },
    ],
    identifiers: &[
        Identifier {
            code: "sin",
            local: "Mã số BHXH",
            en: "Social insurance number",
            shape: "10 digits",
            valid: |s| s.parse::<SocialInsuranceNumber>().is_ok(),
        },
        Identifier {
            code: "personal_id",
            local: "Số định danh cá nhân",
            en: "Personal identification number",
            shape: "12 digits (Circular 07/2016/TT-BCA)",
            valid: |s| s.parse::<PersonalId>().is_ok(),
        },
        Identifier {
            code: "tax_code",
            local: "Mã số thuế",
            en: "Tax code",
            shape: "10 digits, or 10 digits, a hyphen and 3 digits",
            valid: |s| s.parse::<TaxCode>().is_ok(),
        },
    ],
    // The registry keeps the province as written; its code is checked through the personal
    // ID's first three digits (Circular 07/2016/TT-BCA).
    provinces: &[],
    rules_folder: "rules/vn",
    kinds: calc::KINDS,
};

/// The Vietnamese package over a set of parameters (the compiled-in law or a `--rules` folder).
pub struct Vietnam {
    pub params: Arc<Params>,
}

impl Package for Vietnam {
    fn jurisdiction(&self) -> &'static Jurisdiction {
        &VIETNAM
    }

    fn calc(&self, request: &Value) -> Result<Value, CalcError> {
        calc::calc(&self.params, request).map(|answer| answer.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_package_answers_in_dong_and_checks_its_identifiers() {
        let vn = Vietnam {
            params: Arc::new(Params::embedded().unwrap()),
        };
        let body = vn
            .calc(
                &json!({"kind": "contribution", "jurisdiction": "VN", "month": "2026-03",
                "participant": "employee", "region": 1, "salary": 10_000_000}),
            )
            .unwrap();
        assert_eq!(body["currency"], "VND");
        assert_eq!(body["employee"]["total"], 1_050_000);
        let sin = VIETNAM.identifier("sin").unwrap();
        assert!((sin.valid)("0123456789"));
        assert!(!(sin.valid)("12345"));
        assert_eq!(VIETNAM.default_language(), "vi");
    }
}
