//! The automated assessment (giám định tự động) of one visit: the routine checks of
//! TT 12/2026/TT-BTC Art. 10.1 that need no reference list — card validity (R01), card format
//! (R02), benefit level (R03), time logic (R12) and arithmetic (R13) — each outcome with its rule,
//! reason code, Vietnamese and English text, the lines affected, the amount and the legal basis.
//! What cannot be decided by the machine goes to a human (needs review).

use crate::claim::{Claim, CostLine};
use ansinh_core::Date;
use ansinh_rules::Params;
use ansinh_rules::explanation::Line;
use ansinh_rules::health::{self, VisitFacts};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// Amounts compared with a tolerance of one đồng: checkers of the standard accept ±1 on totals
/// (the rounding mode of QĐ 130 is not stated).
const TOLERANCE: Decimal = Decimal::ONE;

/// Rounds money to 2 places, half away from zero (QĐ 130 "làm tròn 2 chữ số"; the mode is not
/// stated: UNCONFIRMED, kept in this one place).
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn differs(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() > TOLERANCE
}

/// What the assessment decided for a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accepted,
    Adjusted,
    Rejected,
    NeedsReview,
}

/// One outcome of one rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub code: &'static str,
    pub text_vi: String,
    pub text_en: String,
    /// Lines affected, as `XML2#1`, `XML3#2`.
    pub lines: Vec<String>,
    /// Amount of the fund's share rejected or adjusted by this finding (positive = less paid).
    pub amount: Decimal,
    pub basis: &'static str,
}

/// The split of a visit's cost.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Split {
    pub hospital: Decimal,
    pub covered: Decimal,
    pub insurer: Decimal,
    pub co_pay: Decimal,
    pub self_pay: Decimal,
}

/// The result for one visit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    pub key: String,
    pub facility: String,
    pub decision: Decision,
    pub claimed: Split,
    pub assessed: Split,
    /// Claimed minus assessed fund share.
    pub rejected: Decimal,
    /// MUC_HUONG found, in percent.
    pub benefit_rate: Option<Decimal>,
    pub findings: Vec<Finding>,
    pub explanation: Vec<Line>,
}

/// THANH_TIEN_BH of a line: quantity × insured price × service ratio × payment ratio, rounded;
/// nothing for an item outside the scope (PHAM_VI 2). QĐ 130/QĐ-BYT Bảng 2–3, §5.5.
fn covered_amount(l: &CostLine) -> Decimal {
    covered_at(l, l.service_ratio)
}

/// THANH_TIEN_BH of a line at a given service ratio (TYLE_TT_DV).
fn covered_at(l: &CostLine, service_ratio: Decimal) -> Decimal {
    if l.scope == 2 {
        return Decimal::ZERO;
    }
    round2(
        l.quantity * l.unit_price_insured * service_ratio / Decimal::ONE_HUNDRED * l.payment_ratio
            / Decimal::ONE_HUNDRED,
    )
}

/// Cost group of consultations (MA_NHOM 13, QĐ 5937 PL3 as implementations use it).
const CONSULTATION_GROUP: u32 = 13;

/// The service ratio each consultation of one visit may claim, in the order given: 100 % for the
/// first, 30 % for the second to fourth, 10 % for the fifth, nothing after (QĐ 130/QĐ-BYT Bảng 3
/// TYLE_TT_DV; TT 39/2024/TT-BYT). Other lines keep their own ratio.
fn allowed_ratios(claim: &Claim) -> Vec<Decimal> {
    let mut order: Vec<usize> = (0..claim.lines.len())
        .filter(|i| {
            let l = &claim.lines[*i];
            l.table == crate::claim::Table::Xml3 && l.group == CONSULTATION_GROUP
        })
        .collect();
    order.sort_by_key(|i| (claim.lines[*i].ordered, claim.lines[*i].number));
    let mut allowed: Vec<Decimal> = claim.lines.iter().map(|l| l.service_ratio).collect();
    for (k, i) in order.into_iter().enumerate() {
        let cap = match k {
            0 => 100,
            1..=3 => 30,
            4 => 10,
            _ => 0,
        };
        allowed[i] = allowed[i].min(Decimal::from(cap));
    }
    allowed
}

fn line_ref(l: &CostLine) -> String {
    format!("{}#{}", l.table.name(), l.number)
}

/// The card in force on `date` (with the inpatient grace after expiry), if any.
fn card_on(claim: &Claim, date: Date, grace_days: i64) -> Option<&crate::claim::Card> {
    claim.cards.iter().find(|c| {
        c.valid_from <= date
            && c.valid_to.is_none_or(|to| {
                let last = if grace_days > 0 {
                    to.checked_add(jiff::Span::new().days(grace_days))
                        .unwrap_or(to)
                } else {
                    to
                };
                date <= last
            })
    })
}

/// Assesses one visit (rules R01, R02, R03, R12, R13 of the catalogue; TT 12/2026/TT-BTC
/// Art. 10.1.a, b, k; Law on Health Insurance Art. 16, 22; QĐ 130/QĐ-BYT tables 1–3).
pub fn assess_visit(params: &Params, claim: &Claim) -> Assessment {
    let mut findings = Vec::new();
    let claimed = Split {
        hospital: claim.totals.hospital,
        covered: claim.totals.covered,
        insurer: claim.totals.insurer,
        co_pay: claim.totals.co_pay,
        self_pay: claim.totals.self_pay,
    };
    let visit_date = claim.admitted.date();
    let mut needs_review = false;
    let mut returned = false;

    // R13: arithmetic of each line and of the totals.
    for l in &claim.lines {
        let hospital = round2(l.quantity * l.unit_price_hospital);
        let covered = covered_amount(l);
        let parts = l.self_pay + l.co_pay + l.insurer + l.other_payers;
        let mut wrong = Vec::new();
        if differs(hospital, l.amount_hospital) {
            wrong.push(format!("THANH_TIEN_BV {} ≠ {hospital}", l.amount_hospital));
        }
        if differs(covered, l.amount_covered) {
            wrong.push(format!("THANH_TIEN_BH {} ≠ {covered}", l.amount_covered));
        }
        if differs(parts, l.amount_hospital) {
            wrong.push(format!(
                "T_BNTT + T_BNCCT + T_BHTT + T_NGUONKHAC = {parts} ≠ THANH_TIEN_BV {}",
                l.amount_hospital
            ));
        }
        if !wrong.is_empty() {
            returned = true;
            findings.push(Finding {
                rule: "R13",
                code: "R13.LINE",
                text_vi: format!("Sai số học dòng chi phí: {}", wrong.join("; ")),
                text_en: format!("Line arithmetic: {}", wrong.join("; ")),
                lines: vec![line_ref(l)],
                amount: Decimal::ZERO,
                basis: "QĐ 130/QĐ-BYT Bảng 2, Bảng 3",
            });
        }
    }
    let sum = |f: &dyn Fn(&CostLine) -> Decimal| claim.lines.iter().map(f).sum::<Decimal>();
    let drugs: Decimal = claim
        .lines
        .iter()
        .filter(|l| l.table == crate::claim::Table::Xml2)
        .map(|l| l.amount_hospital)
        .sum();
    let checks = [
        ("T_THUOC", claim.totals.drugs, drugs),
        (
            "T_TONGCHI_BV",
            claim.totals.hospital,
            sum(&|l| l.amount_hospital),
        ),
        (
            "T_TONGCHI_BH",
            claim.totals.covered,
            sum(&|l| l.amount_covered),
        ),
        ("T_BNTT", claim.totals.self_pay, sum(&|l| l.self_pay)),
        ("T_BNCCT", claim.totals.co_pay, sum(&|l| l.co_pay)),
        ("T_BHTT", claim.totals.insurer, sum(&|l| l.insurer)),
    ];
    for (field, total, lines) in checks {
        if differs(total, lines) {
            returned = true;
            findings.push(Finding {
                rule: "R13",
                code: "R13.TOTAL",
                text_vi: format!("{field} = {total} khác tổng các dòng {lines}"),
                text_en: format!("{field} = {total} differs from the sum of the lines {lines}"),
                lines: Vec::new(),
                amount: Decimal::ZERO,
                basis: "QĐ 130/QĐ-BYT Bảng 1",
            });
        }
    }

    // R02: card format and prefix.
    let card = match claim.cards.first().map(|c| health::parse_card(&c.code)) {
        Some(Ok(card)) => Some(card),
        Some(Err(e)) => {
            needs_review = true;
            findings.push(Finding {
                rule: "R02",
                code: "R02.FORMAT",
                text_vi: format!("Mã thẻ BHYT không đúng định dạng: {e}"),
                text_en: format!("Card code malformed: {e}"),
                lines: Vec::new(),
                amount: Decimal::ZERO,
                basis: "QĐ 1351/QĐ-BHXH; Law on Health Insurance Art. 16",
            });
            None
        }
        None => None,
    };

    // R12 and R01: lines outside the stay or outside the card's validity are rejected.
    let grace = if claim.inpatient() {
        health::inpatient_grace_days(params, visit_date).unwrap_or(0)
    } else {
        0
    };
    let visit_card = card_on(claim, visit_date, 0).is_some();
    let mut rejected_lines: Vec<usize> = Vec::new();
    let mut after_discharge = Vec::new();
    let mut out_of_card = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        let at = l.ordered.unwrap_or(claim.admitted);
        let mut time_wrong = at < claim.admitted || claim.discharged.is_some_and(|d| at > d);
        if let (Some(done), Some(result)) = (l.performed, l.result) {
            time_wrong |= result < done;
        }
        if time_wrong {
            after_discharge.push(i);
            rejected_lines.push(i);
            continue;
        }
        let covered = visit_card && card_on(claim, at.date(), grace).is_some();
        if !covered {
            out_of_card.push(i);
            rejected_lines.push(i);
        }
    }

    // R09 and R03: consultations capped, then the benefit level recomputed on the lines that
    // remain.
    let ratios = allowed_ratios(claim);
    let covered_total: Decimal = claim
        .lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !rejected_lines.contains(i))
        .map(|(i, l)| covered_at(l, ratios[i]))
        .sum();
    let mut explanation = Vec::new();
    let rate = card.as_ref().and_then(|card| {
        let facts = VisitFacts {
            card,
            category: &claim.category,
            inpatient: claim.inpatient(),
            date: visit_date,
            covered_total: covered_total.trunc().try_into().unwrap_or(i64::MAX),
            exempt_since: claim.exempt_since,
        };
        match health::benefit(params, &facts) {
            Ok(b) => {
                if let Some(doubt) = &b.card_doubt {
                    needs_review = true;
                    findings.push(Finding {
                        rule: "R02",
                        code: "R02.PREFIX",
                        text_vi: format!("Mã đối tượng và mức hưởng không khớp: {doubt}"),
                        text_en: format!("Group prefix and benefit digit disagree: {doubt}"),
                        lines: Vec::new(),
                        amount: Decimal::ZERO,
                        basis: "QĐ 1351/QĐ-BHXH",
                    });
                }
                explanation = b.explanation;
                Some(Decimal::new(b.rate.ppm(), 4))
            }
            Err(e) => {
                needs_review = true;
                findings.push(Finding {
                    rule: "R03",
                    code: "R03.CATEGORY",
                    text_vi: format!("Không xác định được mức hưởng: {e}"),
                    text_en: format!("No benefit level: {e}"),
                    lines: Vec::new(),
                    amount: Decimal::ZERO,
                    basis: "Law on Health Insurance Art. 22",
                });
                None
            }
        }
    });

    let mut assessed = Split::default();
    let mut reduced_by_rate = Decimal::ZERO;
    let mut wrong_rate_lines = Vec::new();
    let mut capped_lines = Vec::new();
    let mut reduced_by_cap = Decimal::ZERO;
    let mut rejected_amounts = (Decimal::ZERO, Decimal::ZERO);
    for (i, l) in claim.lines.iter().enumerate() {
        assessed.hospital += l.amount_hospital;
        if rejected_lines.contains(&i) || rate.is_none() {
            if rate.is_none() && !rejected_lines.contains(&i) {
                // Not decided by the machine: the claimed split stands for the reviewer.
                assessed.covered += l.amount_covered;
                assessed.insurer += l.insurer;
                assessed.co_pay += l.co_pay;
                assessed.self_pay += l.self_pay;
                continue;
            }
            assessed.self_pay += l.amount_hospital;
            if after_discharge.contains(&i) {
                rejected_amounts.0 += l.insurer;
            } else {
                rejected_amounts.1 += l.insurer;
            }
            continue;
        }
        let rate = rate.unwrap_or(Decimal::ONE_HUNDRED);
        let covered = covered_at(l, ratios[i]);
        let insurer = round2(covered * rate / Decimal::ONE_HUNDRED);
        assessed.covered += covered;
        assessed.insurer += insurer;
        assessed.co_pay += covered - insurer;
        assessed.self_pay += l.amount_hospital - covered;
        if ratios[i] < l.service_ratio {
            // What the capped ratio takes off, at the claimed benefit level; the rest is R03's.
            let at_claimed_rate = round2(covered * l.benefit_rate / Decimal::ONE_HUNDRED);
            capped_lines.push(line_ref(l));
            reduced_by_cap += l.insurer - at_claimed_rate;
            if l.benefit_rate != rate {
                wrong_rate_lines.push(line_ref(l));
                reduced_by_rate += at_claimed_rate - insurer;
            }
        } else if l.benefit_rate != rate || differs(l.insurer, insurer) {
            wrong_rate_lines.push(line_ref(l));
            reduced_by_rate += l.insurer - insurer;
        }
    }
    if !after_discharge.is_empty() {
        findings.push(Finding {
            rule: "R12",
            code: "R12.TIME",
            text_vi: "Chi phí ngoài thời gian điều trị (trước ngày vào, sau ngày ra viện, hoặc kết quả trước thực hiện)".into(),
            text_en: "Cost outside the stay (before admission, after discharge, or result before execution)".into(),
            lines: after_discharge.iter().map(|i| line_ref(&claim.lines[*i])).collect(),
            amount: rejected_amounts.0,
            basis: "QĐ 130/QĐ-BYT Bảng 1–3 (NGAY_VAO, NGAY_YL, NGAY_RA)",
        });
    }
    if !out_of_card.is_empty() {
        findings.push(Finding {
            rule: "R01",
            code: "R01.VALIDITY",
            text_vi: "Thẻ hết hạn hoặc chưa đến hạn sử dụng vào ngày chỉ định".into(),
            text_en: "Card expired or not yet valid on the date of the service".into(),
            lines: out_of_card.iter().map(|i| line_ref(&claim.lines[*i])).collect(),
            amount: rejected_amounts.1,
            basis: "Law on Health Insurance Art. 16.4.a; NĐ 146/2018 Art. 27.9; TT 12/2026/TT-BTC Art. 10.1.a",
        });
    }
    if !capped_lines.is_empty() {
        findings.push(Finding {
            rule: "R09",
            code: "R09.CONSULTATION",
            text_vi: "Vượt tỷ lệ thanh toán lần khám: lần 1 100%, lần 2–4 30%, lần 5 10%".into(),
            text_en: "Consultation ratio exceeded: 1st 100 %, 2nd–4th 30 %, 5th 10 %, none after"
                .into(),
            lines: capped_lines,
            amount: reduced_by_cap,
            basis: "QĐ 130/QĐ-BYT Bảng 3 (TYLE_TT_DV); TT 39/2024/TT-BYT",
        });
    }
    if !wrong_rate_lines.is_empty() {
        findings.push(Finding {
            rule: "R03",
            code: "R03.RATE",
            text_vi: format!("Sai mức hưởng: mức đúng {}%", rate.unwrap_or_default()),
            text_en: format!("Wrong benefit level: the right one is {}%", rate.unwrap_or_default()),
            lines: wrong_rate_lines,
            amount: reduced_by_rate,
            basis: "Law on Health Insurance Art. 22; NĐ 146/2018 Art. 14; TT 12/2026/TT-BTC Art. 10.1.b",
        });
    }
    let decision = if returned {
        Decision::Rejected
    } else if needs_review {
        Decision::NeedsReview
    } else if assessed.insurer.is_zero() && !claimed.insurer.is_zero() {
        Decision::Rejected
    } else if differs(assessed.insurer, claimed.insurer) || !findings.is_empty() {
        Decision::Adjusted
    } else {
        Decision::Accepted
    };
    if returned {
        // Returned to the facility for correction: nothing is payable until it is re-sent.
        assessed = Split {
            hospital: claimed.hospital,
            ..Split::default()
        };
    }
    Assessment {
        key: claim.key.clone(),
        facility: claim.facility.clone(),
        decision,
        rejected: claimed.insurer - assessed.insurer,
        claimed,
        assessed,
        benefit_rate: rate,
        findings,
        explanation,
    }
}
