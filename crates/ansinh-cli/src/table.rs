//! Plain-text rendering of explanations and parameters for `--explain` and `ansinh params`.

use ansinh_rules::Params;
use ansinh_rules::calc::Answer;
use serde_json::Value;
use std::fmt::Write as _;
use std::io::Write as _;

/// Writes to stdout, ignoring a closed pipe (`ansinh calc --explain | head`).
pub fn emit(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The results (every scalar of the response, by dotted path) then one block per line.
pub fn render_answer(answer: &Answer) -> String {
    let mut out = String::new();
    if let Value::Object(body) = &answer.body {
        for (key, value) in body {
            if key != "explanation" {
                flatten(&mut out, key, value);
            }
        }
    }
    let _ = writeln!(out, "\n{:<28} {:>16}  formula", "line", "amount/value");
    let _ = writeln!(out, "{}", "─".repeat(100));
    for line in &answer.explanation {
        let shown = match (&line.amount, &line.value) {
            (Some(a), _) => a.to_string(),
            (None, Some(v)) => v.clone(),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "{:<28} {:>16}  {}", line.key, shown, line.formula);
        let _ = writeln!(out, "{:<45}  {} / {}", "", line.label_vi, line.label_en);
        for p in &line.params {
            let _ = writeln!(out, "{:<45}  · {} = {} — {}", "", p.name, p.value, p.source);
        }
        let _ = writeln!(out, "{:<45}  ⚖ {}", "", line.citation);
    }
    out
}

fn flatten(out: &mut String, path: &str, value: &Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(out, &format!("{path}.{k}"), v);
            }
        }
        Value::String(s) => {
            let _ = writeln!(out, "{path:<34} {s}");
        }
        Value::Array(items) if items.iter().all(Value::is_string) => {
            for item in items {
                let _ = writeln!(out, "{path:<34} {}", item.as_str().unwrap_or_default());
            }
        }
        Value::Number(n) if n.is_i64() && path_is_money(path) => {
            let _ = writeln!(
                out,
                "{path:<34} {}",
                ansinh_core::Dong(n.as_i64().unwrap_or_default())
            );
        }
        other => {
            let _ = writeln!(out, "{path:<34} {other}");
        }
    }
}

/// Counts (months, days, years, region) are shown as they are; everything else as money.
fn path_is_money(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    !(last.ends_with("months")
        || last.contains("days")
        || last.contains("year")
        || last == "region"
        || last == "start_working_day")
}

/// Every concept with its entries.
pub fn render_params(params: &Params) -> String {
    let mut out = String::new();
    macro_rules! show {
        ($($name:ident),*) => {$(
            let _ = writeln!(out, "{}", stringify!($name));
            for e in params.$name.entries() {
                let to = e.to.map_or("…".to_string(), |d| d.to_string());
                let flag = if e.unconfirmed { "  [UNCONFIRMED]" } else { "" };
                let _ = writeln!(out, "  {} – {:<10}  {}{}", e.from, to, e.source, flag);
            }
        )*};
    }
    show!(
        reference_level,
        regional_minimum_wage,
        rural_poverty_line,
        si_cap,
        si_floor,
        ui_cap,
        contribution_rates,
        occupational_rates,
        voluntary_support,
        late_payment,
        late_interest_qd595,
        retirement_age,
        pension,
        odd_months,
        revaluation,
        one_time,
        sickness,
        maternity,
        survivor,
        unemployment,
        rounding
    );
    out.push_str("all parameter files are valid\n");
    out
}
