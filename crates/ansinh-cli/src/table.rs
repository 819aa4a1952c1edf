//! Plain-text rendering of explanations and parameters for `--explain` and `ansinh params`.

use ansinh_rules::Params;
use ansinh_rules::calc::Answer;
use serde_json::Value;

/// Prints the results (scalars of the response) then one block per explanation line.
pub fn print_answer(answer: &Answer) {
    if let Value::Object(body) = &answer.body {
        for (key, value) in body {
            if key == "explanation" {
                continue;
            }
            println!("{key:<28} {}", compact(value));
        }
    }
    println!();
    println!("{:<28} {:>16}  formula", "line", "amount/value");
    println!("{}", "─".repeat(100));
    for line in &answer.explanation {
        let shown = match (&line.amount, &line.value) {
            (Some(a), _) => a.to_string(),
            (None, Some(v)) => v.clone(),
            (None, None) => String::new(),
        };
        println!("{:<28} {:>16}  {}", line.key, shown, line.formula);
        println!("{:<28} {:>16}  {} / {}", "", "", line.label_vi, line.label_en);
        for p in &line.params {
            println!("{:<28} {:>16}  · {} = {} — {}", "", "", p.name, p.value, p.source);
        }
        println!("{:<28} {:>16}  ⚖ {}", "", "", line.citation);
    }
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Lists every concept with its entries.
pub fn print_params(params: &Params) {
    macro_rules! show {
        ($($name:ident),*) => {$(
            println!("{}", stringify!($name));
            for e in params.$name.entries() {
                let to = e.to.map_or("…".to_string(), |d| d.to_string());
                let flag = if e.unconfirmed { "  [UNCONFIRMED]" } else { "" };
                println!("  {} – {:<10}  {}{}", e.from, to, e.source, flag);
            }
        )*};
    }
    show!(
        reference_level, regional_minimum_wage, rural_poverty_line, si_cap, si_floor, ui_cap,
        contribution_rates, occupational_rates, voluntary_support, late_payment, late_interest_qd595,
        retirement_age, pension, odd_months, revaluation, one_time, sickness, maternity, survivor,
        unemployment, rounding
    );
    println!("all parameter files are valid");
}
