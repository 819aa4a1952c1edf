//! Monthly contributions (mức đóng BHXH, BHYT, BHTN hằng tháng) per fund and per payer.
//!
//! Two steps, so that the monthly run over 20 million people does the parameter look-ups once:
//! [`resolve`] turns (month, participant kind, region, options) into a [`Resolved`] set of
//! caps, floors and rates; [`assess`] applies it to one salary without allocating.
//! [`explain`] redoes the same calculation as readable lines.

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use ansinh_core::{Dong, Month, Rate, Rounding, RoundingMode};
use serde::{Deserialize, Serialize};

/// An amount of money in force over a period: the reference level / base salary (mức tham chiếu /
/// lương cơ sở, L41 Art. 7, 141.13) and the rural poverty line (chuẩn nghèo, L41 Art. 31.2).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    pub amount: Dong,
}

impl Concept for Amount {
    fn check(&self) -> Result<(), (String, String)> {
        positive("amount", self.amount)
    }
}

/// Regional minimum monthly wages (lương tối thiểu vùng), regions I–IV.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionalMinimumWage {
    pub monthly: [Dong; 4],
}

impl Concept for RegionalMinimumWage {
    fn check(&self) -> Result<(), (String, String)> {
        for m in self.monthly {
            positive("monthly", m)?;
        }
        if self.monthly.windows(2).any(|w| w[0] < w[1]) {
            return Err((
                "monthly".into(),
                "regions must go from highest (I) to lowest (IV)".into(),
            ));
        }
        Ok(())
    }
}

/// A cap or floor written as a multiple of a reference amount.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Multiple {
    pub multiple: i64,
}

impl Concept for Multiple {
    fn check(&self) -> Result<(), (String, String)> {
        if self.multiple <= 0 {
            return Err((
                "multiple".into(),
                format!("must be positive, found {}", self.multiple),
            ));
        }
        Ok(())
    }
}

/// Rates of one payer per fund; a fund left out is 0 %.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PayerRates {
    pub sickness_maternity: Rate,
    pub pension_survivor: Rate,
    pub health: Rate,
    pub unemployment: Rate,
}

/// Who pays what for one participant kind.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    pub employee: PayerRates,
    pub employer: PayerRates,
}

/// Contribution rates per participant kind (tỷ lệ đóng), L41 Art. 32–34, 36; L74 Art. 33.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionRates {
    pub employee: Split,
    pub foreign_employee: Split,
    pub voluntary: Split,
    pub household_business: Split,
}

impl Concept for ContributionRates {}

/// Occupational accident & disease rates (tỷ lệ đóng TNLĐ–BNN), Decree 58/2020 Art. 4.1.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccupationalRates {
    pub standard: Rate,
    pub reduced: Rate,
}

impl Concept for OccupationalRates {}

/// State support shares for voluntary participants (hỗ trợ đóng BHXH tự nguyện), D159 Art. 5.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoluntarySupport {
    pub poor: Rate,
    pub island_or_special_zone: Rate,
    pub near_poor: Rate,
    pub ethnic_minority: Rate,
    pub other: Rate,
    pub max_months: i64,
}

impl Concept for VoluntarySupport {}

/// The rounding policy as a parameter (no statutory rule found).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundingPolicy {
    pub mode: RoundingMode,
    pub unit: i64,
}

impl Concept for RoundingPolicy {
    fn check(&self) -> Result<(), (String, String)> {
        Rounding::new(self.mode, self.unit)
            .map(|_| ())
            .map_err(|e| ("unit".into(), e.to_string()))
    }
}

impl RoundingPolicy {
    pub fn rounding(&self) -> Rounding {
        Rounding::new(self.mode, self.unit).unwrap_or(Rounding::HALF_UP_DONG)
    }
}

fn positive(key: &str, amount: Dong) -> Result<(), (String, String)> {
    if amount.get() <= 0 {
        return Err((
            key.into(),
            format!("must be a positive amount of đồng, found {amount}"),
        ));
    }
    Ok(())
}

/// Kinds of participant with their own rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Participant {
    /// Vietnamese employee on a contract of one month or more (L41 Art. 2.1.a).
    Employee,
    /// Foreign employee on a contract of 12 months or more (L41 Art. 2.2); no unemployment insurance.
    ForeignEmployee,
    /// Voluntary participant (BHXH tự nguyện), L41 Art. 36.
    Voluntary,
    /// Household-business owner or non-salaried manager (L41 Art. 2.1.m–n, 33.4).
    HouseholdBusiness,
}

/// Groups with State support for voluntary insurance (D159 Art. 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportGroup {
    Poor,
    IslandOrSpecialZone,
    NearPoor,
    EthnicMinority,
    Other,
}

/// The employer's occupational-accident rate option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OccupationalOption {
    Standard,
    /// For enterprises approved under Decree 58/2020 Art. 5.
    Reduced,
}

/// Funds in the order used by [`Resolved`] rate arrays.
pub const FUNDS: [(&str, &str, &str); 5] = [
    (
        "sickness_maternity",
        "Quỹ ốm đau – thai sản",
        "Sickness & maternity fund",
    ),
    (
        "pension_survivor",
        "Quỹ hưu trí – tử tuất",
        "Pension & survivorship fund",
    ),
    (
        "occupational",
        "Quỹ bảo hiểm TNLĐ–BNN",
        "Occupational accident & disease fund",
    ),
    ("health", "Bảo hiểm y tế", "Health insurance"),
    (
        "unemployment",
        "Bảo hiểm thất nghiệp",
        "Unemployment insurance",
    ),
];
const UNEMPLOYMENT: usize = 4;

/// Largest base for which base × rate (rates ≤ 100 % = 10⁶ ppm) fits the fast path.
const FAST_MAX_BASE: i64 = 1_000_000_000_000;

#[inline(always)]
fn half_up_ppm(base: u64, ppm: u64) -> u64 {
    (base * ppm + ansinh_core::rate::PPM as u64 / 2) / ansinh_core::rate::PPM as u64
}

/// Why a contribution cannot be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ContributionError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("region must be 1, 2, 3 or 4 (vùng I–IV), found {0}")]
    Region(u8),
    #[error("must not be negative, found {0}")]
    Negative(Dong),
    #[error(
        "{salary} is below the minimum compulsory contribution salary {floor} (reference level): \
         such a salary is outside compulsory insurance (L41 Art. 31.1.đ; D158 Art. 3.5)"
    )]
    BelowFloor { salary: Dong, floor: Dong },
    #[error("{income} is outside the allowed range {min} – {max} (L41 Art. 31.1.d, 31.2)")]
    OutOfRange { income: Dong, min: Dong, max: Dong },
    #[error("the occupational-accident rate applies to employees only")]
    OccupationalNotApplicable,
    #[error("a State support group applies to voluntary participants only")]
    SupportNotApplicable,
    #[error(
        "a certificate of coverage exempts workers in Vietnam under Korean legislation: participant `foreign_employee` only"
    )]
    ExemptionNotApplicable,
    #[error("{0} is not an occupational-accident rate in force; use {1} or {2}")]
    UnknownOccupationalRate(Rate, Rate, Rate),
}

/// Everything [`assess`] needs for one (month, participant kind, region, options).
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub month: Month,
    pub participant: Participant,
    pub region: u8,
    /// Lowest allowed salary or income (reference level, or poverty line for voluntary).
    pub floor: Dong,
    /// Social insurance (and health insurance) cap.
    pub si_cap: Dong,
    /// Unemployment insurance cap; zero when the participant has none.
    pub ui_cap: Dong,
    pub regional_minimum: Dong,
    /// Rates in parts per million, in [`FUNDS`] order.
    pub employee: [Rate; 5],
    pub employer: [Rate; 5],
    /// State support per month for a voluntary participant.
    pub state_support: Dong,
    pub rounding: Rounding,
    /// The pension-survivor fund is not charged: the worker is covered by a certificate of
    /// coverage under the Vietnam–Korea agreement ([`crate::agreement`]).
    pub pension_survivor_exempt: bool,
}

/// Options of [`resolve`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub occupational: Option<OccupationalOption>,
    pub support_group: Option<SupportGroup>,
    /// Months of State support already received (the support stops at `max_months`).
    pub support_months_used: i64,
    /// A certificate of coverage under the Vietnam–Korea agreement covers the month: neither
    /// payer is charged for the pension-survivor fund ([`crate::agreement`]).
    pub pension_survivor_exempt: bool,
}

/// Resolves the parameters of one month: caps and floor (L41 Art. 31.1.đ, 31.2; L74 Art. 34.2),
/// rates (L41 Art. 32–34, 36; L74 Art. 33; Decree 58/2020 Art. 4.1 as amended by D158 Art. 43.2),
/// and the State support for voluntary participants (D159 Art. 5).
pub fn resolve(
    params: &Params,
    month: Month,
    participant: Participant,
    region: u8,
    options: Options,
) -> Result<Resolved, ContributionError> {
    if !(1..=4).contains(&region) {
        return Err(ContributionError::Region(region));
    }
    let date = month.first_day();
    let rates = params.contribution_rates.at(date)?;
    let reference = params.reference_level.at(date)?.value.amount;
    let minimum = params.regional_minimum_wage.at(date)?.value.monthly[usize::from(region - 1)];
    let si_cap = times(reference, params.si_cap.at(date)?.value.multiple);
    let split = match participant {
        Participant::Employee => rates.value.employee,
        Participant::ForeignEmployee => rates.value.foreign_employee,
        Participant::Voluntary => rates.value.voluntary,
        Participant::HouseholdBusiness => rates.value.household_business,
    };
    let is_employee = matches!(
        participant,
        Participant::Employee | Participant::ForeignEmployee
    );
    let occupational = match (options.occupational, is_employee) {
        (Some(_), false) => return Err(ContributionError::OccupationalNotApplicable),
        (None, false) => Rate::ZERO,
        (choice, true) => {
            let occ = &params.occupational_rates.at(date)?.value;
            match choice.unwrap_or(OccupationalOption::Standard) {
                OccupationalOption::Standard => occ.standard,
                OccupationalOption::Reduced => occ.reduced,
            }
        }
    };
    let has_ui = !split.employee.unemployment.is_zero() || !split.employer.unemployment.is_zero();
    let ui_cap = if has_ui {
        times(minimum, params.ui_cap.at(date)?.value.multiple)
    } else {
        Dong::ZERO
    };
    let rounding = params.rounding.at(date)?.value.rounding();
    let (floor, state_support) = match participant {
        Participant::Voluntary => {
            let poverty = params.rural_poverty_line.at(date)?.value.amount;
            let support = params.voluntary_support.at(date)?;
            let share = support_share(
                &support.value,
                options.support_group.unwrap_or(SupportGroup::Other),
            );
            let amount = if options.support_months_used >= support.value.max_months {
                Dong::ZERO
            } else {
                rounding.apply(poverty, share.of(split.employee.pension_survivor))
            };
            (poverty, amount)
        }
        _ if options.support_group.is_some() => {
            return Err(ContributionError::SupportNotApplicable);
        }
        _ => (
            times(reference, params.si_floor.at(date)?.value.multiple),
            Dong::ZERO,
        ),
    };
    let exempt = options.pension_survivor_exempt;
    if exempt && participant != Participant::ForeignEmployee {
        return Err(ContributionError::ExemptionNotApplicable);
    }
    let row = |p: PayerRates, occ: Rate| {
        [
            p.sickness_maternity,
            if exempt {
                Rate::ZERO
            } else {
                p.pension_survivor
            },
            occ,
            p.health,
            p.unemployment,
        ]
    };
    Ok(Resolved {
        month,
        participant,
        region,
        floor,
        si_cap,
        ui_cap,
        regional_minimum: minimum,
        employee: row(split.employee, Rate::ZERO),
        employer: row(split.employer, occupational),
        state_support,
        rounding,
        pension_survivor_exempt: exempt,
    })
}

/// Support share of a group, D159 Art. 5.
pub fn support_share(s: &VoluntarySupport, group: SupportGroup) -> Rate {
    match group {
        SupportGroup::Poor => s.poor,
        SupportGroup::IslandOrSpecialZone => s.island_or_special_zone,
        SupportGroup::NearPoor => s.near_poor,
        SupportGroup::EthnicMinority => s.ethnic_minority,
        SupportGroup::Other => s.other,
    }
}

fn times(amount: Dong, n: i64) -> Dong {
    amount.times(n).unwrap_or(Dong(i64::MAX))
}

/// Amounts of one payer per fund.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Funds {
    pub sickness_maternity: Dong,
    pub pension_survivor: Dong,
    pub occupational: Dong,
    pub health: Dong,
    pub unemployment: Dong,
    pub total: Dong,
}

impl Funds {
    #[inline(always)]
    pub(crate) fn from_array(a: [Dong; 5]) -> Funds {
        Funds {
            sickness_maternity: a[0],
            pension_survivor: a[1],
            occupational: a[2],
            health: a[3],
            unemployment: a[4],
            total: a.into_iter().sum(),
        }
    }

    pub fn as_array(&self) -> [Dong; 5] {
        [
            self.sickness_maternity,
            self.pension_survivor,
            self.occupational,
            self.health,
            self.unemployment,
        ]
    }
}

/// The result of one month for one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub base_social: Dong,
    pub base_unemployment: Dong,
    pub employee: Funds,
    pub employer: Funds,
    pub state: Funds,
    pub total: Dong,
    /// An employee's salary is below the regional minimum wage (D293 Art. 4.1): allowed for
    /// part-time work, otherwise a breach of the minimum-wage law.
    pub below_regional_minimum: bool,
}

/// Contributions of one month on a salary (or chosen income): the base is the salary capped
/// at 20 × reference level (L41 Art. 31.1.đ) and, for unemployment, at 20 × the regional
/// minimum wage (L74 Art. 34.2); each fund amount = base × rate, rounded once (L41 Art. 33–34,
/// 36; L74 Art. 33; Decree 58/2020 Art. 4.1). Voluntary: the State pays the support of
/// D159 Art. 5 out of the 22 %.
#[inline(always)]
pub fn assess(r: &Resolved, salary: Dong) -> Result<Assessment, ContributionError> {
    if salary.get() < 0 {
        return Err(ContributionError::Negative(salary));
    }
    if salary < r.floor {
        return Err(match r.participant {
            Participant::Employee | Participant::ForeignEmployee => ContributionError::BelowFloor {
                salary,
                floor: r.floor,
            },
            _ => ContributionError::OutOfRange {
                income: salary,
                min: r.floor,
                max: r.si_cap,
            },
        });
    }
    let self_chosen = matches!(
        r.participant,
        Participant::Voluntary | Participant::HouseholdBusiness
    );
    if self_chosen && salary > r.si_cap {
        return Err(ContributionError::OutOfRange {
            income: salary,
            min: r.floor,
            max: r.si_cap,
        });
    }
    let base_social = salary.min(r.si_cap);
    let base_unemployment = salary.min(r.ui_cap);
    let mut employee = [Dong::ZERO; 5];
    let mut employer = [Dong::ZERO; 5];
    if r.rounding == Rounding::HALF_UP_DONG
        && base_social.get() <= FAST_MAX_BASE
        && base_unemployment.get() <= FAST_MAX_BASE
    {
        // Hot path of the monthly run: non-negative bases small enough that base × ppm fits in
        // a u64, so half-up rounding is an add and a division by a constant. Same result as
        // `Rounding::apply` (tested by `fast_path_equals_the_rounding_policy`).
        let (social, ui) = (base_social.get() as u64, base_unemployment.get() as u64);
        for i in 0..5 {
            let base = if i == UNEMPLOYMENT { ui } else { social };
            employee[i] = Dong(half_up_ppm(base, r.employee[i].ppm() as u64) as i64);
            employer[i] = Dong(half_up_ppm(base, r.employer[i].ppm() as u64) as i64);
        }
    } else {
        for i in 0..5 {
            let base = if i == UNEMPLOYMENT {
                base_unemployment
            } else {
                base_social
            };
            employee[i] = r.rounding.apply(base, r.employee[i]);
            employer[i] = r.rounding.apply(base, r.employer[i]);
        }
    }
    let mut state = [Dong::ZERO; 5];
    if r.state_support.get() > 0 {
        let support = r.state_support.min(employee[1]);
        employee[1] = employee[1] - support;
        state[1] = support;
    }
    let (employee, employer, state) = (
        Funds::from_array(employee),
        Funds::from_array(employer),
        Funds::from_array(state),
    );
    Ok(Assessment {
        base_social,
        base_unemployment,
        employee,
        employer,
        state,
        total: employee.total + employer.total + state.total,
        below_regional_minimum: matches!(
            r.participant,
            Participant::Employee | Participant::ForeignEmployee
        ) && salary < r.regional_minimum,
    })
}

/// The lines behind [`assess`]: base and caps (L41 Art. 31.1.đ; L74 Art. 34.2), each fund and
/// payer (L41 Art. 33–34, 36; L74 Art. 33), with the parameters used.
pub fn explain(
    params: &Params,
    r: &Resolved,
    salary: Dong,
    a: &Assessment,
) -> Result<Vec<Line>, ContributionError> {
    let date = r.month.first_day();
    let reference = params.reference_level.at(date)?;
    let cap = params.si_cap.at(date)?;
    let mut lines = Vec::new();
    let base_line = Line::new(
        "base.social",
        "Tiền lương tháng đóng BHXH, BHYT",
        "Social & health insurance base",
    )
    .amount(a.base_social)
    .formula(format!(
        "min(salary {salary}, cap {} × {} = {})",
        cap.value.multiple, reference.value.amount, r.si_cap
    ))
    .param("reference_level", reference.value.amount, reference)
    .param("si_cap.multiple", cap.value.multiple, cap);
    let base_line = match r.participant {
        Participant::Voluntary => {
            let poverty = params.rural_poverty_line.at(date)?;
            base_line
                .param(
                    "rural_poverty_line (income floor)",
                    poverty.value.amount,
                    poverty,
                )
                .cite("L41 Art. 31.2")
        }
        Participant::HouseholdBusiness => base_line.cite("L41 Art. 31.1.d–đ"),
        _ => {
            let floor = params.si_floor.at(date)?;
            base_line
                .param("si_floor.multiple", floor.value.multiple, floor)
                .cite("L41 Art. 31.1.b, 31.1.đ")
        }
    };
    lines.push(base_line);
    if r.ui_cap.get() > 0 {
        let ui = params.ui_cap.at(date)?;
        let minimum = params.regional_minimum_wage.at(date)?;
        lines.push(
            Line::new(
                "base.unemployment",
                "Tiền lương tháng đóng BHTN",
                "Unemployment insurance base",
            )
            .amount(a.base_unemployment)
            .formula(format!(
                "min(salary {salary}, cap {} × regional minimum (region {}) {} = {})",
                ui.value.multiple, r.region, r.regional_minimum, r.ui_cap
            ))
            .param("ui_cap.multiple", ui.value.multiple, ui)
            .param(
                format!("regional_minimum_wage[{}]", r.region),
                r.regional_minimum,
                minimum,
            )
            .cite("L74 Art. 34.1–34.2"),
        );
    }
    let rates = params.contribution_rates.at(date)?;
    let occupational = params.occupational_rates.at(date)?;
    for (payer, payer_vi, rates_row, amounts) in [
        (
            "employee",
            "người lao động",
            &r.employee,
            a.employee.as_array(),
        ),
        (
            "employer",
            "người sử dụng lao động",
            &r.employer,
            a.employer.as_array(),
        ),
    ] {
        for (i, (fund, fund_vi, fund_en)) in FUNDS.iter().enumerate() {
            let rate = rates_row[i];
            if rate.is_zero() {
                continue;
            }
            let base = if i == UNEMPLOYMENT {
                a.base_unemployment
            } else {
                a.base_social
            };
            let line = Line::new(
                format!("{payer}.{fund}"),
                format!("{fund_vi} – {payer_vi}"),
                format!("{fund_en} – {payer}"),
            )
            .amount(amounts[i])
            .formula(format!("{base} × {}", rate.as_percent()))
            .cite(fund_citation(r.participant, i));
            // The occupational rate is the employer's option; the others are set per participant.
            let mut line = if i == 2 {
                line.param("occupational_rate", rate.as_percent(), occupational)
            } else {
                line.param(format!("{payer}.{fund}"), rate.as_percent(), rates)
            };
            if payer == "employee" && i == 1 && a.state.pension_survivor.get() > 0 {
                line.formula = format!(
                    "{base} × {} − State support {} = {}",
                    rate.as_percent(),
                    a.state.pension_survivor,
                    amounts[i]
                );
            }
            lines.push(line);
        }
        let total = if payer == "employee" {
            a.employee.total
        } else {
            a.employer.total
        };
        lines.push(
            Line::new(
                format!("{payer}.total"),
                format!("Tổng – {payer_vi}"),
                format!("Total – {payer}"),
            )
            .amount(total)
            .formula("sum of the lines above")
            .cite("L41 Art. 33–34"),
        );
    }
    if a.state.total.get() > 0 {
        let support = params.voluntary_support.at(date)?;
        let poverty = params.rural_poverty_line.at(date)?;
        lines.push(
            Line::new(
                "state.pension_survivor",
                "Nhà nước hỗ trợ đóng BHXH tự nguyện",
                "State support for voluntary insurance",
            )
            .amount(a.state.pension_survivor)
            .formula(format!(
                "support share × {} × rural poverty line {}",
                r.employee[1].as_percent(),
                poverty.value.amount
            ))
            .param(
                "voluntary_support",
                "poor 50% / near-poor 40% / ethnic minority 30% / other 20%",
                support,
            )
            .param("rural_poverty_line", poverty.value.amount, poverty)
            .cite("L41 Art. 31.2, 36.1; Decree 159/2025 Art. 5"),
        );
    }
    let rounding = params.rounding.at(date)?;
    lines.push(
        Line::new("total", "Tổng số phải đóng", "Total contributions")
            .amount(a.total)
            .formula(format!(
                "employee {} + employer {} + State {}",
                a.employee.total, a.employer.total, a.state.total
            ))
            .param(
                "rounding",
                format!(
                    "{:?} to {} đồng per line",
                    rounding.value.mode, rounding.value.unit
                ),
                rounding,
            )
            .cite("L41 Art. 33–34, 36; L74 Art. 33"),
    );
    Ok(lines)
}

fn fund_citation(participant: Participant, fund: usize) -> &'static str {
    match (participant, fund) {
        (Participant::Voluntary, _) => "L41 Art. 32.2, 36.1",
        (Participant::HouseholdBusiness, _) => "L41 Art. 33.4",
        (_, 0) => "L41 Art. 32.1.a, 34.1.a",
        (_, 1) => "L41 Art. 32.1.b, 33.1.a, 34.1.b",
        (_, 2) => "Decree 58/2020 Art. 4.1 as amended by Decree 158/2025 Art. 43.2",
        (_, 3) => "Law on Health Insurance Art. 13.1.a; Decree 188",
        _ => "L74 Art. 33.1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params::embedded().expect("embedded parameters are valid")
    }

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn employee(p: &Params, m: &str, salary: i64) -> Assessment {
        let r = resolve(p, month(m), Participant::Employee, 1, Options::default()).unwrap();
        assess(&r, Dong(salary)).unwrap()
    }

    #[test]
    fn cap_edge_salary_at_cap_and_one_dong_above_pay_the_same() {
        let p = params();
        let at = employee(&p, "2026-03", 46_800_000);
        let above = employee(&p, "2026-03", 46_800_001);
        assert_eq!(at.employee.pension_survivor, Dong(3_744_000));
        assert_eq!(
            at.employee.pension_survivor,
            above.employee.pension_survivor
        );
        assert_eq!(above.base_social, Dong(46_800_000));
        assert_eq!(above.base_unemployment, Dong(46_800_001));
        let below = employee(&p, "2026-03", 46_799_999);
        assert_eq!(below.base_social, Dong(46_799_999));
    }

    #[test]
    fn unemployment_cap_is_twenty_regional_minimums() {
        let p = params();
        let a = employee(&p, "2026-03", 200_000_000);
        assert_eq!(a.base_unemployment, Dong(106_200_000));
        assert_eq!(a.employee.unemployment, Dong(1_062_000));
        let r4 = resolve(
            &p,
            month("2026-03"),
            Participant::Employee,
            4,
            Options::default(),
        )
        .unwrap();
        assert_eq!(r4.ui_cap, Dong(74_000_000));
        let old = resolve(
            &p,
            month("2025-12"),
            Participant::Employee,
            1,
            Options::default(),
        )
        .unwrap();
        assert_eq!(old.ui_cap, Dong(99_200_000));
    }

    #[test]
    fn reference_level_change_on_1_july_2026_moves_the_cap() {
        let p = params();
        let june = resolve(
            &p,
            month("2026-06"),
            Participant::Employee,
            1,
            Options::default(),
        )
        .unwrap();
        let july = resolve(
            &p,
            month("2026-07"),
            Participant::Employee,
            1,
            Options::default(),
        )
        .unwrap();
        assert_eq!(june.si_cap, Dong(46_800_000));
        assert_eq!(july.si_cap, Dong(50_600_000));
        assert_eq!(june.floor, Dong(2_340_000));
        assert_eq!(july.floor, Dong(2_530_000));
    }

    #[test]
    fn salary_below_reference_level_is_not_compulsory() {
        let p = params();
        let r = resolve(
            &p,
            month("2026-03"),
            Participant::Employee,
            1,
            Options::default(),
        )
        .unwrap();
        assert_eq!(
            assess(&r, Dong(2_339_999)),
            Err(ContributionError::BelowFloor {
                salary: Dong(2_339_999),
                floor: Dong(2_340_000)
            })
        );
        let at_floor = assess(&r, Dong(2_340_000)).unwrap();
        assert!(at_floor.below_regional_minimum);
        assert!(!assess(&r, Dong(5_310_000)).unwrap().below_regional_minimum);
    }

    #[test]
    fn months_before_the_2024_law_are_refused_not_guessed() {
        let p = params();
        let err = resolve(
            &p,
            month("2025-06"),
            Participant::Employee,
            1,
            Options::default(),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ContributionError::Missing(MissingParam {
                concept: "contribution_rates",
                ..
            })
        ));
        assert!(
            resolve(
                &p,
                month("2025-07"),
                Participant::Employee,
                1,
                Options::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn reduced_occupational_rate() {
        let p = params();
        let opts = Options {
            occupational: Some(OccupationalOption::Reduced),
            ..Options::default()
        };
        let r = resolve(&p, month("2026-03"), Participant::Employee, 1, opts).unwrap();
        assert_eq!(
            assess(&r, Dong(10_000_000)).unwrap().employer.occupational,
            Dong(30_000)
        );
    }

    #[test]
    fn household_business_pays_25_percent_within_its_range() {
        let p = params();
        let r = resolve(
            &p,
            month("2026-03"),
            Participant::HouseholdBusiness,
            1,
            Options::default(),
        )
        .unwrap();
        let a = assess(&r, Dong(10_000_000)).unwrap();
        assert_eq!(a.employee.total, Dong(2_500_000));
        assert_eq!(a.employer.total, Dong::ZERO);
        assert!(matches!(
            assess(&r, Dong(46_800_001)),
            Err(ContributionError::OutOfRange { .. })
        ));
        assert!(matches!(
            assess(&r, Dong(2_339_999)),
            Err(ContributionError::OutOfRange { .. })
        ));
    }

    #[test]
    fn voluntary_support_groups_and_the_120_month_limit() {
        let p = params();
        for (group, support) in [
            (SupportGroup::Poor, 165_000),
            (SupportGroup::NearPoor, 132_000),
            (SupportGroup::EthnicMinority, 99_000),
            (SupportGroup::Other, 66_000),
        ] {
            let opts = Options {
                support_group: Some(group),
                ..Options::default()
            };
            let r = resolve(&p, month("2026-03"), Participant::Voluntary, 1, opts).unwrap();
            let a = assess(&r, Dong(1_500_000)).unwrap();
            assert_eq!(a.state.total, Dong(support));
            assert_eq!(a.employee.total, Dong(330_000 - support));
        }
        let opts = Options {
            support_group: Some(SupportGroup::Poor),
            support_months_used: 120,
            ..Options::default()
        };
        let r = resolve(&p, month("2026-03"), Participant::Voluntary, 1, opts).unwrap();
        assert_eq!(assess(&r, Dong(1_500_000)).unwrap().state.total, Dong::ZERO);
    }

    #[test]
    fn fast_path_equals_the_rounding_policy() {
        let rates = [
            Rate::percent(8),
            Rate::from_ppm(15_000),
            Rate::from_ppm(5_000),
            Rate::from_ppm(1),
            Rate::from_ppm(999_999),
        ];
        for base in [
            0_i64,
            1,
            499,
            500,
            10_000_001,
            46_800_000,
            106_200_000,
            FAST_MAX_BASE,
        ] {
            for rate in rates {
                assert_eq!(
                    Dong(half_up_ppm(base as u64, rate.ppm() as u64) as i64),
                    Rounding::HALF_UP_DONG.apply(Dong(base), rate),
                    "{base} × {rate:?}"
                );
            }
        }
    }

    #[test]
    fn region_five_is_refused() {
        let p = params();
        assert_eq!(
            resolve(
                &p,
                month("2026-03"),
                Participant::Employee,
                5,
                Options::default()
            ),
            Err(ContributionError::Region(5))
        );
    }

    #[test]
    fn explanation_lines_add_up_to_the_totals() {
        let p = params();
        let r = resolve(
            &p,
            month("2026-03"),
            Participant::Employee,
            1,
            Options::default(),
        )
        .unwrap();
        let a = assess(&r, Dong(10_000_000)).unwrap();
        let lines = explain(&p, &r, Dong(10_000_000), &a).unwrap();
        let employee: Dong = lines
            .iter()
            .filter(|l| l.key.starts_with("employee.") && l.key != "employee.total")
            .filter_map(|l| l.amount)
            .sum();
        assert_eq!(employee, a.employee.total);
        assert!(lines.iter().all(|l| !l.citation.is_empty()));
    }
}
