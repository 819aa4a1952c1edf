//! The languages of the pages (ngôn ngữ, ພາສາ): Vietnamese first, English and Lao too. Texts come from Fluent
//! message files (`locales/vi.ftl`, `locales/en.ftl`, `locales/lo.ftl`, compiled in); money and dates are written
//! the way each language writes them (1.234.567 ₫ and 23/11/2026 in Vietnamese).

use axum::http::{HeaderMap, header};
use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use std::sync::OnceLock;

/// The cookie that keeps a visitor's choice of language.
pub const LANG_COOKIE: &str = "lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
    /// Lao (ພາສາລາວ): the language of a Lao NSSF deployment; rules' texts without a Lao
    /// version are shown in English.
    Lo,
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<(Bundle, Bundle, Bundle)> = OnceLock::new();
    let (vi, en, lo) = BUNDLES.get_or_init(|| {
        let load = |tag: &str, text: &'static str| {
            let id: unic_langid::LanguageIdentifier = tag.parse().expect("a language tag");
            let mut b = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks (U+2068/2069) would show up in attributes and tests.
            b.set_use_isolating(false);
            let res = FluentResource::try_new(text.to_string())
                .unwrap_or_else(|(_, errors)| panic!("{tag}.ftl: {errors:?}"));
            b.add_resource(res).expect("no duplicate message ids");
            b
        };
        (
            load("vi", include_str!("../locales/vi.ftl")),
            load("en", include_str!("../locales/en.ftl")),
            load("lo", include_str!("../locales/lo.ftl")),
        )
    });
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
        Lang::Lo => lo,
    }
}

/// What a page takes from the deployment: the language when the visitor has none, and the
/// currency amounts are in. Set for each request by [`in_deployment`].
#[derive(Clone, Copy, Debug)]
pub struct Deployment {
    pub default_lang: Lang,
    pub currency: ansinh_law::Currency,
}

impl Deployment {
    pub fn of(j: &ansinh_law::Jurisdiction) -> Deployment {
        Deployment {
            default_lang: Lang::from_code(j.default_language()),
            currency: j.currency,
        }
    }

    /// The current request's, or Vietnam's outside a request (tests, the CLI).
    pub fn current() -> Deployment {
        DEPLOYMENT
            .try_with(|d| *d)
            .unwrap_or_else(|_| Deployment::of(&ansinh_rules::jurisdiction::VIETNAM))
    }
}

tokio::task_local! {
    static DEPLOYMENT: Deployment;
}

/// Runs the rest of the request with `d` as its deployment.
pub async fn in_deployment(
    d: Deployment,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    DEPLOYMENT.scope(d, next.run(req)).await
}

impl Lang {
    /// From a stored preference (`vi`, `en`, `lo`); anything else is Vietnamese.
    pub fn from_code(code: &str) -> Lang {
        let code = code.trim();
        if code.eq_ignore_ascii_case("en") {
            Lang::En
        } else if code.eq_ignore_ascii_case("lo") {
            Lang::Lo
        } else {
            Lang::Vi
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
            Lang::Lo => "lo",
        }
    }

    /// The visitor's language: their cookie, else the signed-in user's preference, else the
    /// first of the browser's languages that we have, else the deployment's (Vietnamese for
    /// Vietnam, Lao for Laos).
    pub fn of(headers: &HeaderMap, user_locale: Option<&str>) -> Lang {
        if let Some(code) = crate::access::cookie(headers, LANG_COOKIE) {
            return Lang::from_code(code);
        }
        if let Some(code) = user_locale {
            return Lang::from_code(code);
        }
        let accepted = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        accepted
            .split(',')
            .map(|part| {
                part.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .find_map(|tag| {
                if tag.starts_with("vi") {
                    Some(Lang::Vi)
                } else if tag.starts_with("en") {
                    Some(Lang::En)
                } else if tag.starts_with("lo") {
                    Some(Lang::Lo)
                } else {
                    None
                }
            })
            .unwrap_or_else(|| Deployment::current().default_lang)
    }

    /// The message `key`; a missing key shows itself (and fails the message-file test).
    pub fn t(self, key: &str) -> String {
        let b = bundle(self);
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut errors = Vec::new();
        b.format_pattern(pattern, None, &mut errors).into_owned()
    }

    /// An integer amount in the deployment's currency with the language's digit grouping:
    /// `1.234.567 ₫` / `1,234,567 ₫`; kip as Lao users write it, `1.234.567 ກີບ` in Lao and
    /// `1,234,567 ₭` in English.
    pub fn money(self, amount: i64) -> String {
        let currency = Deployment::current().currency;
        if currency.code == "LAK" && self == Lang::Lo {
            return format!("{} ກີບ", self.grouped(amount));
        }
        format!("{} {}", self.grouped(amount), currency.symbol)
    }

    /// A whole number with the language's digit grouping: `1.234.567` / `1,234,567`.
    pub fn grouped(self, n: i64) -> String {
        // Vietnamese and Lao both group thousands with full stops.
        let sep = match self {
            Lang::Vi | Lang::Lo => '.',
            Lang::En => ',',
        };
        ansinh_core::money::grouped(n, sep)
    }

    /// A claims amount with 2 decimals (`99800.00`) the language's way: `99.800,00 ₫` in
    /// Vietnamese, `99,800.00 ₫` in English; text that is not a number is shown as it is.
    pub fn decimal(self, text: &str) -> String {
        let (int, frac) = text.split_once('.').unwrap_or((text, "00"));
        let Ok(whole) = int.parse::<i64>() else {
            return text.to_string();
        };
        let grouped = self.grouped(whole);
        let sign = if whole == 0 && int.starts_with('-') {
            "-"
        } else {
            ""
        };
        match self {
            Lang::Vi | Lang::Lo => format!("{sign}{grouped},{frac} ₫"),
            Lang::En => format!("{sign}{grouped}.{frac} ₫"),
        }
    }

    /// `YYYY-MM-DD…` as `DD/MM/YYYY` in Vietnamese, unchanged in English; a month `YYYY-MM`
    /// as `MM/YYYY` in Vietnamese.
    pub fn date(self, iso: &str) -> String {
        let day = iso.get(..10).unwrap_or(iso);
        match (self, day.len()) {
            (Lang::Vi | Lang::Lo, 10) => format!("{}/{}/{}", &day[8..10], &day[5..7], &day[..4]),
            (Lang::Vi | Lang::Lo, 7) => format!("{}/{}", &day[5..7], &day[..4]),
            _ => day.to_string(),
        }
    }

    /// An instant (`…Z`) in Vietnam's time (UTC+7, no daylight saving), day first in
    /// Vietnamese; a text that is not an instant unchanged.
    pub fn instant(self, iso: &str) -> String {
        let Ok(t) = iso.parse::<jiff::Timestamp>() else {
            return iso.to_string();
        };
        let local = jiff::tz::Offset::constant(7).to_datetime(t);
        match self {
            // Laos keeps the same time (UTC+7).
            Lang::Vi | Lang::Lo => local.strftime("%d/%m/%Y %H:%M:%S").to_string(),
            Lang::En => format!("{} (UTC+7)", local.strftime("%Y-%m-%d %H:%M:%S")),
        }
    }

    /// A message written with English digit grouping (`4,960,000`, as the rules and the store
    /// write them) with this language's: thousands commas become dots in Vietnamese.
    pub fn numbers(self, message: &str) -> String {
        match self {
            Lang::En => message.to_string(),
            Lang::Vi | Lang::Lo => vietnamese_grouping(message),
        }
    }
}

/// Swaps the thousands commas of numbers (`46,800,000`) for dots; other commas stay.
fn vietnamese_grouping(m: &str) -> String {
    let b = m.as_bytes();
    let mut out = String::with_capacity(m.len());
    for (i, ch) in m.char_indices() {
        let grouping = ch == ','
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b.len() >= i + 4
            && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        out.push(if grouping { '.' } else { ch });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_messages_group_digits_with_dots() {
        assert_eq!(
            Lang::Vi.numbers("salary 1,000 is below the floor 4,960,000, region 1"),
            "salary 1.000 is below the floor 4.960.000, region 1"
        );
        assert_eq!(Lang::Vi.numbers("a, b,12 and 1,2345"), "a, b,12 and 1,2345");
        assert_eq!(Lang::En.numbers("4,960,000"), "4,960,000");
    }

    #[test]
    fn instants_are_in_vietnam_time() {
        assert_eq!(
            Lang::Vi.instant("2026-12-02T19:29:04.5Z"),
            "03/12/2026 02:29:04"
        );
        assert_eq!(
            Lang::En.instant("2026-12-02T19:29:04Z"),
            "2026-12-03 02:29:04 (UTC+7)"
        );
        assert_eq!(Lang::En.instant("not a time"), "not a time");
    }

    #[test]
    fn money_is_grouped_the_vietnamese_way() {
        assert_eq!(Lang::Vi.money(1_234_567), "1.234.567 ₫");
        assert_eq!(Lang::Vi.money(0), "0 ₫");
        assert_eq!(Lang::Vi.money(-5_000), "-5.000 ₫");
        assert_eq!(Lang::Vi.money(999), "999 ₫");
        assert_eq!(Lang::En.money(1_234_567), "1,234,567 ₫");
    }

    #[test]
    fn claim_amounts_keep_their_cents() {
        assert_eq!(Lang::Vi.decimal("1489800.00"), "1.489.800,00 ₫");
        assert_eq!(Lang::En.decimal("1489800.50"), "1,489,800.50 ₫");
        assert_eq!(Lang::Vi.decimal("-0.50"), "-0,50 ₫");
        assert_eq!(Lang::Vi.decimal("n/a"), "n/a");
    }

    #[test]
    fn dates_are_day_first_in_vietnamese() {
        assert_eq!(Lang::Vi.date("2026-11-23"), "23/11/2026");
        assert_eq!(Lang::Vi.date("2026-11-23T10:00:00Z"), "23/11/2026");
        assert_eq!(Lang::Vi.date("2026-11"), "11/2026");
        assert_eq!(Lang::En.date("2026-11-23"), "2026-11-23");
    }

    #[test]
    fn browser_language_is_followed_unless_chosen() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            "fr-FR, en-US;q=0.8".parse().unwrap(),
        );
        assert_eq!(Lang::of(&h, None), Lang::En);
        assert_eq!(Lang::of(&h, Some("vi")), Lang::Vi);
        h.insert(header::COOKIE, "lang=en".parse().unwrap());
        assert_eq!(Lang::of(&h, Some("vi")), Lang::En);
        assert_eq!(Lang::of(&HeaderMap::new(), None), Lang::Vi);
    }

    /// Both files have the same messages, and each message renders.
    #[test]
    fn message_files_have_the_same_keys() {
        let keys = |text: &str| {
            let mut k: Vec<String> = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
                .map(|l| l.split(" = ").next().unwrap().trim().to_string())
                .collect();
            k.sort();
            k
        };
        let vi = keys(include_str!("../locales/vi.ftl"));
        let en = keys(include_str!("../locales/en.ftl"));
        let lo = keys(include_str!("../locales/lo.ftl"));
        assert_eq!(vi, lo, "lo.ftl has every message of vi.ftl and no other");
        assert_eq!(vi, en);
        assert!(vi.len() > 40);
        for k in &vi {
            for lang in [Lang::Vi, Lang::En, Lang::Lo] {
                assert!(bundle(lang).has_message(k), "{k} in {lang:?}");
                assert!(!lang.t(k).is_empty(), "{k} in {lang:?}");
            }
        }
    }
}
