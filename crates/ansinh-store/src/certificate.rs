//! The register of certificates of coverage (sổ theo dõi giấy chứng nhận) under the
//! Vietnam–Korea Agreement on Social Insurance, and the periods insured in Korea that its
//! liaison body reports (the exchange of periods for totalisation).
//!
//! An inbound certificate (issued by Korea's National Pension Service) exempts the months it
//! covers from the pension-survivor fund in the monthly run; an outbound one (issued by Vietnam
//! Social Security for a Vietnamese posted to Korea) is the document that exempts the worker in
//! Korea. The rules of both are the rules core's ([`ansinh_rules::agreement`]).

use crate::audit::{Change, append};
use crate::{Store, StoreError, now, on_pool, parse_date};
use ansinh_core::Date;
use ansinh_rules::Params;
use ansinh_rules::agreement::{self, Certificate, CertificateKind};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

/// Which country issued a certificate, and so which country's legislation the worker stays
/// under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Issued by the other country (Korea's NPS) for a worker in Vietnam.
    Inbound,
    /// Issued by Vietnam Social Security for a Vietnamese worker posted to the other country.
    Outbound,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    fn parse(field: &str, text: &str) -> Result<Direction, StoreError> {
        match text.trim() {
            "inbound" => Ok(Direction::Inbound),
            "outbound" => Ok(Direction::Outbound),
            other => Err(StoreError::invalid(
                field,
                format!(
                    "`{other}` is not a direction: `inbound` (issued by Korea for a worker in Vietnam) or `outbound` (issued by Vietnam for a worker posted to Korea)"
                ),
            )),
        }
    }

    /// The liaison body that issues certificates of this direction.
    pub fn issuer(self) -> &'static str {
        match self {
            Direction::Inbound => "National Pension Service (Korea)",
            Direction::Outbound => "Bảo hiểm xã hội Việt Nam (Vietnam Social Security)",
        }
    }
}

/// A certificate to record.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCertificate {
    pub person_sin: String,
    /// The issuer's reference number.
    pub certificate_no: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// `KR`: the only agreement in force.
    #[serde(default = "korea")]
    pub country: String,
    /// `detached` (≤ 60 months), `extension` (≤ 36), `local_hire` (≤ 60).
    pub kind: String,
    pub valid_from: String,
    pub valid_to: String,
    /// The employer that sends (or, for a local hire, employs) the worker.
    pub sending_employer: String,
    /// The employer or branch in the host country.
    #[serde(default)]
    pub host_employer: String,
    /// Day of issue; the day recorded when absent.
    #[serde(default)]
    pub issued_on: Option<String>,
}

fn korea() -> String {
    "KR".into()
}

/// A certificate as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct CoverageCertificate {
    pub person_sin: String,
    pub certificate_no: String,
    pub direction: Direction,
    pub country: String,
    pub kind: String,
    pub valid_from: String,
    pub valid_to: String,
    pub sending_employer: String,
    pub host_employer: String,
    pub issued_on: String,
    pub issuer: String,
    pub recorded_at: String,
}

/// The columns of the register as a file, in the order of [`CoverageCertificate::row`].
pub const REGISTER_COLUMNS: [&str; 11] = [
    "certificate_no",
    "direction",
    "issuer",
    "country",
    "kind",
    "person_sin",
    "valid_from",
    "valid_to",
    "sending_employer",
    "host_employer",
    "issued_on",
];

impl CoverageCertificate {
    /// The certificate as a row of the register's file.
    pub fn row(&self) -> [String; 11] {
        [
            self.certificate_no.clone(),
            self.direction.code().to_string(),
            self.issuer.clone(),
            self.country.clone(),
            self.kind.clone(),
            self.person_sin.clone(),
            self.valid_from.clone(),
            self.valid_to.clone(),
            self.sending_employer.clone(),
            self.host_employer.clone(),
            self.issued_on.clone(),
        ]
    }

    /// The certificate as the rules core reads it.
    pub fn rule(&self) -> Result<Certificate, StoreError> {
        Ok(Certificate {
            from: parse_date("valid_from", &self.valid_from)?,
            to: parse_date("valid_to", &self.valid_to)?,
            kind: kind_of(&self.kind)?,
        })
    }
}

fn kind_of(text: &str) -> Result<CertificateKind, StoreError> {
    match text.trim() {
        "detached" => Ok(CertificateKind::Detached),
        "extension" => Ok(CertificateKind::Extension),
        "local_hire" => Ok(CertificateKind::LocalHire),
        other => Err(StoreError::invalid(
            "kind",
            format!(
                "`{other}` is not a kind of certificate: `detached`, `extension` or `local_hire`"
            ),
        )),
    }
}

const COLUMNS: &str = "person_sin, certificate_no, direction, country, kind, valid_from, valid_to, sending_employer, host_employer, issued_on, recorded_at";

fn certificate_from<R: Row>(r: &R) -> Result<CoverageCertificate, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let direction = Direction::parse("direction", &r.try_get::<String, _>("direction")?)?;
    Ok(CoverageCertificate {
        person_sin: r.try_get("person_sin")?,
        certificate_no: r.try_get("certificate_no")?,
        direction,
        country: r.try_get("country")?,
        kind: r.try_get("kind")?,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
        sending_employer: r.try_get("sending_employer")?,
        host_employer: r.try_get("host_employer")?,
        issued_on: r.try_get("issued_on")?,
        issuer: direction.issuer().to_string(),
        recorded_at: r.try_get("recorded_at")?,
    })
}

/// Periods insured in the other country, as its liaison body reported them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ForeignPeriod {
    pub person_sin: String,
    pub country: String,
    pub period_from: String,
    pub period_to: String,
    /// Months insured in the period (the liaison body's count).
    pub months: i64,
    /// The exchange file or letter it came from.
    pub source: String,
}

/// Months of a period from the first day of `from` to the last of `to`, both months counted.
fn months_between(from: Date, to: Date) -> i64 {
    let (a, b) = (ansinh_core::Month::of(from), ansinh_core::Month::of(to));
    i64::from(a.months_until(b)) + 1
}

impl Store {
    /// Records a certificate of coverage (Vietnam–Korea agreement Part II): the person must be
    /// registered, an inbound certificate a foreign national's and an outbound one a Vietnamese
    /// national's; its period within the limits of its kind; no overlap with another of the
    /// same person and direction. An inbound certificate queues the person's employments so
    /// that the next monthly run re-checks the months it covers (adjustment lines, never an
    /// edit).
    pub async fn record_certificate(
        &self,
        params: &Params,
        c: &NewCertificate,
    ) -> Result<CoverageCertificate, StoreError> {
        self.require_vietnam("a certificate of coverage under the Vietnam–Korea agreement")
            .await?;
        let sin = c.person_sin.trim().to_string();
        let person = self.person(&sin).await?.ok_or_else(|| {
            StoreError::invalid(
                "person_sin",
                format!("no insured person {sin} is registered"),
            )
        })?;
        let number = c.certificate_no.trim().to_string();
        if number.is_empty() || number.len() > 40 {
            return Err(StoreError::invalid(
                "certificate_no",
                "must be the issuer's reference, 1 to 40 characters",
            ));
        }
        let country = c.country.trim().to_ascii_uppercase();
        if country != "KR" {
            return Err(StoreError::invalid(
                "country",
                agreement::AgreementError::Country(country),
            ));
        }
        let direction = Direction::parse("direction", &c.direction)?;
        match (direction, person.nationality == "VN") {
            (Direction::Inbound, true) => {
                return Err(StoreError::invalid(
                    "direction",
                    format!(
                        "{sin} is a Vietnamese national: a Korean certificate exempts foreign workers in Vietnam only (an outbound certificate is Vietnam's for its workers posted to Korea)"
                    ),
                ));
            }
            (Direction::Outbound, false) => {
                return Err(StoreError::invalid(
                    "direction",
                    format!(
                        "{sin} is a national of {}: Vietnam issues certificates to workers who stay under Vietnamese legislation, Vietnamese nationals here",
                        person.nationality
                    ),
                ));
            }
            _ => {}
        }
        let rule = Certificate {
            from: parse_date("valid_from", &c.valid_from)?,
            to: parse_date("valid_to", &c.valid_to)?,
            kind: kind_of(&c.kind)?,
        };
        let dated = params
            .agreement_kr
            .at(rule.from.max(rule.to))
            .map_err(|e| StoreError::invalid("valid_to", e))?;
        agreement::check_certificate(&dated.value, &rule).map_err(|e| {
            let field = match e {
                agreement::AgreementError::Country(_) => "country",
                _ => "valid_to",
            };
            StoreError::invalid(field, e)
        })?;
        let sending = c.sending_employer.trim().to_string();
        if sending.is_empty() || sending.chars().count() > 200 {
            return Err(StoreError::invalid(
                "sending_employer",
                "the employer that sends or employs the worker, 1 to 200 characters",
            ));
        }
        if c.host_employer.trim().chars().count() > 200 {
            return Err(StoreError::invalid(
                "host_employer",
                "at most 200 characters",
            ));
        }
        // One certificate recorded at a time in this process: the overlap check and the insert
        // must see the same register (SQLite has one writer anyway).
        let _guard = self.write_lock.lock().await;
        if rule.kind == CertificateKind::LocalHire
            && (direction == Direction::Outbound || person.nationality != "KR")
        {
            return Err(StoreError::invalid(
                "kind",
                "a local hire is a Korean national hired in Vietnam and covered by Korea's National Pension (an inbound certificate of a KR national)",
            ));
        }
        // With the person's other certificates of this direction: no overlap, an extension
        // directly after a detachment, no detachment continuing another without a break.
        let existing: Vec<CoverageCertificate> = self
            .certificates_of(&sin)
            .await?
            .into_iter()
            .filter(|e| e.direction == direction)
            .collect();
        let mut all: Vec<Certificate> = existing
            .iter()
            .map(|e| e.rule())
            .collect::<Result<_, _>>()?;
        all.push(rule);
        if let Err((i, e)) = agreement::check_certificates(&dated.value, &all) {
            let at = if i == all.len() - 1 {
                existing.len()
            } else {
                i
            };
            return Err(match e {
                agreement::AgreementError::Overlap { other, .. } => {
                    let clash = existing.get(if at == existing.len() { other } else { at });
                    StoreError::Conflict {
                        field: "valid_from".into(),
                        reason: match clash {
                            Some(x) => format!(
                                "certificate {} already covers {} – {}: one period is covered once",
                                x.certificate_no, x.valid_from, x.valid_to
                            ),
                            None => e.to_string(),
                        },
                    }
                }
                other => StoreError::invalid("kind", other),
            });
        }
        let issued_on = match c.issued_on.as_deref().map(str::trim) {
            None | Some("") => crate::registry::today().to_string(),
            Some(d) => parse_date("issued_on", d)?.to_string(),
        };
        let recorded = CoverageCertificate {
            person_sin: sin.clone(),
            certificate_no: number,
            direction,
            country,
            kind: rule.kind.code().to_string(),
            valid_from: rule.from.to_string(),
            valid_to: rule.to.to_string(),
            sending_employer: sending,
            host_employer: c.host_employer.trim().to_string(),
            issued_on,
            issuer: direction.issuer().to_string(),
            recorded_at: now(),
        };
        let employments = self.employments(&sin).await?;
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query(&format!("INSERT INTO coverage_certificates ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
                .bind(&recorded.person_sin).bind(&recorded.certificate_no).bind(direction.code())
                .bind(&recorded.country).bind(&recorded.kind).bind(&recorded.valid_from)
                .bind(&recorded.valid_to).bind(&recorded.sending_employer).bind(&recorded.host_employer)
                .bind(&recorded.issued_on).bind(&recorded.recorded_at)
                .execute(&mut *tx).await?;
            if direction == Direction::Inbound {
                let batch = format!("certificate-{}", recorded.certificate_no);
                for e in &employments {
                    sqlx::query("INSERT INTO reassessment_queue (person_sin, employment_id, batch_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                        .bind(&sin).bind(&e.employment_id).bind(&batch).bind(&recorded.recorded_at)
                        .execute(&mut *tx).await?;
                }
            }
            append!(tx, self, Change {
                action: "certificate.record",
                entity_kind: "person",
                entity_id: sin.clone(),
                change: serde_json::to_value(&recorded).unwrap_or_default(),
            })?;
            tx.commit().await
        }.await);
        result
            .map_err(|e| {
                StoreError::from(e).unique_as(
                    "certificate_no",
                    format!(
                        "certificate {} is already recorded for {}",
                        recorded.certificate_no, recorded.person_sin
                    ),
                )
            })
            .map(|()| recorded)
    }

    /// A person's certificates, oldest first.
    pub async fn certificates_of(&self, sin: &str) -> Result<Vec<CoverageCertificate>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM coverage_certificates WHERE person_sin = $1 ORDER BY valid_from, certificate_no"
        );
        on_pool!(self, pool => sqlx::query(&sql).bind(sin.trim()).fetch_all(pool).await?.iter().map(certificate_from).collect())
    }

    /// The register: certificates of a direction (all when `None`) in force on `on` (all when
    /// `None`), by start date.
    pub async fn certificate_register(
        &self,
        direction: Option<Direction>,
        on: Option<Date>,
    ) -> Result<Vec<CoverageCertificate>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM coverage_certificates WHERE ($1 = '' OR direction = $1) AND ($2 = '' OR (valid_from <= $2 AND valid_to >= $2)) ORDER BY valid_from, person_sin, certificate_no"
        );
        let d = direction.map_or("", Direction::code);
        let on = on.map(|d| d.to_string()).unwrap_or_default();
        on_pool!(self, pool => sqlx::query(&sql).bind(d).bind(&on).fetch_all(pool).await?.iter().map(certificate_from).collect())
    }

    /// Every inbound certificate by person, as the monthly run reads them.
    pub(crate) async fn inbound_certificates(
        &self,
    ) -> Result<rustc_hash::FxHashMap<String, Vec<Certificate>>, StoreError> {
        let mut by_person: rustc_hash::FxHashMap<String, Vec<Certificate>> = Default::default();
        for c in self
            .certificate_register(Some(Direction::Inbound), None)
            .await?
        {
            let rule = c.rule()?;
            by_person.entry(c.person_sin).or_default().push(rule);
        }
        Ok(by_person)
    }

    /// Records periods insured in Korea as its liaison body reported them (the exchange of
    /// periods, Agreement Part III), all or none: each for a registered person, within
    /// itself and not overlapping another period of the same person.
    pub async fn record_foreign_periods(
        &self,
        periods: &[ForeignPeriod],
    ) -> Result<usize, StoreError> {
        self.require_vietnam("periods insured under the Vietnam–Korea agreement")
            .await?;
        let mut checked = Vec::with_capacity(periods.len());
        // Per person, read once: the periods held, then those of the file already checked.
        let mut known: std::collections::HashMap<String, Vec<(Date, Date)>> = Default::default();
        for (i, p) in periods.iter().enumerate() {
            let field = |f: &str| format!("periods[{i}].{f}");
            let sin = p.person_sin.trim().to_string();
            if !known.contains_key(&sin) {
                if self.person(&sin).await?.is_none() {
                    return Err(StoreError::invalid(
                        &field("person_sin"),
                        format!("no insured person {sin} is registered"),
                    ));
                }
                let mut held = Vec::new();
                for e in self.foreign_periods_of(&sin).await? {
                    held.push((
                        parse_date("period_from", &e.period_from)?,
                        parse_date("period_to", &e.period_to)?,
                    ));
                }
                known.insert(sin.clone(), held);
            }
            if p.country.trim() != "KR" {
                return Err(StoreError::invalid(
                    &field("country"),
                    agreement::AgreementError::Country(p.country.clone()),
                ));
            }
            let from = parse_date(&field("period_from"), &p.period_from)?;
            let to = parse_date(&field("period_to"), &p.period_to)?;
            if to < from {
                return Err(StoreError::invalid(
                    &field("period_to"),
                    format!("{to} is before the start {from}"),
                ));
            }
            let span = months_between(from, to);
            if p.months < 1 || p.months > span {
                return Err(StoreError::invalid(
                    &field("months"),
                    format!(
                        "{} months cannot be insured in a period of {span} months",
                        p.months
                    ),
                ));
            }
            if p.source.trim().is_empty() {
                return Err(StoreError::invalid(
                    &field("source"),
                    "missing: the exchange file or letter the period comes from",
                ));
            }
            let held = known.entry(sin.clone()).or_default();
            if let Some((f, t)) = held.iter().find(|(f, t)| from <= *t && *f <= to) {
                return Err(StoreError::Conflict {
                    field: field("period_from"),
                    reason: format!("{sin} already has a period in Korea from {f} to {t}"),
                });
            }
            held.push((from, to));
            checked.push((sin, from, to, p));
        }
        let at = now();
        let n = checked.len();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            for (sin, from, to, p) in &checked {
                sqlx::query("INSERT INTO foreign_periods (person_sin, country, period_from, period_to, months, source, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(sin).bind("KR").bind(from.to_string()).bind(to.to_string())
                    .bind(p.months).bind(p.source.trim()).bind(&at)
                    .execute(&mut *tx).await?;
            }
            append!(tx, self, Change {
                action: "foreign_periods.import",
                entity_kind: "agreement",
                entity_id: "KR".into(),
                change: serde_json::json!({ "periods": n }),
            })?;
            tx.commit().await
        }.await)?;
        Ok(n)
    }

    /// A person's periods in Korea, oldest first.
    pub async fn foreign_periods_of(&self, sin: &str) -> Result<Vec<ForeignPeriod>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT person_sin, country, period_from, period_to, months, source FROM foreign_periods WHERE person_sin = $1 ORDER BY period_from")
                .bind(sin.trim()).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(ForeignPeriod {
                person_sin: r.try_get("person_sin")?,
                country: r.try_get("country")?,
                period_from: r.try_get("period_from")?,
                period_to: r.try_get("period_to")?,
                months: r.try_get("months")?,
                source: r.try_get("source")?,
            })).collect()
        })
    }

    /// The Vietnamese periods of every person of the agreement (with a certificate or a
    /// period in Korea) for the liaison body: consecutive months with a pension-survivor
    /// contribution, from the record (Agreement Part III, exchange of periods).
    pub async fn exchange_periods(&self) -> Result<Vec<ExchangePeriod>, StoreError> {
        let sins: Vec<String> = on_pool!(self, pool => {
            let rows = sqlx::query("SELECT person_sin FROM coverage_certificates UNION SELECT person_sin FROM foreign_periods ORDER BY 1")
                .fetch_all(pool).await?;
            rows.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>()?
        });
        let mut out = Vec::new();
        for sin in sins {
            let Some(person) = self.person(&sin).await? else {
                continue;
            };
            let history = self.contribution_history(&sin).await?;
            let mut months: Vec<ansinh_core::Month> = history
                .months
                .iter()
                .filter(|m| m.pension)
                .filter_map(|m| m.month.parse().ok())
                .collect();
            // Service time verified from the armed forces' record is Vietnamese insured time too.
            for v in self.verified_periods_of(&sin).await? {
                if let (Ok(from), Ok(to)) = (
                    v.period_from.parse::<ansinh_core::Month>(),
                    v.period_to.parse::<ansinh_core::Month>(),
                ) {
                    let mut m = from;
                    while m <= to {
                        months.push(m);
                        m = m.plus(1);
                    }
                }
            }
            months.sort();
            months.dedup();
            let mut runs: Vec<(ansinh_core::Month, ansinh_core::Month, i64)> = Vec::new();
            for m in months {
                match runs.last_mut() {
                    Some((_, to, n)) if to.plus(1) == m => {
                        *to = m;
                        *n += 1;
                    }
                    _ => runs.push((m, m, 1)),
                }
            }
            for (from, to, months) in runs {
                out.push(ExchangePeriod {
                    person_sin: sin.clone(),
                    personal_id: person.personal_id.clone(),
                    name: person.name.clone(),
                    birth_date: person.birth_date.clone(),
                    nationality: person.nationality.clone(),
                    country: "VN".into(),
                    period_from: from.first_day().to_string(),
                    period_to: to.last_day().to_string(),
                    months,
                });
            }
        }
        Ok(out)
    }
}

/// The columns of the exchange file sent to the liaison body (docs/agreements.md), in the
/// order of [`ExchangePeriod::row`].
pub const EXCHANGE_COLUMNS: [&str; 9] = [
    "person_sin",
    "personal_id",
    "name",
    "birth_date",
    "nationality",
    "country",
    "period_from",
    "period_to",
    "months",
];

impl ExchangePeriod {
    /// The row of the exchange file, as text.
    pub fn row(&self) -> [String; 9] {
        [
            self.person_sin.clone(),
            self.personal_id.clone(),
            self.name.clone(),
            self.birth_date.clone(),
            self.nationality.clone(),
            self.country.clone(),
            self.period_from.clone(),
            self.period_to.clone(),
            self.months.to_string(),
        ]
    }
}

/// One Vietnamese insured period of the exchange file sent to the Korean liaison body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExchangePeriod {
    pub person_sin: String,
    pub personal_id: String,
    pub name: String,
    pub birth_date: String,
    pub nationality: String,
    /// The country whose legislation the period was insured under: `VN`.
    pub country: String,
    pub period_from: String,
    pub period_to: String,
    pub months: i64,
}

/// The columns of the exchange file of periods received from the liaison body
/// (docs/agreements.md).
pub const PERIOD_COLUMNS: [&str; 6] = [
    "person_sin",
    "country",
    "period_from",
    "period_to",
    "months",
    "source",
];

/// Reads the periods of a CSV exchange file (UTF-8, optional BOM, a header row naming
/// [`PERIOD_COLUMNS`] in any order); a defect names the row (`periods[i]`) and column.
pub fn periods_from_csv(bytes: &[u8]) -> Result<Vec<ForeignPeriod>, StoreError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| StoreError::invalid("file", "the file is not UTF-8"))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| StoreError::invalid("file", e))?
        .clone();
    let mut at = [0usize; 6];
    for (k, name) in PERIOD_COLUMNS.iter().enumerate() {
        at[k] = headers.iter().position(|h| h == *name).ok_or_else(|| {
            StoreError::invalid(
                "file",
                format!(
                    "the header row lacks `{name}`; columns: {}",
                    PERIOD_COLUMNS.join(",")
                ),
            )
        })?;
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| StoreError::invalid(&format!("periods[{i}]"), e))?;
        let get = |k: usize| record.get(at[k]).unwrap_or("").to_string();
        let months = get(4).parse::<i64>().map_err(|_| {
            StoreError::invalid(
                &format!("periods[{i}].months"),
                format!("`{}` is not a whole number of months", get(4)),
            )
        })?;
        out.push(ForeignPeriod {
            person_sin: get(0),
            country: get(1),
            period_from: get(2),
            period_to: get(3),
            months,
            source: get(5),
        });
    }
    Ok(out)
}
