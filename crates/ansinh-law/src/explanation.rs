//! Explanations (diễn giải, ຄຳອະທິບາຍ): the lines a reader follows to redo a number by hand.
//!
//! A line's amount is in the jurisdiction's money (`Line<Dong>` in Vietnam, `Line<Kip>` in
//! Laos), so that an explanation cannot show one country's currency in the other's.

use crate::timeline::Dated;
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
pub struct Line<M> {
    pub key: Cow<'static, str>,
    /// The label in the jurisdiction's language. Serialised as `label_vi` (Vietnam's answers
    /// were first); the Lao package renames it `label_lo` in its answers.
    #[serde(rename = "label_vi")]
    pub label_local: Cow<'static, str>,
    pub label_en: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<M>,
    /// A non-money result (a rate, a count of months, a date, a status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub formula: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamUse>,
    pub citation: Cow<'static, str>,
}

impl<M> Line<M> {
    pub fn new(
        key: impl Into<Cow<'static, str>>,
        label_local: impl Into<Cow<'static, str>>,
        label_en: impl Into<Cow<'static, str>>,
    ) -> Line<M> {
        Line {
            key: key.into(),
            label_local: label_local.into(),
            label_en: label_en.into(),
            amount: None,
            value: None,
            formula: String::new(),
            params: Vec::new(),
            citation: Cow::Borrowed(""),
        }
    }

    pub fn amount(mut self, amount: M) -> Line<M> {
        self.amount = Some(amount);
        self
    }

    pub fn value(mut self, value: impl ToString) -> Line<M> {
        self.value = Some(value.to_string());
        self
    }

    pub fn formula(mut self, formula: impl Into<String>) -> Line<M> {
        self.formula = formula.into();
        self
    }

    /// Records a parameter and its dated source.
    pub fn param<T>(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl ToString,
        dated: &Dated<T>,
    ) -> Line<M> {
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

    pub fn cite(mut self, citation: impl Into<Cow<'static, str>>) -> Line<M> {
        self.citation = citation.into();
        self
    }
}
