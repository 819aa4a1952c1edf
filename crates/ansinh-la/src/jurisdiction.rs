//! The Lao PDR as a jurisdiction package (ສປປ ລາວ): the National Social Security Fund under the
//! Law on Social Security (Amended) No. 54/NA of 2018.

use crate::params::LaoParams;
use ansinh_law::{CalcError, Currency, Identifier, Jurisdiction, Named, Package};
use serde_json::Value;
use std::sync::Arc;

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The Lao PDR as the rest of Ansinh needs to know it.
pub static LAOS: Jurisdiction = Jurisdiction {
    code: "LA",
    name_local: "ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ",
    name_en: "Lao PDR",
    law: "ກົດໝາຍວ່າດ້ວຍການປະກັນສັງຄົມ (ສະບັບປັບປຸງ) ເລກທີ 54/ສພຊ, 2018 — Law on Social Security (Amended) No. 54/NA",
    currency: Currency {
        code: "LAK",
        symbol: "₭",
        // Lao writes 1.000.000 ກີບ (full stops between thousands).
        group_separator: '.',
    },
    languages: &["lo", "en"],
    participant_kinds: &[
        Named {
            code: "employee",
            local: "ລູກຈ້າງຫົວໜ່ວຍແຮງງານ",
            en: "Employee of a labour unit",
        },
        Named {
            code: "civil_servant",
            local: "ພະນັກງານລັດ",
            en: "Civil servant",
        },
        Named {
            code: "voluntary",
            local: "ສະມາຊິກແບບສະໝັກໃຈ",
            en: "Voluntary member",
        },
    ],
    funds: &[Named {
        code: "social_security",
        local: "ກອງທຶນປະກັນສັງຄົມແຫ່ງຊາດ",
        en: "National Social Security Fund",
    }],
    identifiers: &[
        Identifier {
            code: "member_number",
            local: "ເລກບັດປະກັນສັງຄົມ",
            en: "Social security card number",
            shape: "6 to 12 digits (the NSSF's numbering is not confirmed)",
            valid: |s| digits(s, 6, 12),
        },
        Identifier {
            code: "id_card",
            local: "ເລກບັດປະຈຳຕົວ",
            en: "Identity card number",
            shape: "6 to 12 digits, or a family book number (the shape is not confirmed)",
            valid: |s| digits(s, 6, 12),
        },
    ],
    // ISO 3166-2:LA: Vientiane Capital and the 17 provinces.
    provinces: &[
        Named {
            code: "VT",
            local: "ນະຄອນຫຼວງວຽງຈັນ",
            en: "Vientiane Capital",
        },
        Named {
            code: "PH",
            local: "ຜົ້ງສາລີ",
            en: "Phongsaly",
        },
        Named {
            code: "LM",
            local: "ຫຼວງນ້ຳທາ",
            en: "Luang Namtha",
        },
        Named {
            code: "OU",
            local: "ອຸດົມໄຊ",
            en: "Oudomxay",
        },
        Named {
            code: "BK",
            local: "ບໍ່ແກ້ວ",
            en: "Bokeo",
        },
        Named {
            code: "LP",
            local: "ຫຼວງພະບາງ",
            en: "Luang Prabang",
        },
        Named {
            code: "HO",
            local: "ຫົວພັນ",
            en: "Houaphanh",
        },
        Named {
            code: "XA",
            local: "ໄຊຍະບູລີ",
            en: "Xayabury",
        },
        Named {
            code: "XI",
            local: "ຊຽງຂວາງ",
            en: "Xiengkhouang",
        },
        Named {
            code: "VI",
            local: "ວຽງຈັນ",
            en: "Vientiane Province",
        },
        Named {
            code: "BL",
            local: "ບໍລິຄຳໄຊ",
            en: "Bolikhamxay",
        },
        Named {
            code: "KH",
            local: "ຄຳມ່ວນ",
            en: "Khammouane",
        },
        Named {
            code: "SV",
            local: "ສະຫວັນນະເຂດ",
            en: "Savannakhet",
        },
        Named {
            code: "SL",
            local: "ສາລະວັນ",
            en: "Salavan",
        },
        Named {
            code: "XE",
            local: "ເຊກອງ",
            en: "Sekong",
        },
        Named {
            code: "CH",
            local: "ຈຳປາສັກ",
            en: "Champasak",
        },
        Named {
            code: "AT",
            local: "ອັດຕະປື",
            en: "Attapeu",
        },
        Named {
            code: "XS",
            local: "ໄຊສົມບູນ",
            en: "Xaisomboun",
        },
    ],
    rules_folder: "rules/la",
    kinds: crate::calc::KINDS,
};

/// The Lao package over a set of parameters.
pub struct Laos {
    pub params: Arc<LaoParams>,
}

impl Package for Laos {
    fn jurisdiction(&self) -> &'static Jurisdiction {
        &LAOS
    }

    fn calc(&self, request: &Value) -> Result<Value, CalcError> {
        crate::calc::calc(&self.params, request)
    }
}
