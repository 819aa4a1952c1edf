//! The benefits officer's calculator over a person's record (tính chế độ theo quá trình tham
//! gia): the pension (L41 Art. 64–66, 74), the one-time benefit (Art. 70) or the survivor
//! benefits (Art. 85–89) of the person's whole career as the record holds it — the months the
//! monthly runs assessed and the months declared that no run has assessed yet, each marked —
//! through the same JSON requests as `ansinh calc` and `POST /api/v1/calc`, with the rules'
//! explanation lines. Nothing is stored: a decision is a claim's work (issue 21).

use super::{Chrome, error_page, forbidden_page, render};
use crate::AppState;
use crate::access::Caller;
use ansinh_core::Month;
use ansinh_store::StoreError;
use ansinh_store::career::{Career, CareerMonth};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

/// Refuses, with what to use instead, a calculation over the record on a database whose law is
/// not Vietnam's: the requests here are Vietnam's kinds (L41), and the Lao package's pension
/// needs facts (age, years, average) whose rule from a record is not confirmed.
pub(super) fn vietnamese_law_only(state: &AppState) -> Result<(), String> {
    let j = state.jurisdiction;
    if j.code == "VN" {
        return Ok(());
    }
    Err(format!(
        "jurisdiction: the benefit calculation over the record is built for Vietnam's law; this database is {} ({}): ask POST /api/v1/calc with \"jurisdiction\": \"{}\"",
        j.code, j.name_en, j.code
    ))
}

/// Months insured in Korea that the career does not already hold as Vietnamese months: a
/// calendar month is insured once (Vietnam–Korea agreement Part III), at most the months the
/// liaison body reported for each period.
pub(super) fn foreign_months(
    career: &Career,
    periods: &[ansinh_store::certificate::ForeignPeriod],
) -> i64 {
    let held: std::collections::BTreeSet<&str> =
        career.months.iter().map(|m| m.month.as_str()).collect();
    periods
        .iter()
        .filter_map(|p| {
            let from = ansinh_core::Month::of(p.period_from.parse().ok()?);
            let to = ansinh_core::Month::of(p.period_to.parse().ok()?);
            let mut free = 0i64;
            let mut m = from;
            while m <= to {
                if !held.contains(m.to_string().as_str()) {
                    free += 1;
                }
                m = m.plus(1);
            }
            Some(free.min(p.months))
        })
        .sum()
}

/// The record as the history of a calculation request: consecutive months at one salary are
/// one period.
pub(super) fn history(career: &Career) -> Vec<Value> {
    ansinh_store::career::history_rows(career)
}

/// The rules' explanation lines in the page's language: label, amount, formula, citation.
/// The revaluation of each year's salaries is left out where `brief`.
pub(super) fn lines(
    c: &Chrome,
    answer: &ansinh_rules::calc::Answer,
    brief: bool,
) -> Vec<(String, Option<i64>, String, String)> {
    answer
        .explanation
        .iter()
        .filter(|l| !(brief && l.key.starts_with("revaluation.")))
        .map(|l| {
            let label = match c.lang {
                crate::i18n::Lang::Vi => l.label_local.to_string(),
                // Vietnam's rules have no Lao labels: English for Lao pages.
                crate::i18n::Lang::En | crate::i18n::Lang::Lo => l.label_en.to_string(),
            };
            (
                label,
                l.amount.map(ansinh_core::Dong::get),
                l.formula.clone(),
                l.citation.to_string(),
            )
        })
        .collect()
}

/// What the officer asks: the benefit, and the facts the record does not hold.
#[derive(Deserialize, Default)]
pub(super) struct CalcQuery {
    /// `pension`, `one_time` or `survivor`; the form only when absent.
    kind: Option<String>,
    /// Year of the settlement (revaluation of salaries, L41 Art. 63).
    year: Option<String>,
    /// Months retiring before the normal age (Art. 65).
    early_months: Option<String>,
    /// The actual first month of pension (YYYY-MM) when later than the normal one (Art. 68.2).
    first_month: Option<String>,
    /// Ground of the one-time benefit (Art. 70.1).
    ground: Option<String>,
    /// Day of death (survivor benefits).
    death_date: Option<String>,
    relatives: Option<String>,
    relatives_without_carer: Option<String>,
    /// `on` when the death was of an occupational accident or disease.
    occupational: Option<String>,
    /// Sickness: first day of the leave; occupational: day of the accident or diagnosis;
    /// paternity: the child's birth.
    event_date: Option<String>,
    /// Sickness: working days of leave.
    days: Option<String>,
    /// Sickness: leave to care for a sick child born on this day (L41 Art. 44).
    child_birth_date: Option<String>,
    /// Occupational: the medical council's loss of working capacity, in percent.
    capacity_loss: Option<String>,
    /// Occupational: `on` when the listed conditions call for a carer (Law on OSH Art. 52).
    needs_carer: Option<String>,
    /// Paternity: children born, and `on` for a caesarean.
    children: Option<String>,
    caesarean: Option<String>,
}

/// A result row: label, value as shown.
type Row = (String, String);

#[derive(Template)]
#[template(path = "calculator.html")]
struct CalculatorPage {
    c: Chrome,
    p: ansinh_store::Person,
    months: Vec<CareerMonth>,
    assessed: i64,
    declared: i64,
    kind: String,
    year: String,
    early_months: String,
    first_month: String,
    ground: String,
    death_date: String,
    relatives: String,
    relatives_without_carer: String,
    occupational: bool,
    event_date: String,
    days: String,
    child_birth_date: String,
    capacity_loss: String,
    needs_carer: bool,
    children: String,
    caesarean: bool,
    /// The request sent to the rules, shown so the officer can repeat it with `ansinh calc`.
    request: String,
    rows: Vec<Row>,
    lines: Vec<(String, Option<i64>, String, String)>,
    error: Option<String>,
}

const GROUNDS: [&str; 5] = [
    "retirement_age",
    "emigrating",
    "serious_illness",
    "severe_disability",
    "out_of_insurance",
];

/// A whole number typed into the form, or the field named with the reason.
fn whole(field: &str, text: &str) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .map(Some)
        .map_err(|_| format!("{field}: `{t}` is not a whole number"))
}

/// A day typed into the form, or the field named with the reason.
fn day(field: &str, text: Option<&str>) -> Result<ansinh_core::Date, String> {
    let t = text.unwrap_or("").trim();
    if t.is_empty() {
        return Err(format!("{field}: missing (YYYY-MM-DD)"));
    }
    t.parse()
        .map_err(|_| format!("{field}: `{t}` is not a date YYYY-MM-DD"))
}

/// What the record holds before `month`: the salary of the last month on record (or of the
/// first month when `month` is the first, L41 Art. 45.2), the average of the last 6 months
/// (fewer: of those on record, Art. 59.1), and the months on record.
fn before(months: &[CareerMonth], month: Month) -> Option<(i64, i64, i64)> {
    let earlier: Vec<&CareerMonth> = months
        .iter()
        .filter(|m| m.month.parse::<Month>().is_ok_and(|x| x < month))
        .collect();
    let last = match earlier.last() {
        Some(m) => m.salary,
        None => {
            months
                .iter()
                .find(|m| m.month.parse::<Month>().is_ok_and(|x| x == month))?
                .salary
        }
    };
    let recent: Vec<i64> = earlier.iter().rev().take(6).map(|m| m.salary).collect();
    let average = if recent.is_empty() {
        last
    } else {
        recent.iter().sum::<i64>() / recent.len() as i64
    };
    Some((last, average, earlier.len() as i64))
}

/// The calculation request for the kind asked, over the record's history.
fn request(
    q: &CalcQuery,
    p: &ansinh_store::Person,
    history: &[Value],
    months: &[CareerMonth],
    this_year: i16,
) -> Result<Value, String> {
    let kind = q.kind.as_deref().unwrap_or("").trim();
    let year = whole("year", q.year.as_deref().unwrap_or(""))?.unwrap_or(i64::from(this_year));
    match kind {
        "pension" => {
            let mut r = json!({"kind": "pension", "jurisdiction": "VN", "sex": p.sex,
                "birth_date": p.birth_date, "settlement_year": year, "history": history});
            if let Some(early) = whole("early_months", q.early_months.as_deref().unwrap_or(""))? {
                r["early_months"] = early.into();
            }
            let first = q.first_month.as_deref().unwrap_or("").trim();
            if !first.is_empty() {
                r["first_month"] = first.into();
            }
            Ok(r)
        }
        "one_time" => {
            let ground = q.ground.as_deref().unwrap_or("").trim();
            if !GROUNDS.contains(&ground) {
                return Err(format!(
                    "ground: `{ground}` is not one of {}",
                    GROUNDS.join(", ")
                ));
            }
            Ok(
                json!({"kind": "one_time", "jurisdiction": "VN", "settlement_year": year,
                "ground": ground, "history": history}),
            )
        }
        "survivor" => {
            let death = q.death_date.as_deref().unwrap_or("").trim();
            if death.is_empty() {
                return Err("death_date: missing (the day of death, YYYY-MM-DD)".into());
            }
            Ok(
                json!({"kind": "survivor", "jurisdiction": "VN", "death_date": death,
                "history": history,
                "relatives": whole("relatives", q.relatives.as_deref().unwrap_or(""))?.unwrap_or(0),
                "relatives_without_carer": whole("relatives_without_carer",
                    q.relatives_without_carer.as_deref().unwrap_or(""))?.unwrap_or(0),
                "died_of_occupational": q.occupational.as_deref() == Some("on")}),
            )
        }
        "sickness" | "occupational" | "paternity" => {
            let on = day("event_date", q.event_date.as_deref())?;
            let (last, average, on_record) = before(months, Month::of(on)).ok_or_else(|| {
                format!("event_date: the record has no month of contribution by {on}")
            })?;
            match kind {
                "sickness" => {
                    let days = whole("days", q.days.as_deref().unwrap_or(""))?
                        .ok_or("days: missing (working days of leave)")?;
                    let mut r = json!({"kind": "sickness", "jurisdiction": "VN", "salary": last,
                        "days": days, "date": on.to_string(), "contribution_years": on_record / 12});
                    let child = q.child_birth_date.as_deref().unwrap_or("").trim();
                    if !child.is_empty() {
                        r["child_birth_date"] =
                            day("child_birth_date", Some(child))?.to_string().into();
                    }
                    Ok(r)
                }
                "occupational" => {
                    let loss = whole("capacity_loss", q.capacity_loss.as_deref().unwrap_or(""))?
                        .ok_or("capacity_loss: missing (whole percent)")?;
                    Ok(json!({"kind": "occupational", "jurisdiction": "VN",
                        "capacity_loss": format!("{loss}%"), "salary": last,
                        "contribution_years": on_record / 12, "date": on.to_string(),
                        "needs_carer": q.needs_carer.as_deref() == Some("on"),
                        "died": q.occupational.as_deref() == Some("on")}))
                }
                _ => Ok(json!({"kind": "paternity", "jurisdiction": "VN",
                    "average_salary": average, "birth_date": on.to_string(),
                    "children": whole("children", q.children.as_deref().unwrap_or(""))?.unwrap_or(1),
                    "caesarean": q.caesarean.as_deref() == Some("on")})),
            }
        }
        other => Err(format!(
            "kind: `{other}` is not pension, one_time, survivor, sickness, occupational or paternity"
        )),
    }
}

/// Whether a number of the answer is đồng (the rest count months, years, relatives).
fn is_money(key: &str) -> bool {
    [
        "amount",
        "salary",
        "pension",
        "grant",
        "allowance",
        "per_relative",
    ]
    .iter()
    .any(|w| key.contains(w))
}

/// The answer's scalar fields as rows, nested ones as `part.field`.
fn rows(c: &Chrome, prefix: &str, v: &Value, out: &mut Vec<Row>) {
    let Value::Object(map) = v else { return };
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        // The explanation has its own table.
        if matches!(
            k.as_str(),
            "kind" | "jurisdiction" | "warnings" | "explanation"
        ) {
            continue;
        }
        let shown = match v {
            Value::Object(_) => {
                rows(c, &key, v, out);
                continue;
            }
            Value::Bool(b) => c.t(if *b { "yes" } else { "no" }),
            Value::Number(n) => match n.as_i64() {
                Some(i) if is_money(k) => c.money(i),
                _ => c.text(n.to_string()),
            },
            Value::String(s) if s.len() == 7 && s.parse::<Month>().is_ok() => c.date(s),
            Value::String(s) => c.text(s),
            Value::Null => "—".into(),
            Value::Array(a) => c.text(
                a.iter()
                    .map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        let label_key = format!("calc-{}", key.replace('.', "-"));
        let label = c.t(&label_key);
        out.push((if label == label_key { key } else { label }, shown));
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(sin): Path<String>,
    Query(q): Query<CalcQuery>,
) -> Response {
    // The whole career names other employers and their salaries: not an employer's to read.
    if crate::scope::employer_of(&caller).is_some() {
        return forbidden_page("this record is not yours");
    }
    let c = Chrome::new(
        &headers,
        Some(&caller),
        &format!("/ui/persons/{sin}/calculator"),
    );
    let today = jiff::ZonedDateTime::now().date();
    // Declared months count up to the last finished one; assessed months all count.
    let through = Month::of(today).plus(-1);
    let loaded = async {
        let p = state
            .store
            .person(&sin)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("person {sin}"),
            })?;
        let career = state.store.career(&p.sin, through).await?;
        Ok::<_, StoreError>((p, career))
    }
    .await;
    let (p, career) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(c, e),
    };
    let history = history(&career);
    let mut page = CalculatorPage {
        kind: q.kind.clone().unwrap_or_default(),
        year: q.year.clone().unwrap_or_else(|| today.year().to_string()),
        early_months: q.early_months.clone().unwrap_or_default(),
        first_month: q.first_month.clone().unwrap_or_default(),
        ground: q.ground.clone().unwrap_or_default(),
        death_date: q.death_date.clone().unwrap_or_default(),
        relatives: q.relatives.clone().unwrap_or_default(),
        relatives_without_carer: q.relatives_without_carer.clone().unwrap_or_default(),
        occupational: q.occupational.as_deref() == Some("on"),
        event_date: q.event_date.clone().unwrap_or_default(),
        days: q.days.clone().unwrap_or_default(),
        child_birth_date: q.child_birth_date.clone().unwrap_or_default(),
        capacity_loss: q.capacity_loss.clone().unwrap_or_default(),
        needs_carer: q.needs_carer.as_deref() == Some("on"),
        children: q.children.clone().unwrap_or_default(),
        caesarean: q.caesarean.as_deref() == Some("on"),
        request: String::new(),
        rows: Vec::new(),
        lines: Vec::new(),
        error: None,
        assessed: career.assessed,
        declared: career.declared,
        months: career.months,
        p,
        c,
    };
    if q.kind.is_some() {
        if let Err(why) = vietnamese_law_only(&state) {
            page.error = Some(why);
        } else if history.is_empty() {
            page.error = Some(page.c.t("estimate-none"));
        } else {
            match request(&q, &page.p, &history, &page.months, today.year()) {
                Err(why) => page.error = Some(why),
                Ok(r) => {
                    page.request = r.to_string();
                    match ansinh_rules::calc::calc_text(&state.params, &page.request) {
                        Ok(answer) => {
                            rows(&page.c, "", &answer.body, &mut page.rows);
                            page.lines = lines(&page.c, &answer, false);
                        }
                        Err(e) => page.error = Some(e.to_string()),
                    }
                }
            }
        }
    }
    render(&page)
}
