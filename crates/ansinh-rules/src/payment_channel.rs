//! How a benefit is paid (phương thức chi trả, L41 Art. 93 and 114): into a bank account, at the
//! post office or in cash from the agency or the organisation it authorises, at home for a person
//! of 80 or more (Art. 10.2.đ), or through the employer; collected by another person only under a
//! written authorisation of at most 12 months (Art. 10.2.d). The limits are dated parameters
//! (`rules/vn/benefit_payment.toml`); this module says whether a payment instruction is one the
//! payroll may follow, naming the field and the reason when it is not.

use crate::params::{Concept, MissingParam, Params};
use ansinh_core::Date;
use serde::Deserialize;

/// The limits of the payment instructions (see `rules/vn/benefit_payment.toml`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitPayment {
    pub authorisation_max_months: i32,
    pub home_delivery_min_age: i16,
    /// The channels of L41 Art. 93.
    pub channels: Vec<String>,
}

impl Concept for BenefitPayment {
    fn check(&self) -> Result<(), (String, String)> {
        if self.authorisation_max_months <= 0 {
            return Err(("authorisation_max_months".into(), "must be above 0".into()));
        }
        Ok(())
    }
}

/// A payment instruction as a beneficiary gives it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Instruction<'a> {
    /// `bank`, `post_office`, `cash`, `home_delivery` or `employer`.
    pub channel: &'a str,
    pub bank: Option<&'a str>,
    pub account: Option<&'a str>,
    /// Who collects in the beneficiary's place, and the authorisation's dates.
    pub authorised: Option<Authorisation<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorisation<'a> {
    pub collector: &'a str,
    pub from: Date,
    pub to: Date,
}

/// Why an instruction cannot be followed, naming the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

fn invalid(field: &'static str, reason: impl Into<String>) -> PaymentError {
    PaymentError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// Whether the payroll may follow `instruction` on `on` for a beneficiary born on `birth`
/// (L41 Art. 10.2.d–đ, 93, 114). A bank payment names the bank and an account of 6 to 20 digits;
/// home delivery is for a person of the parameter's age on that day; an authorisation names its
/// collector, ends after it starts, lasts at most the parameter's months and covers `on`.
pub fn check(
    params: &Params,
    instruction: &Instruction<'_>,
    birth: Date,
    on: Date,
) -> Result<(), PaymentError> {
    let p = &params.benefit_payment.at(on)?.value;
    if !p.channels.iter().any(|c| c == instruction.channel) {
        return Err(invalid(
            "channel",
            format!(
                "`{}` is none of {}",
                instruction.channel,
                p.channels.join(", ")
            ),
        ));
    }
    match instruction.channel {
        "bank" => {
            if instruction.bank.is_none_or(|b| b.trim().is_empty()) {
                return Err(invalid("bank", "required to pay into an account"));
            }
            let account = instruction.account.map(str::trim).unwrap_or("");
            if !(6..=20).contains(&account.len()) || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(
                    "account",
                    "an account number of 6 to 20 digits is required",
                ));
            }
        }
        "home_delivery"
            if crate::sickness::full_years(birth, on) < i64::from(p.home_delivery_min_age) =>
        {
            return Err(invalid(
                "channel",
                format!(
                    "home delivery is for beneficiaries of {} or more (L41 Art. 10.2.đ)",
                    p.home_delivery_min_age
                ),
            ));
        }
        _ => {}
    }
    if let Some(a) = &instruction.authorised {
        if a.collector.trim().is_empty() {
            return Err(invalid(
                "authorised.collector",
                "the person who collects is required",
            ));
        }
        if a.to < a.from {
            return Err(invalid("authorised.to", "is before authorised.from"));
        }
        let longest = a
            .from
            .checked_add(jiff::Span::new().months(p.authorisation_max_months))
            .map_err(|e| invalid("authorised.from", e.to_string()))?;
        if a.to > longest {
            return Err(invalid(
                "authorised.to",
                format!(
                    "an authorisation lasts at most {} months (L41 Art. 10.2.d): until {longest} at the latest",
                    p.authorisation_max_months
                ),
            ));
        }
        if on < a.from || on > a.to {
            return Err(invalid(
                "authorised",
                format!("not in force on {on} (from {} to {})", a.from, a.to),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn field(r: Result<(), PaymentError>) -> &'static str {
        match r {
            Err(PaymentError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn channels_need_their_details() {
        let p = Params::embedded().unwrap();
        let on = d("2026-01-05");
        let birth = d("1960-03-01");
        let bank = Instruction {
            channel: "bank",
            bank: Some("VCB"),
            account: Some("0071000123456"),
            authorised: None,
        };
        assert_eq!(check(&p, &bank, birth, on), Ok(()));
        let no_account = Instruction {
            account: None,
            ..bank.clone()
        };
        assert_eq!(field(check(&p, &no_account, birth, on)), "account");
        let no_bank = Instruction {
            bank: Some(" "),
            ..bank.clone()
        };
        assert_eq!(field(check(&p, &no_bank, birth, on)), "bank");
        let unknown = Instruction {
            channel: "pigeon",
            ..Default::default()
        };
        assert_eq!(field(check(&p, &unknown, birth, on)), "channel");
    }

    #[test]
    fn home_delivery_from_the_eightieth_birthday() {
        let p = Params::embedded().unwrap();
        let home = Instruction {
            channel: "home_delivery",
            ..Default::default()
        };
        let birth = d("1946-01-05");
        assert_eq!(check(&p, &home, birth, d("2026-01-05")), Ok(()));
        assert_eq!(field(check(&p, &home, birth, d("2026-01-04"))), "channel");
    }

    #[test]
    fn an_authorisation_lasts_twelve_months_at_most() {
        let p = Params::embedded().unwrap();
        let birth = d("1950-01-01");
        let with = |from: &str, to: &str| Instruction {
            channel: "post_office",
            authorised: Some(Authorisation {
                collector: "Nguyễn Văn B",
                from: d(from),
                to: d(to),
            }),
            ..Default::default()
        };
        assert_eq!(
            check(
                &p,
                &with("2026-01-01", "2027-01-01"),
                birth,
                d("2026-02-01")
            ),
            Ok(())
        );
        let e = check(
            &p,
            &with("2026-01-01", "2027-01-02"),
            birth,
            d("2026-02-01"),
        );
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("until 2027-01-01 at the latest")
        );
        assert_eq!(
            field(check(
                &p,
                &with("2026-01-01", "2025-12-01"),
                birth,
                d("2026-02-01")
            )),
            "authorised.to"
        );
        assert_eq!(
            field(check(
                &p,
                &with("2026-03-01", "2026-06-01"),
                birth,
                d("2026-02-01")
            )),
            "authorised"
        );
    }
}
