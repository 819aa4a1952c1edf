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

/// The record as the history of a calculation request: consecutive months at one salary are
/// one period.
pub(super) fn history(career: &Career) -> Vec<Value> {
    career
        .periods()
        .into_iter()
        .map(|(from, to, salary)| {
            json!({"from": from.to_string(), "to": to.to_string(), "salary": salary})
        })
        .collect()
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

/// The calculation request for the kind asked, over the record's history.
fn request(
    q: &CalcQuery,
    p: &ansinh_store::Person,
    history: &[Value],
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
        other => Err(format!(
            "kind: `{other}` is not pension, one_time or survivor"
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
        if history.is_empty() {
            page.error = Some(page.c.t("estimate-none"));
        } else {
            match request(&q, &page.p, &history, today.year()) {
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
