//! The automated assessment (giám định tự động) of one visit: the routine checks of
//! TT 12/2026/TT-BTC Art. 10.1 that need no reference list — card validity (R01), card format
//! (R02), benefit level (R03), time logic (R12) and arithmetic (R13) — each outcome with its rule,
//! reason code, Vietnamese and English text, the lines affected, the amount and the legal basis.
//! What cannot be decided by the machine goes to a human (needs review).

use crate::claim::{Claim, CostLine};
use crate::decimal::{Amount, Percent, Price, Quantity, Rate};
use crate::reference::Reference;
use ansinh_core::Date;
use ansinh_rules::Params;
use ansinh_rules::explanation::Line;
use ansinh_rules::health::{self, VisitFacts};
use serde::Serialize;

/// Amounts compared with a tolerance of one đồng: checkers of the standard accept ±1 on totals
/// (the rounding mode of QĐ 130 is not stated).
const TOLERANCE: Amount = Amount::whole(1);

fn differs(a: Amount, b: Amount) -> bool {
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
    pub amount: Amount,
    pub basis: &'static str,
}

/// The split of a visit's cost.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Split {
    pub hospital: Amount,
    pub covered: Amount,
    pub insurer: Amount,
    pub co_pay: Amount,
    pub self_pay: Amount,
    /// Price charged above the approved price (rule R05): not paid by the fund; whether the
    /// facility may bill it to the patient is not settled (UNCONFIRMED), so it is not self-pay.
    pub price_excess: Amount,
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
    pub rejected: Amount,
    /// MUC_HUONG found, in percent.
    pub benefit_rate: Option<Rate>,
    /// The card of the visit and the day it began: what the yearly co-payment cap is kept by.
    /// (A boxed text: a file's million results are kept in memory, each in 256 bytes.)
    pub card: Option<Box<str>>,
    pub visit_date: Date,
    /// Whether the visit's co-payment counts towards the yearly cap (within the network).
    pub copay_counts: bool,
    /// The yearly co-payment cap, when the holder has 5 consecutive years (see
    /// [`apply_copay_cap`]).
    pub copay_cap: Option<Amount>,
    pub findings: Vec<Finding>,
    /// What the facility should correct that moves no amount (missing or malformed fields):
    /// the decision does not depend on them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Finding>,
    pub explanation: Vec<Line>,
    /// Each cost line as claimed and as assessed, with the findings naming it: kept with the
    /// explanation (for the visit's page), not for a summary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineOutcome>,
}

/// One cost line of a visit as assessed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineOutcome {
    /// `XML2#1`, `XML3#2`.
    pub line: String,
    pub code: String,
    /// TEN_THUOC, TEN_DICH_VU or TEN_VAT_TU, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub group: u32,
    pub quantity: Quantity,
    pub unit_price: Price,
    pub hospital: Amount,
    pub claimed_insurer: Amount,
    /// The fund's share of this line as assessed (before the yearly co-payment cap, which is
    /// applied to the visit's totals).
    pub assessed_insurer: Amount,
    pub ordered: Option<String>,
    /// The codes of the findings and notes naming this line.
    pub findings: Vec<&'static str>,
}

/// THANH_TIEN_BH of a line: quantity × insured price × service ratio × payment ratio, rounded;
/// nothing for an item outside the scope (PHAM_VI 2). QĐ 130/QĐ-BYT Bảng 2–3, §5.5.
fn covered_amount(l: &CostLine) -> Amount {
    covered_at(l, l.service_ratio, l.unit_price_insured)
}

/// THANH_TIEN_BH of a line at a given service ratio (TYLE_TT_DV) and insured unit price.
fn covered_at(l: &CostLine, service_ratio: Percent, price: Price) -> Amount {
    if l.scope == 2 {
        return Amount::ZERO;
    }
    // Places: quantity 3, price 3, each ratio 2 and a percent 2 more.
    Amount::of_product(
        &[
            l.quantity.units(),
            price.units(),
            service_ratio.units(),
            l.payment_ratio.units(),
        ],
        3 + 3 + 4 + 4,
    )
}

/// Cost group of consultations (MA_NHOM 13, QĐ 5937 PL3 as implementations use it).
const CONSULTATION_GROUP: u32 = 13;

/// The service ratio each consultation of one visit may claim, in the order given: 100 % for the
/// first, 30 % for the second to fourth, 10 % for the fifth, nothing after (QĐ 130/QĐ-BYT Bảng 3
/// TYLE_TT_DV; TT 39/2024/TT-BYT), consultations ranked by order time, then by the ratio claimed
/// (higher first), then by number. Other lines keep their own ratio.
fn allowed_ratios(claim: &Claim) -> Vec<Percent> {
    let mut order: Vec<usize> = (0..claim.lines.len())
        .filter(|i| {
            let l = &claim.lines[*i];
            l.table == crate::claim::Table::Xml3 && l.group == CONSULTATION_GROUP
        })
        .collect();
    // Lines ordered at the same minute: the one the facility claimed at the higher ratio is
    // the earlier consultation (a line billed at 30 % does not take the 100 % place), then
    // their number.
    order.sort_by_key(|i| {
        let l = &claim.lines[*i];
        (l.ordered, std::cmp::Reverse(l.service_ratio), l.number)
    });
    let mut allowed: Vec<Percent> = claim.lines.iter().map(|l| l.service_ratio).collect();
    for (k, i) in order.into_iter().enumerate() {
        let cap = match k {
            0 => 100,
            1..=3 => 30,
            4 => 10,
            _ => 0,
        };
        allowed[i] = allowed[i].min(Percent::whole(cap));
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
/// Without `explain`, the explanation stays empty (decisions, amounts and findings are the same).
pub fn assess_visit(
    params: &Params,
    reference: Option<&Reference>,
    claim: &Claim,
    explain: bool,
) -> Assessment {
    let mut findings = Vec::new();
    let claimed = Split {
        hospital: claim.totals.hospital,
        covered: claim.totals.covered,
        insurer: claim.totals.insurer,
        co_pay: claim.totals.co_pay,
        self_pay: claim.totals.self_pay,
        price_excess: Amount::ZERO,
    };
    let visit_date = claim.admitted.date();
    let mut needs_review = false;
    let mut returned = false;

    // R13: arithmetic of each line and of the totals. Each line's covered amount at its claimed
    // ratio and price is kept: the later steps mostly need the same one.
    let mut claimed_covered = Vec::with_capacity(claim.lines.len());
    for l in &claim.lines {
        let hospital = Amount::of_product(&[l.quantity.units(), l.unit_price_hospital.units()], 6);
        let covered = covered_amount(l);
        claimed_covered.push(covered);
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
        // Values no line can have (issue 18, 6): ratios outside 0–100 %, negative quantities,
        // prices or amounts, an insured amount above the hospital's.
        for (field, ratio) in [
            ("TYLE_TT_DV", l.service_ratio),
            ("TYLE_TT_BH", l.payment_ratio),
            ("MUC_HUONG", l.benefit_rate),
        ] {
            if ratio < Percent::ZERO || ratio > Percent::HUNDRED {
                wrong.push(format!("{field} {ratio} is outside 0–100"));
            }
        }
        if l.quantity < Quantity::ZERO {
            wrong.push(format!("SO_LUONG {} is negative", l.quantity));
        }
        if l.unit_price_hospital < Price::ZERO || l.unit_price_insured < Price::ZERO {
            wrong.push("a unit price is negative".to_string());
        }
        for (field, a) in [
            ("THANH_TIEN_BV", l.amount_hospital),
            ("THANH_TIEN_BH", l.amount_covered),
            ("T_BNTT", l.self_pay),
            ("T_BNCCT", l.co_pay),
            ("T_BHTT", l.insurer),
            ("T_NGUONKHAC", l.other_payers),
        ] {
            if a < Amount::ZERO {
                wrong.push(format!("{field} {a} is negative"));
            }
        }
        if l.amount_covered > l.amount_hospital {
            wrong.push(format!(
                "THANH_TIEN_BH {} is above THANH_TIEN_BV {}",
                l.amount_covered, l.amount_hospital
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
                amount: Amount::ZERO,
                basis: "QĐ 130/QĐ-BYT Bảng 2, Bảng 3",
            });
        }
    }
    let sum = |f: &dyn Fn(&CostLine) -> Amount| claim.lines.iter().map(f).sum::<Amount>();
    let drugs: Amount = claim
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
        // Catalogue C143, C146, C149: supplies, other payers, and the four payers' sum.
        (
            "T_VTYT",
            claim.totals.supplies,
            sum(&|l| {
                if l.table == crate::claim::Table::Xml3
                    && matches!(
                        l.group,
                        crate::checks::group::SUPPLY | crate::checks::group::SUPPLY_RATIO
                    )
                {
                    l.amount_hospital
                } else {
                    Amount::ZERO
                }
            }),
        ),
        (
            "T_NGUONKHAC",
            claim.totals.other_payers,
            sum(&|l| l.other_payers),
        ),
        (
            "T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC",
            claim.totals.insurer
                + claim.totals.co_pay
                + claim.totals.self_pay
                + claim.totals.other_payers,
            claim.totals.hospital,
        ),
    ];
    // C148: the fund's share of the lines paid per service (MA_PTTT 1), when sent; cards of the
    // armed forces and police are paid apart and do not count in it.
    let global = claim
        .patient
        .fund_global
        .filter(|_| !claim.armed_forces_card());
    let global_lines: Amount = claim
        .lines
        .iter()
        .filter(|l| {
            l.detail
                .as_ref()
                .is_none_or(|d| d.payment_method().is_none_or(|m| m == "1"))
        })
        .map(|l| l.insurer)
        .sum();
    let global_check = global.map(|g| ("T_BHTT_GDV", g, global_lines));
    for (field, total, lines) in checks.into_iter().chain(global_check) {
        if differs(total, lines) {
            returned = true;
            findings.push(Finding {
                rule: "R13",
                code: "R13.TOTAL",
                text_vi: format!("{field} = {total} khác tổng các dòng {lines}"),
                text_en: format!("{field} = {total} differs from the sum of the lines {lines}"),
                lines: Vec::new(),
                amount: Amount::ZERO,
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
                amount: Amount::ZERO,
                basis: "QĐ 1351/QĐ-BHXH; Law on Health Insurance Art. 16",
            });
            None
        }
        None => None,
    };

    // R04: a facility that is not under contract on the day of the visit is not paid without
    // a human (the list is checked only when one is loaded).
    if let Some(r) = reference.filter(|r| r.has_facilities())
        && r.facility_level(&claim.facility, visit_date).is_none()
    {
        needs_review = true;
        findings.push(Finding {
            rule: "R04",
            code: "R04.FACILITY",
            text_vi: format!(
                "Cơ sở {} không có trong danh sách cơ sở ký hợp đồng KCB BHYT ngày {visit_date}",
                claim.facility
            ),
            text_en: format!(
                "Facility {} is not under contract with the fund on {visit_date}",
                claim.facility
            ),
            lines: Vec::new(),
            amount: Amount::ZERO,
            basis: "Law on Health Insurance Art. 24, 25; TT 12/2026/TT-BTC Art. 10.1",
        });
    }

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
    let mut out_of_list = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        let at = claim.ordered_at(l);
        let mut time_wrong = at < claim.admitted || claim.discharged.is_some_and(|d| at > d);
        if let (Some(done), Some(result)) = (l.performed, l.result) {
            time_wrong |= result < done;
        }
        if time_wrong {
            after_discharge.push(i);
            rejected_lines.push(i);
            continue;
        }
        // Decided per line at its order time (catalogue C003): a card that starts during the
        // visit covers the lines ordered from its first day; the inpatient grace after a
        // card's end only for a stay that began with a valid card.
        let covered = card_on(claim, at.date(), 0).is_some()
            || (visit_card && card_on(claim, at.date(), grace).is_some());
        if !covered {
            out_of_card.push(i);
            rejected_lines.push(i);
            continue;
        }
        // R06: a drug claimed in scope but absent from the covered list.
        if let Some(r) = reference
            && l.table == crate::claim::Table::Xml2
            && l.scope == 1
            && !r.drug_covered(&l.code, at.date())
        {
            out_of_list.push(i);
            rejected_lines.push(i);
        }
    }
    // The checks of the record (R04, R07–R09, R11, R12, R14, R15, completeness): their
    // rejected lines join the others, each line counted for the first rule that rejected it.
    let extra = crate::checks::visit(params, reference, claim);
    let mut extra_rejected: Vec<(usize, usize)> = Vec::new();
    let mut extra_findings = Vec::with_capacity(extra.reject.len());
    for (k, (finding, lines)) in extra.reject.into_iter().enumerate() {
        let mut finding = finding;
        let mut kept = Vec::with_capacity(lines.len());
        for i in lines {
            if !rejected_lines.contains(&i) {
                rejected_lines.push(i);
                extra_rejected.push((i, k));
                kept.push(i);
            }
        }
        finding.lines = kept.iter().map(|i| line_ref(&claim.lines[*i])).collect();
        extra_findings.push(finding);
    }
    if !extra.review.is_empty() {
        needs_review = true;
        findings.extend(extra.review);
    }
    let mut notes = extra.notes;
    let catalogue_prices = extra.catalogue_prices;
    // R05: drugs and services paid at most at their approved price (catalogue C040–C042).
    // One look-up a line serves both: a technical service with no approved price of the
    // facility on the day goes to a human (R06.SERVICE, catalogue C052).
    let priced = reference.is_some_and(|r| r.has_prices());
    let mut unpriced = Vec::new();
    let mut below = Vec::new();
    let prices: Vec<Price> = claim
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let date = claim.ordered_at(l).date();
            // The approved list's price and the facility's catalogue's, the lower of the two.
            let approved = match (
                reference.and_then(|r| r.price(&l.code, date)),
                catalogue_prices
                    .iter()
                    .find(|(at, _)| *at == i)
                    .map(|(_, p)| *p),
            ) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match approved {
                Some(approved) => {
                    // C043: a price under the approved one by more than half a đồng is the
                    // facility's to correct; the fund pays what it claimed.
                    if l.unit_price_insured.units().saturating_add(500) < approved.units() {
                        below.push(line_ref(l));
                    }
                    l.unit_price_insured.min(approved)
                }
                None => {
                    let service = l.table == crate::claim::Table::Xml3
                        && !matches!(
                            l.group,
                            crate::checks::group::SUPPLY | crate::checks::group::SUPPLY_RATIO
                        );
                    if priced && service {
                        unpriced.push(line_ref(l));
                    }
                    l.unit_price_insured
                }
            }
        })
        .collect();
    if !below.is_empty() {
        notes.push(Finding {
            rule: "S",
            code: "S.PRICE_BELOW",
            text_vi: "Đơn giá thấp hơn giá được duyệt (quá 0,5 đồng): cơ sở kiểm tra lại".into(),
            text_en: "A unit price below the approved price by more than 0.5 đồng: for the facility to check".into(),
            lines: below,
            amount: Amount::ZERO,
            basis: "TT 12/2026/TT-BTC Art. 10.1.d; QĐ 130/QĐ-BYT Bảng 2–3 (DON_GIA, DON_GIA_BH)",
        });
    }
    if !unpriced.is_empty() {
        needs_review = true;
        findings.push(Finding {
            rule: "R06",
            code: "R06.SERVICE",
            text_vi: "Dịch vụ kỹ thuật không có giá được duyệt của cơ sở vào ngày chỉ định".into(),
            text_en: "A technical service with no approved price of the facility on the day".into(),
            lines: unpriced,
            amount: Amount::ZERO,
            basis: "TT 39/2018/TT-BYT as amended; TT 12/2026/TT-BTC Art. 10.1.c",
        });
    }

    // R09 and R03: consultations capped, then the benefit level recomputed on the lines that
    // remain.
    let ratios = allowed_ratios(claim);
    // THANH_TIEN_BH of line `i` at a ratio and price: the claimed one when they are the claimed.
    let covered_of = |i: usize, ratio: Percent, price: Price| {
        let l = &claim.lines[i];
        if ratio == l.service_ratio && price == l.unit_price_insured {
            claimed_covered[i]
        } else {
            covered_at(l, ratio, price)
        }
    };
    let covered_total: Amount = claim
        .lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !rejected_lines.contains(i))
        .map(|(i, _)| covered_of(i, ratios[i], prices[i]))
        .sum();
    let mut explanation = Vec::new();
    let rate = card.as_ref().and_then(|card| {
        let facts = VisitFacts {
            card,
            category: &claim.category,
            inpatient: claim.inpatient(),
            date: visit_date,
            covered_total: covered_total.trunc(),
            exempt_since: claim.exempt_since,
        };
        let found = if explain {
            health::benefit(params, &facts)
        } else {
            health::benefit_level(params, &facts)
        };
        match found {
            Ok(b) => {
                if let Some(doubt) = &b.card_doubt {
                    needs_review = true;
                    findings.push(Finding {
                        rule: "R02",
                        code: "R02.PREFIX",
                        text_vi: format!("Mã đối tượng và mức hưởng không khớp: {doubt}"),
                        text_en: format!("Group prefix and benefit digit disagree: {doubt}"),
                        lines: Vec::new(),
                        amount: Amount::ZERO,
                        basis: "QĐ 1351/QĐ-BHXH",
                    });
                }
                explanation = b.explanation;
                Some(Rate::from_units(b.rate.ppm()))
            }
            Err(e) => {
                needs_review = true;
                findings.push(Finding {
                    rule: "R03",
                    code: "R03.CATEGORY",
                    text_vi: format!("Không xác định được mức hưởng: {e}"),
                    text_en: format!("No benefit level: {e}"),
                    lines: Vec::new(),
                    amount: Amount::ZERO,
                    basis: "Law on Health Insurance Art. 22",
                });
                None
            }
        }
    });

    // A stay under several cards (`;`-separated): a line ordered while a later card is valid
    // takes that card's level (a second card of a higher level from a day inside the stay).
    let later_rates: Vec<Option<Rate>> = if rate.is_some() && claim.cards.len() > 1 {
        claim.cards[1..]
            .iter()
            .map(|c| {
                let code = health::parse_card(&c.code).ok()?;
                let facts = VisitFacts {
                    card: &code,
                    category: &claim.category,
                    inpatient: claim.inpatient(),
                    date: c.valid_from.max(visit_date),
                    covered_total: covered_total.trunc(),
                    exempt_since: claim.exempt_since,
                };
                health::benefit_level(params, &facts)
                    .ok()
                    .map(|b| Rate::from_units(b.rate.ppm()))
            })
            .collect()
    } else {
        Vec::new()
    };
    let rate_of_line = |l: &CostLine| -> Option<Rate> {
        if later_rates.is_empty() {
            return rate;
        }
        let at = claim.ordered_at(l).date();
        let under = claim
            .cards
            .iter()
            .position(|c| c.valid_from <= at && c.valid_to.is_none_or(|to| at <= to));
        match under {
            Some(k) if k > 0 => later_rates[k - 1].or(rate),
            _ => rate,
        }
    };

    let mut assessed = Split::default();
    let mut reduced_by_rate = Amount::ZERO;
    let mut wrong_rate_lines = Vec::new();
    let mut capped_lines = Vec::new();
    let mut reduced_by_cap = Amount::ZERO;
    let mut rejected_amounts = (Amount::ZERO, Amount::ZERO, Amount::ZERO);
    let mut priced_lines = Vec::new();
    let mut reduced_by_price = Amount::ZERO;
    let mut ceilinged = Vec::new();
    let mut reduced_by_ceiling = Amount::ZERO;
    let mut line_insurer: Vec<Amount> = if explain {
        claim.lines.iter().map(|l| l.insurer).collect()
    } else {
        Vec::new()
    };
    for (i, l) in claim.lines.iter().enumerate() {
        assessed.hospital += l.amount_hospital;
        if rejected_lines.contains(&i) || rate.is_none() {
            if let Some(x) = line_insurer.get_mut(i)
                && rejected_lines.contains(&i)
            {
                *x = Amount::ZERO;
            }
            if rate.is_none() && !rejected_lines.contains(&i) {
                // Not decided by the machine: the claimed split stands for the reviewer.
                assessed.covered += l.amount_covered;
                assessed.insurer += l.insurer;
                assessed.co_pay += l.co_pay;
                assessed.self_pay += l.self_pay;
                continue;
            }
            assessed.self_pay += l.amount_hospital;
            if let Some((_, k)) = extra_rejected.iter().find(|(j, _)| *j == i) {
                extra_findings[*k].amount += l.insurer;
            } else if after_discharge.contains(&i) {
                rejected_amounts.0 += l.insurer;
            } else if out_of_list.contains(&i) {
                rejected_amounts.2 += l.insurer;
            } else {
                rejected_amounts.1 += l.insurer;
            }
            continue;
        }
        let rate = rate_of_line(l).unwrap_or(Rate::HUNDRED);
        let covered = covered_of(i, ratios[i], prices[i]);
        // Places: amount 2, rate 4 and a percent 2 more.
        let mut insurer = Amount::of_product(&[covered.units(), rate.units()], 2 + 6);
        // A supply with a ceiling (T_TRANTT) is paid by the fund up to it (catalogue C044;
        // TT 04/2017/TT-BYT Art. 3); the rest is the patient's co-payment.
        if let Some(ceiling) = l.detail.as_ref().and_then(|d| d.ceiling)
            && ceiling >= Amount::ZERO
            && insurer > ceiling
        {
            ceilinged.push(line_ref(l));
            reduced_by_ceiling += l.insurer.min(insurer) - ceiling.min(l.insurer);
            insurer = ceiling;
        }
        let excess = Amount::of_product(
            &[
                l.quantity.units(),
                (l.unit_price_insured - prices[i]).units(),
            ],
            6,
        );
        if let Some(x) = line_insurer.get_mut(i) {
            *x = insurer;
        }
        assessed.covered += covered;
        assessed.insurer += insurer;
        assessed.co_pay += covered - insurer;
        assessed.price_excess += excess;
        assessed.self_pay += l.amount_hospital - covered - excess;
        // What each rule takes off, step by step at the claimed benefit level, then R03's part.
        // (Only for a line that R09 or R05 reduced, most having neither.)
        let (ratio_cut, price_cut) = (
            ratios[i] < l.service_ratio,
            prices[i] < l.unit_price_insured,
        );
        let capped = ratio_cut || price_cut;
        let at_claimed =
            |c: Amount| Amount::of_product(&[c.units(), l.benefit_rate.units()], 2 + 4);
        let (after_ratio, after_price) = if capped {
            (
                at_claimed(covered_of(i, ratios[i], l.unit_price_insured)),
                at_claimed(covered),
            )
        } else {
            (l.insurer, l.insurer)
        };
        if ratio_cut {
            capped_lines.push(line_ref(l));
            reduced_by_cap += l.insurer - after_ratio;
        }
        if price_cut {
            priced_lines.push(line_ref(l));
            reduced_by_price += after_ratio - after_price;
        }
        let claimed_here = if capped { after_price } else { l.insurer };
        if l.benefit_rate.widen::<4>() != rate || differs(claimed_here, insurer) {
            wrong_rate_lines.push(line_ref(l));
            reduced_by_rate += claimed_here - insurer;
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
    if !out_of_list.is_empty() {
        findings.push(Finding {
            rule: "R06",
            code: "R06.LIST",
            text_vi: "Thuốc không thuộc danh mục thuốc được quỹ BHYT thanh toán (S.004.351)".into(),
            text_en: "Drug outside the covered list (S.004.351)".into(),
            lines: out_of_list
                .iter()
                .map(|i| line_ref(&claim.lines[*i]))
                .collect(),
            amount: rejected_amounts.2,
            basis: "TT 20/2022/TT-BYT; TT 12/2026/TT-BTC Art. 10.1.c",
        });
    }
    if !priced_lines.is_empty() {
        findings.push(Finding {
            rule: "R05",
            code: "R05.PRICE",
            text_vi: "Giá cao hơn giá được duyệt: thanh toán theo giá được duyệt".into(),
            text_en: "Price above the approved price: paid at the approved price".into(),
            lines: priced_lines,
            amount: reduced_by_price,
            basis: "TT 12/2026/TT-BTC Art. 10.1.d",
        });
    }
    if !ceilinged.is_empty() {
        findings.push(Finding {
            rule: "R05",
            code: "R05.CEILING",
            text_vi: "Vật tư vượt mức thanh toán tối đa (T_TRANTT): quỹ trả đến mức tối đa".into(),
            text_en: "Supply above its payment ceiling (T_TRANTT): the fund pays up to it".into(),
            lines: ceilinged,
            amount: reduced_by_ceiling,
            basis: "QĐ 130/QĐ-BYT Bảng 3 (T_TRANTT); TT 04/2017/TT-BYT Art. 3",
        });
    }
    findings.extend(extra_findings);
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
            text_vi: format!("Sai mức hưởng: mức đúng {}%", rate.unwrap_or_default().trimmed()),
            text_en: format!(
                "Wrong benefit level: the right one is {}%",
                rate.unwrap_or_default().trimmed()
            ),
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
    let copay_cap = match rate {
        Some(_) if !returned => {
            let (category, five_years) = (&claim.category, claim.five_years_since);
            if explain {
                match health::copay_cap(params, category, visit_date, five_years) {
                    Ok(Some((threshold, line))) => {
                        explanation.push(line);
                        Some(Amount::whole(threshold.get()))
                    }
                    _ => None,
                }
            } else {
                health::copay_cap_level(params, category, visit_date, five_years)
                    .ok()
                    .flatten()
                    .map(|threshold| Amount::whole(threshold.get()))
            }
        }
        _ => None,
    };
    // Most visits have no finding, some one: the room a vector grows by would be kept with
    // the result.
    findings.shrink_to_fit();
    let lines = if explain {
        claim
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let line = line_ref(l);
                let named = findings
                    .iter()
                    .chain(notes.iter())
                    .filter(|f| f.lines.contains(&line))
                    .map(|f| f.code)
                    .collect();
                LineOutcome {
                    code: l.code.clone(),
                    name: l.detail.as_ref().and_then(|d| d.name()).map(str::to_string),
                    group: l.group,
                    quantity: l.quantity,
                    unit_price: l.unit_price_insured,
                    hospital: l.amount_hospital,
                    claimed_insurer: l.insurer,
                    assessed_insurer: if returned {
                        Amount::ZERO
                    } else {
                        line_insurer.get(i).copied().unwrap_or(l.insurer)
                    },
                    ordered: l.ordered.map(|t| t.strftime("%Y-%m-%d %H:%M").to_string()),
                    findings: named,
                    line,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Assessment {
        key: claim.key.clone(),
        facility: claim.facility.clone(),
        decision,
        rejected: claimed.insurer - assessed.insurer,
        claimed,
        assessed,
        benefit_rate: rate,
        card: claim.cards.first().map(|c| c.code.as_str().into()),
        visit_date,
        copay_counts: health::copay_counts(params, &claim.category, visit_date),
        copay_cap,
        findings,
        notes,
        explanation,
        lines,
    }
}

/// Applies the yearly co-payment cap to a visit, given the co-payments the holder already paid
/// in the year within the network (`prior`): the visit's co-payment stops at what is left under
/// the cap and the fund pays the rest (Law on Health Insurance Art. 22.1.c; NĐ 146/2018
/// Art. 14.1.đ). How a visit crossing the cap is split across its lines is UNCONFIRMED: the
/// visit's totals are adjusted, not its lines.
pub fn apply_copay_cap(a: &mut Assessment, prior: Amount) {
    let Some(cap) = a.copay_cap else { return };
    let room = (cap - prior).max(Amount::ZERO);
    if a.assessed.co_pay <= room || a.decision == Decision::Rejected {
        return;
    }
    let shifted = a.assessed.co_pay - room;
    a.assessed.co_pay = room;
    a.assessed.insurer += shifted;
    a.rejected = a.claimed.insurer - a.assessed.insurer;
    a.findings.push(Finding {
        rule: "R03",
        code: "R03.COPAY_CAP",
        text_vi: format!(
            "Miễn cùng chi trả: đã cùng chi trả {prior} trong năm, trần {cap}; quỹ trả thêm {shifted}"
        ),
        text_en: format!(
            "Co-payment exemption: {prior} co-paid this year, cap {cap}; the fund pays {shifted} more"
        ),
        lines: Vec::new(),
        amount: -shifted,
        basis: "Law on Health Insurance Art. 22.1.c; NĐ 146/2018 Art. 14.1.đ",
    });
    if a.decision == Decision::Accepted {
        a.decision = Decision::Adjusted;
    }
}
