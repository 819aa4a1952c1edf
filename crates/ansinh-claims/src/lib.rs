//! Health-insurance claims (hồ sơ đề nghị thanh toán BHYT): the XML of QĐ 130/QĐ-BYT read strictly
//! ([`xml`]), typed ([`claim`]), and assessed by the routine rules of the agency ([`assess`]).
//!
//! Pure: functions of bytes and parameters, no I/O, no clock. Where to find a rule: card validity
//! (thẻ hết hạn) R01, card format (mã thẻ) R02, benefit level (mức hưởng) R03, time logic (thời
//! gian) R12, arithmetic (số học) R13, consultations (lần khám) R09 — in [`assess`]; overlapping
//! stays of one card (trùng hồ sơ) R10 in [`overlap`]; the benefit level itself is law and
//! lives in `ansinh_rules::health`.

pub mod assess;
pub mod claim;
pub mod overlap;
pub mod reference;
pub mod xml;

use ansinh_rules::Params;

/// One visit's outcome in a file: assessed, or broken with its defects.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Assessed(Box<assess::Assessment>),
    Malformed {
        key: Option<String>,
        defects: Vec<claim::Defect>,
    },
}

/// Reads and assesses every visit of a claims file (what `ansinh claims assess` prints): a
/// facility can pre-check its own file without a database. Without `reference` data, prices
/// (R05) and the covered list (R06) are not checked.
pub fn assess_file(
    params: &Params,
    reference: Option<&reference::Reference>,
    bytes: &[u8],
) -> Result<Vec<Outcome>, xml::FileError> {
    let envelope = xml::parse_envelope(bytes)?;
    let (mut outcomes, stays): (Vec<Outcome>, Vec<Option<overlap::Stay>>) =
        xml::parallel_map(&envelope.visits, |files| match xml::visit(files) {
            xml::Visit::Read(claim) => (
                Outcome::Assessed(Box::new(assess::assess_visit(params, reference, &claim))),
                overlap::Stay::of(&claim),
            ),
            xml::Visit::Broken { key, defects } => (Outcome::Malformed { key, defects }, None),
        })
        .into_iter()
        .unzip();
    let mut results: Vec<Option<&mut assess::Assessment>> = outcomes
        .iter_mut()
        .map(|o| match o {
            Outcome::Assessed(a) => Some(a.as_mut()),
            Outcome::Malformed { .. } => None,
        })
        .collect();
    overlap::flag_overlaps(&stays, &mut results);
    Ok(outcomes)
}
