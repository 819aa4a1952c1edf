//! Health-insurance claims (hồ sơ đề nghị thanh toán BHYT): the XML of QĐ 130/QĐ-BYT read strictly
//! ([`xml`]), typed ([`claim`]), and assessed by the routine rules of the agency ([`assess`]).
//!
//! Pure: functions of bytes and parameters, no I/O, no clock. Where to find a rule: card validity
//! (thẻ hết hạn) R01, card format (mã thẻ) R02, benefit level (mức hưởng) R03, time logic (thời
//! gian) R12, arithmetic (số học) R13, consultations (lần khám) R09 — in [`assess`]; overlapping
//! stays of one card (trùng hồ sơ) R10 in [`overlap`]; the benefit level itself is law and
//! lives in `ansinh_rules::health`.

pub mod assess;
pub mod checks;
pub mod claim;
pub mod decimal;
pub mod overlap;
pub mod records;
pub mod reference;
pub mod xml;

use ansinh_core::Date;
use ansinh_rules::Params;
use rustc_hash::{FxHashMap, FxHashSet};

/// One visit's outcome in a file: assessed, or broken with its defects.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Assessed(Box<assess::Assessment>),
    Malformed {
        key: Option<String>,
        defects: Vec<claim::Defect>,
    },
}

/// One visit of a file as read and assessed, with what storage needs of it.
#[derive(Clone, Debug)]
pub struct ReadVisit {
    pub outcome: Outcome,
    /// What rule R10 compares across claims (none for a broken visit or one without a card).
    /// Boxed: a file's results are gathered into one vector, moved once, and kept small.
    pub stay: Option<Box<overlap::Stay>>,
    /// SHA-256 of the visit's tables as sent, when asked for: a re-sent identical visit is
    /// recognised by it.
    pub digest: String,
    /// Whether the visit is a stay (MA_LOAI_KCB), for the cost averages (R16).
    pub inpatient: bool,
    /// The tender awards its lines draw on (R15), when a tender list is loaded.
    pub tender_uses: Vec<checks::tender::Use>,
    /// The beds, machines and surgeons its lines use, with their times (R10 across the file).
    pub resource_uses: Vec<checks::resources::Use>,
    /// NGAY_RA: when the visit ended (its data is sent within hours of it, C139).
    pub ended: Option<jiff::civil::DateTime>,
    /// The latest time the visit's XML1–XML3 give (no time may come after the file, C133).
    pub latest: Option<jiff::civil::DateTime>,
    /// SO_CCCD and who holds it (MA_BN, else name and birth), and the serials of its papers:
    /// one number is one person, one serial one paper, across a file (C116).
    pub identity: Option<Box<(Box<str>, Holder)>>,
    pub serials: Vec<String>,
    /// Its services of the interval list (R09.INTERVAL across the file, C100).
    pub interval_uses: Vec<checks::frequency::Use>,
}

/// What reading a file keeps of each visit besides its decision, amounts and findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The digest of each visit's tables (storage recognises a re-sent visit by it).
    pub digests: bool,
    /// How each benefit level was found ([`assess::Assessment::explanation`]).
    pub explanations: bool,
}

impl Detail {
    /// What storage keeps: digests and explanations.
    pub const STORED: Detail = Detail {
        digests: true,
        explanations: true,
    };
    /// What `ansinh claims assess --json` prints: explanations, no digests.
    pub const EXPLAINED: Detail = Detail {
        digests: false,
        explanations: true,
    };
    /// What the summary of `ansinh claims assess` prints: decisions and amounts only.
    pub const BRIEF: Detail = Detail {
        digests: false,
        explanations: false,
    };
}

/// Who holds an identity number in a visit, as far as the visit says: the facility's patient
/// code (MA_BN), the name and the birth.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holder {
    pub code: Option<Box<str>>,
    pub name: Option<Box<str>>,
    pub birth: Option<ansinh_core::Date>,
}

impl Holder {
    /// Whether two holders are surely two persons: other patient codes when both give one,
    /// else other names (case and spaces aside) or births when both give them; what cannot be
    /// compared is not a second person.
    fn other_than(&self, first: &Holder) -> bool {
        if let (Some(a), Some(b)) = (&self.code, &first.code) {
            return a != b;
        }
        let names = match (&self.name, &first.name) {
            (Some(a), Some(b)) => !checks::card_register::same_name(a, b),
            _ => false,
        };
        let births = matches!((self.birth, first.birth), (Some(a), Some(b)) if a != b);
        names || births
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.code, &self.name) {
            (Some(c), _) => write!(f, "MA_BN {c}")?,
            (None, Some(n)) => write!(f, "{n}")?,
            (None, None) => f.write_str("?")?,
        }
        if self.code.is_none()
            && let Some(b) = self.birth
        {
            write!(f, " {b}")?;
        }
        Ok(())
    }
}

/// Reads and assesses every visit of a claims file on every core, without the cross-claim
/// rule R10 (see [`flag_overlaps`]), keeping the `detail` asked for.
pub fn read_visits(
    params: &Params,
    reference: Option<&reference::Reference>,
    bytes: &[u8],
    detail: Detail,
) -> Result<(xml::Head, Vec<ReadVisit>), xml::FileError> {
    use sha2::Digest;
    let (head, visits) = xml::map_visits(bytes, |files| {
        let digest = if detail.digests {
            let mut hash = sha2::Sha256::new();
            for (kind, content) in files {
                hash.update(kind.as_bytes());
                hash.update([0]);
                hash.update(content);
                hash.update([0]);
            }
            hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
        } else {
            String::new()
        };
        match xml::visit(files) {
            xml::Visit::Read(mut claim) => ReadVisit {
                outcome: Outcome::Assessed(Box::new(assess::assess_visit(
                    params,
                    reference,
                    &claim,
                    detail.explanations,
                ))),
                inpatient: claim.inpatient(),
                ended: claim.discharged,
                // Moved out of the claim (assessed by now): a million visits, no copies.
                identity: claim.patient.id_number.take().map(|id| {
                    let p = &mut claim.patient;
                    let who = Holder {
                        code: p.patient_code.take(),
                        name: p.name.take(),
                        birth: p.birth,
                    };
                    Box::new((id, who))
                }),
                interval_uses: checks::frequency::uses(reference, &claim),
                serials: if claim.other_tables.is_empty() {
                    Vec::new()
                } else {
                    checks::certificates::serials(&claim)
                },
                latest: claim
                    .lines
                    .iter()
                    .flat_map(|l| [l.ordered, l.performed, l.result])
                    .chain([claim.discharged, claim.patient.settled])
                    .flatten()
                    .max(),
                tender_uses: checks::tender::uses(reference, &claim),
                resource_uses: checks::resources::uses(&claim),
                stay: overlap::Stay::of(*claim).map(Box::new),
                digest,
            },
            xml::Visit::Broken { key, defects } => ReadVisit {
                outcome: Outcome::Malformed { key, defects },
                stay: None,
                digest,
                inpatient: false,
                ended: None,
                latest: None,
                identity: None,
                serials: Vec::new(),
                interval_uses: Vec::new(),
                tender_uses: Vec::new(),
                resource_uses: Vec::new(),
            },
        }
    })?;
    let mut visits = visits;
    let mut head = head;
    if let Some(envelope) = head.facility.as_deref() {
        flag_other_facility(&mut visits, envelope);
    }
    flag_resource_overlaps(&mut visits);
    flag_shared_identities(&mut visits);
    if let Some(made) = head.made
        && let Some(notice) = flag_sending_time(params, &mut visits, made)
    {
        head.notices.push(notice);
    }
    if let Some(r) = reference {
        flag_tender_quantities(&mut visits, r);
        flag_intervals(&mut visits, r);
        head.notices.extend(cost_averages(params, r, &visits));
    }
    Ok((head, visits))
}

/// R09 over the file (C100): a service repeated for the same card before its least interval.
fn flag_intervals(visits: &mut [ReadVisit], reference: &reference::Reference) {
    if visits.iter().all(|v| v.interval_uses.is_empty()) {
        return;
    }
    let uses: Vec<Vec<checks::frequency::Use>> = visits
        .iter_mut()
        .map(|v| std::mem::take(&mut v.interval_uses))
        .collect();
    for (i, finding) in checks::frequency::intervals(reference, &uses) {
        if let Outcome::Assessed(a) = &mut visits[i].outcome {
            overlap::flag(a, finding);
        }
    }
}

/// C116: one identity number (SO_CCCD) sent for two persons of a file (another MA_BN, or
/// another name and birth), and one paper's serial sent for two visits, go to a human; the
/// later visit names the earlier.
fn flag_shared_identities(visits: &mut [ReadVisit]) {
    let mut found: Vec<(usize, String, String)> = Vec::new();
    {
        let mut holders: FxHashMap<&str, (&Holder, usize)> = FxHashMap::default();
        let mut papers: FxHashMap<&str, usize> = FxHashMap::default();
        let key = |v: &ReadVisit| match &v.outcome {
            Outcome::Assessed(a) => a.key.clone(),
            Outcome::Malformed { key, .. } => key.clone().unwrap_or_default(),
        };
        for (i, v) in visits.iter().enumerate() {
            if let Some(identity) = &v.identity {
                let (id, who) = (&*identity.0, &identity.1);
                match holders.get(id) {
                    Some((first, j)) if who.other_than(first) => found.push((
                        i,
                        format!("SO_CCCD {id}: {who} ≠ {first} ({})", key(&visits[*j])),
                        format!("SO_CCCD {id}: {who} ≠ {first} ({})", key(&visits[*j])),
                    )),
                    Some(_) => {}
                    None => {
                        holders.insert(id, (who, i));
                    }
                }
            }
            for serial in &v.serials {
                // A placeholder ("0", ".", "-") is no serial.
                let value = serial.rsplit(' ').next().unwrap_or("");
                if value.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                    continue;
                }
                match papers.get(serial.as_str()) {
                    // Two records of one visit are its own affair.
                    Some(j) if *j == i => {}
                    Some(j) => found.push((
                        i,
                        format!("{serial} đã có ở hồ sơ {}", key(&visits[*j])),
                        format!("{serial} already sent with visit {}", key(&visits[*j])),
                    )),
                    None => {
                        papers.insert(serial, i);
                    }
                }
            }
        }
    }
    for (i, vi, en) in found {
        if let Outcome::Assessed(a) = &mut visits[i].outcome {
            let finding = assess::Finding {
                rule: "R10",
                code: "R10.SHARED_IDENTITY",
                text_vi: format!("Trùng số định danh hoặc số giấy trong tệp: {vi}"),
                text_en: format!(
                    "An identity number or a paper's serial sent twice in the file: {en}"
                ),
                lines: Vec::new(),
                amount: decimal::Amount::ZERO,
                basis: "QĐ 130/QĐ-BYT Bảng 1 (SO_CCCD, MA_BN), Bảng 7, 10, 11 (SO_LUU_TRU, SO_SERI)",
            };
            overlap::flag(a, finding);
        }
    }
}

/// C139: the visits of a file made (NGAYLAP) after the day by which their data was due —
/// `submission_hours` after each ended (TT 48/2017/TT-BYT Art. 6–7; UNCONFIRMED) — are noted
/// once for the file, with their number and the first of them: the facility's to answer for,
/// the amounts stand (a month's file gathered from data sent day by day would otherwise note
/// every visit). NGAYLAP is a day, so a file of the day the data fell due is on time. C133: a
/// time of a visit after the day the file was made is noted on the visit (the core has no
/// clock: NGAYLAP stands for "now").
fn flag_sending_time(
    params: &Params,
    visits: &mut [ReadVisit],
    made: ansinh_core::Date,
) -> Option<xml::Notice> {
    let (mut late, mut first, mut hours) = (0usize, Vec::new(), 0i64);
    for v in visits {
        let Outcome::Assessed(a) = &mut v.outcome else {
            continue;
        };
        if let Some(latest) = v.latest
            && latest.date() > made
        {
            a.notes.push(assess::Finding {
                rule: "S",
                code: "S.FUTURE_TIME",
                text_vi: format!("Thời điểm {latest} sau ngày lập tệp {made}"),
                text_en: format!(
                    "A time of the visit, {latest}, after the file was made on {made}"
                ),
                lines: Vec::new(),
                amount: decimal::Amount::ZERO,
                basis: "QĐ 130/QĐ-BYT (NGAYLAP; NGAY_YL, NGAY_TH_YL, NGAY_KQ, NGAY_RA, NGAY_TTOAN)",
            });
        }
        let Some(ended) = v.ended else {
            continue;
        };
        let Ok(limits) = ansinh_rules::health::claims_assessment(params, ended.date()) else {
            continue;
        };
        let Ok(due) = jiff::Span::new()
            .try_hours(limits.submission_hours)
            .and_then(|span| ended.checked_add(span))
        else {
            continue;
        };
        if made > due.date() {
            late += 1;
            hours = limits.submission_hours;
            if first.len() < 5 {
                first.push(a.key.clone());
            }
        }
    }
    (late > 0).then(|| {
        let more = if late > first.len() { ", …" } else { "" };
        let keys = format!("{}{more}", first.join(", "));
        xml::Notice {
            code: "S.LATE_SUBMISSION",
            field: "NGAYLAP",
            text_vi: format!(
                "{late} hồ sơ gửi chậm: tệp lập ngày {made}, quá {hours} giờ sau khi kết thúc điều trị ({keys})"
            ),
            text_en: format!(
                "{late} visits sent late: the file was made on {made}, more than {hours} hours after they ended ({keys})"
            ),
        }
    })
}

/// R10 over the file: the visits that use a bed, machine or surgeon at the same time as another.
fn flag_resource_overlaps(visits: &mut [ReadVisit]) {
    if visits.iter().all(|v| v.resource_uses.is_empty()) {
        return;
    }
    let uses: Vec<Vec<checks::resources::Use>> = visits
        .iter_mut()
        .map(|v| std::mem::take(&mut v.resource_uses))
        .collect();
    for (i, finding) in checks::resources::overlaps(&uses) {
        if let Outcome::Assessed(a) = &mut visits[i].outcome {
            overlap::flag(a, finding);
        }
    }
}

/// R15 over the file: the visits whose lines go beyond an award's quantity go to a human.
fn flag_tender_quantities(visits: &mut [ReadVisit], reference: &reference::Reference) {
    if reference.lists.tenders.is_empty() {
        return;
    }
    let uses: Vec<Vec<checks::tender::Use>> = visits
        .iter_mut()
        .map(|v| std::mem::take(&mut v.tender_uses))
        .collect();
    for (i, finding) in checks::tender::quantities(reference, &uses) {
        if let Outcome::Assessed(a) = &mut visits[i].outcome {
            overlap::flag(a, finding);
        }
    }
}

/// R16 over the file: each facility's average cost per visit of a kind against the reference.
fn cost_averages(
    params: &Params,
    reference: &reference::Reference,
    visits: &[ReadVisit],
) -> Vec<xml::Notice> {
    if reference.lists.averages.is_empty() {
        return Vec::new();
    }
    let costs: Vec<checks::cost_average::Cost<'_>> = visits
        .iter()
        .filter_map(|v| match &v.outcome {
            Outcome::Assessed(a) => Some(checks::cost_average::Cost {
                facility: &a.facility,
                inpatient: v.inpatient,
                hospital: a.claimed.hospital,
                date: a.visit_date,
            }),
            Outcome::Malformed { .. } => None,
        })
        .collect();
    let Some(first) = costs.iter().map(|c| c.date).min() else {
        return Vec::new();
    };
    match ansinh_rules::health::cost_average_alert(params, first) {
        Ok(alert) => checks::cost_average::warnings(reference, &costs, alert.ppm()),
        Err(_) => Vec::new(),
    }
}

/// A visit whose XML1 names another facility (MA_CSKCB) than the envelope that sent it
/// (MACSKCB) goes to a human: which of the two claims it is not the machine's to say
/// (issue 18, 6; QĐ 130/QĐ-BYT, the envelope and Bảng 1).
fn flag_other_facility(visits: &mut [ReadVisit], envelope: &str) {
    for v in visits {
        if let Outcome::Assessed(a) = &mut v.outcome
            && a.facility != envelope
        {
            let finding = assess::Finding {
                rule: "R04",
                code: "R04.ENVELOPE_FACILITY",
                text_vi: format!(
                    "MA_CSKCB của hồ sơ ({}) khác MACSKCB của tệp ({envelope})",
                    a.facility
                ),
                text_en: format!(
                    "The visit's MA_CSKCB ({}) differs from the file's MACSKCB ({envelope})",
                    a.facility
                ),
                lines: Vec::new(),
                amount: decimal::Amount::ZERO,
                basis: "QĐ 130/QĐ-BYT (GIAMDINHHS.MACSKCB; Bảng 1 MA_CSKCB)",
            };
            overlap::flag(a, finding);
        }
    }
}

/// Rule R10, catalogue C115: a visit (MA_LK) of one facility sent twice in one file is paid
/// once. The first is assessed as it is; each later one is rejected whole with a finding
/// naming the first (its fund share is the finding's amount). Returns the indexes rejected.
pub fn reject_duplicates(visits: &mut [ReadVisit]) -> Vec<usize> {
    // Found first with borrowed keys (a million visits: no copy of their keys), then marked.
    let mut found: Vec<(usize, usize)> = Vec::new();
    {
        let mut first: FxHashMap<(&str, &str), usize> =
            FxHashMap::with_capacity_and_hasher(visits.len(), Default::default());
        for (i, v) in visits.iter().enumerate() {
            let Outcome::Assessed(a) = &v.outcome else {
                continue;
            };
            if let Some(&was) = first.get(&(a.facility.as_str(), a.key.as_str())) {
                found.push((i, was));
            } else {
                first.insert((&a.facility, &a.key), i);
            }
        }
    }
    let mut rejected = Vec::with_capacity(found.len());
    for (i, was) in found {
        if let Outcome::Assessed(a) = &mut visits[i].outcome {
            let share = a.claimed.insurer;
            a.assessed = assess::Split {
                hospital: a.claimed.hospital,
                ..assess::Split::default()
            };
            a.rejected = share;
            a.copay_cap = None;
            a.decision = assess::Decision::Rejected;
            a.findings.push(assess::Finding {
                rule: "R10",
                code: "R10.DUPLICATE_MA_LK",
                text_vi: format!(
                    "Trùng mã lượt khám {} trong cùng tệp (hồ sơ thứ {}): chỉ thanh toán một lần",
                    a.key,
                    was + 1
                ),
                text_en: format!(
                    "MA_LK {} sent twice in the file (first as visit {}): paid once",
                    a.key,
                    was + 1
                ),
                lines: Vec::new(),
                amount: share,
                basis: "QĐ 130/QĐ-BYT (MA_LK identifies one visit of a facility); catalogue C115",
            });
        }
        // A rejected duplicate is no stay of its own for R10's overlaps.
        visits[i].stay = None;
        rejected.push(i);
    }
    rejected
}

/// Rule R10 over the visits of a file and the `known` stays of earlier files.
pub fn flag_overlaps(visits: &mut [ReadVisit], known: &[overlap::Stay]) {
    let stays: Vec<Option<&overlap::Stay>> = visits.iter().map(|v| v.stay.as_deref()).collect();
    let found = overlap::findings(&stays, known);
    for (i, finding) in found {
        if let Outcome::Assessed(a) = &mut visits[i].outcome {
            overlap::flag(a, finding);
        }
    }
}

/// The yearly co-payment cap over the visits of a file, in the order they began: `prior(card,
/// year)` is what the holder co-paid within the network that year before this file (nothing,
/// without a database); each visit's co-payment then counts for the next.
pub fn cap_copayments(visits: &mut [ReadVisit], prior: &dyn Fn(&str, i16) -> decimal::Amount) {
    // Only the cards with a capped visit can change: a visit without a cap keeps its split,
    // and counts only towards the cap of a later visit of its card.
    fn counted(v: &ReadVisit) -> Option<(&str, &assess::Assessment)> {
        match &v.outcome {
            Outcome::Assessed(a) if a.copay_counts => Some((a.card.as_deref()?, a)),
            _ => None,
        }
    }
    let capped: FxHashSet<&str> = visits
        .iter()
        .filter_map(counted)
        .filter(|(_, a)| a.copay_cap.is_some())
        .map(|(card, _)| card)
        .collect();
    if capped.is_empty() {
        return;
    }
    // Their visits by the day they began, each with its card numbered (cards are borrowed
    // once, not copied per visit) and the year; what each holder co-paid before the file.
    let mut order: Vec<(Date, usize, u32, i16)> = Vec::new();
    let mut paid: FxHashMap<(u32, i16), decimal::Amount> = FxHashMap::default();
    {
        let mut cards: FxHashMap<&str, u32> = FxHashMap::default();
        for (i, (card, a)) in visits
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i, counted(v)?)))
        {
            if !capped.contains(card) {
                continue;
            }
            let next = u32::try_from(cards.len()).unwrap_or(u32::MAX);
            let id = *cards.entry(card).or_insert(next);
            let year = a.visit_date.year();
            paid.entry((id, year)).or_insert_with(|| prior(card, year));
            order.push((a.visit_date, i, id, year));
        }
    }
    order.sort_unstable();
    for (_, i, id, year) in order {
        let (Outcome::Assessed(a), Some(so_far)) =
            (&mut visits[i].outcome, paid.get_mut(&(id, year)))
        else {
            continue;
        };
        assess::apply_copay_cap(a, *so_far);
        *so_far += a.assessed.co_pay;
    }
}

/// Reads and assesses every visit of a claims file (what `ansinh claims assess` prints): a
/// facility can pre-check its own file without a database. Without `reference` data, prices
/// (R05) and the covered list (R06) are not checked.
pub fn assess_file(
    params: &Params,
    reference: Option<&reference::Reference>,
    bytes: &[u8],
    detail: Detail,
) -> Result<Vec<Outcome>, xml::FileError> {
    let (_, visits) = assess_visits(params, reference, bytes, detail)?;
    Ok(visits.into_iter().map(|v| v.outcome).collect())
}

/// [`assess_file`], with what is wrong with the envelope, the visits kept whole (with their
/// stays): a caller about to end can let them go without freeing a million of them one by one.
pub fn assess_visits(
    params: &Params,
    reference: Option<&reference::Reference>,
    bytes: &[u8],
    detail: Detail,
) -> Result<(Vec<xml::Notice>, Vec<ReadVisit>), xml::FileError> {
    let (head, mut visits) = read_visits(params, reference, bytes, detail)?;
    reject_duplicates(&mut visits);
    flag_overlaps(&mut visits, &[]);
    cap_copayments(&mut visits, &|_, _| decimal::Amount::ZERO);
    Ok((head.notices, visits))
}
