//! A realistic synthetic population for demos, tests and benchmarks: employers across provinces
//! and regions, Vietnamese and foreign workers with valid identifiers, contracts of every kind,
//! job changes over the years, salary rises, maternity suspensions. Reproducible from a seed.
//! A Lao database gets a Lao population: names in Lao script, the 18 provinces, labour units
//! named in Lao, salaries from the Lao minimum wage, identity card numbers of Lao shape.
//!
//! Rows are written in multi-row INSERTs inside large transactions (never one row at a time).

use crate::RunLaw;
use crate::bulk::{BulkInsert, BulkRow, Cell};
use crate::{Store, StoreError, now, on_pool};
use ansinh_core::{Date, Month};
use sqlx::QueryBuilder;
use std::collections::HashSet;

/// (province, personal-ID province code, minimum-wage region, weight).
const PROVINCES: [(&str, &str, i64, u32); 16] = [
    ("Hà Nội", "001", 1, 20),
    ("TP. Hồ Chí Minh", "079", 1, 25),
    ("Hải Phòng", "031", 1, 5),
    ("Bình Dương", "074", 1, 7),
    ("Đồng Nai", "075", 1, 6),
    ("Bắc Ninh", "027", 2, 5),
    ("Đà Nẵng", "048", 2, 4),
    ("Cần Thơ", "092", 2, 3),
    ("Quảng Ninh", "022", 2, 3),
    ("Thái Nguyên", "019", 2, 3),
    ("Nghệ An", "040", 3, 4),
    ("Thanh Hóa", "038", 3, 4),
    ("Lâm Đồng", "068", 3, 3),
    ("Đắk Lắk", "066", 3, 3),
    ("Hà Giang", "002", 4, 2),
    ("Điện Biên", "011", 4, 2),
];

const FAMILY: [(&str, u32); 14] = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 5),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
];
const MIDDLE_MALE: [&str; 5] = ["Văn", "Hữu", "Đức", "Minh", "Quang"];
const MIDDLE_FEMALE: [&str; 5] = ["Thị", "Ngọc", "Thanh", "Thu", "Mai"];
const GIVEN_MALE: [&str; 12] = [
    "An", "Bình", "Dũng", "Hải", "Hùng", "Khang", "Long", "Nam", "Phong", "Quân", "Sơn", "Tuấn",
];
const GIVEN_FEMALE: [&str; 12] = [
    "Anh", "Châu", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Phương", "Thảo", "Trang", "Yến",
];
const FOREIGN: [(&str, &str); 5] = [
    ("KR", "Kim Min-jun"),
    ("CN", "Wang Wei"),
    ("JP", "Tanaka Hiroshi"),
    ("TW", "Chen Yi-ting"),
    ("US", "John Smith"),
];
/// Lao family names, and given names, in Lao script (common ones; no real person meant).
const LAO_FAMILY: [&str; 12] = [
    "ພົມມະວົງ",
    "ສີສຸວັນ",
    "ແກ້ວມະນີ",
    "ວົງສະຫວັນ",
    "ສຸລິຍະວົງ",
    "ພິມມະສອນ",
    "ອິນທະວົງ",
    "ຈັນທະລາ",
    "ສີຫາລາດ",
    "ບຸບຜາ",
    "ໄຊຍະວົງ",
    "ດວງມະນີ",
];
const LAO_GIVEN_MALE: [&str; 10] = [
    "ບຸນມີ",
    "ສົມພອນ",
    "ຄຳພອນ",
    "ທອງໃສ",
    "ສີສະຫວາດ",
    "ບຸນເລີດ",
    "ແສງອາລຸນ",
    "ພູວົງ",
    "ສົມສັກ",
    "ວຽງໄຊ",
];
const LAO_GIVEN_FEMALE: [&str; 10] = [
    "ແສງເດືອນ",
    "ມະນີວອນ",
    "ສຸດາ",
    "ວັນນາ",
    "ບົວຄຳ",
    "ນິດຕະຍາ",
    "ພອນທິບ",
    "ຄຳແພງ",
    "ອາລຸນີ",
    "ວິໄລວອນ",
];
/// Lines of business of Lao labour units.
const LAO_BUSINESS: [&str; 8] = [
    "ຕັດຫຍິບ",
    "ກໍ່ສ້າງ",
    "ກະສິກຳ",
    "ຂົນສົ່ງ",
    "ທ່ອງທ່ຽວ",
    "ບໍ່ແຮ່",
    "ການຄ້າ",
    "ໄຟຟ້າ",
];

const BUSINESS: [&str; 10] = [
    "May mặc",
    "Điện tử",
    "Xây dựng",
    "Thực phẩm",
    "Vận tải",
    "Phần mềm",
    "Thương mại",
    "Cơ khí",
    "Giày da",
    "Du lịch",
];

#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub employers: usize,
    pub persons: usize,
    pub seed: u64,
    /// Last month of the generated histories.
    pub until: Month,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateSummary {
    pub employers: u64,
    pub persons: u64,
    pub employments: u64,
    pub salaries: u64,
    pub events: u64,
}

fn weighted<T: Copy>(rng: &mut fastrand::Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.u32(0..total);
    for (item, w) in items {
        if pick < *w {
            return *item;
        }
        pick -= w;
    }
    items[0].0
}

/// (sin, employment id, employer, start, contract kind, contract months, participant).
type EmploymentRow = (String, String, String, String, String, Option<i64>, String);
/// (sin, employment id, seq, month, salary, allowances).
type SalaryRow = (String, String, i64, String, i64, i64);
/// (sin, employment id, seq, event, date, reason).
type EventRow = (String, String, i64, String, String, Option<String>);

/// A generated row with the batch and time every row of a load shares.
struct Stamped<'a, T> {
    row: &'a T,
    batch: &'a str,
    at: &'a str,
}

impl BulkRow for Stamped<'_, [String; 6]> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        out.extend(self.row.iter().map(|t| Cell::Text(t)));
        out.push(Cell::Text(self.at));
    }
}

impl BulkRow for Stamped<'_, EmploymentRow> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let e = self.row;
        out.extend([
            Cell::Text(&e.0),
            Cell::Text(&e.1),
            Cell::Text(&e.2),
            Cell::Text(&e.3),
            Cell::Text(&e.4),
            Cell::opt_int(e.5),
            Cell::Text(&e.6),
            Cell::Text(self.batch),
        ]);
    }
}

impl BulkRow for Stamped<'_, SalaryRow> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let s = self.row;
        out.extend([
            Cell::Text(&s.0),
            Cell::Text(&s.1),
            Cell::Int(s.2),
            Cell::Text(&s.3),
            Cell::Int(s.4),
            Cell::Int(s.5),
            Cell::NullInt,
            Cell::Text(self.batch),
            Cell::Text(self.at),
        ]);
    }
}

impl BulkRow for Stamped<'_, EventRow> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let e = self.row;
        out.extend([
            Cell::Text(&e.0),
            Cell::Text(&e.1),
            Cell::Int(e.2),
            Cell::Text(&e.3),
            Cell::Text(&e.4),
            Cell::opt_text(e.5.as_deref()),
            Cell::Text(self.batch),
        ]);
    }
}

fn stamped<'a, T>(rows: &'a [T], batch: &'a str, at: &'a str) -> Vec<Stamped<'a, T>> {
    rows.iter().map(|row| Stamped { row, batch, at }).collect()
}

struct Rows {
    persons: Vec<[String; 6]>,
    employments: Vec<EmploymentRow>,
    salaries: Vec<SalaryRow>,
    events: Vec<EventRow>,
}

impl Rows {
    fn new() -> Rows {
        Rows {
            persons: Vec::new(),
            employments: Vec::new(),
            salaries: Vec::new(),
            events: Vec::new(),
        }
    }
}

/// The minimum wages of the law, per region, from each date: Vietnam's four regions, or Laos'
/// one national minimum (the same in every slot).
fn minima(law: RunLaw<'_>) -> Vec<(Date, [i64; 4])> {
    match law {
        RunLaw::Vietnam(params) => params
            .regional_minimum_wage
            .entries()
            .iter()
            .map(|e| (e.from, e.value.monthly.map(|d| d.get())))
            .collect(),
        RunLaw::Laos(params) => params
            .minimum_wage
            .entries()
            .iter()
            .map(|e| (e.from, [e.value.amount.get(); 4]))
            .collect(),
    }
}

/// Floor-respecting salary: a multiple of the regional minimum in force (or the earliest known).
fn salary_at(minima: &[(Date, [i64; 4])], region: i64, month: Month, factor_pct: i64) -> i64 {
    let day = month.first_day();
    let entry = minima
        .iter()
        .rev()
        .find(|(from, _)| *from <= day)
        .or(minima.first());
    let minimum = entry.map_or(0, |(_, m)| m[(region.clamp(1, 4) - 1) as usize]);
    (minimum * factor_pct / 100 / 1000) * 1000
}

impl Store {
    /// Writes a synthetic population; `progress` receives the number of persons written so far.
    pub async fn generate<'l>(
        &self,
        law: impl Into<RunLaw<'l>>,
        opts: &GenerateOptions,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<GenerateSummary, StoreError> {
        let law = law.into();
        self.require_law(law.code(), "a population").await?;
        let lao = matches!(law, RunLaw::Laos(_));
        let minima = minima(law);
        if opts.employers == 0 && opts.persons > 0 {
            return Err(StoreError::invalid(
                "employers",
                "persons need at least one employer",
            ));
        }
        let mut rng = fastrand::Rng::with_seed(opts.seed);
        let at = now();
        let batch = format!("generated-{}", opts.seed);
        let mut summary = GenerateSummary::default();
        let province_weights: Vec<(usize, u32)> = PROVINCES
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.3))
            .collect();

        // Employers: unit codes continue after any already generated.
        let mut employers = Vec::with_capacity(opts.employers);
        let lao_provinces = ansinh_la::LAOS.provinces;
        for i in 0..opts.employers {
            if lao {
                // Vientiane Capital holds about a third of the labour units.
                let p = if rng.u8(..3) == 0 {
                    &lao_provinces[0]
                } else {
                    &lao_provinces[rng.usize(..lao_provinces.len())]
                };
                let code = format!("LA{:02}{:06}", opts.seed % 100, i + 1);
                let name = format!(
                    "ບໍລິສັດ {} {} ຈຳກັດ ເລກທີ {}",
                    LAO_BUSINESS[rng.usize(..LAO_BUSINESS.len())],
                    p.local,
                    i + 1
                );
                let tax = format!("{:012}", rng.u64(100_000_000_000..1_000_000_000_000));
                // No minimum-wage regions and no occupational-rate option in Laos: region 0.
                employers.push((code, tax, name, p.local.to_string(), 0, "-"));
                continue;
            }
            let p = PROVINCES[weighted(&mut rng, &province_weights)];
            let code = format!("DV{:02}{:06}", opts.seed % 100, i + 1);
            let name = format!(
                "Công ty TNHH {} {} số {}",
                BUSINESS[rng.usize(..BUSINESS.len())],
                p.0,
                i + 1
            );
            let tax = format!("0{:09}", rng.u64(100_000_000..1_000_000_000));
            let rate = if rng.u8(..10) == 0 { "0.3%" } else { "0.5%" };
            employers.push((code, tax, name, p.0.to_string(), p.2, rate));
        }
        for chunk in employers.chunks(1000) {
            on_pool!(self, pool => {
                let mut q = QueryBuilder::new("INSERT INTO employers (unit_code, tax_code, name, address, province, region, occupational_rate, status, created_at) ");
                q.push_values(chunk, |mut b, e| {
                    let country = if lao { "ສປປ ລາວ" } else { "Việt Nam" };
                    b.push_bind(&e.0).push_bind(&e.1).push_bind(&e.2).push_bind(format!("{}, {country}", e.3)).push_bind(&e.3)
                        .push_bind(e.4).push_bind(e.5).push_bind("active").push_bind(&at);
                });
                q.build().execute(pool).await?;
            });
        }
        summary.employers = employers.len() as u64;

        // Rows are made on their own thread while the previous batch is written.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(Rows, u64)>(2);
        let producer = {
            let opts = opts.clone();
            std::thread::spawn(move || {
                let mut used_ids: HashSet<u64> = HashSet::with_capacity(opts.persons);
                let mut rows = Rows::new();
                let first_start = Month::new(2008, 1).unwrap_or(opts.until);
                let span = first_start.months_until(opts.until).max(1);
                for i in 0..opts.persons {
                    let foreign = rng.u8(..100) < 2;
                    let female = rng.bool();
                    let birth_year = rng.i32(1965..2005);
                    let birth = Date::new(birth_year as i16, rng.i8(1..13), rng.i8(1..29))
                        .unwrap_or(Date::constant(1980, 1, 1));
                    let foreign = foreign && !lao;
                    let (nationality, personal_id, name) = if lao {
                        // A Lao identity card number: 10 digits (the shape is not confirmed).
                        let id = loop {
                            let n = rng.u64(1_000_000_000..10_000_000_000);
                            if used_ids.insert(n) {
                                break n;
                            }
                        };
                        let given = if female {
                            LAO_GIVEN_FEMALE[rng.usize(..LAO_GIVEN_FEMALE.len())]
                        } else {
                            LAO_GIVEN_MALE[rng.usize(..LAO_GIVEN_MALE.len())]
                        };
                        let family = LAO_FAMILY[rng.usize(..LAO_FAMILY.len())];
                        (
                            "LA".to_string(),
                            id.to_string(),
                            format!("{given} {family}"),
                        )
                    } else if foreign {
                        let (country, name) = FOREIGN[rng.usize(..FOREIGN.len())];
                        (country.to_string(), format!("P{:08}", i), name.to_string())
                    } else {
                        let prov = PROVINCES[weighted(&mut rng, &province_weights)].1;
                        let century = if birth_year >= 2000 { 2 } else { 0 } + u64::from(female);
                        let id = loop {
                            let n = prov.parse::<u64>().unwrap_or(1) * 1_000_000_000
                                + century * 100_000_000
                                + (birth_year as u64 % 100) * 1_000_000
                                + rng.u64(..1_000_000);
                            if used_ids.insert(n) {
                                break n;
                            }
                        };
                        let family = weighted(&mut rng, &FAMILY);
                        let (middle, given) = if female {
                            (MIDDLE_FEMALE[rng.usize(..5)], GIVEN_FEMALE[rng.usize(..12)])
                        } else {
                            (MIDDLE_MALE[rng.usize(..5)], GIVEN_MALE[rng.usize(..12)])
                        };
                        (
                            "VN".to_string(),
                            format!("{id:012}"),
                            format!("{family} {middle} {given}"),
                        )
                    };
                    let sin = format!(
                        "{:010}",
                        7_000_000_000u64 + opts.seed % 100 * 20_000_000 + i as u64
                    );
                    let sex = if female { "female" } else { "male" };
                    rows.persons.push([
                        sin.clone(),
                        personal_id,
                        name,
                        sex.into(),
                        birth.to_string(),
                        nationality.clone(),
                    ]);

                    // One to three employments, one after the other; the last is usually still open.
                    let adult = Month::new(birth_year + 18, 1).unwrap_or(first_start);
                    let mut start = first_start.plus(rng.i32(0..span)).max(adult);
                    let jobs = 1 + usize::from(rng.u8(..10) < 3) + usize::from(rng.u8(..10) < 1);
                    for job in 0..jobs {
                        if start > opts.until {
                            break;
                        }
                        let id = format!("{sin}-{:02}", job + 1);
                        let employer = &employers[(rng.f64().powi(2) * employers.len() as f64)
                            as usize
                            % employers.len()];
                        let (kind, months) = match rng.u8(..100) {
                            _ if foreign => ("definite", Some(24)),
                            0..=69 => ("indefinite", None),
                            70..=94 => ("definite", Some([12, 24, 36][rng.usize(..3)])),
                            _ => ("part_time", None),
                        };
                        let participant = if foreign {
                            "foreign_employee"
                        } else {
                            "employee"
                        };
                        let start_date = start
                            .first_day()
                            .saturating_add(jiff::Span::new().days(rng.i64(0..27)));
                        rows.employments.push((
                            sin.clone(),
                            id.clone(),
                            employer.0.clone(),
                            start_date.to_string(),
                            kind.to_string(),
                            months,
                            participant.to_string(),
                        ));
                        let last = job + 1 == jobs;
                        let end = if last && rng.u8(..100) < 85 {
                            opts.until.plus(1)
                        } else {
                            start.plus(rng.i32(12..72)).min(opts.until.plus(1))
                        };
                        let factor = if kind == "part_time" {
                            60
                        } else {
                            100 + rng.i64(0..250)
                        };
                        let mut seq = 1;
                        let mut month = start;
                        while month < end {
                            rows.salaries.push((
                                sin.clone(),
                                id.clone(),
                                seq,
                                month.to_string(),
                                salary_at(&minima, employer.4, month, factor + 5 * (seq - 1)),
                                0,
                            ));
                            seq += 1;
                            month = month.plus(24);
                        }
                        let mut event_seq = 1;
                        if female && !foreign && rng.u8(..100) < 4 && start.plus(6) < end.plus(-7) {
                            let leave = start.plus(6);
                            rows.events.push((
                                sin.clone(),
                                id.clone(),
                                event_seq,
                                "suspend".into(),
                                leave.first_day().to_string(),
                                Some("maternity".into()),
                            ));
                            rows.events.push((
                                sin.clone(),
                                id.clone(),
                                event_seq + 1,
                                "resume".into(),
                                leave.plus(6).first_day().to_string(),
                                None,
                            ));
                            event_seq += 2;
                        }
                        if end <= opts.until {
                            rows.events.push((
                                sin.clone(),
                                id.clone(),
                                event_seq,
                                "leave".into(),
                                end.first_day()
                                    .yesterday()
                                    .unwrap_or(start_date)
                                    .to_string(),
                                Some("resigned".into()),
                            ));
                        }
                        start = end.plus(rng.i32(0..4));
                    }
                    if (rows.persons.len() >= 20_000 || i + 1 == opts.persons)
                        && tx
                            .blocking_send((
                                std::mem::replace(&mut rows, Rows::new()),
                                i as u64 + 1,
                            ))
                            .is_err()
                    {
                        return;
                    }
                }
            })
        };
        while let Some((mut rows, done)) = rx.recv().await {
            self.flush(&mut rows, &batch, &at, &mut summary).await?;
            progress(done);
        }
        let _ = producer.join();
        Ok(summary)
    }

    async fn flush(
        &self,
        rows: &mut Rows,
        batch: &str,
        at: &str,
        summary: &mut GenerateSummary,
    ) -> Result<(), StoreError> {
        let sqlite = self.kind() == crate::Kind::Sqlite;
        on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            if sqlite {
                // A bulk load of synthetic data: a large cache, and no fsync (a crash leaves a
                // partial synthetic population to delete, never a corrupt registry of real data).
                sqlx::query("PRAGMA cache_size = -524288").execute(&mut *conn).await?;
                sqlx::query("PRAGMA synchronous = OFF").execute(&mut *conn).await?;
            }
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            tx.insert_rows("persons", &["sin", "personal_id", "name", "sex", "birth_date", "nationality", "created_at"], &stamped(&rows.persons, batch, at)).await?;
            tx.insert_rows("employments", &["person_sin", "employment_id", "employer_code", "start_date", "contract_kind", "contract_months", "participant", "batch_id"], &stamped(&rows.employments, batch, at)).await?;
            tx.insert_rows("salaries", &["person_sin", "employment_id", "seq", "effective_month", "salary", "allowances", "supersedes", "batch_id", "recorded_at"], &stamped(&rows.salaries, batch, at)).await?;
            tx.insert_rows("employment_events", &["person_sin", "employment_id", "seq", "event", "event_date", "reason", "batch_id"], &stamped(&rows.events, batch, at)).await?;
            tx.commit().await?;
            if sqlite {
                // Give the pooled connection back as `Store::connect` made it.
                sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                sqlx::query(&format!("PRAGMA cache_size = {}", crate::SQLITE_CACHE_SIZE)).execute(&mut *conn).await?;
            }
        });
        summary.persons += rows.persons.len() as u64;
        summary.employments += rows.employments.len() as u64;
        summary.salaries += rows.salaries.len() as u64;
        summary.events += rows.events.len() as u64;
        *rows = Rows::new();
        Ok(())
    }
}

/// One generated monthly entitlement, with its person.
struct Recipient {
    person: [String; 6],
    kind: &'static str,
    fund: &'static str,
    amount: i64,
    first_month: String,
    before_1995: bool,
    channel: &'static str,
    account: Option<String>,
    collector: Option<String>,
    authorised: Option<(String, String)>,
    office: &'static str,
}

impl BulkRow for Stamped<'_, Recipient> {
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let r = self.row;
        let bank = (r.channel == "bank").then_some("Agribank");
        out.extend([
            Cell::Text(&r.person[0]),
            Cell::Text(&r.person[0]),
            Cell::Text(r.kind),
            Cell::Text(r.fund),
            Cell::Int(r.amount),
            Cell::Text("2024-07-01"),
            Cell::Text(&r.first_month),
            // The stamp's batch slot carries the first month Ansinh pays (`due_from`).
            Cell::Text(self.batch),
            Cell::Int(i64::from(r.before_1995)),
            Cell::Text("active"),
            Cell::Text(r.channel),
            Cell::opt_text(bank),
            Cell::opt_text(r.account.as_deref()),
            Cell::opt_text(r.collector.as_deref()),
            Cell::opt_text(r.authorised.as_ref().map(|a| a.0.as_str())),
            Cell::opt_text(r.authorised.as_ref().map(|a| a.1.as_str())),
            Cell::Text(r.office),
            Cell::Text(self.at),
            Cell::Text(self.at),
        ]);
    }
}

const RECIPIENT_COLUMNS: [&str; 19] = [
    "entitlement_id",
    "person_sin",
    "kind",
    "fund",
    "monthly_amount",
    "amount_as_of",
    "first_month",
    "due_from",
    "before_1995",
    "state",
    "channel",
    "bank",
    "account",
    "collector",
    "authorised_from",
    "authorised_to",
    "office",
    "created_at",
    "updated_at",
];

impl Store {
    /// Adds `n` recipients of monthly benefits to the registry (issue 21's `--pensioners`):
    /// persons born 1930–1964, mostly pensioners (with survivors', the allowance of L41 Art. 23
    /// and occupational pensions), amounts around the 2024 average of 6.2 M đồng, paid into an
    /// account for about 60 %, at the post office (some through an authorised collector) or at
    /// home for people of 80 or more. Every entitlement is paid through `until` by the payroll
    /// before the registry: the first month Ansinh pays is the month after.
    pub async fn generate_recipients(
        &self,
        n: usize,
        seed: u64,
        until: Month,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64, StoreError> {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5045_4E53);
        let at = now();
        let due_from = until.plus(1).to_string();
        let province_weights: Vec<(usize, u32)> = PROVINCES
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.3))
            .collect();
        let mut used: HashSet<u64> = HashSet::with_capacity(n);
        let mut done = 0u64;
        let mut rows: Vec<Recipient> = Vec::with_capacity(20_000);
        for i in 0..n {
            let female = rng.u8(..100) < 55;
            let birth_year = rng.i32(1930..1965);
            let birth = Date::new(birth_year as i16, rng.i8(1..13), rng.i8(1..29))
                .unwrap_or(Date::constant(1955, 1, 1));
            let age = until.year() - birth_year;
            let p = &PROVINCES[weighted(&mut rng, &province_weights)];
            let century = u64::from(female);
            let id = loop {
                let v = p.1.parse::<u64>().unwrap_or(1) * 1_000_000_000
                    + century * 100_000_000
                    + (birth_year as u64 % 100) * 1_000_000
                    + rng.u64(..1_000_000);
                if used.insert(v) {
                    break v;
                }
            };
            let family = weighted(&mut rng, &FAMILY);
            let (middle, given) = if female {
                (MIDDLE_FEMALE[rng.usize(..5)], GIVEN_FEMALE[rng.usize(..12)])
            } else {
                (MIDDLE_MALE[rng.usize(..5)], GIVEN_MALE[rng.usize(..12)])
            };
            let sin = format!(
                "{:010}",
                8_000_000_000u64 + seed % 100 * 20_000_000 + i as u64
            );
            let (kind, fund, amount) = match rng.u8(..100) {
                0..=84 => (
                    "pension",
                    "pension_survivor",
                    2_500_000 + (rng.f64().powi(2) * 16_000_000.0) as i64,
                ),
                85..=91 => (
                    "survivor",
                    "pension_survivor",
                    1_500_000 + rng.i64(0..1_500_000),
                ),
                92..=96 => ("monthly_allowance", "pension_survivor", 2_340_000),
                _ => (
                    "occupational",
                    "occupational",
                    500_000 + rng.i64(0..3_000_000),
                ),
            };
            let retired = Month::new(birth_year + if female { 55 } else { 60 }, rng.u8(1..13))
                .unwrap_or(until)
                .min(until);
            let (channel, account) = match rng.u8(..100) {
                _ if age >= 80 && rng.u8(..100) < 30 => ("home_delivery", None),
                0..=59 => (
                    "bank",
                    Some(format!(
                        "{:013}",
                        rng.u64(1_000_000_000_000..10_000_000_000_000)
                    )),
                ),
                _ => ("post_office", None),
            };
            let authorised = (channel == "post_office" && rng.u8(..10) == 0).then(|| {
                let from = until.plus(-rng.i32(0..11)).first_day();
                let to = from.saturating_add(jiff::Span::new().months(11));
                (from.to_string(), to.to_string())
            });
            rows.push(Recipient {
                person: [
                    sin,
                    format!("{id:012}"),
                    format!("{family} {middle} {given}"),
                    if female { "female" } else { "male" }.into(),
                    birth.to_string(),
                    "VN".into(),
                ],
                kind,
                fund,
                amount,
                before_1995: retired < Month::new(1995, 1).unwrap_or(retired),
                first_month: retired.to_string(),
                channel,
                account,
                collector: authorised.as_ref().map(|_| "Nguyễn Văn Bình".to_string()),
                authorised,
                office: p.0,
            });
            if rows.len() == 20_000 || i + 1 == n {
                let persons: Vec<[String; 6]> = rows.iter().map(|r| r.person.clone()).collect();
                on_pool!(self, pool => {
                    let mut tx = pool.begin().await?;
                    tx.insert_rows("persons", &["sin", "personal_id", "name", "sex", "birth_date", "nationality", "created_at"], &stamped(&persons, "generated", &at)).await?;
                    tx.insert_rows("entitlements", &RECIPIENT_COLUMNS, &stamped(&rows, &due_from, &at)).await?;
                    tx.commit().await?;
                });
                done += rows.len() as u64;
                progress(done);
                rows.clear();
            }
        }
        Ok(done)
    }
}
