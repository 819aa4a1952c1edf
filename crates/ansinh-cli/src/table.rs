//! Plain-text rendering of explanations and parameters for `--explain` and `ansinh params`.

use serde_json::Value;
use std::fmt::Write as _;
use std::io::Write as _;

/// Writes to stdout, ignoring a closed pipe (`ansinh calc --explain | head`).
pub fn emit(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The results (every scalar of the response, by dotted path) then one block per line of its
/// `explanation`, whichever package answered.
pub fn render_answer(body: &Value) -> String {
    let mut out = String::new();
    if let Value::Object(fields) = body {
        for (key, value) in fields {
            if key != "explanation" {
                flatten(&mut out, key, value);
            }
        }
    }
    let text = |v: &Value, k: &str| match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let _ = writeln!(out, "\n{:<28} {:>16}  formula", "line", "amount/value");
    let _ = writeln!(out, "{}", "─".repeat(100));
    let lines = body["explanation"].as_array().cloned().unwrap_or_default();
    for line in &lines {
        let shown = match line.get("amount").and_then(Value::as_i64) {
            // Thousands grouped as the laws' English translations write them: `46,800,000`.
            Some(a) => ansinh_core::money::grouped(a, ','),
            None => text(line, "value"),
        };
        let local = ["label_vi", "label_lo"]
            .iter()
            .map(|k| text(line, k))
            .find(|l| !l.is_empty())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<28} {:>16}  {}",
            text(line, "key"),
            shown,
            text(line, "formula")
        );
        let _ = writeln!(out, "{:<45}  {} / {}", "", local, text(line, "label_en"));
        for p in line["params"].as_array().into_iter().flatten() {
            let _ = writeln!(
                out,
                "{:<45}  · {} = {} — {}",
                "",
                text(p, "name"),
                text(p, "value"),
                text(p, "source")
            );
        }
        let _ = writeln!(out, "{:<45}  ⚖ {}", "", text(line, "citation"));
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

/// Every concept of a package with its entries.
pub fn render_params(summary: &[(&str, Vec<ansinh_law::timeline::EntrySummary>)]) -> String {
    let mut out = String::new();
    for (name, entries) in summary {
        let _ = writeln!(out, "{name}");
        for e in entries {
            let to = e.to.map_or("…".to_string(), |d| d.to_string());
            let flag = if e.unconfirmed { "  [UNCONFIRMED]" } else { "" };
            let _ = writeln!(out, "  {} – {:<10}  {}{}", e.from, to, e.source, flag);
        }
    }
    out.push_str("all parameter files are valid\n");
    out
}
