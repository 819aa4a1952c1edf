//! The contract every jurisdiction package implements, and the set installed in a binary.
//!
//! A package (Vietnam's `ansinh-rules`, Laos' `ansinh-la`) describes itself — currency,
//! languages, participant kinds, funds, identifiers, regions — and answers calculation
//! requests in its own money. Storage, server and CLI ask the package; they never assume one.

use serde::Serialize;
use serde_json::{Value, json};

/// A request the rules cannot answer, with the input field at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct CalcError {
    pub field: String,
    pub reason: String,
}

impl CalcError {
    pub fn new(field: impl Into<String>, reason: impl ToString) -> CalcError {
        CalcError {
            field: field.into(),
            reason: reason.to_string(),
        }
    }

    /// The error as the JSON document printed by the CLI and the API.
    pub fn to_json(&self) -> Value {
        json!({ "error": { "field": self.field, "reason": self.reason } })
    }
}

/// A currency as the law and its users write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Currency {
    /// ISO 4217 code: `VND`, `LAK`.
    pub code: &'static str,
    /// The sign written after an amount: `₫`, `₭`.
    pub symbol: &'static str,
    /// The digit-group separator in the jurisdiction's own language (`.` in Vietnamese and in
    /// Lao, both write 1.000.000); English pages use `,`.
    pub group_separator: char,
}

/// A coded thing the law names: a participant kind, a fund, a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Named {
    pub code: &'static str,
    /// The name in the jurisdiction's language.
    pub local: &'static str,
    pub en: &'static str,
}

/// An identifier the registry keeps, with the shape it must have.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Identifier {
    pub code: &'static str,
    pub local: &'static str,
    pub en: &'static str,
    /// The shape, for messages: "10 digits".
    pub shape: &'static str,
    /// Decides whether a text has the shape.
    #[serde(skip)]
    pub valid: fn(&str) -> bool,
}

/// What a jurisdiction is, as the rest of the system needs to know it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Jurisdiction {
    /// ISO 3166-1 alpha-2: `VN`, `LA`.
    pub code: &'static str,
    pub name_local: &'static str,
    pub name_en: &'static str,
    /// The law the package encodes, for the title of documents.
    pub law: &'static str,
    pub currency: Currency,
    /// Page languages, the default first.
    pub languages: &'static [&'static str],
    pub participant_kinds: &'static [Named],
    pub funds: &'static [Named],
    pub identifiers: &'static [Identifier],
    /// First-level administrative divisions (provinces), as the registry records them.
    pub provinces: &'static [Named],
    /// The package's parameter folder in the repository (`rules/vn`).
    pub rules_folder: &'static str,
    /// Request kinds `ansinh calc` answers for it.
    pub kinds: &'static [&'static str],
}

impl Jurisdiction {
    pub fn default_language(&self) -> &'static str {
        self.languages.first().copied().unwrap_or("en")
    }

    pub fn identifier(&self, code: &str) -> Option<&Identifier> {
        self.identifiers.iter().find(|i| i.code == code)
    }
}

/// A jurisdiction package: its description and its calculator.
pub trait Package: Send + Sync {
    fn jurisdiction(&self) -> &'static Jurisdiction;

    /// Answers one request (the JSON object of `ansinh calc`, `jurisdiction` included) with
    /// the response document, `explanation` inside.
    fn calc(&self, request: &Value) -> Result<Value, CalcError>;
}

/// The packages a binary carries; requests go to the one they name.
pub struct Installed {
    packages: Vec<Box<dyn Package>>,
}

impl Installed {
    pub fn new(packages: Vec<Box<dyn Package>>) -> Installed {
        Installed { packages }
    }

    pub fn get(&self, code: &str) -> Option<&dyn Package> {
        self.packages
            .iter()
            .find(|p| p.jurisdiction().code == code)
            .map(|p| p.as_ref())
    }

    pub fn jurisdictions(&self) -> impl Iterator<Item = &'static Jurisdiction> + '_ {
        self.packages.iter().map(|p| p.jurisdiction())
    }

    /// "VN (Vietnam), LA (Lao PDR)": for messages that name what is installed.
    pub fn names(&self) -> String {
        self.jurisdictions()
            .map(|j| format!("\"{}\" ({})", j.code, j.name_en))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The package a code names, or an error naming the installed ones.
    pub fn package(&self, field: &str, code: &str) -> Result<&dyn Package, CalcError> {
        self.get(code).ok_or_else(|| {
            CalcError::new(
                field,
                format!("\"{code}\" is not installed; installed: {}", self.names()),
            )
        })
    }

    /// Answers a request with the package its `jurisdiction` names.
    pub fn calc(&self, request: &Value) -> Result<Value, CalcError> {
        let Value::Object(map) = request else {
            return Err(CalcError::new(
                "",
                "the request must be a JSON object with `kind` and `jurisdiction`",
            ));
        };
        match map.get("jurisdiction") {
            Some(Value::String(code)) => self.package("jurisdiction", code)?.calc(request),
            Some(other) => Err(CalcError::new(
                "jurisdiction",
                format!("must be a string, one of {}; found {other}", self.names()),
            )),
            None => Err(CalcError::new(
                "jurisdiction",
                format!("missing; one of {}", self.names()),
            )),
        }
    }

    /// Parses and answers one request given as JSON text.
    pub fn calc_text(&self, text: &str) -> Result<Value, CalcError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| CalcError::new("", format!("the request is not valid JSON: {e}")))?;
        self.calc(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TEST: Jurisdiction = Jurisdiction {
        code: "TT",
        name_local: "Test",
        name_en: "Testland",
        law: "Test law",
        currency: Currency {
            code: "TTT",
            symbol: "T",
            group_separator: '.',
        },
        languages: &["tt", "en"],
        participant_kinds: &[],
        funds: &[],
        identifiers: &[],
        provinces: &[],
        rules_folder: "rules/tt",
        kinds: &["echo"],
    };

    struct Echo;
    impl Package for Echo {
        fn jurisdiction(&self) -> &'static Jurisdiction {
            &TEST
        }
        fn calc(&self, request: &Value) -> Result<Value, CalcError> {
            Ok(request.clone())
        }
    }

    #[test]
    fn a_request_goes_to_the_package_it_names_and_an_unknown_one_names_the_installed() {
        let installed = Installed::new(vec![Box::new(Echo)]);
        let ok = json!({"kind": "echo", "jurisdiction": "TT"});
        assert_eq!(installed.calc(&ok).unwrap(), ok);
        let err = installed
            .calc(&json!({"kind": "echo", "jurisdiction": "XX"}))
            .unwrap_err();
        assert_eq!(err.field, "jurisdiction");
        assert!(err.reason.contains("\"TT\" (Testland)"), "{}", err.reason);
        let err = installed.calc(&json!({"kind": "echo"})).unwrap_err();
        assert_eq!(err.field, "jurisdiction");
        assert!(err.reason.contains("missing"));
        assert_eq!(installed.calc_text("{").unwrap_err().field, "");
        assert_eq!(TEST.default_language(), "tt");
    }
}
