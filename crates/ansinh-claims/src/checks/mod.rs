//! The checks of a visit's record beyond its card, benefit level and arithmetic (issue 18):
//! what hospital-side checkers and the agency's assessors look at on real files, each named by
//! its rule (R04 network, R07 ratios, R08 unbundling, R09 quantities and bed days, R11
//! diagnoses, R12 times, R14 practitioners, R15 tenders) and by the catalogue line it answers
//! (`docs/claims-checks.md`). Pure: functions of the claim, the parameters and the reference
//! lists.
//!
//! A check ends one of three ways: a **note** for the facility (a field missing or malformed
//! that moves no amount: the visit's decision is not changed), a **review** (a human decides:
//! the claimed split stands until then), or **rejected lines** (the fund pays nothing for
//! them; the finding's amount is their claimed fund share).

pub mod bundling;
pub mod card_register;
pub mod catalogue;
pub mod certificates;
pub mod completeness;
pub mod cost_average;
pub mod diagnosis;
pub mod duration;
pub mod frequency;
pub mod interaction;
pub mod payment_conditions;
pub mod practitioner;
pub mod prescription;
pub mod resources;
pub mod results;
pub mod services;
pub mod stay;
pub mod tender;

use crate::assess::Finding;
use crate::claim::{Claim, CostLine};
use crate::decimal::Amount;
use crate::reference::Reference;
use ansinh_rules::Params;

/// What the checks of one visit found.
#[derive(Debug, Default)]
pub struct Found {
    pub notes: Vec<Finding>,
    pub review: Vec<Finding>,
    /// Findings that reject lines, with the indexes of the lines in the claim.
    pub reject: Vec<(Finding, Vec<usize>)>,
    /// The prices the facility's catalogue approves for lines it matched (line index, price),
    /// which cap the lines' prices in `assess` (R05.PRICE; C040, C041).
    pub catalogue_prices: Vec<(usize, crate::decimal::Price)>,
}

impl Found {
    fn note(
        &mut self,
        code: &'static str,
        vi: String,
        en: String,
        lines: Vec<String>,
        basis: &'static str,
    ) {
        self.notes.push(finding(code, vi, en, lines, basis));
    }

    fn review(
        &mut self,
        code: &'static str,
        vi: String,
        en: String,
        lines: Vec<String>,
        basis: &'static str,
    ) {
        self.review.push(finding(code, vi, en, lines, basis));
    }

    fn reject(
        &mut self,
        code: &'static str,
        vi: String,
        en: String,
        lines: Vec<usize>,
        claim: &Claim,
        basis: &'static str,
    ) {
        let refs = lines.iter().map(|i| line_ref(&claim.lines[*i])).collect();
        self.reject
            .push((finding(code, vi, en, refs, basis), lines));
    }
}

/// A finding of `code` (its rule is the part before the dot; `S` for structure).
fn finding(
    code: &'static str,
    vi: String,
    en: String,
    lines: Vec<String>,
    basis: &'static str,
) -> Finding {
    Finding {
        rule: code.split('.').next().unwrap_or(code),
        code,
        text_vi: vi,
        text_en: en,
        lines,
        amount: Amount::ZERO,
        basis,
    }
}

pub(crate) fn line_ref(l: &CostLine) -> String {
    format!("{}#{}", l.table.name(), l.number)
}

/// Cost groups of QĐ 130/QĐ-BYT (MA_NHOM, as QĐ 5937 PL3 numbers them).
pub mod group {
    pub const LAB: u32 = 1;
    pub const IMAGING: u32 = 2;
    pub const FUNCTIONAL: u32 = 3;
    pub const DRUG: u32 = 4;
    pub const SURGERY: u32 = 8;
    pub const SUPPLY: u32 = 10;
    pub const SUPPLY_RATIO: u32 = 11;
    pub const CONSULTATION: u32 = 13;
    pub const BED_OUTPATIENT: u32 = 14;
    pub const BED_INPATIENT: u32 = 15;
    pub const BED_STAY: u32 = 16;
    pub const PROCEDURE: u32 = 18;

    pub fn is_bed(g: u32) -> bool {
        matches!(g, BED_OUTPATIENT | BED_INPATIENT | BED_STAY)
    }
}

/// The per-line lists each line's code is in (bits of [`crate::reference::listed`]), found
/// once a visit.
#[derive(Clone, Copy)]
pub struct Masks<'a>(&'a [u16]);

impl Masks<'_> {
    /// Whether line `i`'s code has a row in the list of `bit`.
    pub fn has(self, i: usize, bit: u16) -> bool {
        self.0.get(i).is_some_and(|m| m & bit != 0)
    }
}

/// Every check of this module on one visit, in the order of the catalogue's groups. Nothing is
/// allocated for a visit they find nothing in.
pub fn visit(params: &Params, reference: Option<&Reference>, claim: &Claim) -> Found {
    let mut found = Found::default();
    // Which per-line lists hold each line's code: one look-up a line for them all.
    let masks: Vec<u16> = match reference {
        Some(r) if r.listed_any() => claim.lines.iter().map(|l| r.listed(&l.code)).collect(),
        _ => Vec::new(),
    };
    let masks = Masks(&masks);
    completeness::check(claim, &mut found);
    tender::check_format(reference, claim, &mut found);
    diagnosis::check(reference, claim, &mut found);
    stay::check(params, reference, claim, &mut found);
    practitioner::check(reference, claim, &mut found);
    bundling::check(reference, claim, &mut found);
    services::check(reference, claim, &mut found);
    results::check(reference, claim, &mut found);
    catalogue::check(reference, claim, masks, &mut found);
    frequency::check(reference, claim, masks, &mut found);
    duration::check(params, reference, claim, masks, &mut found);
    payment_conditions::check(reference, claim, masks, &mut found);
    interaction::check(reference, claim, masks, &mut found);
    prescription::check(params, claim, &mut found);
    certificates::check(params, reference, claim, &mut found);
    card_register::check(reference, claim, &mut found);
    found
}
