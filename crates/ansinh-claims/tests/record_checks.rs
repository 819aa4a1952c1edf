//! The record checks of issue 18, one test per catalogue line (C###) they answer, each on the
//! worked case TC1 (a complete visit of QĐ 130 as amended, fictitious names) changed so that it
//! fails the check, through the public entry point `assess_file`.

use ansinh_claims::assess::{Assessment, Decision};
use ansinh_claims::decimal::Amount;
use ansinh_claims::reference::Reference;
use ansinh_claims::xml::write_file;
use ansinh_claims::{Detail, Outcome, assess_file, read_visits};
use ansinh_rules::Params;

fn params() -> Params {
    Params::embedded().unwrap()
}

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// TC1's tables: XML1, XML2, XML3.
fn tc1() -> [String; 3] {
    [
        read("tc1-xml1.xml"),
        read("tc1-xml2.xml"),
        read("tc1-xml3.xml"),
    ]
}

fn reference(lists: &[(&str, &str)]) -> Reference {
    let dir = format!(
        "{}/../../examples/claims/reference",
        env!("CARGO_MANIFEST_DIR")
    );
    let file = |n: &str| std::fs::read_to_string(format!("{dir}/{n}")).unwrap();
    let mut r = Reference::from_csv(&file("prices.csv"), &file("covered.csv")).unwrap();
    for (name, text) in lists {
        let text = if text.is_empty() {
            file(name)
        } else {
            text.to_string()
        };
        r = r.with_list(name, &text).unwrap();
    }
    r
}

/// TC1's tables as a visit of the file.
fn tables(t: &[String; 3]) -> Vec<(&'static str, String)> {
    ["XML1", "XML2", "XML3"]
        .into_iter()
        .zip(t.iter().cloned())
        .collect()
}

/// The one visit of a file of `tables`, assessed.
fn assess_tables(tables: Vec<(&str, String)>, reference: Option<&Reference>) -> Assessment {
    let file = write_file("79001", "20250310", &[tables]);
    match assess_file(&params(), reference, file.as_bytes(), Detail::EXPLAINED)
        .unwrap()
        .remove(0)
    {
        Outcome::Assessed(a) => *a,
        other => panic!("not assessed: {other:?}"),
    }
}

fn assess(t: &[String; 3], reference: Option<&Reference>) -> Assessment {
    assess_tables(tables(t), reference)
}

/// The tables of `t` as another visit, of MA_LK `key`.
fn keyed(t: &[String; 3], key: &str) -> Vec<(&'static str, String)> {
    tables(t)
        .into_iter()
        .map(|(kind, table)| (kind, table.replace("79001.250310.000123", key)))
        .collect()
}

fn codes(a: &Assessment) -> Vec<&'static str> {
    a.findings.iter().map(|f| f.code).collect()
}

fn note_codes(a: &Assessment) -> Vec<&'static str> {
    a.notes.iter().map(|f| f.code).collect()
}

fn d(v: i64) -> Amount {
    Amount::whole(v)
}

#[test]
fn the_complete_worked_case_passes_every_record_check() {
    let a = assess(&tc1(), None);
    assert_eq!(a.decision, Decision::Accepted, "{a:?}");
    assert!(a.findings.is_empty(), "{:?}", a.findings);
    // TC1 as published leaves MA_QUOCTICH, MA_DANTOC, DIA_CHI, LY_DO_VV out and one line's prescriber and
    // a drug's tender: noted for the facility, and nothing else.
    let notes = note_codes(&a);
    assert!(
        notes
            .iter()
            .all(|c| matches!(*c, "S.REQUIRED" | "S.LINE" | "R14.UNNAMED" | "R15.FORMAT")),
        "{:?}",
        a.notes
    );
}

/// C169: a mandatory XML1 field missing is noted, naming it; the decision stands.
#[test]
fn c169_a_missing_mandatory_field_is_named_and_moves_no_amount() {
    let mut t = tc1();
    t[0] = t[0].replace("<HO_TEN>NGUYỄN THỊ A</HO_TEN>", "");
    let a = assess(&t, None);
    assert_eq!(
        (a.decision, a.assessed.insurer),
        (Decision::Accepted, d(293_680))
    );
    let note = a.notes.iter().find(|n| n.code == "S.REQUIRED").unwrap();
    assert!(note.text_en.contains("HO_TEN"), "{}", note.text_en);
}

/// C174, C170: values outside the enumerations and an impossible weight are noted.
#[test]
fn c174_values_outside_the_enumerations_are_noted() {
    let mut t = tc1();
    t[0] = t[0]
        .replace("<GIOI_TINH>2</GIOI_TINH>", "<GIOI_TINH>7</GIOI_TINH>")
        .replace(
            "<MA_LOAI_RV>1</MA_LOAI_RV>",
            "<MA_LOAI_RV>9</MA_LOAI_RV><CAN_NANG>350</CAN_NANG>",
        );
    let a = assess(&t, None);
    let note = a.notes.iter().find(|n| n.code == "S.VALUE").unwrap();
    for part in ["GIOI_TINH `7`", "MA_LOAI_RV `9`", "CAN_NANG 350"] {
        assert!(note.text_en.contains(part), "{part}: {}", note.text_en);
    }
    assert_eq!(a.decision, Decision::Accepted);
}

/// C137: a date of birth that is no date is a note, not a broken visit.
#[test]
fn c137_a_malformed_field_no_amount_depends_on_is_noted() {
    let mut t = tc1();
    t[0] = t[0].replace(
        "<NGAY_SINH>198005150000</NGAY_SINH>",
        "<NGAY_SINH>1980-05-15</NGAY_SINH>",
    );
    let a = assess(&t, None);
    assert_eq!(a.decision, Decision::Accepted);
    assert!(
        a.notes
            .iter()
            .any(|n| n.code == "S.FORMAT" && n.text_en.contains("NGAY_SINH"))
    );
}

/// C117, C123: a principal diagnosis that is no ICD-10 code, or none at all, goes to a human.
#[test]
fn c117_c123_diagnoses_that_are_no_icd10_code_or_missing_go_to_review() {
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_BENH_CHINH>E11.9</MA_BENH_CHINH>",
        "<MA_BENH_CHINH>E119X</MA_BENH_CHINH>",
    );
    let a = assess(&t, None);
    assert_eq!(a.decision, Decision::NeedsReview);
    assert!(codes(&a).contains(&"R11.ICD"));
    // With the list loaded, a well-formed code absent from it is unknown too.
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_BENH_KT>I10</MA_BENH_KT>",
        "<MA_BENH_KT>I10;Q99.9</MA_BENH_KT>",
    );
    let r = reference(&[("icd10.csv", "")]);
    let a = assess(&t, Some(&r));
    let f = a.findings.iter().find(|f| f.code == "R11.ICD").unwrap();
    assert!(
        f.text_en.contains("Q99.9") && !f.text_en.contains("I10"),
        "{}",
        f.text_en
    );
    let mut t = tc1();
    t[0] = t[0].replace("<MA_BENH_CHINH>E11.9</MA_BENH_CHINH>", "");
    let a = assess(&t, None);
    assert!(codes(&a).contains(&"R11.NO_DIAGNOSIS"));
}

/// C118, C119: a code the list does not use as principal, or one of the other sex.
#[test]
fn c118_c119_principal_not_allowed_and_diagnosis_of_the_other_sex() {
    let r = reference(&[("icd10.csv", "")]);
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_BENH_CHINH>E11.9</MA_BENH_CHINH>",
        "<MA_BENH_CHINH>Z00.0</MA_BENH_CHINH>",
    );
    assert!(codes(&assess(&t, Some(&r))).contains(&"R11.PRINCIPAL"));
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_BENH_KT>I10</MA_BENH_KT>",
        "<MA_BENH_KT>N40</MA_BENH_KT>",
    );
    assert!(codes(&assess(&t, Some(&r))).contains(&"R11.SEX"));
}

/// C120: the HbA1c is paid only with a diabetes diagnosis: without one its line is rejected,
/// its fund share (84,240) the finding's amount.
#[test]
fn c120_a_service_without_the_diagnosis_it_is_indicated_for_is_rejected() {
    let r = reference(&[("indications.csv", "")]);
    let a = assess(&tc1(), Some(&r));
    assert!(
        !codes(&a).contains(&"R11.INDICATION"),
        "E11.9 indicates it: {:?}",
        a.findings
    );
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_BENH_CHINH>E11.9</MA_BENH_CHINH>",
        "<MA_BENH_CHINH>I10</MA_BENH_CHINH>",
    );
    let a = assess(&t, Some(&r));
    let f = a
        .findings
        .iter()
        .find(|f| f.code == "R11.INDICATION")
        .unwrap();
    assert_eq!(
        (f.lines.as_slice(), f.amount),
        (&["XML3#2".to_string()][..], d(84_240))
    );
    assert_eq!(a.decision, Decision::Adjusted);
}

/// C122: a service meant for one sex is rejected for the other.
#[test]
fn c122_a_service_for_the_other_sex_is_rejected() {
    let r = reference(&[(
        "restrictions.csv",
        "code,sex,min_age,max_age,from,to,source\n23.0083.1523,1,,,2024-01-01,,test\n",
    )]);
    let a = assess(&tc1(), Some(&r));
    let f = a.findings.iter().find(|f| f.code == "R11.PATIENT").unwrap();
    assert_eq!(f.amount, d(84_240));
    // Age bounds: this patient is 44 on the day; a service up to 15 years is not hers.
    let r = reference(&[(
        "restrictions.csv",
        "code,sex,min_age,max_age,from,to,source\n23.0083.1523,,,15,2024-01-01,,test\n",
    )]);
    assert!(codes(&assess(&tc1(), Some(&r))).contains(&"R11.PATIENT"));
    let r = reference(&[(
        "restrictions.csv",
        "code,sex,min_age,max_age,from,to,source\n23.0083.1523,,18,,2024-01-01,,test\n",
    )]);
    assert!(!codes(&assess(&tc1(), Some(&r))).contains(&"R11.PATIENT"));
}

/// The HbA1c line of TC1 made a bed line of `group` with `quantity` days.
fn with_bed(t: &mut [String; 3], group: u32) {
    t[2] = t[2].replacen(
        "<MA_NHOM>1</MA_NHOM>",
        &format!("<MA_NHOM>{group}</MA_NHOM><MA_GIUONG>H001</MA_GIUONG>"),
        1,
    );
}

/// C094: an inpatient bed billed for an examination visit is rejected.
#[test]
fn c094_an_inpatient_bed_for_an_outpatient_visit_is_rejected() {
    let mut t = tc1();
    with_bed(&mut t, 15);
    let a = assess(&t, None);
    let f = a
        .findings
        .iter()
        .find(|f| f.code == "R09.BED_OUTPATIENT")
        .unwrap();
    assert_eq!(f.amount, d(84_240));
}

/// C093, C090: bed days beyond the stay, and more than one bed a line, go to a human.
#[test]
fn c093_bed_days_beyond_the_length_of_the_stay_go_to_review() {
    let mut t = tc1();
    with_bed(&mut t, 15);
    // A stay of 10 to 12 March, discharged well: 2 bed days; 3 billed on one line.
    t[0] = t[0]
        .replace(
            "<MA_LOAI_KCB>01</MA_LOAI_KCB>",
            "<MA_LOAI_KCB>03</MA_LOAI_KCB>",
        )
        .replace(
            "<NGAY_RA>202503101030</NGAY_RA>",
            "<NGAY_RA>202503121030</NGAY_RA>",
        );
    t[2] = t[2]
        .replacen(
            "<SO_LUONG>1</SO_LUONG><DON_GIA_BV>105300",
            "<SO_LUONG>3</SO_LUONG><DON_GIA_BV>35100",
            1,
        )
        .replacen(
            "<DON_GIA_BH>105300</DON_GIA_BH>",
            "<DON_GIA_BH>35100</DON_GIA_BH>",
            1,
        );
    let a = assess(&t, None);
    let c = codes(&a);
    assert!(
        c.contains(&"R09.BED_DAYS") && c.contains(&"R09.QUANTITY"),
        "{c:?}"
    );
    assert_eq!(a.decision, Decision::NeedsReview);
    let f = a
        .findings
        .iter()
        .find(|f| f.code == "R09.BED_DAYS")
        .unwrap();
    assert!(f.text_en.contains("stay allows 2"), "{}", f.text_en);
    // Discharged by death, the last day counts: 3 days allowed.
    t[0] = t[0].replace(
        "<KET_QUA_DTRI>2</KET_QUA_DTRI>",
        "<KET_QUA_DTRI>5</KET_QUA_DTRI>",
    );
    assert!(!codes(&assess(&t, None)).contains(&"R09.BED_DAYS"));
}

/// C132, C131: executed before it was ordered; a result after discharge.
#[test]
fn c132_c131_times_out_of_order_go_to_review() {
    let mut t = tc1();
    t[2] = t[2].replace(
        "<NGAY_TH_YL>202503100845</NGAY_TH_YL>",
        "<NGAY_TH_YL>202503100830</NGAY_TH_YL>",
    );
    let a = assess(&t, None);
    let f = a.findings.iter().find(|f| f.code == "R12.ORDER").unwrap();
    assert_eq!(f.lines, ["XML3#2"]);
    let mut t = tc1();
    t[2] = t[2].replace(
        "<NGAY_KQ>202503100950</NGAY_KQ>",
        "<NGAY_KQ>202503101100</NGAY_KQ>",
    );
    assert!(codes(&assess(&t, None)).contains(&"R12.RESULT_AFTER_DISCHARGE"));
}

/// C138, C140: born after admission; inpatient before admitted.
#[test]
fn c138_born_after_admission_goes_to_review() {
    let mut t = tc1();
    t[0] = t[0].replace(
        "<NGAY_SINH>198005150000</NGAY_SINH>",
        "<NGAY_SINH>202604010000</NGAY_SINH>",
    );
    assert!(codes(&assess(&t, None)).contains(&"R12.DATES"));
}

/// C032: a self-referred category at the holder's own registered facility.
#[test]
fn c032_out_of_network_at_ones_own_facility_goes_to_review() {
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_DOITUONG_KCB>1.1</MA_DOITUONG_KCB>",
        "<MA_DOITUONG_KCB>3.3</MA_DOITUONG_KCB>",
    );
    assert!(codes(&assess(&t, None)).contains(&"R04.CATEGORY"));
}

/// Issue 18, 6: MA_DOITUONG_KCB 1.3–1.7 and 7.x are known categories (in network).
#[test]
fn visit_categories_of_the_ministry_list_are_known() {
    for category in ["1.4", "1.5", "1.6", "1.7", "7", "7.2"] {
        let mut t = tc1();
        t[0] = t[0].replace(
            "<MA_DOITUONG_KCB>1.1<",
            &format!("<MA_DOITUONG_KCB>{category}<"),
        );
        let a = assess(&t, None);
        assert_eq!(
            (a.decision, a.assessed.insurer),
            (Decision::Accepted, d(293_680)),
            "{category}: {:?}",
            a.findings
        );
    }
    // 1.3 is a referral: it names where from and the paper.
    let mut t = tc1();
    t[0] = t[0].replace("<MA_DOITUONG_KCB>1.1<", "<MA_DOITUONG_KCB>1.3<");
    assert!(codes(&assess(&t, None)).contains(&"R04.REFERRAL"));
}

/// C062: a QN card's lines are in scope 3.
#[test]
fn c062_armed_forces_card_lines_outside_scope_3_go_to_review() {
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_THE_BHYT>DN4790123456789",
        "<MA_THE_BHYT>QN5790123456789",
    );
    assert!(codes(&assess(&t, None)).contains(&"R07.SCOPE"));
}

/// C152, C153, C156: practitioners on the staff list; a consultation is a doctor's.
#[test]
fn c152_c156_practitioners_not_registered_or_out_of_scope_go_to_review() {
    let r = reference(&[("staff.csv", "")]);
    let a = assess(&tc1(), Some(&r));
    let f = a.findings.iter().find(|f| f.code == "R14.LICENCE").unwrap();
    assert!(f.text_en.contains("XXXXXXXXXX"), "{}", f.text_en);
    let mut t = tc1();
    t[1] = t[1].replace("XXXXXXXXXX", "000123/HCM-CCHN");
    t[2] = t[2].replace("XXXXXXXXXX", "000123/HCM-CCHN");
    let a = assess(&t, Some(&r));
    assert!(
        !codes(&a).iter().any(|c| c.starts_with("R14")),
        "{:?}",
        a.findings
    );
    // The consultation done by a nurse.
    t[2] = t[2].replacen("000123/HCM-CCHN", "000456/HCM-CCHN", 1);
    assert!(codes(&assess(&t, Some(&r))).contains(&"R14.SCOPE"));
}

/// C159, C161: TT_THAU in its four parts, and an award of the facility's list.
#[test]
fn c159_c161_tender_form_and_award() {
    let a = assess(&tc1(), None);
    let f = a.notes.iter().find(|n| n.code == "R15.FORMAT").unwrap();
    assert!(
        f.text_en.contains("XML2#2"),
        "the second drug sends no TT_THAU: {}",
        f.text_en
    );
    assert!(!f.text_en.contains("XML2#1"), "{}", f.text_en);
    let r = reference(&[("tenders.csv", "")]);
    let mut t = tc1();
    t[1] = t[1].replace("XX/QĐ-BV;G1;N4;2024", "YY/QĐ-BV;G2;N4;2024");
    assert!(codes(&assess(&t, Some(&r))).contains(&"R15.AWARD"));
}

/// R15 tender quantities: a file whose lines use more than the award flags the visit that
/// crosses it.
#[test]
fn r15_quantities_beyond_the_award_go_to_review() {
    let r = reference(&[(
        "tenders.csv",
        "code,tender,price,quantity,from,to,source\n40.XXX,XX/QĐ-BV;G1;N4;2024,1200,100,2024-06-01,,test\n",
    )]);
    let visit = |n: usize| keyed(&tc1(), &format!("79001.250310.00012{n}"));
    // 60 tablets a visit: the second visit reaches 120 of the 100 awarded.
    let file = write_file("79001", "20250310", &[visit(1), visit(2)]);
    let (_, visits) = read_visits(&params(), Some(&r), file.as_bytes(), Detail::BRIEF).unwrap();
    let flagged: Vec<bool> = visits
        .iter()
        .map(|v| matches!(&v.outcome, Outcome::Assessed(a) if a.findings.iter().any(|f| f.code == "R15.QUANTITY")))
        .collect();
    assert_eq!(flagged, [false, true]);
}

/// R16: a facility whose cost per outpatient visit is above the reference by more than the
/// alert share is warned of on the file.
#[test]
fn r16_a_facility_above_the_cost_average_is_warned_of() {
    let r = reference(&[(
        "averages.csv",
        "code,average,from,to,source\noutpatient,300000,2025-01-01,,test\n",
    )]);
    let file = write_file("79001", "20250310", &[tables(&tc1())]);
    let (head, _) = read_visits(&params(), Some(&r), file.as_bytes(), Detail::BRIEF).unwrap();
    // 367,100 against 300,000 × 1.2 = 360,000.
    assert!(
        head.notices.iter().any(|n| n.code == "R16.AVERAGE"),
        "{:?}",
        head.notices
    );
    let r = reference(&[(
        "averages.csv",
        "code,average,from,to,source\noutpatient,310000,2025-01-01,,test\n",
    )]);
    let (head, _) = read_visits(&params(), Some(&r), file.as_bytes(), Detail::BRIEF).unwrap();
    assert!(!head.notices.iter().any(|n| n.code == "R16.AVERAGE"));
}

/// C074 (R08): an ultrasound billed with an ultrasound-guided biopsy the same day is priced
/// into it and rejected.
#[test]
fn c074_a_service_priced_into_another_the_same_day_is_rejected() {
    let r = reference(&[(
        "bundles.csv",
        "code,included_in,from,to,source\n23.0083.1523,02.03,2024-01-01,,test\n",
    )]);
    let a = assess(&tc1(), Some(&r));
    let f = a
        .findings
        .iter()
        .find(|f| f.code == "R08.UNBUNDLED")
        .unwrap();
    assert_eq!(
        (f.lines.as_slice(), f.amount),
        (&["XML3#2".to_string()][..], d(84_240))
    );
}

/// C044: a supply paid above its ceiling T_TRANTT is paid up to it.
#[test]
fn c044_a_supply_above_its_ceiling_is_paid_up_to_it() {
    let mut t = tc1();
    t[2] = t[2].replacen("<MA_NHOM>1</MA_NHOM>", "<MA_NHOM>10</MA_NHOM><MA_VAT_TU>N03.01.010</MA_VAT_TU><TEN_VAT_TU>Kim luồn</TEN_VAT_TU><T_TRANTT>50000</T_TRANTT>", 1);
    t[0] = t[0].replace("<T_VTYT>0</T_VTYT>", "<T_VTYT>105300</T_VTYT>");
    let a = assess(&t, None);
    let f = a.findings.iter().find(|f| f.code == "R05.CEILING").unwrap();
    assert_eq!(f.amount, d(84_240 - 50_000));
    assert_eq!(a.assessed.insurer, d(293_680 - 34_240));
}

/// C143: T_VTYT is the sum of the supply lines.
#[test]
fn c143_supplies_total_that_does_not_add_up_is_returned() {
    let mut t = tc1();
    t[0] = t[0].replace("<T_VTYT>0</T_VTYT>", "<T_VTYT>5000</T_VTYT>");
    let a = assess(&t, None);
    assert_eq!(a.decision, Decision::Rejected);
    assert!(
        a.findings
            .iter()
            .any(|f| f.code == "R13.TOTAL" && f.text_en.starts_with("T_VTYT"))
    );
}

/// C040: a drug above its approved price is paid at it (XML2, not only XML3).
#[test]
fn c040_a_drug_above_its_approved_price_is_paid_at_it() {
    let prices = "code,price,from,to,source\n40.XXX,1000,2024-01-01,,test\n";
    let covered = std::fs::read_to_string(format!(
        "{}/../../examples/claims/reference/covered.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let r = Reference::from_csv(prices, &covered).unwrap();
    let a = assess(&tc1(), Some(&r));
    let f = a.findings.iter().find(|f| f.code == "R05.PRICE").unwrap();
    // 60 tablets at 1,200 claimed, 1,000 approved: 12,000 less covered, 80 % of it.
    assert_eq!(
        (f.lines.as_slice(), f.amount),
        (&["XML2#1".to_string()][..], d(9_600))
    );
}

/// C165, C166: a stay sends its discharge paper (XML7) and clinical course (XML5).
#[test]
fn c165_a_stay_without_its_discharge_paper_is_noted() {
    let mut t = tc1();
    t[0] = t[0].replace("<MA_LOAI_KCB>01</MA_LOAI_KCB>", "<MA_LOAI_KCB>03</MA_LOAI_KCB><LY_DO_VNT>x</LY_DO_VNT><MA_LY_DO_VNT>1</MA_LY_DO_VNT><NGAY_VAO_NOI_TRU>202503100815</NGAY_VAO_NOI_TRU><PP_DIEU_TRI>x</PP_DIEU_TRI>");
    let a = assess(&t, None);
    let note = a.notes.iter().find(|n| n.code == "S.TABLES").unwrap();
    assert!(
        note.text_en.contains("XML7") && note.text_en.contains("XML5"),
        "{}",
        note.text_en
    );
}

/// C168: a drug names the service it was used in; that service is a line of XML3.
#[test]
fn c168_a_drug_linked_to_a_service_not_billed_is_noted() {
    let mut t = tc1();
    t[1] = t[1].replacen(
        "<MA_THUOC>40.XXX</MA_THUOC>",
        "<MA_THUOC>40.XXX</MA_THUOC><MA_DICH_VU>18.0001.0001</MA_DICH_VU>",
        1,
    );
    let a = assess(&t, None);
    assert!(
        a.notes
            .iter()
            .any(|n| n.code == "S.LINKED_SERVICE" && n.text_en.contains("XML2#1")),
        "{:?}",
        a.notes
    );
    let mut t = tc1();
    t[1] = t[1].replacen(
        "<MA_THUOC>40.XXX</MA_THUOC>",
        "<MA_THUOC>40.XXX</MA_THUOC><MA_DICH_VU>02.03</MA_DICH_VU>",
        1,
    );
    assert!(
        !assess(&t, None)
            .notes
            .iter()
            .any(|n| n.code == "S.LINKED_SERVICE")
    );
}

/// C128: a discharge before the admission goes to a human.
#[test]
fn c128_discharge_before_admission_goes_to_review() {
    let mut t = tc1();
    t[0] = t[0].replace(
        "<NGAY_RA>202503101030</NGAY_RA>",
        "<NGAY_RA>202503100800</NGAY_RA>",
    );
    assert!(codes(&assess(&t, None)).contains(&"R12.DATES"));
}

/// TC1 with an XML4 table of `rows` (each `<CHI_TIET_CLS>…</CHI_TIET_CLS>` inner fields).
fn assess_with_xml4(t: &[String; 3], rows: &[&str], reference: Option<&Reference>) -> Assessment {
    let xml4: String = rows
        .iter()
        .map(|r| format!("<CHI_TIET_CLS><MA_LK>79001.250310.000123</MA_LK>{r}</CHI_TIET_CLS>"))
        .collect();
    let xml4 = format!(
        "<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>{xml4}</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>"
    );
    let mut visit = tables(t);
    visit.push(("XML4", xml4));
    assess_tables(visit, reference)
}

/// C054, C131, C154: a result belongs to a billed service, lies within the stay, and is read
/// by a registered practitioner.
#[test]
fn c054_c131_c154_results_of_xml4_are_checked() {
    let good = "<STT>1</STT><MA_DICH_VU>23.0083.1523</MA_DICH_VU><MA_CHI_SO>HBA1C</MA_CHI_SO><GIA_TRI>7.2</GIA_TRI><NGAY_KQ>202503100950</NGAY_KQ><MA_BS_DOC_KQ>000789/HCM-CCHN</MA_BS_DOC_KQ>";
    let r = reference(&[("staff.csv", "")]);
    let mut t = tc1();
    t[1] = t[1].replace("XXXXXXXXXX", "000123/HCM-CCHN");
    t[2] = t[2].replace("XXXXXXXXXX", "000123/HCM-CCHN");
    let a = assess_with_xml4(&t, &[good], Some(&r));
    assert!(
        !a.notes.iter().any(|n| n.code == "S.RESULTS"),
        "{:?}",
        a.notes
    );
    assert!(
        !codes(&a)
            .iter()
            .any(|c| *c == "R12.COURSE" || *c == "R14.LICENCE"),
        "{:?}",
        a.findings
    );
    let stray = good.replace("23.0083.1523", "18.0001.0001");
    let a = assess_with_xml4(&t, &[&stray], Some(&r));
    assert!(
        a.notes
            .iter()
            .any(|n| n.code == "S.RESULTS" && n.text_en.contains("no service of XML3"))
    );
    let late = good.replace("<NGAY_KQ>202503100950", "<NGAY_KQ>202503121200");
    assert!(codes(&assess_with_xml4(&t, &[&late], Some(&r))).contains(&"R12.COURSE"));
    let unregistered = good.replace("000789/HCM-CCHN", "999999/HCM-CCHN");
    assert!(codes(&assess_with_xml4(&t, &[&unregistered], Some(&r))).contains(&"R14.LICENCE"));
}

/// C167: an image (group 2) has its description and conclusion in XML4.
#[test]
fn c167_an_image_without_description_and_conclusion_is_noted() {
    let mut t = tc1();
    t[2] = t[2].replacen("<MA_NHOM>1</MA_NHOM>", "<MA_NHOM>2</MA_NHOM>", 1);
    let row = "<STT>1</STT><MA_DICH_VU>23.0083.1523</MA_DICH_VU><NGAY_KQ>202503100950</NGAY_KQ>";
    let a = assess_with_xml4(&t, &[row], None);
    assert!(
        a.notes
            .iter()
            .any(|n| n.code == "S.RESULTS" && n.text_en.contains("no XML4 description")),
        "{:?}",
        a.notes
    );
    let described =
        format!("{row}<MO_TA>Bình thường</MO_TA><KET_LUAN>Không phát hiện bất thường</KET_LUAN>");
    let a = assess_with_xml4(&t, &[&described], None);
    assert!(
        !a.notes.iter().any(|n| n.code == "S.RESULTS"),
        "{:?}",
        a.notes
    );
}

/// C052: a service without an approved price of the facility on the day goes to a human.
#[test]
fn c052_a_service_without_an_approved_price_goes_to_review() {
    let r = reference(&[]);
    assert!(!codes(&assess(&tc1(), Some(&r))).contains(&"R06.SERVICE"));
    let mut t = tc1();
    t[2] = t[2].replace("23.0083.1523", "23.9999.9999");
    let a = assess(&t, Some(&r));
    let f = a.findings.iter().find(|f| f.code == "R06.SERVICE").unwrap();
    assert_eq!(f.lines, ["XML3#2"]);
}

/// C063, C112: two surgeries at the same time both at 100 %.
#[test]
fn c063_two_surgeries_at_once_at_full_ratio_go_to_review() {
    let mut t = tc1();
    // Both lines made surgeries done 08:45–09:50 and 08:20–08:50.
    t[2] = t[2]
        .replace(
            "<MA_NHOM>13</MA_NHOM>",
            "<MA_NHOM>8</MA_NHOM><PP_VO_CAM>1</PP_VO_CAM>",
        )
        .replacen(
            "<MA_NHOM>1</MA_NHOM>",
            "<MA_NHOM>8</MA_NHOM><PP_VO_CAM>1</PP_VO_CAM>",
            1,
        )
        .replace(
            "<NGAY_KQ>202503100835</NGAY_KQ>",
            "<NGAY_KQ>202503100850</NGAY_KQ>",
        );
    assert!(codes(&assess(&t, None)).contains(&"R07.SECOND_SURGERY"));
}

/// C114 within a claim: the same service ordered twice at the same minute.
#[test]
fn c114_the_same_service_twice_at_the_same_minute_goes_to_review() {
    let mut t = tc1();
    t[2] = t[2]
        .replace(
            "<MA_DICH_VU>23.0083.1523</MA_DICH_VU>",
            "<MA_DICH_VU>02.03</MA_DICH_VU>",
        )
        .replace(
            "<NGAY_YL>202503100840</NGAY_YL>",
            "<NGAY_YL>202503100820</NGAY_YL>",
        );
    assert!(codes(&assess(&t, None)).contains(&"R10.SAME_TIME"));
}

/// C033: an out-of-network stay billing orders of the examination department.
#[test]
fn c033_an_out_of_network_stay_billing_the_exam_department_goes_to_review() {
    let mut t = tc1();
    t[0] = t[0]
        .replace(
            "<MA_DOITUONG_KCB>1.1</MA_DOITUONG_KCB>",
            "<MA_DOITUONG_KCB>3.2</MA_DOITUONG_KCB>",
        )
        .replace("<MA_DKBD>79001</MA_DKBD>", "<MA_DKBD>01001</MA_DKBD>")
        .replace(
            "<MA_LOAI_KCB>01</MA_LOAI_KCB>",
            "<MA_LOAI_KCB>03</MA_LOAI_KCB>",
        );
    assert!(codes(&assess(&t, None)).contains(&"R04.EXAM_DEPARTMENT"));
}

/// C045: a price of nothing the fund pays for.
#[test]
fn c045_a_unit_price_of_zero_that_is_paid_goes_to_review() {
    let mut t = tc1();
    t[2] = t[2].replacen(
        "<DON_GIA_BH>39800</DON_GIA_BH>",
        "<DON_GIA_BH>0</DON_GIA_BH>",
        1,
    );
    assert!(codes(&assess(&t, None)).contains(&"R05.ZERO_PRICE"));
}

/// C109–C111: the same machine (or bed, or surgeon) used in two visits at the same time.
#[test]
fn c110_the_same_machine_at_the_same_time_in_two_visits_goes_to_review() {
    let visit = |n: usize, done: &str, result: &str| {
        let mut t = tc1();
        // The HbA1c made a procedure (group 18) on machine TT.1.79001.00007.
        t[2] = t[2]
            .replacen("<MA_NHOM>1</MA_NHOM>", "<MA_NHOM>18</MA_NHOM>", 1)
            .replace(
                "<MA_MAY>SH.1.79001.XXXX</MA_MAY>",
                "<MA_MAY>TT.1.79001.00007</MA_MAY>",
            )
            .replace(
                "<NGAY_TH_YL>202503100845</NGAY_TH_YL>",
                &format!("<NGAY_TH_YL>{done}</NGAY_TH_YL>"),
            )
            .replace(
                "<NGAY_KQ>202503100950</NGAY_KQ>",
                &format!("<NGAY_KQ>{result}</NGAY_KQ>"),
            );
        keyed(&t, &format!("79001.250310.00020{n}"))
    };
    let flagged = |visits: &[Vec<(&str, String)>]| -> Vec<bool> {
        let file = write_file("79001", "20250310", visits);
        let (_, read) = read_visits(&params(), None, file.as_bytes(), Detail::BRIEF).unwrap();
        read.iter()
            .map(|v| matches!(&v.outcome, Outcome::Assessed(a) if a.findings.iter().any(|f| f.code == "R10.RESOURCE")))
            .collect()
    };
    // 08:45–09:50 and 09:30–09:55 on one machine: both flagged; 09:50–10:10 after it: neither.
    assert_eq!(
        flagged(&[
            visit(1, "202503100845", "202503100950"),
            visit(2, "202503100930", "202503100955")
        ]),
        [true, true]
    );
    assert_eq!(
        flagged(&[
            visit(1, "202503100845", "202503100950"),
            visit(2, "202503100950", "202503101010")
        ]),
        [false, false]
    );
}

/// C007: a card on the lock list goes to a human.
#[test]
fn c007_a_locked_card_goes_to_review() {
    let r = reference(&[(
        "locked.csv",
        "code,reason,from,to,source\nDN4790123456789,reported lost,2025-01-01,,test\n",
    )]);
    let a = assess(&tc1(), Some(&r));
    assert!(codes(&a).contains(&"R01.LOCKED"), "{:?}", a.findings);
    assert!(
        !codes(&assess(&tc1(), Some(&reference(&[("locked.csv", "")])))).contains(&"R01.LOCKED")
    );
}

/// C097: more than 4 physiotherapy techniques a day go to a human.
#[test]
fn c097_physiotherapy_beyond_four_a_day_goes_to_review() {
    let mut t = tc1();
    let line = |n: usize| {
        format!(
            "<CHI_TIET_DVKT><MA_LK>79001.250310.000123</MA_LK><STT>{n}</STT><MA_DICH_VU>17.00{n}.0001</MA_DICH_VU><MA_NHOM>18</MA_NHOM><PHAM_VI>1</PHAM_VI><SO_LUONG>1</SO_LUONG><DON_GIA_BV>0</DON_GIA_BV><DON_GIA_BH>0</DON_GIA_BH><TYLE_TT_DV>100</TYLE_TT_DV><TYLE_TT_BH>100</TYLE_TT_BH><THANH_TIEN_BV>0</THANH_TIEN_BV><THANH_TIEN_BH>0</THANH_TIEN_BH><MUC_HUONG>80</MUC_HUONG><T_NGUONKHAC>0</T_NGUONKHAC><T_BNTT>0</T_BNTT><T_BNCCT>0</T_BNCCT><T_BHTT>0</T_BHTT><NGAY_YL>202503100900</NGAY_YL></CHI_TIET_DVKT>"
        )
    };
    let four: String = (3..7).map(line).collect();
    t[2] = t[2].replace(
        "</DSACH_CHI_TIET_DVKT>",
        &format!("{four}</DSACH_CHI_TIET_DVKT>"),
    );
    assert!(!codes(&assess(&t, None)).contains(&"R09.PHYSIOTHERAPY"));
    t[2] = t[2].replace(
        "</DSACH_CHI_TIET_DVKT>",
        &format!("{}</DSACH_CHI_TIET_DVKT>", line(7)),
    );
    assert!(codes(&assess(&t, None)).contains(&"R09.PHYSIOTHERAPY"));
}

/// C183, C171, C174: names, telephones and codes of the person in their forms (notes).
#[test]
fn c183_names_phones_and_codes_out_of_form_are_noted() {
    let mut t = tc1();
    t[0] = t[0]
        .replace("<HO_TEN>NGUYỄN THỊ A</HO_TEN>", "<HO_TEN>NGUYỄN  THỊ A2</HO_TEN><DIEN_THOAI>09x123</DIEN_THOAI><MA_QUOCTICH>VN</MA_QUOCTICH><MATINH_CU_TRU>79</MATINH_CU_TRU>");
    let a = assess(&t, None);
    let note = a.notes.iter().find(|n| n.code == "S.FORMAT").unwrap();
    for part in ["HO_TEN", "DIEN_THOAI", "MA_QUOCTICH"] {
        assert!(note.text_en.contains(part), "{part}: {}", note.text_en);
    }
    assert!(!note.text_en.contains("MATINH_CU_TRU"), "{}", note.text_en);
    assert_eq!(a.decision, Decision::Accepted);
}

/// C184, C069: a visit not under the card that claims a fund share; C010: a child's card
/// after its end.
#[test]
fn c184_c010_not_under_the_card_and_a_childs_card_too_late() {
    let mut t = tc1();
    t[0] = t[0].replace(
        "<MA_BENH_CHINH>",
        "<LY_DO_VV>Người bệnh không KCB BHYT</LY_DO_VV><MA_BENH_CHINH>",
    );
    assert!(codes(&assess(&t, None)).contains(&"R03.NOT_INSURED"));
    let mut t = tc1();
    // TE card, born 15 May 2018: the card runs to 30 September 2024; the visit is in 2025.
    t[0] = t[0]
        .replace(
            "<MA_THE_BHYT>DN4790123456789",
            "<MA_THE_BHYT>TE1790123456789",
        )
        .replace("<NGAY_SINH>198005150000", "<NGAY_SINH>201805150000");
    assert!(codes(&assess(&t, None)).contains(&"R02.CHILD_CARD"));
    t[0] = t[0].replace("<NGAY_SINH>201805150000", "<NGAY_SINH>201905150000");
    assert!(!codes(&assess(&t, None)).contains(&"R02.CHILD_CARD"));
}

/// A zero-priced XML3 line of TC1's visit (moves no total): `code` of cost group `group`,
/// ordered at `ordered`, done from `done` to `result` (yyyyMMddHHmm, empty: not sent).
fn free_line(n: usize, code: &str, group: u32, qty: u32, times: [&str; 3]) -> String {
    let [ordered, done, result] = times;
    let opt = |tag: &str, v: &str| {
        if v.is_empty() {
            String::new()
        } else {
            format!("<{tag}>{v}</{tag}>")
        }
    };
    format!(
        "<CHI_TIET_DVKT><MA_LK>79001.250310.000123</MA_LK><STT>{n}</STT><MA_DICH_VU>{code}</MA_DICH_VU><MA_NHOM>{group}</MA_NHOM><PHAM_VI>1</PHAM_VI><SO_LUONG>{qty}</SO_LUONG><DON_GIA_BV>0</DON_GIA_BV><DON_GIA_BH>0</DON_GIA_BH><TYLE_TT_DV>100</TYLE_TT_DV><TYLE_TT_BH>100</TYLE_TT_BH><THANH_TIEN_BV>0</THANH_TIEN_BV><THANH_TIEN_BH>0</THANH_TIEN_BH><MUC_HUONG>80</MUC_HUONG><T_NGUONKHAC>0</T_NGUONKHAC><T_BNTT>0</T_BNTT><T_BNCCT>0</T_BNCCT><T_BHTT>0</T_BHTT>{}{}{}</CHI_TIET_DVKT>",
        opt("NGAY_YL", ordered),
        opt("NGAY_TH_YL", done),
        opt("NGAY_KQ", result)
    )
}

fn with_lines(t: &[String; 3], lines: &[String]) -> [String; 3] {
    let mut t = t.clone();
    t[2] = t[2].replace(
        "</DSACH_CHI_TIET_DVKT>",
        &format!("{}</DSACH_CHI_TIET_DVKT>", lines.concat()),
    );
    t
}

fn finding<'a>(a: &'a Assessment, code: &str) -> Option<&'a ansinh_claims::assess::Finding> {
    a.findings
        .iter()
        .chain(a.notes.iter())
        .find(|f| f.code == code)
}

/// C048, C049, C055, C056: the facility's approved catalogue — TC1 as approved passes; a
/// strength other than the approved one, a name other than it, an item the facility has no
/// row for (a row of another facility does not count) are found.
#[test]
fn c048_c049_c055_c056_the_facility_catalogue() {
    let r = reference(&[("catalogue.csv", "")]);
    let a = assess(&tc1(), Some(&r));
    assert_eq!(a.decision, Decision::Accepted, "{:?}", a.findings);
    assert!(finding(&a, "R06.CATALOGUE").is_none() && finding(&a, "S.CATALOGUE_NAME").is_none());
    let mut t = tc1();
    t[1] = t[1]
        .replace(
            "<HAM_LUONG>850mg</HAM_LUONG>",
            "<HAM_LUONG>500 mg</HAM_LUONG>",
        )
        .replace("Gliclazid 30mg", "Gliclazide MR 30mg");
    let a = assess(&t, Some(&r));
    let matched = finding(&a, "R05.CATALOGUE_MATCH").expect("strength");
    assert!(
        matched.text_en.contains("XML2#1 (HAM_LUONG)"),
        "{}",
        matched.text_en
    );
    assert_eq!(a.decision, Decision::NeedsReview);
    let named = finding(&a, "S.CATALOGUE_NAME").expect("name");
    assert!(
        named.text_en.contains("Gliclazide MR 30mg"),
        "{}",
        named.text_en
    );
    // The same catalogue for another facility only: TC1's items are not approved at 79001.
    let elsewhere = read_sample("catalogue.csv").replace(",79001,", ",01001,");
    let r = reference(&[("catalogue.csv", &elsewhere)]);
    let a = assess(&tc1(), Some(&r));
    let absent = finding(&a, "R06.CATALOGUE").expect("absent");
    assert!(
        absent.lines.contains(&"XML2#1".to_string()),
        "{:?}",
        absent.lines
    );
    // Services listed for every facility (facility empty) stay approved.
    assert!(
        !absent.lines.contains(&"XML3#1".to_string()),
        "{:?}",
        absent.lines
    );
}

fn read_sample(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../examples/claims/reference/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// C040, C041, C043: the price the catalogue approves for the matched row caps the line's; a
/// price below the approved one by more than half a đồng is noted.
#[test]
fn c040_c043_the_catalogue_price_caps_and_a_lower_price_is_noted() {
    let catalogue = "code,facility,kind,name,strength,registration,tender,price,from,to,source\n\
        40.XXX,79001,drug,Metformin 850mg,850mg,VD-XXXXX-XX,XX/QĐ-BV;G1;N4;2024,1000,2024-06-01,,x\n\
        02.03,79001,service,Khám Nội tổng hợp,,,,45000,2024-06-01,,x\n";
    let prices = "code,price,from,to,source\n";
    let covered = read_sample("covered.csv");
    let r = Reference::from_csv(prices, &covered)
        .unwrap()
        .with_list("catalogue.csv", catalogue)
        .unwrap();
    let a = assess(&tc1(), Some(&r));
    // 60 tablets at 1,000 instead of 1,200: 12,000 đồng of cover, 80 % of it the fund's.
    let price = finding(&a, "R05.PRICE").expect("capped");
    assert_eq!(price.lines, vec!["XML2#1".to_string()]);
    assert_eq!(a.assessed.insurer, d(293_680 - 9_600));
    let below = finding(&a, "S.PRICE_BELOW").expect("below");
    assert_eq!(below.lines, vec!["XML3#1".to_string()]);
    // A row that does not match the line (another registration) prices nothing.
    let other = catalogue.replace("VD-XXXXX-XX", "VD-00000-00");
    let r = Reference::from_csv(prices, &covered)
        .unwrap()
        .with_list("catalogue.csv", &other)
        .unwrap();
    let a = assess(&tc1(), Some(&r));
    assert!(finding(&a, "R05.PRICE").is_none());
    assert!(finding(&a, "R05.CATALOGUE_MATCH").is_some());
}

/// A catalogue row with a price that is no number, or a kind that is none of the three, is
/// refused naming the line and column.
#[test]
fn a_bad_catalogue_or_limit_row_is_refused_naming_it() {
    let r = reference(&[]);
    let bad = "code,facility,kind,name,strength,registration,tender,price,from,to,source\n\
        40.XXX,79001,drug,M,,,,abc,2024-06-01,,x\n";
    let e = r.clone().with_list("catalogue.csv", bad).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (2, "price"));
    let bad = bad.replace(",drug,", ",pill,").replace("abc", "1");
    let e = r.clone().with_list("catalogue.csv", &bad).unwrap_err();
    assert_eq!(e.field, "kind");
    let e = r
        .with_list(
            "limits.csv",
            "code,per_day,per_visit,min_days,from,to,source\nX,-1,,,2024-01-01,,x\n",
        )
        .unwrap_err();
    assert_eq!(e.field, "per_day");
    let e = reference(&[])
        .with_list(
            "cards.csv",
            "code,name,birth,sex,registered_at,from,to,source\nDN4790123456789,A,15/05/1980,2,79001,2025-01-01,,x\n",
        )
        .unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (2, "birth"));
}

/// C098, C099: beyond the times paid a day or a visit the lines are rejected, one crossing
/// the limit goes to a human; C100: a test repeated before its least interval.
#[test]
fn c098_c099_c100_times_paid_a_day_a_visit_and_the_interval() {
    let limits = "code,per_day,per_visit,min_days,from,to,source\n\
        24.0017.1714,2,,,2024-01-01,,x\n\
        11.0001.0001,,3,,2024-01-01,,x\n\
        23.0083.1523,,,90,2024-01-01,,x\n";
    let r = reference(&[("limits.csv", limits)]);
    // Two AFB smears a day are paid; a third is not.
    let afb = |n, at| free_line(n, "24.0017.1714", 1, 1, [at, "", ""]);
    let t = with_lines(&tc1(), &[afb(3, "202503100900"), afb(4, "202503100905")]);
    assert!(finding(&assess(&t, Some(&r)), "R09.LIMIT").is_none());
    let t = with_lines(
        &tc1(),
        &[
            afb(3, "202503100900"),
            afb(4, "202503100905"),
            afb(5, "202503100910"),
        ],
    );
    let a = assess(&t, Some(&r));
    assert_eq!(
        finding(&a, "R09.LIMIT").unwrap().lines,
        vec!["XML3#5".to_string()]
    );
    // A line of 3 crosses the limit of 2: a human pays the part within.
    let t = with_lines(
        &tc1(),
        &[free_line(3, "24.0017.1714", 1, 3, ["202503100900", "", ""])],
    );
    let a = assess(&t, Some(&r));
    assert!(finding(&a, "R09.LIMIT_PART").is_some() && finding(&a, "R09.LIMIT").is_none());
    // The 4th dressing of a visit is not paid.
    let dressing = |n| free_line(n, "11.0001.0001", 18, 1, ["202503100900", "", ""]);
    let t = with_lines(&tc1(), &(3..7).map(dressing).collect::<Vec<_>>());
    let a = assess(&t, Some(&r));
    assert_eq!(
        finding(&a, "R09.LIMIT").unwrap().lines,
        vec!["XML3#6".to_string()]
    );
    // HbA1c again within the visit's days is too soon.
    let again = free_line(3, "23.0083.1523", 1, 1, ["202503101000", "", ""]);
    let a = assess(&with_lines(&tc1(), &[again]), Some(&r));
    assert!(finding(&a, "R09.INTERVAL").is_some(), "{:?}", a.findings);
}

/// C101, C106, C136: durations — a dialysis under 4 hours, a ventilator billed beyond the time
/// it ran, a consultation of no time and two begun minutes apart, and too many services at
/// once.
#[test]
fn c101_c106_c136_durations_units_and_bursts() {
    let durations = "code,min_minutes,unit_minutes,max_minutes,from,to,source\n\
        37.8B00.0001,240,,,2024-01-01,,x\n\
        01.0153.0200,,1440,,2024-01-01,,x\n\
        22.0001.0001,,,1440,2024-01-01,,x\n";
    let r = reference(&[("durations.csv", durations)]);
    let dialysis = free_line(
        3,
        "37.8B00.0001",
        18,
        1,
        ["202503100840", "202503100845", "202503101000"],
    );
    let a = assess(&with_lines(&tc1(), &[dialysis]), Some(&r));
    let short = finding(&a, "R12.DURATION").expect("short");
    assert!(short.text_en.contains("75 < 240"), "{}", short.text_en);
    // Two days of ventilation billed for 95 minutes of it.
    let ventilation = free_line(
        3,
        "01.0153.0200",
        18,
        2,
        ["202503100840", "202503100845", "202503101020"],
    );
    let a = assess(&with_lines(&tc1(), &[ventilation]), Some(&r));
    assert!(finding(&a, "R12.UNITS").is_some(), "{:?}", a.findings);
    // An anaesthesia recorded over more than 24 hours.
    let anaesthesia = free_line(
        3,
        "22.0001.0001",
        18,
        1,
        ["202503100840", "202503100845", "202503111000"],
    );
    let a = assess(&with_lines(&tc1(), &[anaesthesia]), Some(&r));
    assert!(
        finding(&a, "R12.DURATION")
            .unwrap()
            .text_en
            .contains("> 1440 min")
    );
    // Without the list the service durations are not checked; consultations are.
    let a = assess(&tc1(), None);
    assert!(finding(&a, "R12.DURATION").is_none() && finding(&a, "R12.EXAM_GAP").is_none());
    let mut t = tc1();
    t[2] = t[2].replace(
        "<NGAY_KQ>202503100835</NGAY_KQ>",
        "<NGAY_KQ>202503100820</NGAY_KQ>",
    );
    assert!(finding(&assess(&t, None), "R12.DURATION").is_some());
    let second = free_line(
        3,
        "02.03",
        13,
        1,
        ["202503100825", "202503100825", "202503100840"],
    );
    // By the same physician as TC1's consultation: too close; by another: two departments.
    let by = |who: &str| {
        second.replace(
            "<NGAY_YL>",
            &format!("<MA_BAC_SI>{who}</MA_BAC_SI><NGAY_YL>"),
        )
    };
    let a = assess(&with_lines(&tc1(), &[by("XXXXXXXXXX")]), None);
    assert!(finding(&a, "R12.EXAM_GAP").is_some(), "{:?}", a.findings);
    let a = assess(&with_lines(&tc1(), &[by("000999/HCM-CCHN")]), None);
    assert!(finding(&a, "R12.EXAM_GAP").is_none(), "{:?}", a.findings);
    // 21 services in an outpatient visit.
    let many: Vec<String> = (3..22)
        .map(|n| {
            free_line(
                n,
                &format!("22.{n:04}.0001"),
                1,
                1,
                ["202503100900", "", ""],
            )
        })
        .collect();
    assert!(finding(&assess(&with_lines(&tc1(), &many[..18]), None), "R12.BURST").is_none());
    assert!(finding(&assess(&with_lines(&tc1(), &many), None), "R12.BURST").is_some());
}

/// C066, C046, C086, C078: a service for outpatients only billed in a stay is rejected; a
/// service without the one it requires goes to a human; oxygen during ventilation is rejected.
#[test]
fn c066_c046_c078_payment_conditions_of_the_visit() {
    let r = reference(&[
        (
            "settings.csv",
            "code,setting,from,to,source\n11.0002.0001,inpatient,2024-01-01,,x\n",
        ),
        ("requires.csv", ""),
        ("concurrent.csv", ""),
    ]);
    // TC1 is an outpatient visit: a service paid in a stay only is rejected.
    let stitches = free_line(3, "11.0002.0001", 18, 1, ["202503100900", "", ""]);
    let a = assess(&with_lines(&tc1(), &[stitches]), Some(&r));
    assert_eq!(
        finding(&a, "R09.SETTING").unwrap().lines,
        vec!["XML3#3".to_string()]
    );
    // Endoscopy with biopsy without the pathology; with it, paid.
    let endoscopy = free_line(3, "20.0080.0141", 18, 1, ["202503100900", "", ""]);
    let a = assess(
        &with_lines(&tc1(), std::slice::from_ref(&endoscopy)),
        Some(&r),
    );
    assert!(finding(&a, "R08.REQUIRES").is_some());
    let pathology = free_line(4, "25.0002.0001", 1, 1, ["202503100930", "", ""]);
    let a = assess(&with_lines(&tc1(), &[endoscopy, pathology]), Some(&r));
    assert!(finding(&a, "R08.REQUIRES").is_none());
    // Oxygen ordered while the ventilator ran.
    let ventilation = free_line(
        3,
        "01.0153.0200",
        18,
        1,
        ["202503100840", "202503100845", "202503101020"],
    );
    let oxygen = |at| free_line(4, "40.1000", 18, 1, [at, "", ""]);
    let a = assess(
        &with_lines(&tc1(), &[ventilation.clone(), oxygen("202503100900")]),
        Some(&r),
    );
    assert_eq!(
        finding(&a, "R08.CONCURRENT").unwrap().lines,
        vec!["XML3#4".to_string()]
    );
    let a = assess(
        &with_lines(&tc1(), &[ventilation, oxygen("202503101025")]),
        Some(&r),
    );
    assert!(finding(&a, "R08.CONCURRENT").is_none());
}

/// C127: two interacting drugs of one day go to a human, in whichever order they come.
#[test]
fn c127_interacting_drugs_go_to_review() {
    let pair = "code,with,severity,from,to,source\n40.YYY,40.XXX,major,2024-01-01,,x\n";
    let r = reference(&[("interactions.csv", pair)]);
    let a = assess(&tc1(), Some(&r));
    let found = finding(&a, "R11.INTERACTION").expect("pair");
    assert!(found.text_en.contains("(major)"), "{}", found.text_en);
    assert!(
        finding(
            &assess(&tc1(), Some(&reference(&[("interactions.csv", "")]))),
            "R11.INTERACTION"
        )
        .is_none()
    );
}

/// C006, C020: the card register — a card it does not hold, a card of other dates, a holder
/// whose birth or sex differ.
#[test]
fn c006_c020_the_card_register() {
    let r = reference(&[(
        "cards.csv",
        &std::fs::read_to_string(format!(
            "{}/../../examples/claims/register/cards.csv",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )]);
    let a = assess(&tc1(), Some(&r));
    assert!(
        finding(&a, "R01.REGISTER").is_none() && finding(&a, "R02.IDENTITY").is_none(),
        "{:?}",
        a.findings
    );
    let mut t = tc1();
    t[0] = t[0]
        .replace(
            "<NGAY_SINH>198005150000</NGAY_SINH>",
            "<NGAY_SINH>198105150000</NGAY_SINH>",
        )
        .replace(
            "<HO_TEN>NGUYỄN THỊ A</HO_TEN>",
            "<HO_TEN>Nguyễn  Thị A</HO_TEN>",
        );
    let a = assess(&t, Some(&r));
    let differ = finding(&a, "R02.IDENTITY").expect("birth");
    assert!(
        differ.text_en.contains("NGAY_SINH 1981-05-15"),
        "{}",
        differ.text_en
    );
    assert!(!differ.text_en.contains("HO_TEN"), "{}", differ.text_en);
    let register = "code,name,birth,sex,registered_at,from,to,source\n\
        DN4790123456789,NGUYỄN THỊ A,1980-05-15,2,79001,2024-01-01,2024-12-31,x\n";
    let a = assess(&tc1(), Some(&reference(&[("cards.csv", register)])));
    let off = finding(&a, "R01.REGISTER").expect("dates");
    assert!(
        off.text_en.contains("2024-01-01–2024-12-31"),
        "{}",
        off.text_en
    );
    let other = register.replace("DN4790123456789", "DN4790000000001");
    let a = assess(&tc1(), Some(&reference(&[("cards.csv", &other)])));
    assert!(
        finding(&a, "R01.REGISTER")
            .unwrap()
            .text_en
            .contains("does not hold")
    );
}

/// The papers of a visit: TC1 with the given extra tables.
fn with_papers(papers: &[(&'static str, &str)], reference: Option<&Reference>) -> Assessment {
    let mut tables = tables(&tc1());
    tables.extend(papers.iter().map(|(k, t)| (*k, t.to_string())));
    assess_tables(tables, reference)
}

fn certificate_note(a: &Assessment) -> String {
    finding(a, "S.CERTIFICATE")
        .map(|f| f.text_en.clone())
        .unwrap_or_default()
}

/// C015, C135, C182: the social-insurance leave certificate (XML11) — its required fields,
/// the numbers' lengths, its form and its dates against the visit.
#[test]
fn c015_c135_c182_the_leave_certificate() {
    let good = "<CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI><MA_LK>79001.250310.000123</MA_LK><SO_CT>12</SO_CT><SO_SERI>AB123</SO_SERI><SO_KCB>PK2503100123</SO_KCB><MA_BHXH>7901234567</MA_BHXH><MA_THE_BHYT>DN4790123456789</MA_THE_BHYT><CHAN_DOAN_RV>E11.9</CHAN_DOAN_RV><PP_DIEUTRI>Nội khoa</PP_DIEUTRI><SO_NGAY_NGHI>3</SO_NGAY_NGHI><TU_NGAY>20250310</TU_NGAY><DEN_NGAY>20250312</DEN_NGAY><MA_TTDV>000123/HCM-CCHN</MA_TTDV><MA_BS>000123/HCM-CCHN</MA_BS><NGAY_CT>20250310</NGAY_CT><MAU_SO>CT07</MAU_SO></CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI>";
    let a = with_papers(&[("XML11", good)], None);
    assert_eq!(certificate_note(&a), "", "{:?}", a.notes);
    let bad = good
        .replace("<MA_BHXH>7901234567</MA_BHXH>", "<MA_BHXH>790123</MA_BHXH>")
        .replace("<MAU_SO>CT07</MAU_SO>", "<MAU_SO>C65</MAU_SO>")
        .replace("<TU_NGAY>20250310</TU_NGAY>", "<TU_NGAY>20250311</TU_NGAY>")
        .replace(
            "<DEN_NGAY>20250312</DEN_NGAY>",
            "<DEN_NGAY>20250309</DEN_NGAY>",
        )
        .replace("<SO_SERI>AB123</SO_SERI>", "");
    let a = with_papers(&[("XML11", &bad)], None);
    let note = certificate_note(&a);
    for part in [
        "SO_SERI required",
        "MA_BHXH `790123` is not 10 characters",
        "MAU_SO `C65` is not CT07",
        "TU_NGAY 2025-03-11 is after the discharge 2025-03-10",
        "DEN_NGAY 2025-03-09 is before the admission",
        "DEN_NGAY 2025-03-09 is before TU_NGAY",
    ] {
        assert!(note.contains(part), "{part}: {note}");
    }
    // A paper's defect moves no amount.
    assert_eq!(
        (a.decision, a.assessed.insurer),
        (Decision::Accepted, d(293_680))
    );
}

/// C016, C038: a temporary card's form, and a visit claimed under one away from where the card
/// was issued; C107: a pregnancy-rest certificate of too many days; C135: an appointment not
/// after the discharge.
#[test]
fn c016_c038_c107_c135_temporary_card_rest_days_and_the_appointment() {
    let birth = |card: &str, province: &str| {
        format!(
            "<CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH><DSACH_GIAYCHUNGSINH><DU_LIEU_GIAY_CHUNG_SINH><MA_LK>79001.250310.000123</MA_LK><MA_THE_TAM>{card}</MA_THE_TAM><MATINH_CU_TRU>{province}</MATINH_CU_TRU><NGAYCAP_CCCD_NND>20260101</NGAYCAP_CCCD_NND><NGAY_CT>20250310</NGAY_CT></DU_LIEU_GIAY_CHUNG_SINH></DSACH_GIAYCHUNGSINH></CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>"
        )
    };
    let a = with_papers(&[("XML9", &birth("TE1790123456789", "01"))], None);
    let note = certificate_note(&a);
    assert!(
        note.contains("province 79 is not the residence's 01"),
        "{note}"
    );
    assert!(
        note.contains("NGAYCAP_CCCD_NND 2026-01-01 is after"),
        "{note}"
    );
    assert!(note.contains("HO_TEN_CON"), "{note}");
    assert!(
        certificate_note(&with_papers(&[("XML9", &birth("TE179012345", "79"))], None))
            .contains("not TE1 + province + 10 digits")
    );
    // The visit claimed under the temporary card, registered elsewhere: a human reads it.
    let mut t = tc1();
    t[0] = t[0]
        .replace("DN4790123456789", "TE1790123456789")
        .replace("<MA_DKBD>79001</MA_DKBD>", "<MA_DKBD>79002</MA_DKBD>");
    let mut visit = tables(&t);
    visit.push(("XML9", birth("TE1790123456789", "79")));
    let a = assess_tables(visit, None);
    assert!(
        codes(&a).contains(&"R04.TEMPORARY_CARD"),
        "{:?}",
        a.findings
    );
    let rest = "<CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI><MA_LK>79001.250310.000123</MA_LK><SO_SERI>1</SO_SERI><SO_CT>1</SO_CT><SO_NGAY>200</SO_NGAY><DON_VI>x</DON_VI><CHAN_DOAN_RV>O20</CHAN_DOAN_RV><TU_NGAY>20250310</TU_NGAY><DEN_NGAY>20250315</DEN_NGAY><MA_TTDV>x</MA_TTDV></CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI>";
    let note = certificate_note(&with_papers(&[("XML10", rest)], None));
    assert!(note.contains("SO_NGAY 200 is more than 180 days"), "{note}");
    assert!(
        note.contains("more than the days from TU_NGAY to DEN_NGAY"),
        "{note}"
    );
    let follow = "<CHI_TIEU_GIAYHEN_KHAMLAI><MA_LK>79001.250310.000123</MA_LK><NGAY_HEN_KL>20250310</NGAY_HEN_KL></CHI_TIEU_GIAYHEN_KHAMLAI>";
    let note = certificate_note(&with_papers(&[("XML14", follow)], None));
    assert!(
        note.contains("NGAY_HEN_KL 2025-03-10 is not after the discharge"),
        "{note}"
    );
    assert!(note.contains("SO_GIAYHEN_KL"), "{note}");
}

/// C036, C037, C154: the referral paper (XML13) — its destination in the facility list, its
/// discharge the visit's, and who signed it on the staff list.
#[test]
fn c036_c037_c154_the_referral_paper() {
    let r = reference(&[("staff.csv", "")])
        .with_facilities(&read_sample("facilities.csv"))
        .unwrap();
    let paper = |to: &str, out: &str| {
        format!(
            "<CHI_TIEU_GIAYCHUYENTUYEN><MA_LK>79001.250310.000123</MA_LK><SO_HOSO>1</SO_HOSO><SO_CHUYENTUYEN>1</SO_CHUYENTUYEN><GIAY_CHUYEN_TUYEN>1</GIAY_CHUYEN_TUYEN><MA_CSKCB>79001</MA_CSKCB><MA_NOI_DEN>{to}</MA_NOI_DEN><NGAY_RA>{out}</NGAY_RA><DAU_HIEU_LS>x</DAU_HIEU_LS><CHAN_DOAN_RV>x</CHAN_DOAN_RV><QT_BENHLY>x</QT_BENHLY><MA_LOAI_RV>2</MA_LOAI_RV><MA_LYDO_CT>1</MA_LYDO_CT><HUONG_DIEU_TRI>x</HUONG_DIEU_TRI><PHUONGTIEN_VC>x</PHUONGTIEN_VC><MA_BAC_SI>000123/HCM-CCHN</MA_BAC_SI><MA_TTDV>000123/HCM-CCHN</MA_TTDV></CHI_TIEU_GIAYCHUYENTUYEN>"
        )
    };
    let a = with_papers(&[("XML13", &paper("01001", "202503101030"))], Some(&r));
    assert_eq!(certificate_note(&a), "");
    let a = with_papers(
        &[(
            "XML13",
            &paper("99999", "202503111030").replace("000123/HCM", "999999/HCM"),
        )],
        Some(&r),
    );
    let note = certificate_note(&a);
    for part in [
        "MA_NOI_DEN 99999 is not in the facility list",
        "NGAY_RA 2025-03-11 is not the visit's discharge",
        "MA_BAC_SI 999999/HCM-CCHN is not on the staff list",
    ] {
        assert!(note.contains(part), "{part}: {note}");
    }
}

/// C139: a file made more than the sending time after its visits ended says so once, with
/// their number and keys; the visits' amounts stand.
#[test]
fn c139_data_sent_late_is_noted() {
    let late_notice = |made: &str| {
        let file = write_file("79001", made, &[tables(&tc1())]);
        let (head, visits) =
            ansinh_claims::assess_visits(&params(), None, file.as_bytes(), Detail::EXPLAINED)
                .unwrap();
        assert!(matches!(visits[0].outcome, Outcome::Assessed(_)));
        head.into_iter().find(|n| n.code == "S.LATE_SUBMISSION")
    };
    assert!(late_notice("20250311").is_none());
    let notice = late_notice("20250320").expect("late");
    assert!(
        notice.text_en.starts_with("1 visits sent late"),
        "{}",
        notice.text_en
    );
    assert!(
        notice.text_en.contains("79001.250310.000123"),
        "{}",
        notice.text_en
    );
}

/// C105, C103: a drug dispensed above its dose × days goes to a human, and so does an
/// outpatient prescription of more days than one may give.
#[test]
fn c105_c103_dispensed_above_the_dose_and_too_many_days() {
    assert!(finding(&assess(&tc1(), None), "R09.DOSE").is_none());
    let mut t = tc1();
    // 60 tablets for 2 a day × 20 days (40, 48 with the tolerance).
    t[1] = t[1].replacen("* 30 ngày [2 viên/ngày]", "* 20 ngày [2 viên/ngày]", 1);
    let dose = finding(&assess(&t, None), "R09.DOSE")
        .cloned()
        .expect("dose");
    assert!(
        dose.text_en.contains("XML2#1 (60 > 2 × 20)"),
        "{}",
        dose.text_en
    );
    let mut t = tc1();
    t[1] = t[1].replacen("* 30 ngày [2 viên/ngày]", "* 60 ngày [1 viên/ngày]", 1);
    let a = assess(&t, None);
    assert!(
        finding(&a, "R09.PRESCRIPTION_DAYS").is_some(),
        "{:?}",
        a.findings
    );
    assert!(finding(&a, "R09.DOSE").is_none());
}

/// C019, C035, C151, C154, C166: the registration facility in the list, the referral pair,
/// lines of a visit claiming nothing, the head of the facility on the staff list, an
/// examination visit with a clinical course.
#[test]
fn c019_c035_c151_c154_c166_small_record_checks() {
    let r = reference(&[("staff.csv", "")])
        .with_facilities(&read_sample("facilities.csv"))
        .unwrap();
    let mut t = tc1();
    t[0] = t[0]
        .replace("<MA_DKBD>79001</MA_DKBD>", "<MA_DKBD>79999</MA_DKBD>")
        .replace(
            "<MA_HSBA>",
            "<MA_NOI_DI>01001</MA_NOI_DI><MA_TTDV>999/HCM-CCHN</MA_TTDV><MA_HSBA>",
        );
    let mut visit = tables(&t);
    visit.push((
        "XML5",
        "<CHITIEU_CHITIET_DIENBIENLAMSANG><DSACH_CHI_TIET_DIEN_BIEN_BENH><CHI_TIET_DIEN_BIEN_BENH><MA_LK>79001.250310.000123</MA_LK><STT>1</STT><THOI_DIEM_DBLS>202503100830</THOI_DIEM_DBLS></CHI_TIET_DIEN_BIEN_BENH></DSACH_CHI_TIET_DIEN_BIEN_BENH></CHITIEU_CHITIET_DIENBIENLAMSANG>".into(),
    ));
    let a = assess_tables(visit, Some(&r));
    let text = |code| {
        finding(&a, code)
            .map(|f| f.text_en.clone())
            .unwrap_or_default()
    };
    assert!(
        text("S.REFERRAL_FACILITY").contains("MA_DKBD 79999"),
        "{:?}",
        a.notes
    );
    assert!(text("S.REFERRAL").contains("MA_NOI_DI sent without GIAY_CHUYEN_TUYEN"));
    assert!(text("S.CERTIFICATE").contains("MA_TTDV 999/HCM-CCHN"));
    assert!(
        a.notes
            .iter()
            .any(|n| n.code == "S.TABLES" && n.text_en.contains("examination visit"))
    );
    // Lines sent for a visit that claims nothing.
    let zero = |t: &str| {
        t.replace(
            "<T_TONGCHI_BV>367100</T_TONGCHI_BV>",
            "<T_TONGCHI_BV>0</T_TONGCHI_BV>",
        )
    };
    let mut t = tc1();
    t[0] = zero(&t[0]);
    assert!(finding(&assess(&t, None), "S.ZERO_TOTAL").is_some());
}

/// C034: a visit of category 1.1 (at the registered facility) elsewhere than its MA_DKBD and
/// not referred goes to a human; C155: a drug prescribed by a nurse; C183: a man named Thị;
/// C004: LY_DO_VV and GT_THE_DEN are asked for.
#[test]
fn c034_c155_c183_c004_category_prescriber_name_and_card_fields() {
    let mut t = tc1();
    t[0] = t[0].replace("<MA_DKBD>79001</MA_DKBD>", "<MA_DKBD>79002</MA_DKBD>");
    assert!(codes(&assess(&t, None)).contains(&"R04.CATEGORY"));
    t[0] = t[0].replace(
        "<MA_HSBA>",
        "<MA_NOI_DI>79002</MA_NOI_DI><GIAY_CHUYEN_TUYEN>1</GIAY_CHUYEN_TUYEN><MA_HSBA>",
    );
    assert!(!codes(&assess(&t, None)).contains(&"R04.CATEGORY"));
    // Metformin prescribed by the nurse of the staff list.
    let r = reference(&[("staff.csv", "")]);
    let mut t = tc1();
    t[1] = t[1].replacen(
        "<MA_BAC_SI>XXXXXXXXXX</MA_BAC_SI>",
        "<MA_BAC_SI>000456/HCM-CCHN</MA_BAC_SI>",
        1,
    );
    let a = assess(&t, Some(&r));
    assert_eq!(
        finding(&a, "R14.PRESCRIBER").unwrap().lines,
        vec!["XML2#1".to_string()]
    );
    let mut t = tc1();
    t[0] = t[0].replace("<GIOI_TINH>2</GIOI_TINH>", "<GIOI_TINH>1</GIOI_TINH>");
    let a = assess(&t, None);
    assert!(
        a.notes
            .iter()
            .any(|n| n.code == "S.FORMAT" && n.text_en.contains("middle name Thị")),
        "{:?}",
        a.notes
    );
    let mut t = tc1();
    t[0] = t[0].replace("<GT_THE_DEN>20251231</GT_THE_DEN>", "");
    let a = assess(&t, None);
    let required = finding(&a, "S.REQUIRED").unwrap();
    assert!(
        required.text_en.contains("GT_THE_DEN") && required.text_en.contains("LY_DO_VV"),
        "{}",
        required.text_en
    );
}

/// C133: a time of the visit after the day the file was made.
#[test]
fn c133_a_time_after_the_file_was_made_is_noted() {
    let file = write_file("79001", "20250309", &[tables(&tc1())]);
    let Outcome::Assessed(a) = assess_file(&params(), None, file.as_bytes(), Detail::EXPLAINED)
        .unwrap()
        .remove(0)
    else {
        panic!()
    };
    assert!(
        a.notes.iter().any(|n| n.code == "S.FUTURE_TIME"),
        "{:?}",
        a.notes
    );
}

/// C116: one SO_CCCD for two persons of a file, and one paper's serial for two visits, go to a
/// human on the later visit; the same person's two visits do not.
#[test]
fn c116_one_identity_number_for_two_persons_and_a_serial_twice() {
    let first = tables(&tc1());
    let same_person = keyed(&tc1(), "79001.250310.000124");
    let other_person: Vec<_> = keyed(&tc1(), "79001.250310.000125")
        .into_iter()
        .map(|(k, t)| {
            (
                k,
                t.replace("<MA_BN>BN000123</MA_BN>", "<MA_BN>BN000999</MA_BN>"),
            )
        })
        .collect();
    let run = |visits: &[Vec<(&str, String)>]| {
        let file = write_file("79001", "20250310", visits);
        assess_file(&params(), None, file.as_bytes(), Detail::EXPLAINED).unwrap()
    };
    let shared = |o: &Outcome| match o {
        Outcome::Assessed(a) => finding(a, "R10.SHARED_IDENTITY").map(|f| f.text_en.clone()),
        _ => None,
    };
    let out = run(&[first.clone(), same_person]);
    assert!(out.iter().all(|o| shared(o).is_none()));
    let out = run(&[first.clone(), other_person]);
    assert!(shared(&out[0]).is_none());
    let text = shared(&out[1]).expect("shared");
    assert!(
        text.contains("MA_BN BN000999 ≠ MA_BN BN000123 (79001.250310.000123)"),
        "{text}"
    );
    // The same discharge paper's archive number on two visits.
    let paper = |key: &str| {
        format!(
            "<CHI_TIEU_DU_LIEU_GIAY_RA_VIEN><MA_LK>{key}</MA_LK><SO_LUU_TRU>LT-0001</SO_LUU_TRU></CHI_TIEU_DU_LIEU_GIAY_RA_VIEN>"
        )
    };
    let mut a = first;
    a.push(("XML7", paper("79001.250310.000123")));
    let mut b = keyed(&tc1(), "79001.250310.000124");
    b.push(("XML7", paper("79001.250310.000124")));
    let out = run(&[a, b]);
    assert!(
        shared(&out[1])
            .expect("serial")
            .contains("XML7 SO_LUU_TRU LT-0001 already sent")
    );
}

/// C100 across a file: the same card's HbA1c of an earlier visit, 20 days before.
#[test]
fn c100_a_test_repeated_too_soon_across_the_visits_of_a_file() {
    let r = reference(&[("limits.csv", "")]);
    let earlier: Vec<_> = keyed(&tc1(), "79001.250218.000001")
        .into_iter()
        .map(|(k, t)| (k, t.replace("20250310", "20250218")))
        .collect();
    let file = write_file("79001", "20250310", &[earlier, tables(&tc1())]);
    let out = assess_file(&params(), Some(&r), file.as_bytes(), Detail::EXPLAINED).unwrap();
    let interval = |o: &Outcome| match o {
        Outcome::Assessed(a) => finding(a, "R09.INTERVAL").map(|f| f.text_en.clone()),
        _ => None,
    };
    assert!(interval(&out[0]).is_none());
    let text = interval(&out[1]).expect("too soon");
    assert!(
        text.contains("23.0083.1523 repeated after 20 days (at least 90), last on 2025-02-18"),
        "{text}"
    );
}

/// C141: an examination on a public holiday is noted; on a Sunday, or an emergency, not.
#[test]
fn c141_an_examination_on_a_day_off_is_noted() {
    assert!(finding(&assess(&tc1(), None), "S.DAY_OFF").is_none());
    // TC1 moved to Sunday 9 March 2025, then to 30 April 2025.
    let sunday: [String; 3] = tc1().map(|t| t.replace("20250310", "20250309"));
    assert!(finding(&assess(&sunday, None), "S.DAY_OFF").is_none());
    let holiday: [String; 3] = tc1().map(|t| t.replace("20250310", "20250430"));
    assert!(finding(&assess(&holiday, None), "S.DAY_OFF").is_some());
    let mut emergency = holiday;
    emergency[0] = emergency[0].replace(
        "<MA_DOITUONG_KCB>1.1</MA_DOITUONG_KCB>",
        "<MA_DOITUONG_KCB>2</MA_DOITUONG_KCB>",
    );
    assert!(finding(&assess(&emergency, None), "S.DAY_OFF").is_none());
}

/// C177: a bed service of one department ordered by another; C180: a field beyond the
/// standard's own limit.
#[test]
fn c177_c180_the_beds_department_and_fields_own_limits() {
    let bed = free_line(3, "K03.1905", 16, 1, ["202503100900", "", ""]).replace(
        "<NGAY_YL>",
        "<MA_KHOA>K01</MA_KHOA><MA_GIUONG>H001</MA_GIUONG><NGAY_YL>",
    );
    let a = assess(&with_lines(&tc1(), std::slice::from_ref(&bed)), None);
    let line = finding(&a, "S.LINE").unwrap();
    assert!(
        line.text_en
            .contains("MA_KHOA K01 is not the bed's department K03"),
        "{}",
        line.text_en
    );
    let a = assess(
        &with_lines(
            &tc1(),
            &[bed.replace("<MA_KHOA>K01</MA_KHOA>", "<MA_KHOA>K03</MA_KHOA>")],
        ),
        None,
    );
    assert!(
        !finding(&a, "S.LINE")
            .map(|f| f.text_en.clone())
            .unwrap_or_default()
            .contains("bed's department")
    );
    let long = "X".repeat(60);
    let results = format!(
        "<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS><CHI_TIET_CLS><MA_LK>79001.250310.000123</MA_LK><STT>1</STT><MA_DICH_VU>23.0083.1523</MA_DICH_VU><MA_CHI_SO>{long}</MA_CHI_SO><GIA_TRI>6.5</GIA_TRI><NGAY_KQ>202503100950</NGAY_KQ></CHI_TIET_CLS></DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>"
    );
    let a = with_papers(&[("XML4", &results)], None);
    let text = finding(&a, "S.RESULTS")
        .map(|f| f.text_en.clone())
        .unwrap_or_default();
    assert!(
        text.contains("MA_CHI_SO longer than 50 characters"),
        "{text}"
    );
}
