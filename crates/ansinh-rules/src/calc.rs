//! The JSON face of the rules core, shared by `ansinh calc` and (later) `POST /api/v1/calc`.
//!
//! A request is one JSON object with `kind`, `jurisdiction` (`"VN"`) and the fields of its
//! kind; unknown fields are refused. The response is one JSON object with the results and an
//! `explanation` (list of lines). Any defect in the request is a [`CalcError`] naming the
//! field (a path such as `history[2].to`) and the reason — never a panic.

use crate::compliance::{self, MonthFacts, Payment, Registration};
use crate::contribution::{self, OccupationalOption, Options, Participant, SupportGroup};
use crate::convalescence;
use crate::explanation::Line;
use crate::maternity::{self, MaternityFacts};
use crate::one_time::{self, Ground, OneTimeFacts};
use crate::params::{Dated, MissingParam, Params, Timeline};
use crate::pension::{self, PensionFacts};
use crate::retirement::{Sex, parse_birth_date, retirement_month};
use crate::revaluation::{Average, HistoryError, Period, average_salary};
use crate::sickness::{self, SicknessFacts};
use crate::survivor::{self, Pensioner, SurvivorFacts};
use crate::unemployment::{self, UnemploymentFacts};
use ansinh_core::{Date, Dong, Month, Rate};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A request the rules cannot answer, with the input field at fault (the framework's, shared
/// by every jurisdiction).
pub use ansinh_law::CalcError;

/// A computed answer: the response document and its explanation lines (also inside `body`).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub body: Value,
    pub explanation: Vec<Line>,
}

/// Kinds of request understood, for messages and documentation.
pub const KINDS: &[&str] = &[
    "contribution",
    "pension",
    "retirement",
    "average_salary",
    "one_time",
    "sickness",
    "maternity",
    "paternity",
    "convalescence",
    "occupational",
    "pension_indexation",
    "pregnancy",
    "voluntary_maternity",
    "adoption",
    "surrogacy",
    "voluntary_payment",
    "monthly_allowance",
    "social_pension",
    "survivor",
    "unemployment",
    "late_charge",
    "late_interest_qd595",
    "compliance",
    "back_collection",
    "sanction",
];

/// Parses and answers one request given as JSON text.
pub fn calc_text(params: &Params, text: &str) -> Result<Answer, CalcError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| CalcError::new("", format!("the request is not valid JSON: {e}")))?;
    calc(params, &value)
}

/// Answers one request.
pub fn calc(params: &Params, request: &Value) -> Result<Answer, CalcError> {
    let Value::Object(map) = request else {
        return Err(CalcError::new(
            "",
            "the request must be a JSON object with `kind` and `jurisdiction`",
        ));
    };
    let mut fields = map.clone();
    let kind = match fields.remove("kind") {
        Some(Value::String(k)) => k,
        Some(other) => {
            return Err(CalcError::new(
                "kind",
                format!("must be a string, found {other}"),
            ));
        }
        None => {
            return Err(CalcError::new(
                "kind",
                format!("missing; one of: {}", KINDS.join(", ")),
            ));
        }
    };
    match fields.remove("jurisdiction") {
        Some(Value::String(j)) if j == "VN" => {}
        Some(other) => {
            return Err(CalcError::new(
                "jurisdiction",
                format!("{other} is not encoded; only \"VN\" (Vietnam) is"),
            ));
        }
        None => return Err(CalcError::new("jurisdiction", "missing; use \"VN\"")),
    }
    let (outcome, explanation) = match kind.as_str() {
        "contribution" => contribution_of_scheme(params, fields)?,
        "pension" => pension_kind(params, parse(fields)?)?,
        "retirement" => retirement_kind(params, parse(fields)?)?,
        "average_salary" => average_kind(params, parse(fields)?)?,
        "one_time" => one_time_kind(params, parse(fields)?)?,
        "sickness" => sickness_kind(params, parse(fields)?)?,
        "maternity" => maternity_kind(params, parse(fields)?)?,
        "paternity" => paternity_kind(params, parse(fields)?)?,
        "convalescence" => convalescence_kind(params, parse(fields)?)?,
        "occupational" => occupational_kind(params, parse(fields)?)?,
        "pension_indexation" => indexation_kind(params, parse(fields)?)?,
        "pregnancy" => pregnancy_kind(params, parse(fields)?)?,
        "voluntary_maternity" => voluntary_maternity_kind(params, parse(fields)?)?,
        "adoption" => adoption_kind(params, parse(fields)?)?,
        "surrogacy" => surrogacy_kind(params, parse(fields)?)?,
        "voluntary_payment" => voluntary_payment_kind(params, parse(fields)?)?,
        "monthly_allowance" => monthly_allowance_kind(params, parse(fields)?)?,
        "social_pension" => social_pension_kind(params, parse(fields)?)?,
        "survivor" => survivor_kind(params, parse(fields)?)?,
        "unemployment" => unemployment_kind(params, parse(fields)?)?,
        "late_charge" => late_charge_kind(params, parse(fields)?)?,
        "late_interest_qd595" => late_interest_kind(params, parse(fields)?)?,
        "compliance" => compliance_kind(params, parse(fields)?)?,
        "back_collection" => back_collection_kind(params, parse(fields)?)?,
        "sanction" => sanction_kind(params, parse(fields)?)?,
        other => {
            return Err(CalcError::new(
                "kind",
                format!("unknown kind `{other}`; one of: {}", KINDS.join(", ")),
            ));
        }
    };
    let mut body = Map::new();
    body.insert("kind".into(), Value::String(kind));
    body.insert("jurisdiction".into(), Value::String("VN".into()));
    body.insert("currency".into(), Value::String("VND".into()));
    if let Value::Object(o) = outcome {
        body.extend(o);
    }
    body.insert(
        "explanation".into(),
        serde_json::to_value(&explanation).unwrap_or(Value::Null),
    );
    Ok(Answer {
        body: Value::Object(body),
        explanation,
    })
}

type Outcome = Result<(Value, Vec<Line>), CalcError>;

pub use ansinh_law::request::error_field;
use ansinh_law::request::{count, money, parse};

fn to_value(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn missing(field: &str, e: MissingParam) -> CalcError {
    CalcError::new(field, e)
}

/// The `from` date of the latest entry: the law "as currently encoded", used when a request
/// gives no date (the rules core reads no clock).
fn latest<T>(t: &Timeline<T>) -> Date {
    t.entries()
        .last()
        .map(|e: &Dated<T>| e.from)
        .unwrap_or(Date::constant(2025, 7, 1))
}

fn history_error(e: HistoryError) -> CalcError {
    match e.field() {
        Some((i, f)) => CalcError::new(format!("history[{i}].{f}"), e),
        None => match e {
            HistoryError::NoTable(..) => CalcError::new("settlement_year", e),
            _ => CalcError::new("history", e),
        },
    }
}

/// What a request may hold: the range of a real case, far inside `i64`, so that every product
/// and sum of the formulas is exact. The law caps none of these; a value outside is a typing
/// error and is refused naming the field, never computed (and never wrapped around).
pub mod bounds {
    /// Dates and years from 1900 to 2200 (the years a month may name, [`ansinh_core::Month`]).
    pub const FIRST_YEAR: i16 = 1900;
    pub const LAST_YEAR: i16 = 2200;
    /// A monthly salary, allowance or average salary: at most one trillion đồng.
    pub const MAX_SALARY: i64 = 1_000_000_000_000;
    /// Any other amount (a balance due, a payment): at most 10^15 đồng.
    pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;
    /// Months of a career or of a count (100 years).
    pub const MAX_MONTHS: i64 = 1_200;
    /// Years of a career.
    pub const MAX_YEARS: i64 = 100;
    /// Days of a delay or of leave (100 years).
    pub const MAX_DAYS: i64 = 36_600;
    /// Children of one birth, relatives of one person.
    pub const MAX_PERSONS: i64 = 100;
    /// Periods of a contribution history.
    pub const MAX_PERIODS: usize = 2_400;
}

/// A count in `0..=max`.
fn salary(field: &str, v: Dong) -> Result<Dong, CalcError> {
    money(field, v, bounds::MAX_SALARY)
}

fn amount(field: &str, v: Dong) -> Result<Dong, CalcError> {
    money(field, v, bounds::MAX_AMOUNT)
}

/// A date of the years the law is read for.
fn date(field: &str, d: Date) -> Result<Date, CalcError> {
    if (bounds::FIRST_YEAR..=bounds::LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(CalcError::new(
            field,
            format!(
                "{d} is out of range: a date from {} to {}",
                bounds::FIRST_YEAR,
                bounds::LAST_YEAR
            ),
        ))
    }
}

fn opt_date(field: &str, d: Option<Date>) -> Result<Option<Date>, CalcError> {
    d.map(|d| date(field, d)).transpose()
}

fn opt_count(field: &str, n: Option<i64>, max: i64) -> Result<Option<i64>, CalcError> {
    n.map(|n| count(field, n, max)).transpose()
}

fn year(field: &str, y: i32) -> Result<i32, CalcError> {
    if (i32::from(bounds::FIRST_YEAR)..=i32::from(bounds::LAST_YEAR)).contains(&y) {
        Ok(y)
    } else {
        Err(CalcError::new(
            field,
            format!(
                "{y} is out of range: a year from {} to {}",
                bounds::FIRST_YEAR,
                bounds::LAST_YEAR
            ),
        ))
    }
}

/// A rate from 0 to 100 %.
fn share(field: &str, r: Rate) -> Result<Rate, CalcError> {
    if (0..=Rate::ONE.ppm()).contains(&r.ppm()) {
        Ok(r)
    } else {
        Err(CalcError::new(
            field,
            format!("{} is out of range: 0 to 100%", r.as_percent()),
        ))
    }
}

/// Each period's salary in range, and not more periods than a career can have.
fn checked_history(h: &[Period]) -> Result<&[Period], CalcError> {
    if h.len() > bounds::MAX_PERIODS {
        return Err(CalcError::new(
            "history",
            format!("more than {} periods", bounds::MAX_PERIODS),
        ));
    }
    for (i, p) in h.iter().enumerate() {
        salary(&format!("history[{i}].salary"), p.salary)?;
    }
    Ok(h)
}

fn birth(text: &str) -> Result<Date, CalcError> {
    let d = parse_birth_date(text).ok_or_else(|| {
        CalcError::new(
            "birth_date",
            format!("`{text}` is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        )
    })?;
    date("birth_date", d)
}

/// The certificates of a contribution request checked (Vietnam–Korea agreement Part II), and
/// the one covering `month`, if any.
fn korea_certificates(
    params: &Params,
    ag: &ContributionAgreement,
    participant: Participant,
    month: Month,
) -> Result<Option<crate::agreement::Certificate>, CalcError> {
    use crate::agreement::{self, AgreementError};
    if ag.country != "KR" {
        return Err(CalcError::new(
            "agreement.country",
            AgreementError::Country(ag.country.clone()),
        ));
    }
    // A Vietnamese employee posted to Korea stays under Vietnamese legislation (the certificate
    // Vietnam issues exempts them in Korea): charged in full here.
    if participant == Participant::Employee {
        return Ok(None);
    }
    if participant != Participant::ForeignEmployee {
        return Err(CalcError::new(
            "participant",
            AgreementError::NotForeignEmployee,
        ));
    }
    let (certs, field): (Vec<agreement::Certificate>, &str) = match (
        &ag.certificate,
        &ag.certificates,
    ) {
        (Some(_), Some(_)) => {
            return Err(CalcError::new(
                "agreement.certificates",
                "give either `certificate` or `certificates`, not both",
            ));
        }
        (Some(c), None) => (vec![*c], "agreement.certificate"),
        (None, Some(list)) => (list.clone(), "agreement.certificates"),
        (None, None) => {
            return Err(CalcError::new(
                "agreement.certificate",
                "missing: the certificate of coverage (`from`, `to`) issued by Korea's National Pension Service",
            ));
        }
    };
    let dated = params
        .agreement_kr
        .at(month.first_day())
        .map_err(|e| missing("month", e))?;
    agreement::check_certificates(&dated.value, &certs).map_err(|(i, e)| {
        let path = if field == "agreement.certificate" {
            field.to_string()
        } else {
            format!("{field}[{i}]")
        };
        let sub = match e {
            AgreementError::TooLong { .. }
            | AgreementError::BeforeInForce { .. }
            | AgreementError::EndsBeforeStart { .. } => ".to",
            _ => ".from",
        };
        CalcError::new(format!("{path}{sub}"), e)
    })?;
    Ok(agreement::covering(&dated.value, &certs, month).map(|i| certs[i]))
}

/// Schemes of Vietnam's social insurance with their own contribution rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Scheme {
    /// Employees, foreign employees, voluntary participants, household businesses.
    General,
    /// Servicemen administered by the Ministry of National Defence (BHXH Quân đội).
    ArmedForces,
}

/// A contribution request of the general scheme or of the armed forces' (`"scheme"`).
fn contribution_of_scheme(params: &Params, fields: Map<String, Value>) -> Outcome {
    let scheme = match fields.get("scheme") {
        None => Scheme::General,
        Some(v) => serde_json::from_value::<Scheme>(v.clone()).map_err(|e| {
            CalcError::new(
                "scheme",
                format!("{e}; use \"general\" or \"armed_forces\""),
            )
        })?,
    };
    match scheme {
        Scheme::General => contribution_kind(params, parse(fields)?),
        Scheme::ArmedForces => armed_forces_kind(params, parse(fields)?),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArmedForcesReq {
    #[allow(dead_code)]
    scheme: Scheme,
    month: Month,
    participant: crate::armed_forces::Serviceman,
    /// Conscripts and cadets: the month of enlistment (nhập ngũ) or admission.
    enlisted: Option<Month>,
    /// Officers, professional soldiers, defence workers: the monthly salary by rank with its
    /// allowances, or `rank_pay` to compute it.
    salary: Option<Dong>,
    rank_pay: Option<crate::armed_forces::RankPay>,
    /// Accepted for a uniform request; servicemen's contributions do not depend on it.
    region: Option<u8>,
}

fn armed_forces_kind(params: &Params, r: ArmedForcesReq) -> Outcome {
    use crate::armed_forces::{self as af, ArmedForcesError as E};
    let field_of = |e: &E| match e {
        E::Missing(_) => "month",
        E::EnlistedAfterMonth { .. } => "enlisted",
        E::Negative(_) | E::BelowFloor { .. } | E::Overflow => "salary",
    };
    let code = r.participant.code();
    if let Some(region) = r.region
        && !(1..=4).contains(&region)
    {
        return Err(CalcError::new(
            "region",
            contribution::ContributionError::Region(region),
        ));
    }
    if r.participant.is_conscript() {
        if r.salary.is_some() || r.rank_pay.is_some() {
            return Err(CalcError::new(
                if r.salary.is_some() {
                    "salary"
                } else {
                    "rank_pay"
                },
                format!(
                    "a {code} has no salary: the Ministry pays 22 % of a notional salary set by the months since enlistment (Decree 157/2025 Art. 6)"
                ),
            ));
        }
        let enlisted = r.enlisted.ok_or_else(|| {
            CalcError::new(
                "enlisted",
                format!("missing: the month a {code} enlisted sets the notional salary (Circular 90/2025/TT-BQP Art. 3)"),
            )
        })?;
        let (a, multiple, served, lines) = af::conscript(params, enlisted, r.month)
            .map_err(|e| CalcError::new(field_of(&e), e))?;
        let body = json!({
            "scheme": "armed_forces",
            "month": r.month,
            "participant": code,
            "enlisted": enlisted,
            "service_month": served,
            "multiple": multiple.as_factor(),
            "base": { "social": a.base_social },
            "employee": a.employee,
            "employer": a.employer,
            "state": a.state,
            "total": a.total,
        });
        return Ok((body, lines));
    }
    if r.enlisted.is_some() {
        return Err(CalcError::new(
            "enlisted",
            format!("applies to conscripts and cadets only; a {code} contributes on the salary"),
        ));
    }
    let (salary_amount, mut lines) = match (r.salary, r.rank_pay) {
        (Some(_), Some(_)) => {
            return Err(CalcError::new(
                "rank_pay",
                "give either `salary` or `rank_pay`, not both",
            ));
        }
        (Some(s), None) => (salary("salary", s)?, Vec::new()),
        (None, Some(pay)) => {
            for (field, v) in [
                ("rank_pay.rank_coefficient", pay.rank_coefficient),
                ("rank_pay.position_coefficient", pay.position_coefficient),
            ] {
                if v > Rate::from_ppm(20_000_000) {
                    return Err(CalcError::new(
                        field,
                        format!("{} is out of range: 0 to 20", v.as_factor()),
                    ));
                }
            }
            share("rank_pay.beyond_bracket", pay.beyond_bracket)?;
            share(
                "rank_pay.occupational_seniority",
                pay.occupational_seniority,
            )?;
            af::rank_salary(params, r.month, &pay).map_err(|e| CalcError::new("month", e))?
        }
        (None, None) => {
            return Err(CalcError::new(
                "salary",
                format!(
                    "missing: a {code} contributes on the salary by rank and its allowances (or give `rank_pay`)"
                ),
            ));
        }
    };
    let (a, more) = af::serviceman(params, r.month, salary_amount).map_err(|e| {
        CalcError::new(
            if r.rank_pay.is_some() {
                "rank_pay"
            } else {
                field_of(&e)
            },
            e,
        )
    })?;
    lines.extend(more);
    let body = json!({
        "scheme": "armed_forces",
        "month": r.month,
        "participant": code,
        "salary": salary_amount,
        "base": { "social": a.base_social, "health": a.base_social, "unemployment": 0 },
        "employee": a.employee,
        "employer": a.employer,
        "state": a.state,
        "total": a.total,
    });
    Ok((body, lines))
}

/// The agreement a request invokes: the country and the person's certificate(s) of coverage.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContributionAgreement {
    country: String,
    certificate: Option<crate::agreement::Certificate>,
    certificates: Option<Vec<crate::agreement::Certificate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContributionReq {
    #[allow(dead_code)]
    scheme: Option<Scheme>,
    agreement: Option<ContributionAgreement>,
    month: Month,
    participant: Participant,
    salary: Dong,
    region: Option<u8>,
    occupational_rate: Option<Rate>,
    support_group: Option<SupportGroup>,
    #[serde(default)]
    support_months_used: i64,
    /// `full_time` or `part_time`: the regional minimum wage is the floor of full-time work
    /// only (Decree 293/2025 Art. 4.1), the reference level that of all (L41 Art. 31.1.đ).
    working_time: Option<WorkingTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum WorkingTime {
    FullTime,
    PartTime,
}

fn contribution_kind(params: &Params, r: ContributionReq) -> Outcome {
    use contribution::ContributionError as E;
    let is_employee = matches!(
        r.participant,
        Participant::Employee | Participant::ForeignEmployee
    );
    let region = match (r.region, is_employee) {
        (Some(region), _) => region,
        (None, true) => {
            return Err(CalcError::new(
                "region",
                "missing: required for employees (minimum wage and unemployment cap)",
            ));
        }
        (None, false) => 1,
    };
    let occupational = match r.occupational_rate {
        None => None,
        Some(rate) => {
            let occ = params
                .occupational_rates
                .at(r.month.first_day())
                .map_err(|e| missing("month", e))?;
            Some(if rate == occ.value.standard {
                OccupationalOption::Standard
            } else if rate == occ.value.reduced {
                OccupationalOption::Reduced
            } else {
                return Err(CalcError::new(
                    "occupational_rate",
                    E::UnknownOccupationalRate(rate, occ.value.standard, occ.value.reduced),
                ));
            })
        }
    };
    let options = Options {
        occupational,
        support_group: r.support_group,
        support_months_used: count(
            "support_months_used",
            r.support_months_used,
            bounds::MAX_MONTHS,
        )?,
        pension_survivor_exempt: false,
    };
    salary("salary", r.salary)?;
    let (exempt_by, options) = match &r.agreement {
        None => (None, options),
        Some(ag) => {
            let certificate = korea_certificates(params, ag, r.participant, r.month)?;
            (
                certificate,
                Options {
                    pension_survivor_exempt: certificate.is_some(),
                    ..options
                },
            )
        }
    };
    let field_of = |e: &E| match e {
        E::ExemptionNotApplicable => "participant",
        E::Missing(_) => "month",
        E::Region(_) => "region",
        E::OccupationalNotApplicable | E::UnknownOccupationalRate(..) => "occupational_rate",
        E::SupportNotApplicable => "support_group",
        E::Negative(_) | E::BelowFloor { .. } | E::OutOfRange { .. } => "salary",
    };
    let resolved = contribution::resolve(params, r.month, r.participant, region, options)
        .map_err(|e| CalcError::new(field_of(&e), e))?;
    let a =
        contribution::assess(&resolved, r.salary).map_err(|e| CalcError::new(field_of(&e), e))?;
    let mut lines = contribution::explain(params, &resolved, r.salary, &a)
        .map_err(|e| CalcError::new(field_of(&e), e))?;
    if let Some(c) = exempt_by {
        let dated = params
            .agreement_kr
            .at(r.month.first_day())
            .map_err(|e| missing("month", e))?;
        let at = lines.len().saturating_sub(1);
        lines.insert(at, crate::agreement::exemption_line(dated, &c));
    }
    let mut warnings = Vec::new();
    if a.below_regional_minimum && r.working_time == Some(WorkingTime::FullTime) {
        return Err(CalcError::new(
            "salary",
            format!(
                "{} is below the regional minimum wage {} of region {region}, the floor of full-time work (Decree 293/2025 Art. 4.1; Labour Code Art. 90–91)",
                r.salary, resolved.regional_minimum
            ),
        ));
    }
    if r.working_time.is_some() && !is_employee {
        return Err(CalcError::new(
            "working_time",
            "applies to employees only (their floor: Decree 293/2025 Art. 4.1)",
        ));
    }
    if a.below_regional_minimum && r.working_time.is_none() {
        warnings.push(format!(
            "salary {} is below the regional minimum wage {} of region {region}: allowed only for part-time work (Decree 293/2025 Art. 4.1)",
            r.salary, resolved.regional_minimum
        ));
    }
    let body = json!({
        "month": r.month,
        "participant": r.participant,
        "region": region,
        "base": { "social": a.base_social, "health": a.base_social, "unemployment": a.base_unemployment },
        "employee": a.employee,
        "employer": a.employer,
        "state": a.state,
        "total": a.total,
        "warnings": warnings,
    });
    let mut body = body;
    if r.agreement.is_some()
        && r.participant == Participant::Employee
        && let Some(w) = body["warnings"].as_array_mut()
    {
        w.push(json!("an employee in Vietnam's scheme posted to Korea stays under Vietnamese legislation for the period of Vietnam's certificate: every fund is charged here (Vietnam–Korea agreement Part II)"));
    }
    if let Some(ag) = &r.agreement {
        body["agreement"] = json!({
            "country": ag.country,
            "pension_survivor_exempt": exempt_by.is_some(),
            "certificate": exempt_by,
        });
    }
    Ok((body, lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PensionReq {
    sex: Sex,
    birth_date: String,
    history: Option<Vec<Period>>,
    settlement_year: Option<i32>,
    average_salary: Option<Dong>,
    contribution_months: Option<i64>,
    years: Option<i64>,
    /// The actual first month of pension, when later than the normal one (L41 Art. 68.2).
    first_month: Option<Month>,
    /// First month of contribution, for the floor of Art. 141.11 when no history is given.
    first_contribution_month: Option<Month>,
    #[serde(default)]
    early_months: i64,
    capacity_loss: Option<Rate>,
    /// Periods in a country with an agreement, totalised for the conditions (Vietnam–Korea
    /// agreement Part III).
    agreement: Option<PensionAgreement>,
    /// Paid on the State's pay scale: the average of L41 Art. 72.1, 73.1.
    #[serde(default)]
    state_pay_scale: bool,
}

/// The average of a history: over the whole period revalued by the CPI table (L41 Art. 72.2),
/// or, on the State's pay scale, the rule of Art. 72.1 and 73.1 settled in `state`'s month.
fn averaged(
    params: &Params,
    history: &[Period],
    settlement_year: i32,
    state: Option<Month>,
) -> Result<(Average, Vec<Line>), CalcError> {
    let history = checked_history(history)?;
    match state {
        None => average_salary(params, history, settlement_year).map_err(history_error),
        Some(month) => crate::revaluation::state_pay_average(
            params,
            history,
            settlement_year,
            month,
        )
        .map_err(|e| match e {
            crate::revaluation::StatePayError::History(h) => history_error(h),
            crate::revaluation::StatePayError::Missing(_) => CalcError::new("settlement_month", e),
            crate::revaluation::StatePayError::NoReferenceLevel(_) => CalcError::new("history", e),
        }),
    }
}

/// Average and months from a history, or from the summary fields.
fn career(
    params: &Params,
    history: Option<&[Period]>,
    settlement_year: i32,
    summary: (Option<Dong>, Option<i64>),
    state: Option<Month>,
) -> Result<(Option<Average>, Dong, i64, Vec<Line>), CalcError> {
    match history {
        Some(h) => {
            let (avg, lines) = averaged(params, h, settlement_year, state)?;
            Ok((Some(avg.clone()), avg.average, avg.months, lines))
        }
        None => {
            let average = summary.0.ok_or_else(|| {
                CalcError::new(
                    "average_salary",
                    "missing: give `history`, or `average_salary` with the contribution time",
                )
            })?;
            salary("average_salary", average)?;
            let months = summary.1.ok_or_else(|| {
                CalcError::new(
                    "contribution_months",
                    "missing: give `history`, or `contribution_months` (or `years`)",
                )
            })?;
            Ok((
                None,
                average,
                count("contribution_months", months, bounds::MAX_MONTHS)?,
                Vec::new(),
            ))
        }
    }
}

fn pension_kind(params: &Params, r: PensionReq) -> Outcome {
    let birth = birth(&r.birth_date)?;
    let (normal, _) =
        retirement_month(params, r.sex, birth).map_err(|e| missing("birth_date", e))?;
    let early = count("early_months", r.early_months, bounds::MAX_MONTHS)?;
    let start = match r.first_month {
        Some(m) if early > 0 => {
            return Err(CalcError::new(
                "first_month",
                format!(
                    "{m}: a later first month of pension cannot be combined with `early_months`"
                ),
            ));
        }
        Some(m) if m < normal.pension_from => {
            return Err(CalcError::new(
                "first_month",
                format!(
                    "{m} is before the normal first month of pension {}: retiring early is said with `early_months`",
                    normal.pension_from
                ),
            ));
        }
        Some(m) => m,
        None => normal.pension_from.plus(-(early as i32)),
    };
    // With a history, the months contributed after the age are those the history holds from
    // the normal first month of pension on (L41 Art. 68.2).
    let months_after_age = r.history.as_deref().map(|h| {
        h.iter()
            .map(|p| {
                let from = p.from.max(normal.pension_from);
                if p.to < from {
                    0
                } else {
                    i64::from(from.months_until(p.to)) + 1
                }
            })
            .sum::<i64>()
    });
    let settlement_year = match r.settlement_year {
        Some(y) => year("settlement_year", y)?,
        None => start.year(),
    };
    let months = match (r.contribution_months, r.years) {
        (Some(m), _) => Some(m),
        (None, Some(y)) => Some(count("years", y, bounds::MAX_YEARS)? * 12),
        (None, None) => None,
    };
    if let Some(loss) = r.capacity_loss {
        share("capacity_loss", loss)?;
    }
    let (avg, average, months, mut lines) = career(
        params,
        r.history.as_deref(),
        settlement_year,
        (r.average_salary, months),
        r.state_pay_scale.then_some(start),
    )?;
    let facts = PensionFacts {
        sex: r.sex,
        birth,
        contribution_months: months,
        average_salary: average,
        first_contribution_month: avg.map(|a| a.first_month).or(r.first_contribution_month),
        pension_from: r.first_month,
        months_after_age,
        early_months: r.early_months,
        capacity_loss: r.capacity_loss,
    };
    let pension_error = |e: pension::PensionError| match e {
        pension::PensionError::Missing(m) => CalcError::new("birth_date", m),
        other => CalcError::new("", other),
    };
    let Some(ag) = r.agreement else {
        let (outcome, more) = pension::evaluate(params, &facts).map_err(pension_error)?;
        lines.extend(more);
        let mut body = to_value(&outcome);
        body["settlement_year"] = json!(settlement_year);
        return Ok((body, lines));
    };
    if ag.country != "KR" {
        return Err(CalcError::new(
            "agreement.country",
            crate::agreement::AgreementError::Country(ag.country),
        ));
    }
    let foreign = match (ag.foreign_years, ag.foreign_months) {
        (Some(_), Some(_)) => {
            return Err(CalcError::new(
                "agreement.foreign_months",
                "give either `foreign_years` or `foreign_months`, not both",
            ));
        }
        (Some(y), None) => count("agreement.foreign_years", y, bounds::MAX_YEARS)? * 12,
        (None, Some(m)) => count("agreement.foreign_months", m, bounds::MAX_MONTHS)?,
        (None, None) => {
            return Err(CalcError::new(
                "agreement.foreign_years",
                "missing: the periods insured in Korea (`foreign_years` or `foreign_months`)",
            ));
        }
    };
    use crate::agreement::TotalisationError as T;
    let (outcome, totalisation, more) =
        crate::agreement::totalised_pension(params, &facts, foreign).map_err(|e| match e {
            T::Pension(p) => pension_error(p),
            T::Missing(m) => CalcError::new("birth_date", m),
            T::Agreement(a) => CalcError::new(
                if r.contribution_months.is_some() {
                    "contribution_months"
                } else {
                    "years"
                },
                a,
            ),
            T::Overflow => CalcError::new("agreement.foreign_months", e),
        })?;
    lines.extend(more);
    let mut body = to_value(&outcome);
    body["settlement_year"] = json!(settlement_year);
    body["agreement"] = json!({ "country": "KR", "totalisation": totalisation });
    Ok((body, lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PensionAgreement {
    country: String,
    foreign_years: Option<i64>,
    foreign_months: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetirementReq {
    sex: Sex,
    birth_date: String,
}

fn retirement_kind(params: &Params, r: RetirementReq) -> Outcome {
    let (m, lines) = retirement_month(params, r.sex, birth(&r.birth_date)?)
        .map_err(|e| missing("birth_date", e))?;
    Ok((to_value(&m), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AverageReq {
    history: Vec<Period>,
    settlement_year: i32,
    /// Paid on the State's pay scale (L41 Art. 72.1, 73.1), settled in `settlement_month`
    /// (default: the month after the history ends).
    #[serde(default)]
    state_pay_scale: bool,
    settlement_month: Option<Month>,
}

fn average_kind(params: &Params, r: AverageReq) -> Outcome {
    year("settlement_year", r.settlement_year)?;
    let state = r.state_pay_scale.then(|| {
        r.settlement_month.unwrap_or_else(|| {
            r.history.iter().map(|p| p.to).max().map_or(
                Month::new(r.settlement_year, 1)
                    .unwrap_or(Month::of(latest(&params.reference_level))),
                |m| m.plus(1),
            )
        })
    });
    let (avg, lines) = averaged(params, &r.history, r.settlement_year, state)?;
    let body = json!({
        "settlement_year": r.settlement_year,
        "average_salary": avg.average,
        "contribution_months": avg.months,
        "months_before_2014": avg.months_before_2014,
        "months_from_2014": avg.months_from_2014,
    });
    Ok((body, lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OneTimeReq {
    history: Option<Vec<Period>>,
    settlement_year: Option<i32>,
    decision_date: Option<Date>,
    average_salary: Option<Dong>,
    months_before_2014: Option<i64>,
    months_from_2014: Option<i64>,
    ground: Option<Ground>,
    amount_contributed: Option<Dong>,
    months_out_of_insurance: Option<i64>,
    /// The State's support of voluntary contributions received (deducted, L41 Art. 70, 102).
    #[serde(default)]
    state_support_received: Dong,
    /// Paid on the State's pay scale: the average of L41 Art. 72.1, 73.1, settled in the month
    /// of the decision.
    #[serde(default)]
    state_pay_scale: bool,
}

fn one_time_kind(params: &Params, r: OneTimeReq) -> Outcome {
    if let Some(y) = r.settlement_year {
        year("settlement_year", y)?;
    }
    if let Some(a) = r.amount_contributed {
        amount("amount_contributed", a)?;
    }
    if let Some(m) = r.months_out_of_insurance {
        count("months_out_of_insurance", m, bounds::MAX_MONTHS)?;
    }
    let date = match (
        opt_date("decision_date", r.decision_date)?,
        r.settlement_year,
    ) {
        (Some(d), _) => d,
        (None, Some(y)) => Month::new(y, 12)
            .map(Month::last_day)
            .ok_or_else(|| CalcError::new("settlement_year", format!("{y} is out of range")))?,
        (None, None) => latest(&params.one_time),
    };
    let settlement_year = r.settlement_year.unwrap_or(i32::from(date.year()));
    let (before, from, first, average, mut lines) = match &r.history {
        Some(h) => {
            let (avg, lines) = averaged(
                params,
                h,
                settlement_year,
                r.state_pay_scale.then_some(Month::of(date)),
            )?;
            (
                avg.months_before_2014,
                avg.months_from_2014,
                Some(avg.first_month),
                avg.average,
                lines,
            )
        }
        None => {
            let average = r.average_salary.ok_or_else(|| CalcError::new("average_salary", "missing: give `history`, or `average_salary` with `months_before_2014` and `months_from_2014`"))?;
            salary("average_salary", average)?;
            let before = count(
                "months_before_2014",
                r.months_before_2014.unwrap_or(0),
                bounds::MAX_MONTHS,
            )?;
            let from = count(
                "months_from_2014",
                r.months_from_2014.unwrap_or(0),
                bounds::MAX_MONTHS,
            )?;
            if r.months_before_2014.is_none() && r.months_from_2014.is_none() {
                return Err(CalcError::new(
                    "months_from_2014",
                    "missing: give the contribution months before and from 2014",
                ));
            }
            (before, from, None, average, Vec::new())
        }
    };
    // Under one year the benefit is what was contributed: a history says how much.
    let contributed = match (&r.history, r.amount_contributed) {
        (Some(h), None) if before + from < 12 => {
            let (amount, line) = one_time::contributed_from_history(params, h)
                .map_err(|e| CalcError::new("amount_contributed", e))?;
            lines.push(line);
            Some(amount)
        }
        (_, given) => given,
    };
    let facts = OneTimeFacts {
        average_salary: average,
        months_before_2014: before,
        months_from_2014: from,
        ground: r.ground,
        amount_contributed: contributed,
        contributed_before_reform: first.map(|m| m < Month::new(2025, 7).unwrap_or(m)),
        months_out_of_insurance: r.months_out_of_insurance,
        state_support_received: amount("state_support_received", r.state_support_received)?,
        date,
    };
    let (outcome, more) = one_time::evaluate(params, &facts).map_err(|e| match e {
        one_time::OneTimeError::Missing(m) => CalcError::new("decision_date", m),
        one_time::OneTimeError::AmountContributedRequired => {
            CalcError::new("amount_contributed", e)
        }
        one_time::OneTimeError::Negative => CalcError::new("average_salary", e),
    })?;
    lines.extend(more);
    Ok((to_value(&outcome), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SicknessReq {
    salary: Dong,
    days: f64,
    date: Option<Date>,
    contribution_years: Option<i64>,
    #[serde(default)]
    hazardous: bool,
    #[serde(default)]
    days_used: i64,
    /// Leave to care for a sick child born on this day (L41 Art. 44).
    child_birth_date: Option<Date>,
    /// An illness on the list of long-term illnesses: `days` are calendar days (L41 Art. 43.2,
    /// 45.3).
    #[serde(default)]
    long_term_illness: bool,
}

fn sickness_kind(params: &Params, r: SicknessReq) -> Outcome {
    let halves = r.days * 2.0;
    if !(halves.is_finite() && halves >= 0.0 && halves.fract() == 0.0 && halves <= 2.0 * 366.0) {
        return Err(CalcError::new(
            "days",
            format!(
                "{} is not a whole or half number of working days (0–366)",
                r.days
            ),
        ));
    }
    let facts = SicknessFacts {
        salary: salary("salary", r.salary)?,
        half_days: halves as i64,
        contribution_years: opt_count(
            "contribution_years",
            r.contribution_years,
            bounds::MAX_YEARS,
        )?,
        hazardous: r.hazardous,
        days_used: count("days_used", r.days_used, bounds::MAX_DAYS)?,
        date: opt_date("date", r.date)?.unwrap_or(latest(&params.sickness)),
        child_birth: opt_date("child_birth_date", r.child_birth_date)?,
        long_term: r.long_term_illness,
    };
    let (o, lines) = sickness::evaluate(params, &facts).map_err(|e| match e {
        sickness::SicknessError::ChildNotBorn | sickness::SicknessError::LongTermChild => {
            CalcError::new("child_birth_date", e)
        }
        sickness::SicknessError::LongTermNeedsYears => CalcError::new("contribution_years", e),
        other => CalcError::new("date", other),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaternityReq {
    average_salary: Dong,
    birth_date: Date,
    #[serde(default = "one")]
    children: i64,
    months_contributed_last_12: Option<i64>,
}

fn one() -> i64 {
    1
}

/// A maternity rule's refusal on the field of a birth request that caused it.
fn birth_error(e: maternity::MaternityError) -> CalcError {
    match e {
        maternity::MaternityError::Children(_) => CalcError::new("children", e),
        maternity::MaternityError::Missing(_) => CalcError::new("birth_date", e),
        maternity::MaternityError::Negative | maternity::MaternityError::Overflow(_) => {
            CalcError::new("average_salary", e)
        }
    }
}

fn maternity_kind(params: &Params, r: MaternityReq) -> Outcome {
    let facts = MaternityFacts {
        average_salary: salary("average_salary", r.average_salary)?,
        birth_date: date("birth_date", r.birth_date)?,
        children: count("children", r.children, bounds::MAX_PERSONS)?,
        months_in_window: opt_count(
            "months_contributed_last_12",
            r.months_contributed_last_12,
            12,
        )?,
    };
    let (o, lines) = maternity::evaluate(params, &facts).map_err(birth_error)?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaternityReq {
    average_salary: Dong,
    birth_date: Date,
    #[serde(default = "one")]
    children: i64,
    #[serde(default)]
    caesarean: bool,
    #[serde(default)]
    before_32_weeks: bool,
    days: Option<i64>,
    leave_start: Option<Date>,
}

fn paternity_kind(params: &Params, r: PaternityReq) -> Outcome {
    let facts = maternity::PaternityFacts {
        average_salary: salary("average_salary", r.average_salary)?,
        birth_date: date("birth_date", r.birth_date)?,
        children: count("children", r.children, bounds::MAX_PERSONS)?,
        caesarean: r.caesarean,
        before_32_weeks: r.before_32_weeks,
        days: opt_count("days", r.days, bounds::MAX_DAYS)?,
        leave_start: opt_date("leave_start", r.leave_start)?,
    };
    let (o, lines) = maternity::paternity(params, &facts).map_err(birth_error)?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConvalescenceReq {
    after: convalescence::After,
    case: convalescence::Case,
    date: Date,
    days: Option<i64>,
    sick_days_in_year: Option<i64>,
    days_since_return: Option<i64>,
}

fn convalescence_kind(params: &Params, r: ConvalescenceReq) -> Outcome {
    let facts = convalescence::ConvalescenceFacts {
        after: r.after,
        case: r.case,
        date: date("date", r.date)?,
        days: opt_count("days", r.days, bounds::MAX_DAYS)?,
        sick_days_in_year: opt_count("sick_days_in_year", r.sick_days_in_year, bounds::MAX_DAYS)?,
        days_since_return: opt_count("days_since_return", r.days_since_return, bounds::MAX_DAYS)?,
    };
    let (o, lines) = convalescence::evaluate(params, &facts).map_err(|e| match e {
        convalescence::ConvalescenceError::CaseMismatch(..) => CalcError::new("case", e),
        convalescence::ConvalescenceError::SickDaysRequired => {
            CalcError::new("sick_days_in_year", e)
        }
        other => CalcError::new("date", other),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SocialPensionReq {
    birth_date: Date,
    on: Date,
    #[serde(default)]
    poor_household: bool,
    #[serde(default)]
    receives_pension: bool,
}

fn social_pension_kind(params: &Params, r: SocialPensionReq) -> Outcome {
    let facts = crate::social_pension::SocialPensionFacts {
        birth_date: date("birth_date", r.birth_date)?,
        on: date("on", r.on)?,
        poor_household: r.poor_household,
        receives_pension: r.receives_pension,
    };
    let (o, lines) = crate::social_pension::evaluate(params, &facts).map_err(|e| match e {
        crate::social_pension::SocialPensionError::NotBorn => CalcError::new("birth_date", e),
        other => CalcError::new("on", other),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdoptionReq {
    average_salary: Dong,
    child_birth_date: Date,
    adoption_date: Date,
    months_contributed_last_12: Option<i64>,
}

fn adoption_kind(params: &Params, r: AdoptionReq) -> Outcome {
    let facts = maternity::AdoptionFacts {
        average_salary: salary("average_salary", r.average_salary)?,
        child_birth_date: date("child_birth_date", r.child_birth_date)?,
        adoption_date: date("adoption_date", r.adoption_date)?,
        months_in_window: opt_count(
            "months_contributed_last_12",
            r.months_contributed_last_12,
            12,
        )?,
    };
    let (o, lines) = maternity::adoption(params, &facts).map_err(|e| match e {
        maternity::MaternityError::Missing(_) => CalcError::new("adoption_date", e),
        other => CalcError::new("average_salary", other),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthlyAllowanceReq {
    sex: Sex,
    birth_date: String,
    average_salary: Dong,
    contribution_months: Option<i64>,
    years: Option<i64>,
    first_month: Option<Month>,
}

fn monthly_allowance_kind(params: &Params, r: MonthlyAllowanceReq) -> Outcome {
    let months = match (r.contribution_months, r.years) {
        (Some(m), None) => count("contribution_months", m, bounds::MAX_MONTHS)?,
        (None, Some(y)) => count("years", y, bounds::MAX_YEARS)? * 12,
        (Some(_), Some(_)) => {
            return Err(CalcError::new(
                "years",
                "give either `contribution_months` or `years`, not both",
            ));
        }
        (None, None) => {
            return Err(CalcError::new(
                "contribution_months",
                "missing: the months of contributions (or `years`)",
            ));
        }
    };
    let facts = crate::monthly_allowance::AllowanceFacts {
        sex: r.sex,
        birth: birth(&r.birth_date)?,
        average_salary: salary("average_salary", r.average_salary)?,
        contribution_months: months,
        first_month: r.first_month,
    };
    let (o, lines) = crate::monthly_allowance::evaluate(params, &facts).map_err(|e| match e {
        crate::monthly_allowance::AllowanceError::TooEarly(..) => CalcError::new("first_month", e),
        crate::monthly_allowance::AllowanceError::Missing(_) => CalcError::new("birth_date", e),
        other => CalcError::new("average_salary", other),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoluntaryPaymentReq {
    month: Month,
    income: Dong,
    method: crate::voluntary_payment::Method,
    #[serde(default)]
    months: i64,
    support_group: Option<SupportGroup>,
    #[serde(default)]
    support_months_used: i64,
}

fn voluntary_payment_kind(params: &Params, r: VoluntaryPaymentReq) -> Outcome {
    use crate::voluntary_payment::PaymentError as E;
    let facts = crate::voluntary_payment::PaymentFacts {
        month: r.month,
        income: salary("income", r.income)?,
        method: r.method,
        months: count("months", r.months, bounds::MAX_MONTHS)?,
        support_group: r.support_group,
        support_months_used: count(
            "support_months_used",
            r.support_months_used,
            bounds::MAX_MONTHS,
        )?,
    };
    let (o, lines) = crate::voluntary_payment::evaluate(params, &facts).map_err(|e| match e {
        E::Months { .. } => CalcError::new("months", e),
        E::Missing(_) => CalcError::new("month", e),
        E::Contribution(contribution::ContributionError::Missing(_)) => CalcError::new("month", e),
        E::Contribution(_) | E::Overflow => CalcError::new("income", e),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurrogacyReq {
    role: crate::surrogacy::Role,
    average_salary: Dong,
    birth_date: Date,
    handover_date: Date,
    #[serde(default = "one")]
    children: i64,
    months_contributed_last_12: Option<i64>,
}

fn surrogacy_kind(params: &Params, r: SurrogacyReq) -> Outcome {
    use crate::surrogacy::SurrogacyError as E;
    let facts = crate::surrogacy::SurrogacyFacts {
        role: r.role,
        average_salary: salary("average_salary", r.average_salary)?,
        birth_date: date("birth_date", r.birth_date)?,
        handover_date: date("handover_date", r.handover_date)?,
        children: count("children", r.children, bounds::MAX_PERSONS)?,
        months_in_window: opt_count(
            "months_contributed_last_12",
            r.months_contributed_last_12,
            12,
        )?,
    };
    let (o, lines) = crate::surrogacy::evaluate(params, &facts).map_err(|e| match e {
        E::HandoverBeforeBirth { .. } => CalcError::new("handover_date", e),
        E::Children => CalcError::new("children", e),
        E::Missing(_) => CalcError::new("birth_date", e),
        E::Overflow => CalcError::new("average_salary", e),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoluntaryMaternityReq {
    birth_date: Date,
    #[serde(default = "one")]
    children: i64,
    months_contributed_last_12: i64,
}

fn voluntary_maternity_kind(params: &Params, r: VoluntaryMaternityReq) -> Outcome {
    let (o, lines) = maternity::voluntary(
        params,
        date("birth_date", r.birth_date)?,
        count("children", r.children, bounds::MAX_PERSONS)?,
        count(
            "months_contributed_last_12",
            r.months_contributed_last_12,
            12,
        )?,
    )
    .map_err(|e| match e {
        maternity::MaternityError::Children(_) => CalcError::new("children", e),
        maternity::MaternityError::Missing(_) => CalcError::new("birth_date", e),
        other => CalcError::new("months_contributed_last_12", other),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PregnancyReq {
    event: crate::pregnancy::Event,
    average_salary: Dong,
    date: Date,
    #[serde(default = "one")]
    visits: i64,
    #[serde(default)]
    two_days: bool,
    #[serde(default)]
    weeks: i64,
    days: Option<i64>,
}

fn pregnancy_kind(params: &Params, r: PregnancyReq) -> Outcome {
    let facts = crate::pregnancy::PregnancyFacts {
        event: r.event,
        average_salary: salary("average_salary", r.average_salary)?,
        date: date("date", r.date)?,
        visits: count("visits", r.visits, bounds::MAX_DAYS)?,
        two_days: r.two_days,
        weeks: count("weeks", r.weeks, 60)?,
        days: opt_count("days", r.days, bounds::MAX_DAYS)?,
    };
    let (o, lines) = crate::pregnancy::evaluate(params, &facts).map_err(|e| match e {
        crate::pregnancy::PregnancyError::AsBirth(..) => CalcError::new("weeks", e),
        crate::pregnancy::PregnancyError::Negative => CalcError::new("average_salary", e),
        crate::pregnancy::PregnancyError::Missing(_) => CalcError::new("date", e),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexationReq {
    monthly_pension: Dong,
    as_of: Date,
    on: Date,
    first_paid: Option<Date>,
    #[serde(default)]
    before_1995: bool,
}

fn indexation_kind(params: &Params, r: IndexationReq) -> Outcome {
    let facts = crate::indexation::IndexationFacts {
        monthly_pension: salary("monthly_pension", r.monthly_pension)?,
        as_of: date("as_of", r.as_of)?,
        on: date("on", r.on)?,
        first_paid: opt_date("first_paid", r.first_paid)?,
        before_1995: r.before_1995,
    };
    let (o, lines) = crate::indexation::evaluate(params, &facts).map_err(|e| match e {
        crate::indexation::IndexationError::Negative => CalcError::new("monthly_pension", e),
        crate::indexation::IndexationError::Missing(_)
        | crate::indexation::IndexationError::Order { .. } => CalcError::new("on", e),
        crate::indexation::IndexationError::BeforeFirstDecree(_) => CalcError::new("as_of", e),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OccupationalReq {
    capacity_loss: Rate,
    salary: Dong,
    contribution_years: i64,
    date: Date,
    #[serde(default)]
    needs_carer: bool,
    #[serde(default)]
    died: bool,
}

fn occupational_kind(params: &Params, r: OccupationalReq) -> Outcome {
    let facts = crate::occupational::OccupationalFacts {
        capacity_loss: share("capacity_loss", r.capacity_loss)?,
        salary: salary("salary", r.salary)?,
        contribution_years: count(
            "contribution_years",
            r.contribution_years,
            bounds::MAX_YEARS,
        )?,
        date: date("date", r.date)?,
        needs_carer: r.needs_carer,
        died: r.died,
    };
    let (o, lines) = crate::occupational::evaluate(params, &facts).map_err(|e| match e {
        crate::occupational::OccupationalError::Loss(_) => CalcError::new("capacity_loss", e),
        crate::occupational::OccupationalError::Negative => CalcError::new("salary", e),
        crate::occupational::OccupationalError::Missing(_) => CalcError::new("date", e),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurvivorReq {
    death_date: Date,
    history: Option<Vec<Period>>,
    contribution_months: Option<i64>,
    months_before_2014: Option<i64>,
    average_salary: Option<Dong>,
    pensioner: Option<Pensioner>,
    #[serde(default)]
    relatives: i64,
    #[serde(default)]
    relatives_without_carer: i64,
    #[serde(default)]
    died_of_occupational: bool,
    /// Paid on the State's pay scale: the average of L41 Art. 72.1, 73.1, settled in the month
    /// of death.
    #[serde(default)]
    state_pay_scale: bool,
}

fn survivor_kind(params: &Params, r: SurvivorReq) -> Outcome {
    date("death_date", r.death_date)?;
    if let Some(p) = &r.pensioner {
        salary("pensioner.monthly_pension", p.monthly_pension)?;
        count(
            "pensioner.months_received",
            p.months_received,
            bounds::MAX_MONTHS,
        )?;
    }
    let (months, before, average, mut lines) = match &r.history {
        Some(h) => {
            let (avg, lines) = averaged(
                params,
                h,
                i32::from(r.death_date.year()),
                r.state_pay_scale.then_some(Month::of(r.death_date)),
            )?;
            (avg.months, avg.months_before_2014, Some(avg.average), lines)
        }
        None => (
            count(
                "contribution_months",
                r.contribution_months.unwrap_or(0),
                bounds::MAX_MONTHS,
            )?,
            count(
                "months_before_2014",
                r.months_before_2014.unwrap_or(0),
                bounds::MAX_MONTHS,
            )?,
            r.average_salary
                .map(|a| salary("average_salary", a))
                .transpose()?,
            Vec::new(),
        ),
    };
    let facts = SurvivorFacts {
        death_date: r.death_date,
        contribution_months: months,
        months_before_2014: before,
        average_salary: average,
        pensioner: r.pensioner,
        occupational: r.died_of_occupational,
        relatives: count("relatives", r.relatives, bounds::MAX_PERSONS)?,
        relatives_without_carer: count(
            "relatives_without_carer",
            r.relatives_without_carer,
            bounds::MAX_PERSONS,
        )?,
    };
    let (o, more) = survivor::evaluate(params, &facts).map_err(|e| match e {
        survivor::SurvivorError::Missing(_) => CalcError::new("death_date", e),
        survivor::SurvivorError::TooManyWithoutCarer => {
            CalcError::new("relatives_without_carer", e)
        }
        survivor::SurvivorError::AverageSalaryRequired => CalcError::new("average_salary", e),
        survivor::SurvivorError::Negative(field) => CalcError::new(field, e),
    })?;
    lines.extend(more);
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnemploymentReq {
    average_salary: Dong,
    months: i64,
    /// Vietnam's minimum-wage region; not needed on the State's pay scale.
    region: Option<u8>,
    /// Paid on the State's pay scale: the cap is 5 × the base salary (L74 Art. 39.1).
    #[serde(default)]
    state_pay_scale: bool,
    termination_date: Date,
    last_paid_month: Option<Month>,
    #[serde(alias = "months_in_last_24")]
    months_in_window: Option<i64>,
    contract_months: Option<i64>,
    #[serde(default = "yes")]
    lawful_termination: bool,
    #[serde(default)]
    pension_eligible: bool,
    filed_on: Option<Date>,
}

fn yes() -> bool {
    true
}

fn unemployment_kind(params: &Params, r: UnemploymentReq) -> Outcome {
    let facts = UnemploymentFacts {
        average_salary: salary("average_salary", r.average_salary)?,
        months: count("months", r.months, bounds::MAX_MONTHS)?,
        region: match (r.region, r.state_pay_scale) {
            (Some(region), _) => region,
            (None, true) => 1,
            (None, false) => {
                return Err(CalcError::new(
                    "region",
                    "missing: the minimum-wage region (1–4) of the last employer, or `state_pay_scale`: true",
                ));
            }
        },
        state_pay_scale: r.state_pay_scale,
        termination_date: date("termination_date", r.termination_date)?,
        last_paid_month: r.last_paid_month,
        months_in_window: opt_count("months_in_window", r.months_in_window, bounds::MAX_MONTHS)?,
        contract_months: opt_count("contract_months", r.contract_months, bounds::MAX_MONTHS)?,
        lawful_termination: r.lawful_termination,
        pension_eligible: r.pension_eligible,
        filed_on: opt_date("filed_on", r.filed_on)?,
    };
    let (o, lines) = unemployment::evaluate(params, &facts).map_err(|e| match e {
        unemployment::UnemploymentError::Region(_) => CalcError::new("region", e),
        unemployment::UnemploymentError::Missing(_) => CalcError::new("termination_date", e),
        unemployment::UnemploymentError::Negative => CalcError::new("months", e),
    })?;
    Ok((to_value(&o), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LateChargeReq {
    amount: Dong,
    days: i64,
    date: Option<Date>,
}

fn late_charge_kind(params: &Params, r: LateChargeReq) -> Outcome {
    amount("amount", r.amount)?;
    count("days", r.days, bounds::MAX_DAYS)?;
    let date = opt_date("date", r.date)?.unwrap_or(latest(&params.late_payment));
    let (charge, lines) = compliance::late_charge(params, r.amount, r.days, date)
        .map_err(|e| CalcError::new("date", e))?;
    Ok((
        json!({ "amount": r.amount, "days": r.days, "charge": charge }),
        lines,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LateInterestReq {
    overdue_balance: Dong,
    latest_month_amount: Dong,
    date: Date,
}

fn late_interest_kind(params: &Params, r: LateInterestReq) -> Outcome {
    amount("overdue_balance", r.overdue_balance)?;
    amount("latest_month_amount", r.latest_month_amount)?;
    date("date", r.date)?;
    let (interest, lines) =
        compliance::late_interest_qd595(params, r.overdue_balance, r.latest_month_amount, r.date)
            .map_err(|e| match e {
            compliance::ComplianceError::Missing(_) => CalcError::new("date", e),
            _ => CalcError::new("latest_month_amount", e),
        })?;
    Ok((json!({ "interest": interest }), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComplianceReq {
    month: Month,
    amount_due: Dong,
    #[serde(default)]
    payments: Vec<Payment>,
    urged_on: Option<Date>,
    registered_salary: Option<Dong>,
    legal_base_salary: Option<Dong>,
    registration: Option<Registration>,
    #[serde(default)]
    force_majeure: bool,
    as_of: Date,
}

fn compliance_kind(params: &Params, r: ComplianceReq) -> Outcome {
    amount("amount_due", r.amount_due)?;
    if r.payments.len() > bounds::MAX_PERIODS {
        return Err(CalcError::new(
            "payments",
            format!("more than {} payments", bounds::MAX_PERIODS),
        ));
    }
    for (i, p) in r.payments.iter().enumerate() {
        date(&format!("payments[{i}].date"), p.date)?;
        amount(&format!("payments[{i}].amount"), p.amount)?;
    }
    opt_date("urged_on", r.urged_on)?;
    if let Some(s) = r.registered_salary {
        salary("registered_salary", s)?;
    }
    if let Some(s) = r.legal_base_salary {
        salary("legal_base_salary", s)?;
    }
    if let Some(reg) = &r.registration {
        date("registration.subject_since", reg.subject_since)?;
        opt_date("registration.registered_on", reg.registered_on)?;
    }
    date("as_of", r.as_of)?;
    let facts = MonthFacts {
        month: r.month,
        amount_due: r.amount_due,
        payments: r.payments,
        urged_on: r.urged_on,
        registered_salary: r.registered_salary,
        legal_base_salary: r.legal_base_salary,
        registration: r.registration,
        force_majeure: r.force_majeure,
        as_of: r.as_of,
    };
    let (c, lines) = compliance::classify(params, &facts).map_err(|e| match e {
        compliance::ComplianceError::Missing(_) => CalcError::new("month", e),
        compliance::ComplianceError::AfterAsOf(..) => CalcError::new("payments", e),
        _ => CalcError::new("amount_due", e),
    })?;
    Ok((to_value(&c), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BackCollectionReq {
    as_of: Date,
    region: u8,
    occupational_rate: Option<Rate>,
    findings: Vec<crate::back_collection::Finding>,
}

fn back_collection_kind(params: &Params, r: BackCollectionReq) -> Outcome {
    use crate::back_collection::{self as bc, BackCollectionError as E};
    date("as_of", r.as_of)?;
    if r.findings.is_empty() {
        return Err(CalcError::new(
            "findings",
            "empty: give at least one finding",
        ));
    }
    if r.findings.len() > bounds::MAX_PERIODS {
        return Err(CalcError::new(
            "findings",
            format!("more than {} findings", bounds::MAX_PERIODS),
        ));
    }
    for (i, f) in r.findings.iter().enumerate() {
        if f.worker.trim().is_empty() || f.worker.chars().count() > 64 {
            return Err(CalcError::new(
                format!("findings[{i}].worker"),
                "must name the worker in 1 to 64 characters",
            ));
        }
        salary(&format!("findings[{i}].declared_salary"), f.declared_salary)?;
        salary(&format!("findings[{i}].actual_salary"), f.actual_salary)?;
        if i64::from(f.from.months_until(f.to)) >= bounds::MAX_MONTHS {
            return Err(CalcError::new(
                format!("findings[{i}].to"),
                format!("more than {} months", bounds::MAX_MONTHS),
            ));
        }
    }
    let occupational = match r.occupational_rate {
        None => None,
        Some(rate) => {
            let occ = params
                .occupational_rates
                .at(r.as_of)
                .map_err(|e| missing("as_of", e))?;
            Some(if rate == occ.value.standard {
                OccupationalOption::Standard
            } else if rate == occ.value.reduced {
                OccupationalOption::Reduced
            } else {
                return Err(CalcError::new(
                    "occupational_rate",
                    contribution::ContributionError::UnknownOccupationalRate(
                        rate,
                        occ.value.standard,
                        occ.value.reduced,
                    ),
                ));
            })
        }
    };
    if !(1..=4).contains(&r.region) {
        return Err(CalcError::new(
            "region",
            contribution::ContributionError::Region(r.region),
        ));
    }
    let (b, lines) = bc::back_collection(params, r.as_of, r.region, occupational, &r.findings)
        .map_err(|e: E| {
            let (index, field) = e.field();
            let path = match index {
                Some(i) if !matches!(field, "region" | "occupational_rate") => {
                    format!("findings[{i}].{field}")
                }
                _ => field.to_string(),
            };
            CalcError::new(path, e)
        })?;
    Ok((to_value(&b), lines))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SanctionReq {
    violation: crate::sanction::Violation,
    offender: crate::sanction::Offender,
    amount: Dong,
    #[serde(default)]
    workers: i64,
    date: Date,
    /// Months the evasion lasted (Penal Code Art. 216.1), when known.
    months: Option<i64>,
    /// Already sanctioned administratively for evasion (Art. 216.1), when known.
    previously_sanctioned: Option<bool>,
}

fn sanction_kind(params: &Params, r: SanctionReq) -> Outcome {
    use crate::sanction::{self, SanctionError as E};
    amount("amount", r.amount)?;
    count("workers", r.workers, 10_000_000)?;
    date("date", r.date)?;
    let months = opt_count("months", r.months, bounds::MAX_MONTHS)?;
    let facts = sanction::Facts {
        violation: r.violation,
        offender: r.offender,
        amount: r.amount,
        workers: r.workers,
        date: r.date,
        months,
        previously_sanctioned: r.previously_sanctioned,
    };
    let (s, lines) = sanction::sanction(params, &facts).map_err(|e| match e {
        E::Missing(_) => CalcError::new("date", e),
        E::Malformed(_) => CalcError::new("violation", e),
        E::Overflow => CalcError::new("amount", e),
    })?;
    Ok((to_value(&s), lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: Value) -> Result<Value, CalcError> {
        calc(&Params::embedded().unwrap(), &v).map(|a| a.body)
    }

    #[test]
    fn errors_name_the_field() {
        let base = json!({"kind": "contribution", "jurisdiction": "VN", "month": "2026-03", "participant": "employee", "salary": 10_000_000, "region": 1});
        let with = |k: &str, v: Value| {
            let mut r = base.clone();
            r[k] = v;
            run(r).unwrap_err().field
        };
        assert_eq!(with("region", json!(5)), "region");
        assert_eq!(with("month", json!("2024-01")), "month");
        assert_eq!(with("month", json!("2026-13")), "month");
        assert_eq!(with("salary", json!("ten")), "salary");
        assert_eq!(with("salary", json!(1_000)), "salary");
        assert_eq!(with("participant", json!("alien")), "participant");
        assert_eq!(with("surprise", json!(1)), "surprise");
        assert_eq!(with("jurisdiction", json!("LA")), "jurisdiction");
        let mut no_salary = base.clone();
        no_salary.as_object_mut().unwrap().remove("salary");
        assert_eq!(run(no_salary).unwrap_err().field, "salary");
    }

    #[test]
    fn under_one_year_the_one_time_benefit_is_what_the_history_contributed() {
        // 3 months at 10,000,000 and 3 at 60,000,000 (capped at 20 × 2,340,000 = 46,800,000),
        // 22 % each month (8 % + 14 %, L41 Art. 33.1.a, 34.1.c).
        let r = json!({"kind": "one_time", "jurisdiction": "VN", "settlement_year": 2026,
            "ground": "emigrating", "history": [
                {"from": "2026-01", "to": "2026-03", "salary": 10_000_000},
                {"from": "2026-04", "to": "2026-06", "salary": 60_000_000}]});
        let answer = calc(&Params::embedded().unwrap(), &r).unwrap();
        let contributed = 3 * 2_200_000 + 3 * 10_296_000;
        let line = answer
            .explanation
            .iter()
            .find(|l| l.key == "amount_contributed")
            .unwrap();
        assert_eq!(line.amount, Some(Dong(contributed)));
        // Capped at 2 × the average salary of the six months.
        let cap = 2 * answer.body["average_salary"].as_i64().unwrap();
        assert_eq!(answer.body["amount"], json!(contributed.min(cap)));
    }

    #[test]
    fn history_errors_point_into_the_list() {
        let r = json!({"kind": "pension", "jurisdiction": "VN", "sex": "male", "birth_date": "1964-10-15",
            "history": [{"from": "2000-01", "to": "2010-12", "salary": 5_000_000}, {"from": "2010-06", "to": "2026-04", "salary": "x"}]});
        assert_eq!(run(r).unwrap_err().field, "history[1].salary");
    }
}
