//! Employers and insured persons: creation with checks, look-ups, filtered lists, and a
//! person's employments with their full history.

use crate::audit::{Change, append};
use crate::model::*;
use crate::{Store, StoreError, now, on_pool};
use ansinh_core::Date;
use ansinh_core::ids::{IdError, PersonalId, Sex, SocialInsuranceNumber, TaxCode, UnitCode};
use sqlx::Row;
use std::collections::BTreeMap;

/// A bind value of a dynamically built query.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// Binds `$args` in order onto `$query` (for whichever pool type is in scope).
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for arg in $args {
            q = match arg {
                $crate::registry::Arg::Text(v) => q.bind(v.clone()),
                $crate::registry::Arg::Int(v) => q.bind(*v),
            };
        }
        q
    }};
}

macro_rules! employer_from_row {
    ($r:expr) => {
        Employer {
            unit_code: $r.try_get("unit_code")?,
            tax_code: $r.try_get("tax_code")?,
            name: $r.try_get("name")?,
            address: $r.try_get("address")?,
            province: $r.try_get("province")?,
            region: $r.try_get("region")?,
            occupational_rate: $r.try_get("occupational_rate")?,
            status: $r.try_get("status")?,
            created_at: $r.try_get("created_at")?,
        }
    };
}

macro_rules! person_from_row {
    ($r:expr) => {
        Person {
            sin: $r.try_get("sin")?,
            personal_id: $r.try_get("personal_id")?,
            name: $r.try_get("name")?,
            sex: $r.try_get("sex")?,
            birth_date: $r.try_get("birth_date")?,
            nationality: $r.try_get("nationality")?,
            created_at: $r.try_get("created_at")?,
        }
    };
}
pub(crate) use person_from_row;

const EMPLOYER_COLUMNS: &str =
    "unit_code, tax_code, name, address, province, region, occupational_rate, status, created_at";
pub(crate) const PERSON_COLUMNS: &str =
    "sin, personal_id, name, sex, birth_date, nationality, created_at";

fn required(field: &str, value: &str) -> Result<String, StoreError> {
    required_text(value).map_err(|(en, _)| StoreError::invalid(field, en))
}

/// A required text of at most 200 characters, trimmed; else why not, in English and Vietnamese.
fn required_text(value: &str) -> Result<String, (&'static str, &'static str)> {
    let v = value.trim();
    if v.is_empty() {
        return Err(("must not be empty", "không được để trống"));
    }
    if v.chars().count() > 200 {
        return Err(("must be at most 200 characters", "tối đa 200 ký tự"));
    }
    Ok(v.to_string())
}

/// Checks a new employer's fields in the registry of jurisdiction `home` (`VN`, `LA`); returns
/// it normalised. In Vietnam: a 10- or 13-digit tax code, the minimum-wage region 1–4 and the
/// occupational rate of Decree 58/2020 Art. 4.1. In Laos (a labour unit): a province of the
/// Lao package (by code, Lao or English name; stored in Lao), no region (one national
/// minimum), no occupational-rate option, a tax number of 6–15 digits (the Lao shape is not
/// confirmed).
pub fn check_employer_in(e: &NewEmployer, home: &str) -> Result<NewEmployer, StoreError> {
    let unit_code: UnitCode = e
        .unit_code
        .parse()
        .map_err(|err| StoreError::invalid("unit_code", err))?;
    let (tax_code, province, region, occupational_rate) = if home == "LA" {
        lao_employer_fields(e)?
    } else {
        let tax_code: TaxCode = e
            .tax_code
            .parse()
            .map_err(|err| StoreError::invalid("tax_code", err))?;
        if !(1..=4).contains(&e.region) {
            return Err(StoreError::invalid(
                "region",
                format!("must be 1, 2, 3 or 4 (vùng I–IV), found {}", e.region),
            ));
        }
        if !["0.5%", "0.3%"].contains(&e.occupational_rate.as_str()) {
            return Err(StoreError::invalid(
                "occupational_rate",
                "must be \"0.5%\" or \"0.3%\" (Decree 58/2020 Art. 4.1)",
            ));
        }
        // Checked after the name, as the province always was.
        (
            tax_code.to_string(),
            e.province.clone(),
            e.region,
            e.occupational_rate.clone(),
        )
    };
    if !["active", "suspended", "closed"].contains(&e.status.as_str()) {
        return Err(StoreError::invalid(
            "status",
            "must be active, suspended or closed",
        ));
    }
    let name = required("name", &e.name)?;
    let province = if home == "LA" {
        province
    } else {
        required("province", &province)?
    };
    Ok(NewEmployer {
        unit_code: unit_code.to_string(),
        tax_code,
        name,
        address: e.address.trim().to_string(),
        province,
        region,
        occupational_rate,
        status: e.status.clone(),
    })
}

/// The fields a Lao labour unit has its own way: tax number, province, region, rate.
fn lao_employer_fields(e: &NewEmployer) -> Result<(String, String, i64, String), StoreError> {
    let tax = e.tax_code.trim();
    if !(6..=15).contains(&tax.len()) || !tax.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::invalid(
            "tax_code",
            format!("a Lao tax number must be 6 to 15 digits, found `{tax}`"),
        ));
    }
    if e.region != 0 {
        return Err(StoreError::invalid(
            "region",
            "Laos has no minimum-wage regions: leave `region` out",
        ));
    }
    let asked = e.province.trim();
    let provinces = ansinh_la::LAOS.provinces;
    let province = provinces
        .iter()
        .find(|p| {
            p.code.eq_ignore_ascii_case(asked)
                || p.local == asked
                || p.en.eq_ignore_ascii_case(asked)
        })
        .ok_or_else(|| {
            StoreError::invalid(
                "province",
                format!(
                    "`{asked}` is not a Lao province; one of {}",
                    provinces
                        .iter()
                        .map(|p| format!("{} ({})", p.code, p.en))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    Ok((tax.to_string(), province.local.to_string(), 0, "-".into()))
}

/// Why a new person's fields were refused, in English and in Vietnamese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonError {
    pub field: &'static str,
    pub reason: String,
    pub reason_vi: String,
}

impl PersonError {
    fn new(field: &'static str, reason: impl ToString, reason_vi: impl ToString) -> PersonError {
        PersonError {
            field,
            reason: reason.to_string(),
            reason_vi: reason_vi.to_string(),
        }
    }
}

impl From<PersonError> for StoreError {
    fn from(e: PersonError) -> StoreError {
        StoreError::invalid(e.field, e.reason)
    }
}

/// Checks a new person's fields in the registry of jurisdiction `home` (`VN`, `LA`): ID
/// formats; a national of it shows its identity number (Vietnam's 12-digit citizen ID, which
/// must agree with sex and birth year; a Lao identity card of the shape the Lao package gives),
/// anyone else a passport number. An absent nationality is `home`'s.
pub fn check_person_in(p: &NewPerson, today: Date, home: &str) -> Result<NewPerson, PersonError> {
    let given = p.nationality.trim().to_ascii_uppercase();
    let nationality = if given.is_empty() {
        home.to_string()
    } else {
        given
    };
    if nationality.len() != 2 || !nationality.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(PersonError::new(
            "nationality",
            "must be a two-letter country code such as VN",
            "phải là mã quốc gia hai chữ cái, ví dụ VN",
        ));
    }
    let sex: Sex = match p.sex.trim() {
        "male" => Sex::Male,
        "female" => Sex::Female,
        other => {
            return Err(PersonError::new(
                "sex",
                format!("must be male or female, found `{other}`"),
                format!("phải là male (nam) hoặc female (nữ), đã ghi `{other}`"),
            ));
        }
    };
    let birth = crate::parse_date("birth_date", &p.birth_date).map_err(|e| {
        let reason = match e {
            StoreError::Invalid { reason, .. } => reason,
            other => other.to_string(),
        };
        PersonError::new(
            "birth_date",
            reason,
            format!("`{}` không phải là ngày YYYY-MM-DD", p.birth_date),
        )
    })?;
    if birth > today || birth.year() < 1900 {
        return Err(PersonError::new(
            "birth_date",
            format!("{birth} is not a plausible birth date"),
            format!("{birth} không phải là ngày sinh hợp lý"),
        ));
    }
    let lao_card = ansinh_la::LAOS.identifier("id_card");
    let personal_id = if home == "LA" && nationality == "LA" {
        let id = p.personal_id.trim().to_string();
        if let Some(card) = lao_card
            && !(card.valid)(&id)
        {
            return Err(PersonError::new(
                "personal_id",
                format!(
                    "a Lao identity card number must be {}, found `{id}`",
                    card.shape
                ),
                format!("số thẻ căn cước Lào phải là {}, đã ghi `{id}`", card.shape),
            ));
        }
        id
    } else if home == "VN" && nationality == "VN" {
        let id: PersonalId = p
            .personal_id
            .parse()
            .map_err(|e: IdError| PersonError::new("personal_id", &e, e.vi()))?;
        if !id.matches(sex, birth) {
            return Err(PersonError::new(
                "personal_id",
                "its 4th to 6th digits (century, sex, year of birth) do not agree with sex and birth_date",
                "chữ số thứ 4 đến 6 (thế kỷ, giới tính, năm sinh) không khớp với giới tính và ngày sinh",
            ));
        }
        id.to_string()
    } else {
        let doc = p.personal_id.trim().to_ascii_uppercase();
        if !(6..=20).contains(&doc.len()) || !doc.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(PersonError::new(
                "personal_id",
                "a foreign national's passport number must be 6–20 letters or digits",
                "số hộ chiếu của người nước ngoài phải gồm 6–20 chữ cái hoặc chữ số",
            ));
        }
        doc
    };
    let sin = match &p.sin {
        Some(s) => Some(
            s.parse::<SocialInsuranceNumber>()
                .map_err(|e: IdError| PersonError::new("sin", &e, e.vi()))?
                .to_string(),
        ),
        None => None,
    };
    let name = required_text(&p.name).map_err(|(en, vi)| PersonError::new("name", en, vi))?;
    Ok(NewPerson {
        sin,
        personal_id,
        name,
        sex: p.sex.trim().to_string(),
        birth_date: birth.to_string(),
        nationality,
    })
}

pub(crate) fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// A fresh social insurance number (the agency issues them; 10 random digits, retried on clash).
pub(crate) fn issue_sin(rng: &mut fastrand::Rng) -> String {
    format!("{:010}", rng.u64(1_000_000_000..10_000_000_000))
}

impl Store {
    pub async fn create_employer(&self, e: &NewEmployer) -> Result<Employer, StoreError> {
        let e = check_employer_in(e, &self.home().await?)?;
        let created_at = now();
        let sql = format!(
            "INSERT INTO employers ({EMPLOYER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query(&sql)
                .bind(&e.unit_code).bind(&e.tax_code).bind(&e.name).bind(&e.address).bind(&e.province)
                .bind(e.region).bind(&e.occupational_rate).bind(&e.status).bind(&created_at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "employer.create",
                entity_kind: "employer",
                entity_id: e.unit_code.clone(),
                change: serde_json::to_value(&e).unwrap_or_default(),
            })?;
            tx.commit().await
        }.await);
        result
            .map_err(|err| {
                StoreError::from(err).unique_as(
                    "unit_code",
                    format!("employer {} is already registered", e.unit_code),
                )
            })
            .map(|()| Employer {
                unit_code: e.unit_code,
                tax_code: e.tax_code,
                name: e.name,
                address: e.address,
                province: e.province,
                region: e.region,
                occupational_rate: e.occupational_rate,
                status: e.status,
                created_at,
            })
    }

    /// The employer, or `NotFound` naming it.
    pub async fn existing_employer(&self, unit_code: &str) -> Result<Employer, StoreError> {
        self.employer(unit_code)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("employer {}", unit_code.trim().to_ascii_uppercase()),
            })
    }

    pub async fn employer(&self, unit_code: &str) -> Result<Option<Employer>, StoreError> {
        let sql = format!("SELECT {EMPLOYER_COLUMNS} FROM employers WHERE unit_code = $1");
        let code = unit_code.trim().to_ascii_uppercase();
        on_pool!(self, pool => {
            match sqlx::query(&sql).bind(&code).fetch_optional(pool).await? {
                Some(r) => Ok(Some(employer_from_row!(r))),
                None => Ok(None),
            }
        })
    }

    /// Employers by unit code, after `page.after`, with the filters.
    pub async fn list_employers(
        &self,
        f: &EmployerFilter,
        page: &Page,
    ) -> Result<Vec<Employer>, StoreError> {
        let q = employer_filter(
            format!("SELECT {EMPLOYER_COLUMNS} FROM employers WHERE 1 = 1"),
            f,
        );
        let (sql, args) = q.page("unit_code", page);
        on_pool!(self, pool => {
            let rows = bind_args!(sqlx::query(&sql), &args).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(employer_from_row!(r))).collect()
        })
    }

    /// How many employers the filter selects (the count shown above a list's pages).
    pub async fn count_employers(&self, f: &EmployerFilter) -> Result<i64, StoreError> {
        let q = employer_filter("SELECT COUNT(*) AS n FROM employers WHERE 1 = 1".into(), f);
        on_pool!(self, pool => Ok(bind_args!(sqlx::query(&q.sql), &q.args).fetch_one(pool).await?.try_get("n")?))
    }

    /// How many persons the filter selects.
    pub async fn count_persons(&self, f: &PersonFilter) -> Result<i64, StoreError> {
        let q = person_filter("SELECT COUNT(*) AS n FROM persons p WHERE 1 = 1".into(), f);
        on_pool!(self, pool => Ok(bind_args!(sqlx::query(&q.sql), &q.args).fetch_one(pool).await?.try_get("n")?))
    }
}

fn employer_filter(select: String, f: &EmployerFilter) -> Filtered {
    let mut q = Filtered::new(select);
    {
        if let Some(v) = &f.province {
            q.and("province =", Arg::Text(v.clone()), "");
        }
        if let Some(v) = f.region {
            q.and("region =", Arg::Int(v), "");
        }
        if let Some(v) = &f.status {
            q.and("status =", Arg::Text(v.clone()), "");
        }
        if let Some(v) = &f.q {
            q.and(
                "name LIKE",
                Arg::Text(format!("%{}%", escape_like(v))),
                LIKE_ESCAPE,
            );
        }
    }
    q
}

fn person_filter(select: String, f: &PersonFilter) -> Filtered {
    let mut q = Filtered::new(select);
    if let Some(v) = &f.q {
        q.and(
            "name LIKE",
            Arg::Text(format!("{}%", escape_like(v))),
            LIKE_ESCAPE,
        );
    }
    if let Some(v) = &f.nationality {
        q.and("nationality =", Arg::Text(v.to_ascii_uppercase()), "");
    }
    if let Some(v) = &f.employer {
        q.and(
            "EXISTS (SELECT 1 FROM employments e WHERE e.person_sin = p.sin AND e.employer_code =",
            Arg::Text(v.to_ascii_uppercase()),
            ")",
        );
    }
    q
}

impl Store {
    /// Registers a person; a personal ID already registered is a conflict naming the holder.
    pub async fn create_person(&self, p: &NewPerson) -> Result<Person, StoreError> {
        let p = check_person_in(p, today(), &self.home().await?)?;
        if let Some(existing) = self.person_by_personal_id(&p.personal_id).await? {
            return Err(StoreError::Conflict {
                field: "personal_id".into(),
                reason: format!(
                    "already registered with social insurance number {}",
                    existing.sin
                ),
            });
        }
        let mut rng = fastrand::Rng::new();
        let created_at = now();
        let sql =
            format!("INSERT INTO persons ({PERSON_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        for _ in 0..5 {
            let sin = p.sin.clone().unwrap_or_else(|| issue_sin(&mut rng));
            let result = on_pool!(self, pool => async {
                let mut tx = pool.begin().await?;
                sqlx::query(&sql)
                    .bind(&sin).bind(&p.personal_id).bind(&p.name).bind(&p.sex).bind(&p.birth_date)
                    .bind(&p.nationality).bind(&created_at)
                    .execute(&mut *tx).await?;
                append!(tx, self, Change {
                    action: "person.create",
                    entity_kind: "person",
                    entity_id: sin.clone(),
                    change: serde_json::json!({
                        "personal_id": p.personal_id, "name": p.name, "sex": p.sex,
                        "birth_date": p.birth_date, "nationality": p.nationality,
                    }),
                })?;
                tx.commit().await
            }.await);
            match result.map_err(StoreError::from) {
                Ok(_) => {
                    return Ok(Person {
                        sin,
                        personal_id: p.personal_id,
                        name: p.name,
                        sex: p.sex,
                        birth_date: p.birth_date,
                        nationality: p.nationality,
                        created_at,
                    });
                }
                Err(err) if err.is_unique_violation() => {
                    if self.person_by_personal_id(&p.personal_id).await?.is_some() {
                        return Err(StoreError::Conflict {
                            field: "personal_id".into(),
                            reason: "already registered".into(),
                        });
                    }
                    if p.sin.is_some() {
                        return Err(StoreError::Conflict {
                            field: "sin".into(),
                            reason: format!("{sin} is already issued"),
                        });
                    }
                }
                Err(err) => return Err(err),
            }
        }
        Err(StoreError::Conflict {
            field: "sin".into(),
            reason: "could not issue a free number".into(),
        })
    }

    pub async fn person(&self, sin: &str) -> Result<Option<Person>, StoreError> {
        self.person_where("sin", sin.trim()).await
    }

    pub async fn person_by_personal_id(
        &self,
        personal_id: &str,
    ) -> Result<Option<Person>, StoreError> {
        self.person_where("personal_id", &personal_id.trim().to_ascii_uppercase())
            .await
    }

    async fn person_where(&self, column: &str, value: &str) -> Result<Option<Person>, StoreError> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE {column} = $1");
        on_pool!(self, pool => {
            match sqlx::query(&sql).bind(value).fetch_optional(pool).await? {
                Some(r) => Ok(Some(person_from_row!(r))),
                None => Ok(None),
            }
        })
    }

    /// Persons by social insurance number, after `page.after`, with the filters.
    pub async fn list_persons(
        &self,
        f: &PersonFilter,
        page: &Page,
    ) -> Result<Vec<Person>, StoreError> {
        let q = person_filter(
            format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE 1 = 1"),
            f,
        );
        let (sql, args) = q.page("sin", page);
        on_pool!(self, pool => {
            let rows = bind_args!(sqlx::query(&sql), &args).fetch_all(pool).await?;
            rows.iter().map(|r| Ok(person_from_row!(r))).collect()
        })
    }

    /// A person's employments, oldest first, each with its events and salary records.
    pub async fn employments(&self, sin: &str) -> Result<Vec<Employment>, StoreError> {
        let sin = sin.trim();
        let (rows, events, salaries) = on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT employment_id, employer_code, start_date, contract_kind, contract_months, participant \
                 FROM employments WHERE person_sin = $1 ORDER BY start_date, employment_id",
            )
            .bind(sin)
            .fetch_all(pool)
            .await?;
            let mut list = Vec::new();
            for r in &rows {
                list.push((
                    r.try_get::<String, _>("employment_id")?,
                    r.try_get::<String, _>("employer_code")?,
                    r.try_get::<String, _>("start_date")?,
                    r.try_get::<String, _>("contract_kind")?,
                    r.try_get::<Option<i64>, _>("contract_months")?,
                    r.try_get::<String, _>("participant")?,
                ));
            }
            let mut events: BTreeMap<String, Vec<EmploymentEvent>> = BTreeMap::new();
            for r in sqlx::query(
                "SELECT employment_id, seq, event, event_date, reason, batch_id FROM employment_events \
                 WHERE person_sin = $1 ORDER BY employment_id, seq",
            )
            .bind(sin)
            .fetch_all(pool)
            .await?
            {
                events.entry(r.try_get("employment_id")?).or_default().push(EmploymentEvent {
                    seq: r.try_get("seq")?,
                    event: r.try_get("event")?,
                    date: r.try_get("event_date")?,
                    reason: r.try_get("reason")?,
                    batch_id: r.try_get("batch_id")?,
                });
            }
            let mut salaries: BTreeMap<String, Vec<SalaryRecord>> = BTreeMap::new();
            for r in sqlx::query(
                "SELECT employment_id, seq, effective_month, salary, allowances, supersedes, batch_id, recorded_at \
                 FROM salaries WHERE person_sin = $1 ORDER BY employment_id, seq",
            )
            .bind(sin)
            .fetch_all(pool)
            .await?
            {
                salaries.entry(r.try_get("employment_id")?).or_default().push(SalaryRecord {
                    seq: r.try_get("seq")?,
                    effective_month: r.try_get("effective_month")?,
                    salary: r.try_get("salary")?,
                    allowances: r.try_get("allowances")?,
                    supersedes: r.try_get("supersedes")?,
                    batch_id: r.try_get("batch_id")?,
                    recorded_at: r.try_get("recorded_at")?,
                });
            }
            Ok::<_, StoreError>((list, events, salaries))
        })?;
        let (mut events, mut salaries) = (events, salaries);
        rows.into_iter()
            .map(|(id, employer, start, kind, months, participant)| {
                let events = events.remove(&id).unwrap_or_default();
                let (status, end_date) = status_of(&events)?;
                Ok(Employment {
                    salaries: salaries.remove(&id).unwrap_or_default(),
                    employment_id: id,
                    person_sin: sin.to_string(),
                    employer_code: employer,
                    start_date: start,
                    end_date,
                    status,
                    contract_kind: kind,
                    contract_months: months,
                    participant,
                    events,
                })
            })
            .collect()
    }
}

/// Status and end date derived from the append-only events.
fn status_of(events: &[EmploymentEvent]) -> Result<(String, Option<String>), StoreError> {
    let mut course = crate::course::Course::default();
    for e in events {
        let date: Date = e
            .date
            .parse()
            .map_err(|_| StoreError::invalid("event_date", &e.date))?;
        course.apply(&e.event, date);
    }
    Ok((
        course.status().to_string(),
        course.end.map(|d| d.to_string()),
    ))
}

/// A SELECT with AND-ed conditions, each followed by its own `$n`, then keyset paging.
struct Filtered {
    sql: String,
    args: Vec<Arg>,
}

const LIKE_ESCAPE: &str = " ESCAPE '\\'";

impl Filtered {
    fn new(select: String) -> Filtered {
        Filtered {
            sql: select,
            args: Vec::new(),
        }
    }

    /// Appends ` AND {cond} $n{tail}` and binds `arg` to `$n`.
    fn and(&mut self, cond: &str, arg: Arg, tail: &str) {
        self.args.push(arg);
        self.sql
            .push_str(&format!(" AND {cond} ${}{tail}", self.args.len()));
    }

    /// Rows after `page.after` by `key`, in `key` order, at most `page.limit()`.
    fn page(mut self, key: &str, page: &Page) -> (String, Vec<Arg>) {
        if let Some(v) = &page.after {
            self.and(&format!("{key} >"), Arg::Text(v.clone()), "");
        }
        self.args.push(Arg::Int(page.limit()));
        self.sql
            .push_str(&format!(" ORDER BY {key} LIMIT ${}", self.args.len()));
        (self.sql, self.args)
    }
}

fn escape_like(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
