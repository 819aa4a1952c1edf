//! Health insurance (bảo hiểm y tế, BHYT): the card code (mã thẻ BHYT) and the benefit level
//! (mức hưởng) the fund pays on a visit.
//!
//! The claims themselves (the XML of QĐ 130/QĐ-BYT, line arithmetic, cross-claim checks) live in
//! the `ansinh-claims` crate; this module holds what is law: which share of the covered scope
//! the fund pays, from the card, the visit category and the date.

use crate::explanation::Line;
use crate::params::{Concept, Params};
use ansinh_core::{Date, Rate};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Parameters of the benefit level (see `rules/vn/health_benefit.toml`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthBenefit {
    /// Benefit digit ("1"–"5") → share of the covered scope.
    pub digit_rates: BTreeMap<String, Rate>,
    /// Participant-group prefix → benefit digit.
    pub group_digits: BTreeMap<String, u8>,
    /// A visit whose covered total is below this share of the reference level is paid in full.
    pub small_claim_share: Rate,
    /// Days an inpatient stay is still paid after the card expires.
    pub inpatient_grace_days: i64,
    /// A stay within one day bills one bed day from this many hours (TT 39/2018/TT-BYT Art. 6
    /// as amended by TT 22/2023/TT-BYT).
    pub bed_day_min_hours: i64,
    /// A facility whose cost per visit of a kind is above the reference average by more than
    /// this share is flagged (TT 12/2026/TT-BTC Art. 13; the share is UNCONFIRMED).
    pub cost_average_alert: Rate,
    /// Physiotherapy (phục hồi chức năng) techniques: the service codes' prefix and how many
    /// are paid a day (TT 35/2016/TT-BYT as amended by TT 39/2024/TT-BYT; UNCONFIRMED).
    pub physiotherapy_prefix: String,
    pub physiotherapy_per_day: u32,
    /// Co-payments of a calendar year above this many months of the reference level are not
    /// due once the holder has 5 consecutive years (the co-payment exemption).
    pub copay_cap_months: i64,
    /// Visit categories paid at 100 % of the covered scope whatever the card (primary level).
    pub primary_full: Vec<String>,
    /// Visit category (MA_DOITUONG_KCB) → [inpatient, outpatient] ratio of the card rate.
    pub network: BTreeMap<String, [Rate; 2]>,
    /// Visit categories that are self-referred out of network (no small-claim or exemption
    /// at 100 %; the ratio applies).
    pub out_of_network: Vec<String>,
}

/// Thresholds of the assessment of claim files (see `rules/vn/claims_assessment.toml`): the
/// times and counts the assessor applies where the law gives one or leaves it to him.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsAssessment {
    /// A consultation shorter than this many minutes is read by a human.
    pub exam_min_minutes: i64,
    /// Two consultations of a visit begun less than this many minutes apart.
    pub exam_gap_minutes: i64,
    /// More than this many services ordered within `burst_minutes`, or in an outpatient visit.
    pub burst_services: usize,
    pub burst_minutes: i64,
    /// Hours after a visit's end by which its data is sent (TT 48/2017/TT-BYT Art. 6–7).
    pub submission_hours: i64,
    /// The days one pregnancy-rest certificate (XML10) may give.
    pub pregnancy_rest_max_days: i64,
    /// A drug dispensed above its dose × days by more than this share.
    pub dose_tolerance: Rate,
    /// The days an outpatient prescription may give (TT 26/2025/TT-BYT; longer for the chronic
    /// diseases of its list, not encoded).
    pub prescription_max_days: i64,
}

impl Concept for ClaimsAssessment {}

/// The thresholds of the assessment of claim files in force on `date` (QĐ 130/QĐ-BYT as
/// amended; TT 48/2017/TT-BYT Art. 6–7 for the sending time; the others as checkers apply them,
/// UNCONFIRMED).
pub fn claims_assessment(
    params: &Params,
    date: Date,
) -> Result<&ClaimsAssessment, crate::params::MissingParam> {
    Ok(&params.claims_assessment.at(date)?.value)
}

impl Concept for HealthBenefit {
    fn check(&self) -> Result<(), (String, String)> {
        for d in ["1", "2", "3", "4", "5"] {
            if !self.digit_rates.contains_key(d) {
                return Err((
                    "digit_rates".into(),
                    format!("no rate for benefit digit {d}"),
                ));
            }
        }
        if let Some((g, d)) = self
            .group_digits
            .iter()
            .find(|(_, d)| !(1..=5).contains(*d))
        {
            return Err((
                "group_digits".into(),
                format!("group {g}: benefit digit {d} is not 1–5"),
            ));
        }
        Ok(())
    }
}

/// A health-insurance card code, checked for shape: 2 letters of participant group, the benefit
/// digit 1–5, 2 digits of province, 10 digits of social insurance number (QĐ 1351/QĐ-BHXH;
/// TT 30/2020 Art. 10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardCode {
    pub group: String,
    pub digit: u8,
    pub province: String,
    pub sin: String,
}

/// Why a card code is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error(
        "`{0}` is not 15 characters: 2 letters, benefit digit 1–5, 2-digit province, 10-digit number"
    )]
    Shape(String),
}

/// Reads a 15-character card code (rule R02 of the claims assessment: card format).
/// Implements the card structure of QĐ 1351/QĐ-BHXH and Law on Health Insurance Art. 16.
pub fn parse_card(code: &str) -> Result<CardCode, CardError> {
    let c = code.trim();
    let b = c.as_bytes();
    let ok = b.len() == 15
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && (b'1'..=b'5').contains(&b[2])
        && b[3..].iter().all(u8::is_ascii_digit);
    if !ok {
        return Err(CardError::Shape(c.to_string()));
    }
    Ok(CardCode {
        group: c[..2].to_string(),
        digit: b[2] - b'0',
        province: c[3..5].to_string(),
        sin: c[5..].to_string(),
    })
}

/// What is known about a visit for its benefit level.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitFacts<'a> {
    pub card: &'a CardCode,
    /// MA_DOITUONG_KCB.
    pub category: &'a str,
    pub inpatient: bool,
    pub date: Date,
    /// Covered total of the visit (T_TONGCHI_BH), in đồng (fractions of a đồng do not change
    /// the comparison with the threshold, a whole number of đồng).
    pub covered_total: i64,
    /// The co-payment exemption certificate applies from this date (NGAY_MIEN_CCT).
    pub exempt_since: Option<Date>,
}

/// The benefit level of a visit, with how it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Benefit {
    /// MUC_HUONG: share of each covered line the fund pays.
    pub rate: Rate,
    /// The card's digit as the law reads it on the visit date (CN and LH changed in 2026).
    pub digit: u8,
    /// The prefix disagrees with the printed digit, or is unknown: a human checks the card.
    pub card_doubt: Option<String>,
    /// How the level was found; empty from [`benefit_level`].
    pub explanation: Vec<Line>,
}

/// Why no benefit level can be given.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BenefitError {
    #[error(transparent)]
    Param(#[from] crate::params::MissingParam),
    #[error("visit category MA_DOITUONG_KCB `{0}` is not known")]
    Category(String),
}

/// The benefit level (mức hưởng, MUC_HUONG) of a visit: the card rate (Law on Health Insurance
/// Art. 22.1), 100 % at primary level (Art. 22.1.c), 100 % for a small claim below 15 % of the
/// reference level or under a co-payment exemption (NĐ 146/2018 Art. 14.1.d–đ), each times the
/// network ratio of a self-referred visit (Art. 22.4–5; NĐ 188/2025 Art. 19).
pub fn benefit(params: &Params, v: &VisitFacts) -> Result<Benefit, BenefitError> {
    benefit_with(params, v, true)
}

/// The benefit level as [`benefit`] finds it (Law on Health Insurance Art. 22; NĐ 146/2018
/// Art. 14), without the explanation: for a reader that shows only decisions and amounts
/// (millions of visits, each explanation a dozen allocations).
pub fn benefit_level(params: &Params, v: &VisitFacts) -> Result<Benefit, BenefitError> {
    benefit_with(params, v, false)
}

fn benefit_with(params: &Params, v: &VisitFacts, explain: bool) -> Result<Benefit, BenefitError> {
    let p = params.health_benefit.at(v.date)?;
    let hb = &p.value;
    let lcs_param = params.reference_level.at(v.date)?;
    let lcs = lcs_param.value.amount;
    // At most four lines (card, level reached, network ratio, result); the assessment may add one.
    let mut explanation = Vec::with_capacity(if explain { 5 } else { 0 });
    let mut say = |line: &dyn Fn() -> Line| {
        if explain {
            explanation.push(line());
        }
    };
    let (digit, card_doubt) = match hb.group_digits.get(&v.card.group) {
        Some(d) if *d == v.card.digit => (*d, None),
        // CN and LH cards printed before 2026 keep their old digit: read with the new one.
        Some(d) if matches!(v.card.group.as_str(), "CN" | "LH") && v.card.digit > *d => (*d, None),
        Some(d) => (
            v.card.digit,
            Some(format!(
                "group {} has benefit digit {d}, the card shows {}",
                v.card.group, v.card.digit
            )),
        ),
        None => (
            v.card.digit,
            Some(format!("group {} is not in the prefix table", v.card.group)),
        ),
    };
    let mut digit_key = [0; 4];
    let digit_key = char::from_digit(u32::from(digit), 10)
        .unwrap_or('?')
        .encode_utf8(&mut digit_key);
    let card_rate = hb.digit_rates[&*digit_key];
    say(&|| {
        Line::new("card_rate", "Mức hưởng theo thẻ", "Card benefit rate")
            .value(card_rate.as_percent())
            .formula(format!("benefit digit {digit} of group {}", v.card.group))
            .param("digit_rates", card_rate.as_percent(), p)
            .cite("Law on Health Insurance Art. 22.1")
    });
    let ratios = hb
        .network
        .get(v.category)
        .ok_or_else(|| BenefitError::Category(v.category.to_string()))?;
    let ratio = ratios[usize::from(!v.inpatient)];
    let out_of_network = hb.out_of_network.iter().any(|c| c == v.category);
    let threshold = i128::from(lcs.get()) * i128::from(hb.small_claim_share.ppm());
    let small = i128::from(v.covered_total) * i128::from(ansinh_core::rate::PPM) < threshold;
    let exempt = v.exempt_since.is_some_and(|d| d <= v.date) && !out_of_network;
    let base = if hb.primary_full.iter().any(|c| c == v.category) {
        say(&|| {
            Line::new("primary", "Cơ sở cấp ban đầu", "Primary-level facility")
                .value("100%")
                .formula(format!("visit category {}", v.category))
                .cite("Law on Health Insurance Art. 22.1.c")
        });
        Rate::ONE
    } else if small {
        say(&|| {
            Line::new("small_claim", "Chi phí dưới 15% lương cơ sở", "Small claim")
                .value("100%")
                .formula(format!(
                    "covered total {} < {} × {}",
                    v.covered_total,
                    hb.small_claim_share.as_percent(),
                    lcs
                ))
                .param("reference_level", lcs, lcs_param)
                .cite("NĐ 146/2018 Art. 14.1.d")
        });
        Rate::ONE
    } else if exempt {
        say(&|| {
            Line::new("exempt", "Miễn cùng chi trả", "Co-payment exemption")
                .value("100%")
                .formula(
                    "5 consecutive years and co-payments above 6 months of the reference level",
                )
                .cite("Law on Health Insurance Art. 22.1.c; NĐ 146/2018 Art. 14.1.đ")
        });
        Rate::ONE
    } else {
        card_rate
    };
    let rate = base.of(ratio);
    if ratio != Rate::ONE {
        say(&|| {
            Line::new("network_ratio", "Tỷ lệ trái tuyến", "Out-of-network ratio")
                .value(ratio.as_percent())
                .formula(format!(
                    "visit category {} ({})",
                    v.category,
                    if v.inpatient {
                        "inpatient"
                    } else {
                        "outpatient"
                    }
                ))
                .param("network", ratio.as_percent(), p)
                .cite("Law on Health Insurance Art. 22.4–5; NĐ 188/2025 Art. 19")
        });
    }
    say(&|| {
        Line::new("benefit", "Mức hưởng", "Benefit level (MUC_HUONG)")
            .value(rate.as_percent())
            .formula(format!("{} × {}", base.as_percent(), ratio.as_percent()))
    });
    Ok(Benefit {
        rate,
        digit,
        card_doubt,
        explanation,
    })
}

/// Days an inpatient stay is still paid after the card expired (NĐ 146/2018 Art. 27.9).
pub fn inpatient_grace_days(
    params: &Params,
    date: Date,
) -> Result<i64, crate::params::MissingParam> {
    Ok(params.health_benefit.at(date)?.value.inpatient_grace_days)
}

/// The hours from which a stay within one day bills a bed day (ngày giường: TT 39/2018/TT-BYT
/// Art. 6 as amended by TT 22/2023/TT-BYT).
pub fn bed_day_min_hours(params: &Params, date: Date) -> Result<i64, crate::params::MissingParam> {
    Ok(params.health_benefit.at(date)?.value.bed_day_min_hours)
}

/// The share above the reference cost per visit from which a facility is flagged (cảnh báo gia
/// tăng chi phí bình quân: TT 12/2026/TT-BTC Art. 13).
pub fn cost_average_alert(
    params: &Params,
    date: Date,
) -> Result<Rate, crate::params::MissingParam> {
    Ok(params.health_benefit.at(date)?.value.cost_average_alert)
}

/// The physiotherapy techniques paid a day: the codes' prefix and the number (phục hồi chức
/// năng: Circular 35/2016/TT-BYT, the payment conditions of its annex, as amended by Circular
/// 39/2024/TT-BYT).
pub fn physiotherapy_per_day(
    params: &Params,
    date: Date,
) -> Result<(String, u32), crate::params::MissingParam> {
    let hb = &params.health_benefit.at(date)?.value;
    Ok((hb.physiotherapy_prefix.clone(), hb.physiotherapy_per_day))
}

/// The co-payment cap of a visit (miễn cùng chi trả sau 5 năm liên tục): when the holder has 5
/// consecutive years of insurance by `date` and the visit is within the network, the year's
/// co-payments stop at `copay_cap_months` × the reference level in force on `date`.
/// Law on Health Insurance Art. 22.1.c; NĐ 146/2018 Art. 14.1.đ. `None`: no cap for this visit.
pub fn copay_cap(
    params: &Params,
    category: &str,
    date: Date,
    five_years_since: Option<Date>,
) -> Result<Option<(ansinh_core::Dong, Line)>, BenefitError> {
    Ok(
        copay_cap_with(params, category, date, five_years_since, true)?
            .and_then(|(cap, line)| Some((cap, line?))),
    )
}

/// The co-payment cap as [`copay_cap`] finds it (Law on Health Insurance Art. 22.1.c; NĐ 146/2018
/// Art. 14.1.đ), without its explanation line.
pub fn copay_cap_level(
    params: &Params,
    category: &str,
    date: Date,
    five_years_since: Option<Date>,
) -> Result<Option<ansinh_core::Dong>, BenefitError> {
    Ok(copay_cap_with(params, category, date, five_years_since, false)?.map(|(cap, _)| cap))
}

fn copay_cap_with(
    params: &Params,
    category: &str,
    date: Date,
    five_years_since: Option<Date>,
    explain: bool,
) -> Result<Option<(ansinh_core::Dong, Option<Line>)>, BenefitError> {
    let p = params.health_benefit.at(date)?;
    let hb = &p.value;
    let in_network = !hb.out_of_network.iter().any(|c| c == category);
    match five_years_since {
        Some(since) if since <= date && in_network => {
            let lcs_param = params.reference_level.at(date)?;
            let lcs = lcs_param.value.amount;
            let threshold = ansinh_core::Dong(lcs.get() * hb.copay_cap_months);
            let line = explain.then(|| {
                Line::new(
                    "copay_cap",
                    "Trần cùng chi trả trong năm (đủ 5 năm liên tục)",
                    "Yearly co-payment cap (5 consecutive years)",
                )
                .amount(threshold)
                .formula(format!(
                    "{} months × reference level {lcs}; 5 consecutive years since {since}",
                    hb.copay_cap_months
                ))
                .param("copay_cap_months", hb.copay_cap_months, p)
                .param("reference_level", lcs, lcs_param)
                .cite("Law on Health Insurance Art. 22.1.c; NĐ 146/2018 Art. 14.1.đ")
            });
            Ok(Some((threshold, line)))
        }
        _ => Ok(None),
    }
}

/// Whether a visit's co-payment counts towards the yearly cap: only co-payments within the
/// network do (NĐ 146/2018 Art. 14.1.đ; CV 4055/BHXH-CSYT).
pub fn copay_counts(params: &Params, category: &str, date: Date) -> bool {
    params
        .health_benefit
        .at(date)
        .is_ok_and(|p| !p.value.out_of_network.iter().any(|c| c == category))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(
        card: &'a CardCode,
        category: &'a str,
        date: &str,
        covered: i64,
    ) -> VisitFacts<'a> {
        VisitFacts {
            card,
            category,
            inpatient: false,
            date: date.parse().unwrap(),
            covered_total: covered,
            exempt_since: None,
        }
    }

    #[test]
    fn card_codes() {
        let c = parse_card("DN4790123456789").unwrap();
        assert_eq!(
            (c.group.as_str(), c.digit, c.province.as_str()),
            ("DN", 4, "79")
        );
        for bad in [
            "DN479012345678",
            "dn4790123456789",
            "DN6790123456789",
            "DN47901234567X9",
        ] {
            assert!(parse_card(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn small_claim_threshold_is_strict() {
        let p = Params::embedded().unwrap();
        let card = parse_card("DN4790123456789").unwrap();
        let rate = |covered, date| {
            benefit(&p, &facts(&card, "1.1", date, covered))
                .unwrap()
                .rate
        };
        assert_eq!(rate(107_200, "2025-03-10"), Rate::ONE);
        assert_eq!(rate(351_000, "2025-03-10"), Rate::percent(80));
        assert_eq!(rate(360_000, "2026-07-15"), Rate::ONE);
        assert_eq!(rate(367_100, "2025-03-10"), Rate::percent(80));
    }

    #[test]
    fn out_of_network_ratio_and_new_digits() {
        let p = Params::embedded().unwrap();
        let dn = parse_card("DN4790123456789").unwrap();
        let mut f = facts(&dn, "3.1", "2025-03-10", 10_000_000);
        f.inpatient = true;
        assert_eq!(benefit(&p, &f).unwrap().rate, Rate::from_ppm(320_000));
        let ht = parse_card("HT3790123456789").unwrap();
        let before = facts(&ht, "1.18", "2026-03-10", 500_000);
        assert_eq!(benefit(&p, &before).unwrap().rate, Rate::ZERO);
        let after = facts(&ht, "1.18", "2026-07-10", 500_000);
        assert_eq!(benefit(&p, &after).unwrap().rate, Rate::from_ppm(475_000));
        // A near-poor card printed with digit 3 is read as digit 2 from 2026.
        let cn = parse_card("CN3790123456789").unwrap();
        let b = benefit(&p, &facts(&cn, "1.1", "2026-02-01", 1_000_000)).unwrap();
        assert_eq!((b.rate, b.card_doubt), (Rate::ONE, None));
        let odd = parse_card("DN2790123456789").unwrap();
        assert!(
            benefit(&p, &facts(&odd, "1.1", "2025-03-10", 1_000_000))
                .unwrap()
                .card_doubt
                .is_some()
        );
    }
}
