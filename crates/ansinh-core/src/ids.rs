//! Identifiers of the registry, parsed once at the edge ("parse, don't validate").
//!
//! - [`SocialInsuranceNumber`] (mã số BHXH): 10 digits, also the personal health ID.
//! - [`PersonalId`] (số định danh cá nhân / CCCD): 12 digits: province of birth registration (3),
//!   century-and-sex code (1), last two digits of the birth year (2), random (6)
//!   (Circular 07/2016/TT-BCA Art. 7, as amended by Circular 59/2021/TT-BCA).
//! - [`UnitCode`] (mã đơn vị): the agency's code of an employer.
//! - [`TaxCode`] (mã số thuế): 10 digits, or 10 digits, a hyphen and 3 digits for a branch.

use crate::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Why an identifier was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("`{value}` must be exactly {digits} digits")]
    Digits { value: String, digits: usize },
    #[error("`{0}`: the first 3 digits are not a province code of Circular 07/2016/TT-BCA")]
    Province(String),
    #[error("`{0}` must be 2 to 20 letters or digits")]
    UnitCode(String),
    #[error("`{0}` must be 10 digits, or 10 digits, a hyphen and 3 digits")]
    TaxCode(String),
}

impl IdError {
    /// The same reason in Vietnamese, the value quoted as typed (for the pages and the
    /// declaration reports).
    pub fn vi(&self) -> String {
        match self {
            IdError::Digits { value, digits } => format!("`{value}` phải gồm đúng {digits} chữ số"),
            IdError::Province(v) => {
                format!("`{v}` có 3 chữ số đầu không phải mã tỉnh theo Thông tư 07/2016/TT-BCA")
            }
            IdError::UnitCode(v) => format!("`{v}` phải gồm 2 đến 20 chữ cái hoặc chữ số"),
            IdError::TaxCode(v) => {
                format!("`{v}` phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch nối và 3 chữ số")
            }
        }
    }
}

macro_rules! string_id {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                String::deserialize(d)?
                    .parse()
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}

fn digits(value: &str, n: usize) -> Result<(), IdError> {
    if value.len() == n && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(IdError::Digits {
            value: value.to_string(),
            digits: n,
        })
    }
}

/// Social insurance number (mã số BHXH), 10 digits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocialInsuranceNumber(String);
string_id!(SocialInsuranceNumber);

impl FromStr for SocialInsuranceNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        digits(s, 10)?;
        Ok(SocialInsuranceNumber(s.to_string()))
    }
}

/// Province codes of the personal identification number (Circular 07/2016/TT-BCA, Appendix).
const PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// Personal identification number (số định danh cá nhân), 12 digits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonalId(String);
string_id!(PersonalId);

impl FromStr for PersonalId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        digits(s, 12)?;
        let province: u16 = s[..3].parse().unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(IdError::Province(s.to_string()));
        }
        Ok(PersonalId(s.to_string()))
    }
}

/// Sex as the registry records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl PersonalId {
    /// Whether the century-and-sex digit and the two year digits agree with a birth date and
    /// sex (0/1: 20th century male/female, 2/3: 21st, 4/5: 22nd, 6/7: 23rd, 8/9: 19th).
    pub fn matches(&self, sex: Sex, birth: Date) -> bool {
        let b = self.0.as_bytes();
        let code = i32::from(b[3] - b'0');
        let yy = i32::from(b[4] - b'0') * 10 + i32::from(b[5] - b'0');
        let century = match code / 2 {
            0 => 1900,
            1 => 2000,
            2 => 2100,
            3 => 2200,
            _ => 1800,
        };
        let female = code % 2 == 1;
        century + yy == i32::from(birth.year()) && female == (sex == Sex::Female)
    }
}

/// Employer unit code (mã đơn vị) given by the agency: 2–20 ASCII letters or digits, upper case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitCode(String);
string_id!(UnitCode);

impl FromStr for UnitCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        if (2..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(UnitCode(s.to_ascii_uppercase()))
        } else {
            Err(IdError::UnitCode(s.to_string()))
        }
    }
}

/// Enterprise tax code (mã số thuế).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaxCode(String);
string_id!(TaxCode);

impl FromStr for TaxCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let ok = match s.split_once('-') {
            None => digits(s, 10).is_ok(),
            Some((main, branch)) => digits(main, 10).is_ok() && digits(branch, 3).is_ok(),
        };
        if ok {
            Ok(TaxCode(s.to_string()))
        } else {
            Err(IdError::TaxCode(s.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_id_format_province_and_birth() {
        let id: PersonalId = "079180000123".parse().unwrap();
        assert!(id.matches(Sex::Female, "1980-06-01".parse().unwrap()));
        assert!(!id.matches(Sex::Male, "1980-06-01".parse().unwrap()));
        assert!(!id.matches(Sex::Female, "1981-06-01".parse().unwrap()));
        let young: PersonalId = "001303000001".parse().unwrap();
        assert!(young.matches(Sex::Female, "2003-01-01".parse().unwrap()));
        assert!(matches!(
            "07918000012".parse::<PersonalId>(),
            Err(IdError::Digits { .. })
        ));
        assert!(matches!(
            "07918000012a".parse::<PersonalId>(),
            Err(IdError::Digits { .. })
        ));
        assert_eq!(
            "003180000123".parse::<PersonalId>(),
            Err(IdError::Province("003180000123".into()))
        );
    }

    #[test]
    fn other_ids() {
        assert!("0123456789".parse::<SocialInsuranceNumber>().is_ok());
        assert!("012345678".parse::<SocialInsuranceNumber>().is_err());
        assert_eq!("ta0001a".parse::<UnitCode>().unwrap().as_str(), "TA0001A");
        assert!("T".parse::<UnitCode>().is_err());
        assert!("TA-01".parse::<UnitCode>().is_err());
        assert!("0101234567".parse::<TaxCode>().is_ok());
        assert!("0101234567-001".parse::<TaxCode>().is_ok());
        assert!("0101234567-1".parse::<TaxCode>().is_err());
    }
}
