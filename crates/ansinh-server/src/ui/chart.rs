//! Charts of the dashboard and the employer page, drawn as SVG on the server: no script, no
//! library, readable without colour (every bar carries its figure in its tooltip and table).

use super::Chrome;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Text safe inside SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: i64 = 640;
const H: i64 = 240;
const LEFT: i64 = 10;
const BOTTOM: i64 = 40;

fn frame(title: &str, body: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" class="chart"><title>{t}</title>{body}</svg>"#,
        t = esc(title)
    )
}

fn empty(c: &Chrome, title: &str) -> String {
    frame(
        title,
        &format!(
            r#"<text x="{}" y="{}" text-anchor="middle" class="muted">{}</text>"#,
            W / 2,
            H / 2,
            esc(&c.t("chart-no-data"))
        ),
    )
}

/// [`grouped`] bars of counts rather than money.
fn grouped_counts(
    c: &Chrome,
    title: &str,
    series: &[&str],
    groups: &[(String, Vec<i64>)],
) -> String {
    bars(c, title, series, groups, &|v| v.to_string())
}

/// Vertical bars of money, one group per label, one bar per series.
fn grouped(c: &Chrome, title: &str, series: &[&str], groups: &[(String, Vec<i64>)]) -> String {
    bars(c, title, series, groups, &|v| c.money(v))
}

fn bars(
    c: &Chrome,
    title: &str,
    series: &[&str],
    groups: &[(String, Vec<i64>)],
    figure: &dyn Fn(i64) -> String,
) -> String {
    let max = groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0);
    if groups.is_empty() || max <= 0 {
        return empty(c, title);
    }
    let plot_h = H - BOTTOM - 20;
    let slot = (W - 2 * LEFT) / groups.len() as i64;
    let bar = ((slot - 8) / series.len().max(1) as i64).max(2);
    let mut body = String::new();
    for (i, (label, values)) in groups.iter().enumerate() {
        let x0 = LEFT + i as i64 * slot + 4;
        for (k, v) in values.iter().enumerate() {
            let h = (v.max(&0) * plot_h) / max;
            let _ = write!(
                body,
                r#"<rect x="{}" y="{}" width="{}" height="{}" class="s{k}"><title>{} {}: {}</title></rect>"#,
                x0 + k as i64 * bar,
                20 + plot_h - h,
                bar - 1,
                h,
                esc(label),
                esc(series.get(k).copied().unwrap_or("")),
                esc(&figure(*v))
            );
        }
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" text-anchor="middle" class="axis">{}</text>"#,
            x0 + slot / 2 - 4,
            H - BOTTOM + 16,
            esc(label)
        );
    }
    for (k, name) in series.iter().enumerate() {
        let _ = write!(
            body,
            r#"<rect x="{}" y="{}" width="10" height="10" class="s{k}"/><text x="{}" y="{}" class="axis">{}</text>"#,
            LEFT + k as i64 * 160,
            H - 14,
            LEFT + k as i64 * 160 + 14,
            H - 5,
            esc(name)
        );
    }
    frame(title, &body)
}

/// Dues assessed against payments received, by month.
pub fn collection(c: &Chrome, months: &[(String, i64, i64)]) -> String {
    let groups: Vec<(String, Vec<i64>)> = months
        .iter()
        .map(|(m, due, paid)| (c.date(m), vec![*due, *paid]))
        .collect();
    let (dues, paid) = (c.t("chart-dues"), c.t("chart-paid"));
    grouped(c, &c.t("chart-collection"), &[&dues, &paid], &groups)
}

/// Health-claim visits accepted, rejected and waiting for review, by month (counts).
pub fn claims(c: &Chrome, months: &[(String, i64, i64, i64)]) -> String {
    let groups: Vec<(String, Vec<i64>)> = months
        .iter()
        .map(|(m, a, r, p)| (c.date(m), vec![*a, *r, *p]))
        .collect();
    let (a, r, p) = (c.t("accepted"), c.t("rejected"), c.t("pending"));
    grouped_counts(c, &c.t("chart-claims"), &[&a, &r, &p], &groups)
}

/// Unpaid amounts by age past the deadline.
pub fn ageing(c: &Chrome, ageing: &BTreeMap<String, i64>) -> String {
    let groups: Vec<(String, Vec<i64>)> = ["0-30", "31-60", "61-90", "90+"]
        .iter()
        .map(|k| {
            (
                format!("{k} {}", c.t("days")),
                vec![*ageing.get(*k).unwrap_or(&0)],
            )
        })
        .collect();
    let unpaid = c.t("chart-unpaid");
    grouped(c, &c.t("chart-ageing"), &[&unpaid], &groups)
}

/// Insured persons by province, as horizontal bars.
pub fn coverage(c: &Chrome, provinces: &[(String, i64)]) -> String {
    let title = c.t("chart-coverage");
    let max = provinces.iter().map(|(_, n)| *n).max().unwrap_or(0);
    if max <= 0 {
        return empty(c, &title);
    }
    let rows = provinces.iter().take(10).collect::<Vec<_>>();
    let row_h = (H - 10) / rows.len() as i64;
    let mut body = String::new();
    for (i, (name, n)) in rows.iter().enumerate() {
        let y = 5 + i as i64 * row_h;
        let w = (n * (W - 260)) / max;
        let _ = write!(
            body,
            r#"<text x="170" y="{}" text-anchor="end" class="axis">{}</text><rect x="178" y="{}" width="{}" height="{}" class="s0"><title>{}: {}</title></rect><text x="{}" y="{}" class="axis">{}</text>"#,
            y + row_h / 2 + 4,
            esc(name),
            y + 2,
            w.max(1),
            (row_h - 4).max(2),
            esc(name),
            n,
            184 + w,
            y + row_h / 2 + 4,
            n
        );
    }
    frame(&title, &body)
}

/// Examinations by province: amounts recommended (back-collection, interest, recovery) and
/// recovered.
pub fn examinations(c: &Chrome, provinces: &[(String, i64, i64)]) -> String {
    let title = c.t("chart-examinations");
    if provinces.iter().all(|(_, a, b)| *a == 0 && *b == 0) {
        return empty(c, &title);
    }
    let groups: Vec<(String, Vec<i64>)> = provinces
        .iter()
        .take(12)
        .map(|(p, recommended, recovered)| (p.clone(), vec![*recommended, *recovered]))
        .collect();
    let (a, b) = (c.t("recommended"), c.t("recovered"));
    grouped(c, &title, &[&a, &b], &groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn chrome() -> Chrome {
        Chrome {
            lang: Lang::Vi,
            user: None,
            csrf: String::new(),
            path: String::new(),
        }
    }

    #[test]
    fn bars_are_proportional_and_labels_escaped() {
        let svg = coverage(
            &chrome(),
            &[("Hà Nội".into(), 100), ("<script>".into(), 50)],
        );
        assert!(svg.contains(r#"width="380""#), "{svg}");
        assert!(svg.contains(r#"width="190""#));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("<script>"));
    }

    #[test]
    fn collection_shows_both_series_with_money() {
        let svg = collection(&chrome(), &[("2026-10".into(), 2_000_000, 1_000_000)]);
        assert_eq!(
            svg.matches("class=\"s0\"").count(),
            2,
            "a bar and a legend key"
        );
        assert!(svg.contains("2.000.000 ₫"));
        assert!(svg.contains("10/2026"));
    }

    #[test]
    fn no_data_says_so() {
        assert!(collection(&chrome(), &[]).contains(&Lang::Vi.t("chart-no-data")));
    }
}
