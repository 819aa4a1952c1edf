//! The Vietnam–Korea Agreement on Social Insurance (Hiệp định về bảo hiểm xã hội giữa Việt Nam
//! và Hàn Quốc, signed 14 Dec 2021, in force 1 Jan 2024; Decision 436/QĐ-TTg; VSS Official
//! Letter 862/BHXH-TST): certificates of coverage (giấy chứng nhận), the months they exempt
//! from the pension-survivor fund, and totalisation of periods (cộng dồn thời gian) for a
//! pension paid pro rata.
//!
//! The agreement covers old-age and survivors' benefits only: a worker in Vietnam covered by
//! Korean legislation pays no pension-survivor contribution (employee 8 %, employer 14 %), and
//! still pays the other funds (the scope as the agreement states it; that the other funds stay
//! due is derived, UNCONFIRMED).

use crate::explanation::Line;
use crate::params::{Concept, MissingParam, Params};
use crate::pension::{self, PensionFacts, PensionOutcome};
use ansinh_core::{Date, Dong, Month, Rate};
use serde::{Deserialize, Serialize};

/// Parameters of the agreement (Part II on applicable legislation; Official Letter 862).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KoreaAgreement {
    /// Entry into force: a dispatch that began before counts from this day.
    pub in_force: Date,
    pub detached_max_months: i64,
    pub extension_max_months: i64,
    pub local_hire_max_months: i64,
    /// A month is covered when the certificate is in force on at least this share of its days.
    pub covered_share_of_month: Rate,
    /// Vietnamese months below which no pro-rata pension is paid.
    pub totalisation_min_own_months: i64,
}

impl Concept for KoreaAgreement {
    fn check(&self) -> Result<(), (String, String)> {
        for (k, v) in [
            ("detached_max_months", self.detached_max_months),
            ("extension_max_months", self.extension_max_months),
            ("local_hire_max_months", self.local_hire_max_months),
        ] {
            if v < 1 {
                return Err((k.into(), "must be at least 1 month".into()));
            }
        }
        if self.covered_share_of_month > Rate::ONE || self.covered_share_of_month.is_zero() {
            return Err((
                "covered_share_of_month".into(),
                "must be above 0 % and at most 100 %".into(),
            ));
        }
        Ok(())
    }
}

/// Why a certificate of coverage was issued (Agreement Part II; NPS's application cases).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// Sent by an employer in Korea to work in Vietnam (phái cử), at most 60 months.
    #[default]
    Detached,
    /// Further detachment with the same employer, at most 36 months.
    Extension,
    /// A Korean national hired locally in Vietnam and covered by Korea's National Pension.
    LocalHire,
}

impl CertificateKind {
    pub fn code(self) -> &'static str {
        match self {
            CertificateKind::Detached => "detached",
            CertificateKind::Extension => "extension",
            CertificateKind::LocalHire => "local_hire",
        }
    }
}

/// A certificate of coverage: the period during which the worker is subject to Korean
/// legislation for old age and survivors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub from: Date,
    pub to: Date,
    #[serde(default)]
    pub kind: CertificateKind,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AgreementError {
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error("\"{0}\" has no agreement with Vietnam encoded; only \"KR\" (Korea) is")]
    Country(String),
    #[error("ends on {to}, before it starts on {from}")]
    EndsBeforeStart { from: Date, to: Date },
    #[error("ends on {to}, before the agreement entered into force on {in_force}")]
    BeforeInForce { to: Date, in_force: Date },
    #[error(
        "a {kind} certificate lasts at most {max} months: from {start} it may run to {latest} at the latest, not {to}"
    )]
    TooLong {
        kind: &'static str,
        max: i64,
        start: Date,
        latest: Date,
        to: Date,
    },
    #[error("overlaps the certificate {other} ({from} – {to}): one period is covered once")]
    Overlap { other: usize, from: Date, to: Date },
    #[error(
        "a certificate exempts workers in Vietnam under Korean legislation: participant `foreign_employee` only"
    )]
    NotForeignEmployee,
    #[error(
        "an extension follows a detachment directly (from the day after it ends); it cannot stand alone or follow another extension"
    )]
    ExtensionWithoutDetachment,
    #[error(
        "a detachment that continues another certificate without a break is an extension (at most 36 months); a new dispatch begins after a return home"
    )]
    ContinuedDetachment,
    #[error(
        "{own} Vietnamese months: a pro-rata pension needs at least {min} (agreement, totalisation)"
    )]
    TooFewOwnMonths { own: i64, min: i64 },
}

/// Checks one certificate: it ends after it starts, after the entry into force, and within the
/// longest period of its kind counted from its start or from the entry into force, whichever
/// is later (Agreement Part II; Official Letter 862/BHXH-TST).
pub fn check_certificate(p: &KoreaAgreement, c: &Certificate) -> Result<(), AgreementError> {
    if c.to < c.from {
        return Err(AgreementError::EndsBeforeStart {
            from: c.from,
            to: c.to,
        });
    }
    if c.to < p.in_force {
        return Err(AgreementError::BeforeInForce {
            to: c.to,
            in_force: p.in_force,
        });
    }
    let start = c.from.max(p.in_force);
    let max = match c.kind {
        CertificateKind::Detached => p.detached_max_months,
        CertificateKind::Extension => p.extension_max_months,
        CertificateKind::LocalHire => p.local_hire_max_months,
    };
    // The day before the anniversary `max` months on; an anniversary that falls on a day the
    // month lacks (29 Feb) is the first of the next month, so the period ends on its last day.
    let latest = start
        .checked_add(jiff::Span::new().months(max))
        .ok()
        .and_then(|d| {
            if d.day() == start.day() {
                d.yesterday().ok()
            } else {
                Some(d)
            }
        })
        .unwrap_or(Date::MAX);
    if c.to > latest {
        return Err(AgreementError::TooLong {
            kind: c.kind.code(),
            max,
            start,
            latest,
            to: c.to,
        });
    }
    Ok(())
}

/// Checks a person's certificates one by one and against each other (Agreement Part II): no
/// two overlap; an extension follows a detachment directly (its first day is the day after the
/// detachment's last), so a detachment with its extension lasts at most 60 + 36 months; a
/// detachment does not follow another certificate directly (a new dispatch begins after a return
/// home; a continued one is an extension). The error carries the index at fault.
pub fn check_certificates(
    p: &KoreaAgreement,
    certificates: &[Certificate],
) -> Result<(), (usize, AgreementError)> {
    for (i, c) in certificates.iter().enumerate() {
        check_certificate(p, c).map_err(|e| (i, e))?;
    }
    let mut order: Vec<usize> = (0..certificates.len()).collect();
    order.sort_by_key(|&i| certificates[i].from);
    for w in order.windows(2) {
        let (a, b) = (&certificates[w[0]], &certificates[w[1]]);
        if b.from <= a.to {
            return Err((
                w[1],
                AgreementError::Overlap {
                    other: w[0],
                    from: a.from,
                    to: a.to,
                },
            ));
        }
    }
    for (k, &i) in order.iter().enumerate() {
        let c = &certificates[i];
        let before = k.checked_sub(1).map(|j| &certificates[order[j]]);
        let follows = before.is_some_and(|b| b.to.tomorrow().is_ok_and(|d| d == c.from));
        match c.kind {
            CertificateKind::Extension
                if !(follows && before.is_some_and(|b| b.kind == CertificateKind::Detached)) =>
            {
                return Err((i, AgreementError::ExtensionWithoutDetachment));
            }
            CertificateKind::Detached if follows => {
                return Err((i, AgreementError::ContinuedDetachment));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The months a certificate exempts: those in force on at least `covered_share_of_month` of
/// their days, never before the entry into force, and no more than the longest period of its
/// kind (a certificate starting and ending mid-month covers its 60 months, not 61).
pub fn covered_months(p: &KoreaAgreement, c: &Certificate) -> Vec<Month> {
    let max = match c.kind {
        CertificateKind::Detached => p.detached_max_months,
        CertificateKind::Extension => p.extension_max_months,
        CertificateKind::LocalHire => p.local_hire_max_months,
    };
    let (mut m, last) = (Month::of(c.from.max(p.in_force)), Month::of(c.to));
    let mut out = Vec::new();
    while m <= last && (out.len() as i64) < max {
        let days = i64::from(m.last_day().day());
        let d = days_in_force(p, c, m);
        if d > 0 && d * 1_000_000 >= p.covered_share_of_month.ppm() * days {
            out.push(m);
        }
        m = m.plus(1);
    }
    out
}

/// Days of `month` on which the certificate is in force (never before the entry into force).
pub fn days_in_force(p: &KoreaAgreement, c: &Certificate, month: Month) -> i64 {
    let (first, last) = (month.first_day(), month.last_day());
    let from = c.from.max(p.in_force).max(first);
    let to = c.to.min(last);
    if to < from {
        0
    } else {
        i64::from(to.day()) - i64::from(from.day()) + 1
    }
}

/// Whether `month` is exempt from the pension-survivor fund under a certificate: one of its
/// [`covered_months`] (the share of the month is a parameter: the agreement counts periods, the
/// monthly contribution needs a month; UNCONFIRMED). Returns the covering certificate.
pub fn covering(p: &KoreaAgreement, certificates: &[Certificate], month: Month) -> Option<usize> {
    certificates
        .iter()
        .position(|c| covered_months(p, c).contains(&month))
}

/// The explanation line of an exempt month.
pub fn exemption_line(p: &crate::params::Dated<KoreaAgreement>, c: &Certificate) -> Line {
    Line::new(
        "agreement.pension_survivor",
        "Miễn đóng quỹ hưu trí – tử tuất theo Hiệp định BHXH Việt Nam – Hàn Quốc",
        "Pension & survivorship fund not charged under the Vietnam–Korea agreement",
    )
    .amount(Dong::ZERO)
    .formula(format!(
        "{} certificate of coverage {} – {}: subject to Korean legislation for old age and survivors; the employee's 8 % and the employer's 14 % are not charged, the other funds are",
        c.kind.code(),
        c.from,
        c.to
    ))
    .param(
        "agreement_kr.covered_share_of_month",
        p.value.covered_share_of_month.as_percent(),
        p,
    )
    .cite("Vietnam–Korea Agreement on Social Insurance (2021) Part II; Official Letter 862/BHXH-TST")
}

/// A pension with periods in Korea added (Agreement Part III, totalisation): when the
/// Vietnamese months alone meet the conditions, the national pension is paid; otherwise the
/// pension is computed as if every totalised month were Vietnamese (the theoretical amount)
/// and paid in the proportion of the Vietnamese months to the total — the usual pro-rata
/// formula of bilateral agreements, UNCONFIRMED until the agreement's text is read.
pub fn totalised_pension(
    params: &Params,
    f: &PensionFacts,
    foreign_months: i64,
) -> Result<(PensionOutcome, Totalisation, Vec<Line>), TotalisationError> {
    let (national, mut lines) = pension::evaluate(params, f)?;
    let date = national.retirement_month.first_day();
    let dated = params.agreement_kr.at(date)?;
    let own = f.contribution_months;
    let total = own
        .checked_add(foreign_months)
        .ok_or(TotalisationError::Overflow)?;
    if national.eligible {
        lines.push(
            Line::new(
                "agreement.totalisation",
                "Cộng dồn thời gian theo Hiệp định: không cần",
                "Totalisation under the agreement: not needed",
            )
            .value("national pension")
            .formula(format!(
                "{own} Vietnamese months meet the conditions alone; the {foreign_months} months in Korea are Korea's to pay"
            ))
            .cite("Vietnam–Korea Agreement on Social Insurance (2021) Part III"),
        );
        return Ok((
            national,
            Totalisation {
                totalised: false,
                own_months: own,
                foreign_months,
                total_months: total,
                theoretical_pension: None,
            },
            lines,
        ));
    }
    if own < dated.value.totalisation_min_own_months {
        return Err(TotalisationError::Agreement(
            AgreementError::TooFewOwnMonths {
                own,
                min: dated.value.totalisation_min_own_months,
            },
        ));
    }
    let theoretical_facts = PensionFacts {
        contribution_months: total,
        ..f.clone()
    };
    let (mut theoretical, theoretical_lines) = pension::evaluate(params, &theoretical_facts)?;
    let rounding = params.rounding.at(date)?.value.rounding();
    let pro_rata = |amount: Dong| {
        rounding
            .ratio(
                i128::from(amount.get()) * i128::from(own),
                i128::from(total.max(1)),
            )
            .unwrap_or(Dong::ZERO)
    };
    let full = theoretical.monthly_pension;
    let lines = {
        let mut l = theoretical_lines;
        l.push(
            Line::new(
                "agreement.totalisation",
                "Lương hưu theo tỷ lệ (cộng dồn thời gian theo Hiệp định)",
                "Pro-rata pension (periods totalised under the agreement)",
            )
            .amount(pro_rata(full))
            .formula(format!(
                "theoretical pension {full} on {total} months ({own} in Vietnam + {foreign_months} in Korea) × {own} / {total}"
            ))
            .param(
                "agreement_kr.totalisation_min_own_months",
                dated.value.totalisation_min_own_months,
                dated,
            )
            .cite("Vietnam–Korea Agreement on Social Insurance (2021) Part III; L41 Art. 64 [pro-rata formula UNCONFIRMED]"),
        );
        l
    };
    theoretical.monthly_pension = pro_rata(full);
    theoretical.one_off_allowance = pro_rata(theoretical.one_off_allowance);
    theoretical.contribution_months = own;
    theoretical.years = national.years;
    Ok((
        theoretical,
        Totalisation {
            totalised: true,
            own_months: own,
            foreign_months,
            total_months: total,
            theoretical_pension: Some(full),
        },
        lines,
    ))
}

/// How the periods were put together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totalisation {
    pub totalised: bool,
    pub own_months: i64,
    pub foreign_months: i64,
    pub total_months: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theoretical_pension: Option<Dong>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TotalisationError {
    #[error(transparent)]
    Pension(#[from] pension::PensionError),
    #[error(transparent)]
    Missing(#[from] MissingParam),
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    #[error("the months are too many to add")]
    Overflow,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn p() -> KoreaAgreement {
        Params::embedded()
            .unwrap()
            .agreement_kr
            .at(d("2026-01-01"))
            .unwrap()
            .value
            .clone()
    }

    fn cert(from: &str, to: &str, kind: CertificateKind) -> Certificate {
        Certificate {
            from: d(from),
            to: d(to),
            kind,
        }
    }

    #[test]
    fn a_certificate_lasts_at_most_its_kind_counted_from_the_entry_into_force() {
        let p = p();
        assert!(
            check_certificate(
                &p,
                &cert("2024-01-01", "2028-12-31", CertificateKind::Detached)
            )
            .is_ok()
        );
        assert!(matches!(
            check_certificate(
                &p,
                &cert("2024-01-01", "2029-01-01", CertificateKind::Detached)
            ),
            Err(AgreementError::TooLong { max: 60, .. })
        ));
        // Dispatched in 2022: the 60 months run from 1 Jan 2024.
        assert!(
            check_certificate(
                &p,
                &cert("2022-05-01", "2028-12-31", CertificateKind::Detached)
            )
            .is_ok()
        );
        assert!(matches!(
            check_certificate(
                &p,
                &cert("2029-01-01", "2032-01-31", CertificateKind::Extension)
            ),
            Err(AgreementError::TooLong { max: 36, .. })
        ));
        assert!(
            check_certificate(
                &p,
                &cert("2029-01-01", "2031-12-31", CertificateKind::Extension)
            )
            .is_ok()
        );
        assert!(matches!(
            check_certificate(
                &p,
                &cert("2026-05-01", "2026-04-30", CertificateKind::LocalHire)
            ),
            Err(AgreementError::EndsBeforeStart { .. })
        ));
    }

    #[test]
    fn an_extension_follows_a_detachment_and_a_detachment_does_not_continue_one() {
        let p = p();
        let ok = [
            cert("2029-01-01", "2031-12-31", CertificateKind::Extension),
            cert("2024-01-01", "2028-12-31", CertificateKind::Detached),
        ];
        assert!(check_certificates(&p, &ok).is_ok());
        let alone = [cert("2026-01-01", "2027-12-31", CertificateKind::Extension)];
        assert_eq!(
            check_certificates(&p, &alone),
            Err((0, AgreementError::ExtensionWithoutDetachment))
        );
        let chained = [
            cert("2024-01-01", "2028-12-31", CertificateKind::Detached),
            cert("2029-01-01", "2033-12-31", CertificateKind::Detached),
        ];
        assert_eq!(
            check_certificates(&p, &chained),
            Err((1, AgreementError::ContinuedDetachment))
        );
        let after_return = [
            cert("2024-01-01", "2028-12-31", CertificateKind::Detached),
            cert("2029-03-01", "2033-12-31", CertificateKind::Detached),
        ];
        assert!(check_certificates(&p, &after_return).is_ok());
    }

    #[test]
    fn overlapping_certificates_are_refused_with_the_index_at_fault() {
        let p = p();
        let certs = [
            cert("2024-01-01", "2028-12-31", CertificateKind::Detached),
            cert("2028-12-01", "2030-12-31", CertificateKind::Extension),
        ];
        assert!(matches!(
            check_certificates(&p, &certs),
            Err((1, AgreementError::Overlap { other: 0, .. }))
        ));
    }

    #[test]
    fn a_month_is_covered_when_the_certificate_holds_most_of_it() {
        let p = p();
        let m = |s: &str| s.parse::<Month>().unwrap();
        // 60 months from 10 Mar 2025: March 2025 (22 days) is covered, March 2030 (9 days) not,
        // so exactly 60 months are exempt.
        let c = [cert("2025-03-10", "2030-03-09", CertificateKind::LocalHire)];
        assert_eq!(covering(&p, &c, m("2025-03")), Some(0));
        assert_eq!(covering(&p, &c, m("2030-02")), Some(0));
        assert_eq!(covering(&p, &c, m("2030-03")), None);
        assert_eq!(covering(&p, &c, m("2025-02")), None);
        let mut months = 0;
        let mut month = m("2025-01");
        while month <= m("2030-12") {
            months += i32::from(covering(&p, &c, month).is_some());
            month = month.plus(1);
        }
        assert_eq!(months, 60);
        // Mid-month to mid-month, each end month exactly half covered: still 60 months, not 61.
        let half = [cert("2025-04-16", "2030-04-15", CertificateKind::Detached)];
        assert_eq!(covered_months(&p, &half[0]).len(), 60);
        // Never before the entry into force.
        let early = [cert("2023-06-01", "2025-12-31", CertificateKind::Detached)];
        assert_eq!(covering(&p, &early, m("2023-12")), None);
        assert_eq!(covering(&p, &early, m("2024-01")), Some(0));
    }
}
