//! `ansinh claims …`: health-insurance claims files (QĐ 130/QĐ-BYT XML).

use ansinh_claims::Outcome;
use ansinh_claims::assess::Decision;
use ansinh_claims::decimal::Amount;
use ansinh_rules::Params;
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Claims {
    /// Assess a claims file without a database (a facility pre-checking its own file): one
    /// result per visit — accepted, adjusted, rejected, needs review or malformed.
    Assess {
        file: PathBuf,
        /// Print every result in full as JSON instead of one line per visit.
        #[arg(long)]
        json: bool,
        /// Folder with `prices.csv` and `covered.csv` (approved prices, covered drugs): checks
        /// R05 and R06; without it they are not checked. A sample: `examples/claims/reference`.
        #[arg(long, value_name = "DIR")]
        reference: Option<PathBuf>,
    },
    /// Store and assess a claims file: each visit becomes a new version unless unchanged, rule
    /// R10 compares it with the stored visits of the same card, flagged visits join the
    /// assessors' review queue. The same file twice changes nothing.
    Import {
        file: PathBuf,
        /// Folder with `prices.csv` and `covered.csv`, as for `assess`.
        #[arg(long, value_name = "DIR")]
        reference: Option<PathBuf>,
        #[command(flatten)]
        db: crate::system::DbArgs,
    },
    /// Write a synthetic claims file (reproducible with --seed): realistic outpatient and
    /// inpatient visits, and a controlled share of visits with one defect each, cycling through
    /// R01 (expired card), R02 (prefix and digit disagree), R03 (claimed at 100 % instead of the
    /// card rate), R12 (cost after discharge), R13 (total that does not add up).
    Generate {
        #[arg(long, default_value_t = 1_000)]
        visits: usize,
        /// Share of visits with a defect, 0 to 1.
        #[arg(long, default_value_t = 0.1)]
        defects: f64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Drugs and services the generator draws from: (code, name, unit price in đồng).
const DRUGS: &[(&str, &str, i64)] = &[
    ("40.679", "Metformin 850mg", 1_200),
    ("40.695", "Gliclazid 30mg", 2_500),
    ("40.470", "Amlodipin 5mg", 1_500),
    ("40.146", "Amoxicilin 500mg", 1_800),
    ("40.35", "Paracetamol 500mg", 400),
];
const SERVICES: &[(&str, &str, i64)] = &[
    ("02.03", "Khám Nội tổng hợp", 39_800),
    ("23.0083.1523", "Định lượng HbA1c [Máu]", 105_300),
    ("23.0075.1494", "Định lượng Glucose [Máu]", 22_400),
    ("18.0001.0001", "Siêu âm ổ bụng", 49_300),
    ("K03.1905", "Ngày giường bệnh Nội khoa", 250_000),
];

/// One synthetic visit's tables, its amounts consistent at the benefit level the rules give
/// (unless a defect is wanted).
fn synthetic_visit(
    params: &Params,
    rng: &mut fastrand::Rng,
    n: usize,
    defect: Option<usize>,
) -> Vec<(&'static str, String)> {
    let key = format!("79001.2503.{n:08}");
    let day = rng.u32(1..=28);
    let inpatient = rng.u8(0..10) == 0;
    let (admit, discharge) = if inpatient {
        (
            format!("202503{day:02}0800"),
            format!("202503{:02}1000", (day + 3).min(31)),
        )
    } else {
        (format!("202503{day:02}0815"), format!("202503{day:02}1030"))
    };
    let (card, to) = match defect {
        Some(0) => ("DN4".to_string(), "20250101"),
        Some(1) => ("DN2".to_string(), "20251231"),
        _ => {
            let g = ["DN4", "HT3", "TE1", "HC4", "GD4", "CC1"][rng.usize(0..6)];
            (g.to_string(), "20251231")
        }
    };
    let card = format!("{card}79{:010}", rng.u64(0..10_000_000_000));
    let mut lines = Vec::new();
    for _ in 0..rng.usize(1..=3) {
        let (code, name, price) = DRUGS[rng.usize(0..DRUGS.len())];
        lines.push(("XML2", code, name, i64::from(rng.u32(5..=60)), price));
    }
    let mut consulted = false;
    for _ in 0..rng.usize(1..=3) {
        let (code, name, price) = SERVICES[rng.usize(0..SERVICES.len())];
        // One consultation per visit: a second one would be paid at 30 % (rule R09).
        if code == "02.03" && std::mem::replace(&mut consulted, true) {
            continue;
        }
        // A service once: twice at the same minute is a duplicate (R10.SAME_TIME).
        if lines.iter().any(|l| l.1 == code) {
            continue;
        }
        let qty = if code.starts_with('K') {
            if inpatient { 3 } else { 1 }
        } else {
            1
        };
        lines.push(("XML3", code, name, qty, price));
    }
    let covered: i64 = lines.iter().map(|l| l.3 * l.4).sum();
    let parsed = ansinh_rules::health::parse_card(&card).ok();
    let rate = parsed
        .as_ref()
        .and_then(|c| {
            ansinh_rules::health::benefit(
                params,
                &ansinh_rules::health::VisitFacts {
                    card: c,
                    category: "1.1",
                    inpatient,
                    date: jiff::civil::date(2025, 3, day as i8),
                    covered_total: covered,
                    exempt_since: None,
                },
            )
            .ok()
        })
        .map_or(80, |b| b.rate.ppm() / 10_000);
    let rate = if defect == Some(2) { 100 } else { rate };
    let (mut xml2, mut xml3) = (String::new(), String::new());
    let (mut t_bv, mut t_thuoc, mut t_bhtt, mut t_cct) = (0i64, 0i64, 0i64, 0i64);
    for (i, (table, code, name, qty, price)) in lines.iter().enumerate() {
        let amount = qty * price;
        // Whole-đồng amounts here: the fund's share rounds to the đồng by construction.
        let insurer = amount * rate / 100;
        let co = amount - insurer;
        t_bv += amount;
        t_bhtt += insurer;
        t_cct += co;
        let ordered = if defect == Some(3) && i == 0 {
            format!("202503{:02}2300", (day + 5).min(31))
        } else {
            admit.clone()
        };
        if *table == "XML2" {
            t_thuoc += amount;
            // The strength the name ends with ("Metformin 850mg"), as the catalogue approves it.
            let strength = name.rsplit(' ').next().unwrap_or_default();
            xml2.push_str(&format!("<CHI_TIET_THUOC><MA_LK>{key}</MA_LK><STT>{}</STT><MA_THUOC>{code}</MA_THUOC><MA_NHOM>4</MA_NHOM><TEN_THUOC>{name}</TEN_THUOC><DON_VI_TINH>Viên</DON_VI_TINH><HAM_LUONG>{strength}</HAM_LUONG><DUONG_DUNG>1.01</DUONG_DUNG><LIEU_DUNG>1 viên/lần * 2 lần/ngày</LIEU_DUNG><SO_DANG_KY>VD-12345-20</SO_DANG_KY><TT_THAU>12/QĐ-BV;G1;N4;2024</TT_THAU><PHAM_VI>1</PHAM_VI><TYLE_TT_BH>100</TYLE_TT_BH><SO_LUONG>{qty}</SO_LUONG><DON_GIA>{price}</DON_GIA><THANH_TIEN_BV>{amount}</THANH_TIEN_BV><THANH_TIEN_BH>{amount}</THANH_TIEN_BH><T_NGUONKHAC>0</T_NGUONKHAC><MUC_HUONG>{rate}</MUC_HUONG><T_BNTT>0</T_BNTT><T_BNCCT>{co}</T_BNCCT><T_BHTT>{insurer}</T_BHTT><MA_KHOA>K01</MA_KHOA><MA_BAC_SI>000123/HCM-CCHN</MA_BAC_SI><NGAY_YL>{ordered}</NGAY_YL><MA_PTTT>1</MA_PTTT></CHI_TIET_THUOC>", i + 1));
        } else {
            xml3.push_str(&format!("<CHI_TIET_DVKT><MA_LK>{key}</MA_LK><STT>{}</STT><MA_DICH_VU>{code}</MA_DICH_VU><MA_NHOM>{}</MA_NHOM><TEN_DICH_VU>{name}</TEN_DICH_VU><PHAM_VI>1</PHAM_VI><SO_LUONG>{qty}</SO_LUONG><DON_GIA_BV>{price}</DON_GIA_BV><DON_GIA_BH>{price}</DON_GIA_BH><TYLE_TT_DV>100</TYLE_TT_DV><TYLE_TT_BH>100</TYLE_TT_BH><THANH_TIEN_BV>{amount}</THANH_TIEN_BV><THANH_TIEN_BH>{amount}</THANH_TIEN_BH><MUC_HUONG>{rate}</MUC_HUONG><T_NGUONKHAC>0</T_NGUONKHAC><T_BNTT>0</T_BNTT><T_BNCCT>{co}</T_BNCCT><T_BHTT>{insurer}</T_BHTT><MA_KHOA>K01</MA_KHOA><MA_BAC_SI>000123/HCM-CCHN</MA_BAC_SI><NGUOI_THUC_HIEN>000123/HCM-CCHN</NGUOI_THUC_HIEN><NGAY_YL>{ordered}</NGAY_YL><MA_PTTT>1</MA_PTTT>{}</CHI_TIET_DVKT>", i + 1, if *code == "02.03" { 13 } else { 1 }, if *code == "02.03" { "" } else { "<MA_MAY>XN.1.79001.00001</MA_MAY>" }));
        }
    }
    if defect == Some(4) {
        t_bhtt += 1_000;
    }
    let visit_type = if inpatient { "03" } else { "01" };
    // A child's card (TE) is a child's: born within six years.
    let (birth, weight) = if card.starts_with("TE") {
        ("202201010000", "<CAN_NANG>15</CAN_NANG>")
    } else {
        ("198001010000", "")
    };
    // Fictitious names, as a name is written (no digits).
    let name = [
        "NGUYỄN VĂN AN",
        "TRẦN THỊ BÌNH",
        "LÊ VĂN CƯỜNG",
        "PHẠM THỊ DUNG",
    ][n % 4];
    // GIOI_TINH: 2 for the names with the middle name Thị.
    let sex = if n % 2 == 1 { 2 } else { 1 };
    // A stay says why and when it became one, and how it was treated (QĐ 4750 Bảng 1).
    let inpatient_fields = if inpatient {
        format!(
            "<LY_DO_VNT>Điều trị nội trú</LY_DO_VNT><MA_LY_DO_VNT>1</MA_LY_DO_VNT><NGAY_VAO_NOI_TRU>{admit}</NGAY_VAO_NOI_TRU><PP_DIEU_TRI>Nội khoa</PP_DIEU_TRI>"
        )
    } else {
        String::new()
    };
    let xml1 = format!(
        "<TONG_HOP><MA_LK>{key}</MA_LK><STT>{n}</STT><MA_BN>BN{n}</MA_BN><HO_TEN>{name}</HO_TEN><NGAY_SINH>{birth}</NGAY_SINH>{weight}<GIOI_TINH>{sex}</GIOI_TINH><SO_CCCD>079{n:09}</SO_CCCD><MA_QUOCTICH>000</MA_QUOCTICH><MA_DANTOC>01</MA_DANTOC><DIA_CHI>Quận 1, TP Hồ Chí Minh</DIA_CHI><MA_THE_BHYT>{card}</MA_THE_BHYT><MA_DKBD>79001</MA_DKBD><GT_THE_TU>20250101</GT_THE_TU><GT_THE_DEN>{to}</GT_THE_DEN><LY_DO_VV>Khám bệnh</LY_DO_VV><CHAN_DOAN_RV>Đái tháo đường týp 2</CHAN_DOAN_RV><MA_BENH_CHINH>E11.9</MA_BENH_CHINH><MA_DOITUONG_KCB>1.1</MA_DOITUONG_KCB><NGAY_VAO>{admit}</NGAY_VAO>{inpatient_fields}<NGAY_RA>{discharge}</NGAY_RA><KET_QUA_DTRI>2</KET_QUA_DTRI><MA_LOAI_RV>1</MA_LOAI_RV><T_THUOC>{t_thuoc}</T_THUOC><T_VTYT>0</T_VTYT><T_TONGCHI_BV>{t_bv}</T_TONGCHI_BV><T_TONGCHI_BH>{t_bv}</T_TONGCHI_BH><T_BNTT>0</T_BNTT><T_BNCCT>{t_cct}</T_BNCCT><T_BHTT>{t_bhtt}</T_BHTT><T_NGUONKHAC>0</T_NGUONKHAC><NAM_QT>2025</NAM_QT><THANG_QT>3</THANG_QT><MA_LOAI_KCB>{visit_type}</MA_LOAI_KCB><MA_KHOA>K01</MA_KHOA><MA_CSKCB>79001</MA_CSKCB><MA_HSBA>HS{n}</MA_HSBA></TONG_HOP>"
    );
    let mut tables = vec![
        ("XML1", xml1),
        (
            "XML2",
            format!(
                "<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>{xml2}</DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>"
            ),
        ),
        (
            "XML3",
            format!(
                "<CHITIEU_CHITIET_DVKT_VTYT><DSACH_CHI_TIET_DVKT>{xml3}</DSACH_CHI_TIET_DVKT></CHITIEU_CHITIET_DVKT_VTYT>"
            ),
        ),
    ];
    if inpatient {
        // A stay sends its clinical course (XML5) and discharge paper (XML7), QĐ 4750.
        tables.push((
            "XML5",
            format!("<CHITIEU_CHITIET_DIENBIENLAMSANG><DSACH_CHI_TIET_DIEN_BIEN_BENH><CHI_TIET_DIEN_BIEN_BENH><MA_LK>{key}</MA_LK><STT>1</STT><DIEN_BIEN_LS>Ổn định</DIEN_BIEN_LS><NGUOI_THUC_HIEN>000123/HCM-CCHN</NGUOI_THUC_HIEN><THOI_DIEM_DBLS>{admit}</THOI_DIEM_DBLS></CHI_TIET_DIEN_BIEN_BENH></DSACH_CHI_TIET_DIEN_BIEN_BENH></CHITIEU_CHITIET_DIENBIENLAMSANG>"),
        ));
        tables.push((
            "XML7",
            format!("<CHI_TIEU_DU_LIEU_GIAY_RA_VIEN><MA_LK>{key}</MA_LK><SO_LUU_TRU>RV{n}</SO_LUU_TRU><NGAY_VAO>{admit}</NGAY_VAO><NGAY_RA>{discharge}</NGAY_RA><PP_DIEUTRI>Nội khoa</PP_DIEUTRI><MA_TTDV>000123/HCM-CCHN</MA_TTDV><MA_BS>000123/HCM-CCHN</MA_BS><NGAY_CT>{}</NGAY_CT></CHI_TIEU_DU_LIEU_GIAY_RA_VIEN>", &discharge[..8]),
        ));
    }
    tables
}

/// A claims file mapped into memory rather than copied: a file of a million visits is 4.4 GB,
/// and copying it cost a seventh of the time of `claims assess` (page zeroing and the copy).
pub(crate) fn map_file(path: &std::path::Path) -> Result<memmap2::Mmap> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    // SAFETY: the map is only read. Another process truncating the file while it is read would
    // end this one (SIGBUS); a file rewritten in place would read as whatever bytes it then
    // holds, which the reader treats as untrusted input like any other.
    let map = unsafe { memmap2::Mmap::map(&file) }
        .with_context(|| format!("reading {}", path.display()))?;
    // One pass from start to end: ask the kernel to read ahead.
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(map)
}

/// Runs a claims command; `Ok(false)` when the file itself is refused.
/// The reference lists of a folder (`prices.csv`, `covered.csv`); `Ok(None)` after printing
/// the refusal of a file that does not read.
#[allow(clippy::type_complexity)]
fn reference_or_refusal(
    dir: Option<&std::path::Path>,
) -> Result<Option<Option<Box<ansinh_claims::reference::Reference>>>> {
    let Some(dir) = dir else {
        return Ok(Some(None));
    };
    match load_reference(dir)? {
        Ok(r) => Ok(Some(Some(Box::new(r)))),
        Err(e) => {
            let doc = serde_json::json!({"error": {"field": "reference", "file": e.file, "line": e.line, "column": e.field, "reason": e.reason}});
            crate::table::emit(&(serde_json::to_string_pretty(&doc)? + "\n"));
            Ok(None)
        }
    }
}

/// The reference lists of a folder: `prices.csv`, `covered.csv` and, if present,
/// `facilities.csv` and the lists of the record checks (`icd10.csv`, `staff.csv`, …; see
/// `examples/claims/reference/README.md`). The outer error is a file that cannot be read, the
/// inner one a bad row.
pub fn load_reference(
    dir: &std::path::Path,
) -> Result<Result<ansinh_claims::reference::Reference, ansinh_claims::reference::ReferenceError>> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    // The facility list is optional: without it, rule R04 is not checked.
    let facilities = match dir.join("facilities.csv").exists() {
        true => Some(read("facilities.csv")?),
        false => None,
    };
    // The lists of the record checks are optional too: a check without its list is not made.
    let mut lists = Vec::new();
    for (file, _) in ansinh_claims::reference::LIST_COLUMNS {
        if dir.join(file).exists() {
            lists.push((*file, read(file)?));
        }
    }
    Ok(
        ansinh_claims::reference::Reference::from_csv(&read("prices.csv")?, &read("covered.csv")?)
            .and_then(|r| match &facilities {
                Some(text) => r.with_facilities(text),
                None => Ok(r),
            })
            .and_then(|r| {
                lists
                    .iter()
                    .try_fold(r, |r, (file, text)| r.with_list(file, text))
            }),
    )
}

pub fn run(what: Claims, params: &Params) -> Result<bool> {
    match what {
        Claims::Assess {
            file,
            json,
            reference,
        } => {
            let bytes = map_file(&file)?;
            let Some(reference) = reference_or_refusal(reference.as_deref())? else {
                return Ok(false);
            };
            // The summary shows no explanations: they are not built for it.
            let detail = if json {
                ansinh_claims::Detail::EXPLAINED
            } else {
                ansinh_claims::Detail::BRIEF
            };
            let (notices, visits) = match ansinh_claims::assess_visits(
                params,
                reference.as_deref(),
                &bytes,
                detail,
            ) {
                Ok(o) => o,
                Err(e) => {
                    let doc = serde_json::json!({"error": {"field": "file", "reason": e.to_string(), "file": file.display().to_string()}});
                    println!("{}", serde_json::to_string_pretty(&doc)?);
                    return Ok(false);
                }
            };
            // The envelope's defects on stderr: stdout keeps the shape of the visits' outcomes.
            for n in &notices {
                eprintln!("{}: {} ({})", n.code, n.text_en, n.field);
            }
            let outcomes: Vec<&Outcome> = visits.iter().map(|v| &v.outcome).collect();
            if json {
                crate::table::emit(&(serde_json::to_string_pretty(&outcomes)? + "\n"));
            } else {
                print_summary(&outcomes);
            }
            // The process ends next: freeing every visit's result one by one would be work for
            // nothing (a million results are gigabytes of small allocations), and so would
            // unmapping the file page by page.
            std::mem::forget(visits);
            std::mem::forget(bytes);
            Ok(true)
        }
        Claims::Import {
            file,
            reference,
            db,
        } => {
            let bytes = map_file(&file)?;
            let Some(reference) = reference_or_refusal(reference.as_deref())? else {
                return Ok(false);
            };
            let report = crate::block_on(async {
                let store = crate::system::open(&db).await?;
                store
                    .import_claims(params, reference.as_deref(), &bytes)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
            })?;
            crate::table::emit(&(serde_json::to_string_pretty(&report)? + "\n"));
            Ok(true)
        }
        Claims::Generate {
            visits,
            defects,
            seed,
            out,
        } => {
            anyhow::ensure!(
                (0.0..=1.0).contains(&defects),
                "--defects must be between 0 and 1"
            );
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(&out)
                    .with_context(|| format!("creating {}", out.display()))?,
            );
            use std::io::Write;
            // Written visit by visit: a file of a million visits never sits in memory.
            let head = ansinh_claims::xml::envelope_head("79001", "20250331", visits);
            file.write_all(head.as_bytes())?;
            let mut with_defect = 0usize;
            for n in 0..visits {
                let defect = (rng.f64() < defects).then(|| {
                    with_defect += 1;
                    with_defect % 5
                });
                let tables = synthetic_visit(params, &mut rng, n + 1, defect);
                let visit = ansinh_claims::xml::visit_xml(&tables);
                file.write_all(visit.as_bytes())?;
            }
            file.write_all(ansinh_claims::xml::ENVELOPE_TAIL.as_bytes())?;
            file.flush()?;
            eprintln!(
                "wrote {visits} visits ({with_defect} with a defect) to {}",
                out.display()
            );
            Ok(true)
        }
    }
}

/// One line per visit, then the totals.
/// Prints the summary: a header, one row per visit, the totals.
fn print_summary(outcomes: &[&Outcome]) {
    use std::fmt::Write;
    let mut head = String::new();
    let _ = writeln!(
        head,
        "{:<28} {:<13} {:>14} {:>14} {:>14}  findings",
        "MA_LK", "decision", "claimed", "assessed", "rejected"
    );
    crate::table::emit(&head);
    // A file holds up to a million visits: their rows are written on every core, a round of
    // rows at a time, and printed in order (the whole text is never held: fresh memory is dear).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    const ROUND: usize = 1 << 15;
    // The totals are summed with the rows (reading a million results twice costs).
    let (mut claimed, mut assessed) = (Amount::ZERO, Amount::ZERO);
    for round in outcomes.chunks(ROUND * cores) {
        let part = round.len().div_ceil(cores).max(1);
        let rows: Vec<(String, Amount, Amount)> = std::thread::scope(|scope| {
            let parts: Vec<_> = round
                .chunks(part)
                .map(|chunk| scope.spawn(move || summary_rows(chunk)))
                .collect();
            parts
                .into_iter()
                .map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for (text, part_claimed, part_assessed) in &rows {
            crate::table::emit(text);
            claimed += *part_claimed;
            assessed += *part_assessed;
        }
    }
    crate::table::emit(&format!(
        "{} visits; fund share claimed {claimed}, assessed {assessed}\n",
        outcomes.len()
    ));
}

/// One row per visit, written in place (padded by hand: the formatting machinery was most of
/// the time of printing a million rows), with the fund share claimed and assessed of the rows.
fn summary_rows(outcomes: &[&Outcome]) -> (String, Amount, Amount) {
    use std::fmt::Write;
    fn left(out: &mut String, text: &str, width: usize) {
        out.push_str(text);
        let shown = text.chars().count();
        out.extend(std::iter::repeat_n(' ', width.saturating_sub(shown)));
    }
    fn right(out: &mut String, text: &str, width: usize) {
        out.extend(std::iter::repeat_n(' ', width.saturating_sub(text.len())));
        out.push_str(text);
    }
    let mut out = String::with_capacity(100 * outcomes.len());
    let mut buf = [0u8; 24];
    let (mut claimed, mut assessed) = (Amount::ZERO, Amount::ZERO);
    for o in outcomes {
        match o {
            Outcome::Assessed(a) => {
                claimed += a.claimed.insurer;
                assessed += a.assessed.insurer;
                let decision = match a.decision {
                    Decision::Accepted => "Accepted",
                    Decision::Adjusted => "Adjusted",
                    Decision::Rejected => "Rejected",
                    Decision::NeedsReview => "NeedsReview",
                };
                left(&mut out, &a.key, 28);
                out.push(' ');
                left(&mut out, decision, 13);
                for amount in [a.claimed.insurer, a.assessed.insurer, a.rejected] {
                    out.push(' ');
                    right(&mut out, amount.text(&mut buf), 14);
                }
                out.push_str("  ");
                for (k, f) in a.findings.iter().enumerate() {
                    if k > 0 {
                        out.push(' ');
                    }
                    out.push_str(f.code);
                }
                out.push('\n');
            }
            Outcome::Malformed { key, defects } => {
                let _ = write!(
                    out,
                    "{:<28} {:<13} {:>14} {:>14} {:>14}  ",
                    key.as_deref().unwrap_or("?"),
                    "Malformed",
                    "",
                    "",
                    ""
                );
                if let Some(d) = defects.first() {
                    let _ = write!(out, "{} {}: {}", d.table, d.field, d.reason);
                }
                out.push('\n');
            }
        }
    }
    (out, claimed, assessed)
}
