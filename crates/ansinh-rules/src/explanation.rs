//! Explanations (diễn giải): the lines a reader follows to redo a number by hand.

use crate::params::Dated;
use ansinh_core::Dong;
use serde::Serialize;

/// One parameter value used by a line, with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamUse {
    pub name: String,
    pub value: String,
    pub source: String,
}

/// One step of a calculation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Dong>,
    /// A non-money result (a rate, a count of months, a date, a status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub formula: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamUse>,
    pub citation: String,
}

impl Line {
    pub fn new(key: &str, label_vi: &str, label_en: &str) -> Line {
        Line {
            key: key.to_string(),
            label_vi: label_vi.to_string(),
            label_en: label_en.to_string(),
            amount: None,
            value: None,
            formula: String::new(),
            params: Vec::new(),
            citation: String::new(),
        }
    }

    pub fn amount(mut self, amount: Dong) -> Line {
        self.amount = Some(amount);
        self
    }

    pub fn value(mut self, value: impl ToString) -> Line {
        self.value = Some(value.to_string());
        self
    }

    pub fn formula(mut self, formula: impl Into<String>) -> Line {
        self.formula = formula.into();
        self
    }

    /// Records a parameter and its dated source.
    pub fn param<T>(mut self, name: &str, value: impl ToString, dated: &Dated<T>) -> Line {
        self.params.push(ParamUse {
            name: name.to_string(),
            value: value.to_string(),
            source: format!("{} (in force from {})", dated.citation(), dated.from),
        });
        self
    }

    pub fn cite(mut self, citation: impl Into<String>) -> Line {
        self.citation = citation.into();
        self
    }
}
