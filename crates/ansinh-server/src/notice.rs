//! The employer's monthly notice as CSV and as a printable HTML page.

use ansinh_core::Dong;
use ansinh_store::assessment::Notice;
use std::fmt::Write as _;

fn label(column: &str) -> String {
    let (payer, fund) = column.split_once('_').unwrap_or(("", column));
    let fund = match fund {
        "sickness_maternity" => "Ốm đau – thai sản / Sickness & maternity",
        "pension_survivor" => "Hưu trí – tử tuất / Pension & survivorship",
        "occupational" => "TNLĐ–BNN / Occupational accident & disease",
        "health" => "BHYT / Health insurance",
        "unemployment" => "BHTN / Unemployment insurance",
        other => other,
    };
    let payer = if payer == "employee" {
        "người lao động / employee"
    } else {
        "đơn vị / employer"
    };
    format!("{fund} — {payer}")
}

fn rows(n: &Notice) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> =
        vec![("Số dư đầu kỳ / Opening balance".into(), n.opening_balance)];
    rows.extend(n.funds.iter().map(|(c, v)| (label(c), *v)));
    rows.push((
        "Phải đóng tháng này / Due for the month".into(),
        n.dues_this_month,
    ));
    for (month, v) in &n.adjustments {
        rows.push((
            format!("Điều chỉnh tháng {month} / Adjustment for {month}"),
            *v,
        ));
    }
    rows.push(("Tổng phải đóng / Total due".into(), n.total_due));
    rows.push((
        "Đã nộp trong tháng / Paid during the month".into(),
        n.payments,
    ));
    rows.push(("Số dư cuối kỳ / Closing balance".into(), n.closing_balance));
    rows.push(("Tiền chậm đóng / Late charge accrued".into(), n.late_charge));
    rows
}

pub fn to_csv(n: &Notice) -> String {
    let mut out = String::from("employer_code,month,item,amount\n");
    for (item, amount) in rows(n) {
        let _ = writeln!(
            out,
            "{},{},\"{}\",{amount}",
            n.employer_code,
            n.month,
            item.replace('"', "\"\"")
        );
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn to_html(n: &Notice) -> String {
    let mut body = String::new();
    for (item, amount) in rows(n) {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&item),
            Dong(amount)
        );
    }
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Thông báo kết quả đóng BHXH {code} {month}</title>\
         <style>body{{font-family:sans-serif;max-width:48rem;margin:2rem auto}}table{{border-collapse:collapse;width:100%}}\
         td{{border-bottom:1px solid #ccc;padding:.3rem}}.n{{text-align:right;font-variant-numeric:tabular-nums}}</style></head>\
         <body><h1>Thông báo kết quả đóng BHXH, BHYT, BHTN</h1><p>Monthly contribution notice — đơn vị / employer <b>{code}</b>, \
         tháng / month <b>{month}</b>, số lao động / headcount <b>{headcount}</b></p><table>{body}</table>\
         <p>Amounts in đồng, from the contribution record written by the monthly run.</p></body></html>",
        code = escape(&n.employer_code),
        month = escape(&n.month),
        headcount = n.headcount,
    )
}
