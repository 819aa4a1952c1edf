//! The card register (`cards.csv`, what Ansinh issued: `ansinh card export`): a claim's card
//! looked up as the agency's portal looks it up for the facility (tra cứu thẻ). A card the
//! register does not hold, or holds for other dates — expired, not yet valid, replaced —
//! goes to a human (R01.REGISTER; catalogue C006), and so does a holder whose name, date of
//! birth, sex or registered facility differ from the register's (R02.IDENTITY; C020). Without
//! the register loaded, cards are not looked up.

use super::Found;
use crate::claim::Claim;
use crate::reference::Reference;

const BASIS: &str = "Law on Health Insurance Art. 16, 28 (the card shown at the visit); QĐ 130/QĐ-BYT Bảng 1 (MA_THE_BHYT, HO_TEN, NGAY_SINH, GIOI_TINH, MA_DKBD)";

/// Equal by words, case aside ("NGUYỄN  THỊ A" is "Nguyễn Thị A").
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    fn words(s: &str) -> impl Iterator<Item = char> + '_ {
        s.split_whitespace()
            .flat_map(|w| w.chars().flat_map(char::to_lowercase).chain([' ']))
    }
    a == b || words(a).eq(words(b))
}

/// Catalogue C006, C020 on one visit.
pub fn check(reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let Some(list) = Reference::loaded(reference, |l| &l.cards) else {
        return;
    };
    let date = claim.admitted.date();
    let p = &claim.patient;
    let mut unknown = Vec::new();
    let mut off_dates = Vec::new();
    let mut differ = Vec::new();
    for card in &claim.cards {
        let Some(rows) = list.rows.get(card.code.as_str()) else {
            unknown.push(card.code.clone());
            continue;
        };
        // A card issued during the stay (the second of "a;b") is looked up from its first day.
        let day = card.valid_from.max(date);
        let on_day = rows.iter().find(|r| r.valid_on(day));
        let Some(row) = on_day else {
            let spans: Vec<String> = rows
                .iter()
                .map(|r| match r.to {
                    Some(to) => format!("{}–{to}", r.from),
                    None => format!("from {}", r.from),
                })
                .collect();
            off_dates.push(format!("{} ({})", card.code, spans.join(", ")));
            continue;
        };
        let [name, birth, sex, registered] = [0, 1, 2, 3].map(|i| row.cells[i].as_str());
        if let Some(sent) = p.name.as_deref()
            && !name.is_empty()
            && !same_name(sent, name)
        {
            differ.push(format!("HO_TEN `{sent}` ≠ `{name}`"));
        }
        if let (Some(sent), Ok(want)) = (p.birth, birth.parse::<ansinh_core::Date>())
            && sent != want
        {
            differ.push(format!("NGAY_SINH {sent} ≠ {want}"));
        }
        if let Some(sent) = p.sex.as_deref()
            && !sex.is_empty()
            && sent != sex
        {
            differ.push(format!("GIOI_TINH {sent} ≠ {sex}"));
        }
        if let Some(sent) = p.registered_at.as_deref()
            && !registered.is_empty()
            && sent.split(';').all(|s| s.trim() != registered)
        {
            differ.push(format!("MA_DKBD {sent} ≠ {registered}"));
        }
    }
    if !unknown.is_empty() {
        let list = unknown.join(", ");
        found.review(
            "R01.REGISTER",
            format!("Thẻ không có trong cơ sở dữ liệu thẻ: {list}"),
            format!("A card the register does not hold: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !off_dates.is_empty() {
        let list = off_dates.join(", ");
        found.review(
            "R01.REGISTER",
            format!(
                "Thẻ không còn hoặc chưa có giá trị theo cơ sở dữ liệu thẻ vào ngày khám: {list}"
            ),
            format!("The register holds the card for other dates than the visit's: {list}"),
            Vec::new(),
            BASIS,
        );
    }
    if !differ.is_empty() {
        let list = differ.join(", ");
        found.review(
            "R02.IDENTITY",
            format!("Thông tin người bệnh khác cơ sở dữ liệu thẻ: {list}"),
            format!("The holder differs from the card register: {list}"),
            Vec::new(),
            BASIS,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_compare_by_words_without_case() {
        assert!(super::same_name("NGUYỄN  THỊ A", "Nguyễn Thị A"));
        assert!(!super::same_name("NGUYỄN THỊ B", "NGUYỄN THỊ A"));
    }
}
