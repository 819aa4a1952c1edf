//! Explanations (diễn giải): the lines a reader follows to redo a number by hand.

use crate::params::Dated;
use ansinh_core::Dong;
use serde::Serialize;
use std::borrow::Cow;

/// One parameter value used by a line, with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamUse {
    pub name: Cow<'static, str>,
    pub value: String,
    pub source: String,
}

/// One step of a calculation. Keys, labels and citations are mostly literals: borrowed, so
/// that explaining a visit among millions does not allocate them again.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub key: Cow<'static, str>,
    pub label_vi: Cow<'static, str>,
    pub label_en: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Dong>,
    /// A non-money result (a rate, a count of months, a date, a status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub formula: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamUse>,
    pub citation: Cow<'static, str>,
}

impl Line {
    pub fn new(
        key: impl Into<Cow<'static, str>>,
        label_vi: impl Into<Cow<'static, str>>,
        label_en: impl Into<Cow<'static, str>>,
    ) -> Line {
        Line {
            key: key.into(),
            label_vi: label_vi.into(),
            label_en: label_en.into(),
            amount: None,
            value: None,
            formula: String::new(),
            params: Vec::new(),
            citation: Cow::Borrowed(""),
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
    pub fn param<T>(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl ToString,
        dated: &Dated<T>,
    ) -> Line {
        // Most lines use one parameter: no room kept for more (explanations of millions of
        // visits are held at once).
        if self.params.is_empty() {
            self.params.reserve_exact(1);
        }
        self.params.push(ParamUse {
            name: name.into(),
            value: value.to_string(),
            source: format!("{} (in force from {})", dated.citation(), dated.from),
        });
        self
    }

    pub fn cite(mut self, citation: impl Into<Cow<'static, str>>) -> Line {
        self.citation = citation.into();
        self
    }
}
