//! Reading the facts of a calculation request, the same way in every package: the fields
//! typed by serde with the path of a bad one, and the bounds every package puts on counts and
//! amounts, each refusal naming the field.

use crate::jurisdiction::CalcError;
use ansinh_core::Money;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The input field a deserialisation error is about, as a path such as `history[1].salary`.
/// serde_path_to_error ends the path at an unknown key, but stops before a missing one, whose
/// name is only in the message.
pub fn error_field(path: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next());
    match (missing, path) {
        (Some(name), ".") => name.to_string(),
        (Some(name), p) => format!("{p}.{name}"),
        (None, p) => p.to_string(),
    }
}

/// The request's remaining fields as the facts of its kind (`deny_unknown_fields` structs).
pub fn parse<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, CalcError> {
    serde_path_to_error::deserialize(Value::Object(fields)).map_err(|e| {
        let reason = e.inner().to_string();
        CalcError::new(error_field(&e.path().to_string(), &reason), reason)
    })
}

/// A count in `0..=max`.
pub fn count(field: &str, v: i64, max: i64) -> Result<i64, CalcError> {
    if (0..=max).contains(&v) {
        Ok(v)
    } else {
        Err(CalcError::new(
            field,
            format!("{v} is out of range: 0 to {max}"),
        ))
    }
}

/// An amount of the package's money in `0..=max` whole units.
pub fn money<M: Money>(field: &str, v: M, max: i64) -> Result<M, CalcError> {
    if (0..=max).contains(&v.units()) {
        Ok(v)
    } else {
        Err(CalcError::new(
            field,
            format!("{v} is out of range: 0 to {} {}", M::of_units(max), M::UNIT),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::{Dong, Kip};

    #[test]
    fn bounds_name_the_field_and_the_unit() {
        assert_eq!(count("age", 131, 130).unwrap_err().field, "age");
        assert_eq!(count("age", 130, 130), Ok(130));
        let e = money("salary", Kip(-1), 10).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("salary", "-1 is out of range: 0 to 10 kip")
        );
        assert_eq!(money("salary", Dong(5), 10), Ok(Dong(5)));
        assert_eq!(error_field(".", "missing field `salary`"), "salary");
        assert_eq!(
            error_field("history[1]", "missing field `to`"),
            "history[1].to"
        );
    }
}
