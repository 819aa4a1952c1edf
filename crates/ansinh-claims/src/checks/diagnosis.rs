//! Rule R11, service or drug against diagnosis and patient (chỉ định phù hợp chẩn đoán): the
//! diagnoses are ICD-10 codes in use (the Ministry of Health's ICD-10 list, QĐ 4469/QĐ-BYT;
//! QĐ 130 Bảng 1 MA_BENH_CHINH, MA_BENH_KT), a visit that bills care names a principal
//! diagnosis, a service or drug paid only for some diagnoses is billed with one of them, and one
//! meant for one sex or an age is billed for such a patient (TT 12/2026/TT-BTC Art. 10.1.đ).

use super::Found;
use crate::claim::Claim;
use crate::reference::Reference;

const BASIS_ICD: &str = "QĐ 130/QĐ-BYT Bảng 1 (MA_BENH_CHINH, MA_BENH_KT); QĐ 4469/QĐ-BYT (ICD-10)";
const BASIS_INDICATION: &str = "Law on Health Insurance Art. 23.5 (indication not matching the diagnosis); TT 20/2022/TT-BYT Art. 6; TT 12/2026/TT-BTC Art. 10.1.đ";

/// The form of an ICD-10 code as facilities send it: a letter, two digits, then optionally a
/// point and one or two characters (`E11.9`, `I10`, `S72.00`) (catalogue C117).
pub fn icd_form(code: &str) -> bool {
    let b = code.as_bytes();
    let head =
        b.len() >= 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && b[2].is_ascii_digit();
    head && match b.len() {
        3 => true,
        5 | 6 => b[3] == b'.' && b[4..].iter().all(|c| c.is_ascii_alphanumeric()),
        4 => b[3].is_ascii_digit() || b[3].is_ascii_uppercase(),
        _ => false,
    }
}

/// R11 on one visit: the diagnoses (C117–C119, C123), then each line against them and the
/// patient (C120–C122).
pub fn check(reference: Option<&Reference>, claim: &Claim, found: &mut Found) {
    let p = &claim.patient;
    let date = claim.admitted.date();
    let lists = reference.map(|r| &r.lists);
    let icd = lists.map(|l| &l.icd10).filter(|l| !l.is_empty());
    if p.principal.is_none() && !claim.lines.is_empty() {
        found.review(
            "R11.NO_DIAGNOSIS",
            "Có chi phí nhưng không có chẩn đoán chính (MA_BENH_CHINH)".into(),
            "Care billed without a principal diagnosis (MA_BENH_CHINH)".into(),
            Vec::new(),
            BASIS_ICD,
        );
    }
    // Each diagnosis looked up once: known (C117), no principal (C118), of the other sex (C119).
    let mut unknown: Vec<String> = Vec::new();
    let sex_of_patient = p.sex.as_deref().filter(|s| *s != "3");
    for (k, code) in p.principal.iter().chain(p.secondary.iter()).enumerate() {
        let code = code.trim();
        let Some(list) = icd else {
            if !icd_form(code) {
                unknown.push(format!(
                    "{}{code}",
                    if k == 0 { "MA_BENH_CHINH " } else { "" }
                ));
            }
            continue;
        };
        let mut known = false;
        for row in list.on(code, date) {
            known = true;
            if k == 0 && matches!(row.cells[2].as_str(), "no" | "warn") {
                found.review(
                    "R11.PRINCIPAL",
                    format!("Mã {code} không dùng làm chẩn đoán chính"),
                    format!("{code} is not used as a principal diagnosis"),
                    Vec::new(),
                    BASIS_ICD,
                );
            }
            let sex = row.cells[1].as_str();
            if let Some(patient) = sex_of_patient
                && !sex.is_empty()
                && patient != sex
            {
                found.review(
                    "R11.SEX",
                    format!("Mã bệnh {code} chỉ dành cho giới {sex}, người bệnh giới {patient}"),
                    format!("{code} is a diagnosis of sex {sex}; the patient is {patient}"),
                    Vec::new(),
                    BASIS_ICD,
                );
            }
        }
        if !known {
            unknown.push(format!(
                "{}{code}",
                if k == 0 { "MA_BENH_CHINH " } else { "" }
            ));
        }
    }
    if !unknown.is_empty() {
        let list = unknown.join(", ");
        found.review(
            "R11.ICD",
            format!("Mã bệnh không có trong danh mục ICD-10: {list}"),
            format!("Diagnosis codes not in the ICD-10 list: {list}"),
            Vec::new(),
            BASIS_ICD,
        );
    }
    let Some(lists) = lists else { return };
    if lists.indications.is_empty() && lists.restrictions.is_empty() {
        return;
    }
    let age = p.birth.map(|b| {
        let mut years = i32::from(date.year()) - i32::from(b.year());
        if (date.month(), date.day()) < (b.month(), b.day()) {
            years -= 1;
        }
        years
    });
    let mut not_indicated = Vec::new();
    let mut not_for = Vec::new();
    for (i, l) in claim.lines.iter().enumerate() {
        let at = claim.ordered_at(l).date();
        let mut rows = lists.indications.on(&l.code, at).peekable();
        if rows.peek().is_some() {
            let line_diagnosis = l.detail.as_ref().and_then(|d| d.diagnosis());
            let diagnoses: Vec<&str> = p
                .principal
                .iter()
                .chain(p.secondary.iter())
                .map(|c| c.as_ref())
                .chain(line_diagnosis.into_iter().flat_map(|d| d.split(';')))
                .map(str::trim)
                .collect();
            let indicated = rows.any(|row| {
                row.cells[0]
                    .split(';')
                    .map(str::trim)
                    .filter(|prefix| !prefix.is_empty())
                    .any(|prefix| diagnoses.iter().any(|d| d.starts_with(prefix)))
            });
            if !indicated {
                not_indicated.push(i);
                continue;
            }
        }
        for row in lists.restrictions.on(&l.code, at) {
            let sex = row.cells[0].as_str();
            let wrong_sex =
                !sex.is_empty() && p.sex.as_deref().is_some_and(|s| s != sex && s != "3");
            let bound = |c: &str| c.parse::<i32>().ok();
            let too_young = age
                .zip(bound(&row.cells[1]))
                .is_some_and(|(a, min)| a < min);
            let too_old = age
                .zip(bound(&row.cells[2]))
                .is_some_and(|(a, max)| a > max);
            if wrong_sex || too_young || too_old {
                not_for.push(i);
                break;
            }
        }
    }
    if !not_indicated.is_empty() {
        found.reject(
            "R11.INDICATION",
            "Dịch vụ/thuốc không phù hợp chẩn đoán (không có mã bệnh được chỉ định)".into(),
            "Service or drug without a diagnosis it is indicated for".into(),
            not_indicated,
            claim,
            BASIS_INDICATION,
        );
    }
    if !not_for.is_empty() {
        found.reject(
            "R11.PATIENT",
            "Dịch vụ/thuốc không dành cho giới tính hoặc tuổi của người bệnh".into(),
            "Service or drug not meant for the patient's sex or age".into(),
            not_for,
            claim,
            BASIS_INDICATION,
        );
    }
}
