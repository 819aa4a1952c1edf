//! An employer's account: payments received, their allocation to contribution months, and per
//! month the unpaid amount, the compliance status (L41 Art. 38–39), the charge accrued
//! (Art. 40–41) and the arrears age.
//!
//! Dues are what the monthly runs wrote (`employer_dues`, the sums of their contribution lines); payments are an append-only table; the
//! balance is never stored, it is derived from both, so it always reconciles to the entries.

use crate::audit::{Change, append};
use crate::{Store, StoreError, now, on_pool};
use ansinh_core::{Date, Dong, Month};
use ansinh_rules::Params;
use ansinh_rules::compliance::{self, MonthFacts, Payment, Registration, Status};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A payment as recorded: a positive amount credited on `paid_on`, or the reversal of an
/// earlier payment (`reverses` names its reference, `amount` is its amount negated).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRecord {
    /// The bank reference (unique per employer).
    pub reference: String,
    /// Day the money reached the agency's account (not in the future).
    pub paid_on: String,
    /// Đồng; positive, or for a reversal the negated amount of the payment reversed.
    pub amount: i64,
    /// The reference of the payment this entry reverses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<String>,
}

/// What each payment's amount and date must be (L41 Art. 34: contributions are paid into the
/// fund's account; a correction is a reversal entry, the ledger is append-only).
fn check_payment(
    p: &PaymentRecord,
    date: Date,
    today: Date,
    first_month: Option<Month>,
    reversed: Option<&PaymentRecord>,
) -> Result<(), StoreError> {
    if date > today {
        return Err(StoreError::invalid(
            "paid_on",
            format!("{date} is in the future: a payment is recorded once received"),
        ));
    }
    let Some(first) = first_month else {
        return Err(StoreError::invalid(
            "employer_code",
            "the employer has declared no worker yet: there are no dues to pay",
        ));
    };
    if date < first.first_day() {
        return Err(StoreError::invalid(
            "paid_on",
            format!("{date} is before the employer's first dues ({first})"),
        ));
    }
    match (&p.reverses, reversed) {
        (None, _) if p.amount <= 0 => Err(StoreError::invalid(
            "amount",
            "must be positive: to correct a payment, record its reversal (`reverses`: its reference)",
        )),
        (None, _) => Ok(()),
        (Some(r), None) => Err(StoreError::invalid(
            "reverses",
            format!("no payment {r} of this employer to reverse"),
        )),
        (Some(_), Some(original)) if original.reverses.is_some() => Err(StoreError::invalid(
            "reverses",
            format!("{} is itself a reversal", original.reference),
        )),
        (Some(_), Some(original)) if p.amount != -original.amount => Err(StoreError::invalid(
            "amount",
            format!("a reversal is of the whole payment: {}", -original.amount),
        )),
        (Some(_), Some(original)) if date < original.paid_on.parse().unwrap_or(date) => {
            Err(StoreError::invalid(
                "paid_on",
                format!("before the payment it reverses ({})", original.paid_on),
            ))
        }
        (Some(_), Some(_)) => Ok(()),
    }
}

/// A written urging to pay a contribution month (L41 Art. 35).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Urging {
    /// Contribution month urged, YYYY-MM.
    pub month: String,
    /// Reference of the letter.
    pub reference: String,
    pub urged_on: String,
}

/// Money of one payment put on one contribution month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub payment: usize,
    pub month: Month,
    pub amount: i64,
}

/// Allocates payments, in date order, to the dues of the oldest contribution month first
/// (FIFO; the order D274/2025 sets is unconfirmed, so this is the documented choice). Money left
/// after every due is covered stays unallocated (a credit). Negative payments (reversals) are
/// not allocated.
pub fn allocate(dues: &[(Month, i64)], payments: &[(Date, i64)]) -> Vec<Allocation> {
    let mut open: Vec<(Month, i64)> = dues.iter().copied().filter(|(_, d)| *d > 0).collect();
    open.sort_by_key(|(m, _)| *m);
    let mut order: Vec<usize> = (0..payments.len()).collect();
    order.sort_by_key(|&i| (payments[i].0, i));
    let mut out = Vec::new();
    let mut cursor = 0;
    for i in order {
        let mut left = payments[i].1;
        while left > 0 && cursor < open.len() {
            let take = left.min(open[cursor].1);
            out.push(Allocation {
                payment: i,
                month: open[cursor].0,
                amount: take,
            });
            open[cursor].1 -= take;
            left -= take;
            if open[cursor].1 == 0 {
                cursor += 1;
            }
        }
    }
    out
}

/// One contribution month of the account.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MonthAccount {
    pub month: String,
    pub dues: i64,
    pub paid: i64,
    pub unpaid: i64,
    pub deadline: String,
    /// `on_time`, `late` or `evasion`.
    pub status: String,
    pub days_late: i64,
    /// Charge accrued to `as_of` (0.03 %/day, L41 Art. 40.1, 41.1).
    pub charge: i64,
    /// `current`, `0-30`, `31-60`, `61-90` or `90+` days past the deadline, for unpaid months.
    pub age: String,
    /// Why the month is late or evaded: the rule and the facts that gave the status (e.g.
    /// "registered 75 days after the registration deadline 2026-03-02: evasion (L41 Art. 39.1.a–b)").
    pub reasons: Vec<String>,
    /// The same reasons in Vietnamese, line for line.
    pub reasons_vi: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Account {
    pub employer_code: String,
    pub as_of: String,
    pub dues: i64,
    pub paid: i64,
    /// Dues − payments (negative: a credit).
    pub balance: i64,
    pub charge: i64,
    pub months: Vec<MonthAccount>,
    pub payments: Vec<PaymentRecord>,
    /// Unpaid amounts by age past the deadline: `0-30`, `31-60`, `61-90`, `90+` days.
    pub ageing: BTreeMap<String, i64>,
}

fn age(days_past_deadline: i64, unpaid: i64) -> &'static str {
    match days_past_deadline {
        _ if unpaid <= 0 => "current",
        d if d <= 0 => "current",
        1..=30 => "0-30",
        31..=60 => "31-60",
        61..=90 => "61-90",
        _ => "90+",
    }
}

/// Of the workers subject during `month` and not yet registered at its start, the one registered
/// the longest after becoming subject: the registration that decides the month's status under
/// L41 Art. 38.2–3 and 39.1.a–b.
fn latest_registration(registrations: &[Registration], month: Month) -> Option<Registration> {
    registrations
        .iter()
        .filter(|r| {
            r.subject_since <= month.last_day()
                && r.registered_on.is_none_or(|d| d >= month.first_day())
        })
        .max_by_key(|r| {
            r.registered_on
                .map(|d| (d - r.subject_since).get_days())
                .unwrap_or(i32::MAX)
        })
        .copied()
}

/// A payment as a row of `payments` holds it (columns reference, paid_on, amount, reverses).
fn payment_from<R: Row>(r: &R) -> Result<PaymentRecord, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'a> sqlx::Decode<'a, R::Database>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(PaymentRecord {
        reference: r.try_get("reference")?,
        paid_on: r.try_get("paid_on")?,
        amount: r.try_get("amount")?,
        reverses: r.try_get("reverses")?,
    })
}

/// The payments to allocate to months, dated: a payment and its reversal cancel, so neither
/// is allocated (the months' payments then sum to the account's paid, which counts both).
fn allocatable(payments: &[PaymentRecord]) -> Vec<(Date, i64)> {
    let reversed: std::collections::HashSet<&str> = payments
        .iter()
        .filter_map(|p| p.reverses.as_deref())
        .collect();
    payments
        .iter()
        .filter(|p| p.reverses.is_none() && !reversed.contains(p.reference.as_str()))
        .filter_map(|p| p.paid_on.parse().ok().map(|d| (d, p.amount)))
        .collect()
}

/// Largest payment recorded in one entry, in đồng.
pub const MAX_PAYMENT: i64 = 1_000_000_000_000_000;

impl Store {
    /// Records a written urging (idempotent on the letter's reference).
    pub async fn record_urging(
        &self,
        employer_code: &str,
        u: &Urging,
    ) -> Result<Urging, StoreError> {
        let code = self.existing_employer(employer_code).await?.unit_code;
        let month: Month = u
            .month
            .trim()
            .parse()
            .map_err(|e: ansinh_core::MonthError| StoreError::invalid("month", e))?;
        let date = crate::parse_date("urged_on", &u.urged_on)?;
        if date <= compliance::payment_deadline(month) {
            return Err(StoreError::invalid(
                "urged_on",
                format!(
                    "{date} is not after the deadline of {month} ({})",
                    compliance::payment_deadline(month)
                ),
            ));
        }
        let reference = u.reference.trim();
        if reference.is_empty() || reference.len() > 100 {
            return Err(StoreError::invalid(
                "reference",
                "must be 1 to 100 characters",
            ));
        }
        let record = Urging {
            month: month.to_string(),
            reference: reference.to_string(),
            urged_on: date.to_string(),
        };
        let at = now();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query("INSERT INTO urgings (employer_code, month, reference, urged_on, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
                .bind(&code).bind(&record.month).bind(&record.reference).bind(&record.urged_on).bind(&at)
                .execute(&mut *tx).await?.rows_affected();
            // A replay of the same letter changes nothing and leaves no second row.
            if inserted > 0 {
                append!(tx, self, Change {
                    action: "urging.record",
                    entity_kind: "employer",
                    entity_id: code.clone(),
                    change: serde_json::to_value(&record).unwrap_or_default(),
                })?;
            }
            tx.commit().await
        }.await)?;
        Ok(record)
    }

    /// Records a payment; the same reference again is refused unless identical (then it is a
    /// replay and changes nothing).
    pub async fn record_payment(
        &self,
        employer_code: &str,
        p: &PaymentRecord,
    ) -> Result<PaymentRecord, StoreError> {
        self.record_payment_once(employer_code, p)
            .await
            .map(|(record, _)| record)
    }

    /// [`Store::record_payment`], saying whether the payment was recorded before (a resent
    /// reference with the same values: nothing changed).
    pub async fn record_payment_once(
        &self,
        employer_code: &str,
        p: &PaymentRecord,
    ) -> Result<(PaymentRecord, bool), StoreError> {
        let code = self.existing_employer(employer_code).await?.unit_code;
        let reference = p.reference.trim();
        if reference.is_empty() || reference.len() > 100 {
            return Err(StoreError::invalid(
                "reference",
                "must be 1 to 100 characters (the bank reference)",
            ));
        }
        let date = crate::parse_date("paid_on", &p.paid_on)?;
        // No employer's dues come near 10^15 đồng; the bound keeps every sum of an account
        // inside i64.
        if p.amount.unsigned_abs() > MAX_PAYMENT.unsigned_abs() {
            return Err(StoreError::invalid(
                "amount",
                format!(
                    "{} is out of range: at most {} đồng",
                    Dong(p.amount),
                    Dong(MAX_PAYMENT)
                ),
            ));
        }
        let record = PaymentRecord {
            reference: reference.to_string(),
            paid_on: date.to_string(),
            amount: p.amount,
            reverses: p.reverses.as_deref().map(|r| r.trim().to_string()),
        };
        let existing = self.payment(&code, &record.reference).await?;
        if let Some(stored) = existing {
            if stored == record {
                return Ok((stored, true));
            }
            return Err(StoreError::Conflict {
                field: "reference".into(),
                reason: format!(
                    "payment {} is already recorded with other values",
                    record.reference
                ),
            });
        }
        let first_month: Option<String> = on_pool!(self, pool => sqlx::query("SELECT MIN(start_date) AS first FROM employments WHERE employer_code = $1")
            .bind(&code).fetch_one(pool).await?.try_get("first")?);
        let first_month = first_month
            .and_then(|d| d.parse::<Date>().ok())
            .map(Month::of);
        let reversed = match &record.reverses {
            Some(r) => self.payment(&code, r).await?,
            None => None,
        };
        check_payment(
            &record,
            date,
            crate::registry::today(),
            first_month,
            reversed.as_ref(),
        )?;
        if let Some(r) = &record.reverses {
            let already: Option<String> = on_pool!(self, pool => match sqlx::query("SELECT reference FROM payments WHERE employer_code = $1 AND reverses = $2")
                .bind(&code).bind(r).fetch_optional(pool).await? {
                Some(row) => Some(row.try_get("reference")?),
                None => None,
            });
            if let Some(other) = already {
                return Err(StoreError::Conflict {
                    field: "reverses".into(),
                    reason: format!("payment {r} is already reversed by {other}"),
                });
            }
        }
        let at = now();
        let inserted = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO payments (employer_code, reference, paid_on, amount, created_at, reverses) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&code).bind(&record.reference).bind(&record.paid_on).bind(record.amount).bind(&at).bind(&record.reverses)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "payment.record",
                entity_kind: "employer",
                entity_id: code.clone(),
                change: serde_json::to_value(&record).unwrap_or_default(),
            })?;
            tx.commit().await
        }.await);
        let field = if record.reverses.is_some() {
            "reverses"
        } else {
            "reference"
        };
        inserted
            .map_err(|e| {
                StoreError::from(e).unique_as(field, "recorded concurrently by someone else")
            })
            .map(|()| (record, false))
    }

    /// One payment of an employer, by reference.
    async fn payment(
        &self,
        code: &str,
        reference: &str,
    ) -> Result<Option<PaymentRecord>, StoreError> {
        Ok(on_pool!(self, pool => {
            match sqlx::query("SELECT reference, paid_on, amount, reverses FROM payments WHERE employer_code = $1 AND reference = $2")
                .bind(code).bind(reference).fetch_optional(pool).await? {
                Some(r) => Some(payment_from(&r)?),
                None => None,
            }
        }))
    }

    /// The employer's account as of a date: dues by contribution month from the monthly
    /// runs, payments allocated oldest month first, and per month the status and charge.
    pub async fn account(
        &self,
        params: &Params,
        employer_code: &str,
        as_of: Date,
    ) -> Result<Account, StoreError> {
        let code = self.existing_employer(employer_code).await?.unit_code;
        self.account_of(params, code, as_of).await
    }

    /// [`Store::account`] of an employer already known to exist.
    pub(crate) async fn account_of(
        &self,
        params: &Params,
        code: String,
        as_of: Date,
    ) -> Result<Account, StoreError> {
        // Late payment and evasion are classified under Vietnam's law (L41 Art. 39–40); the
        // Lao package has no charge rule yet, so a Lao account shows what is unpaid and for how
        // long, without a charge.
        let vietnamese = self.home().await? == "VN";
        let (dues, payments, urgings, registrations) = on_pool!(self, pool => {
            // When each declared worker became subject (the start of the employment) and when
            // the employer registered them (the day its declaration was submitted).
            let mut registrations: Vec<Registration> = Vec::new();
            for r in sqlx::query("SELECT e.start_date, b.submitted_at FROM employments e JOIN declaration_batches b ON b.employer_code = e.employer_code AND b.batch_id = e.batch_id WHERE e.employer_code = $1")
                .bind(&code).fetch_all(pool).await? {
                let (start, submitted): (String, String) = (r.try_get(0)?, r.try_get(1)?);
                let registered = submitted.get(..10).and_then(|d| d.parse::<Date>().ok());
                if let (Ok(subject_since), Some(registered_on)) = (start.parse::<Date>(), registered) {
                    // Not yet registered as of the day asked about.
                    let registered_on = Some(registered_on).filter(|d| *d <= as_of);
                    registrations.push(Registration { subject_since, registered_on });
                }
            }
            let mut dues: BTreeMap<String, i64> = BTreeMap::new();
            for r in sqlx::query("SELECT month, CAST(SUM(total) AS BIGINT) AS total FROM employer_dues WHERE employer_code = $1 GROUP BY month")
                .bind(&code).fetch_all(pool).await? {
                dues.insert(r.try_get("month")?, r.try_get::<Option<i64>, _>("total")?.unwrap_or(0));
            }
            let mut payments = Vec::new();
            for r in sqlx::query("SELECT reference, paid_on, amount, reverses FROM payments WHERE employer_code = $1 AND paid_on <= $2 ORDER BY paid_on, reference")
                .bind(&code).bind(as_of.to_string()).fetch_all(pool).await? {
                payments.push(payment_from(&r)?);
            }
            let mut urgings: BTreeMap<String, Date> = BTreeMap::new();
            for r in sqlx::query("SELECT month, urged_on FROM urgings WHERE employer_code = $1 AND urged_on <= $2")
                .bind(&code).bind(as_of.to_string()).fetch_all(pool).await? {
                let urged: String = r.try_get("urged_on")?;
                if let Ok(d) = urged.parse::<Date>() {
                    let month: String = r.try_get("month")?;
                    let first = urgings.entry(month).or_insert(d);
                    *first = (*first).min(d);
                }
            }
            (dues, payments, urgings, registrations)
        });
        let dues: Vec<(Month, i64)> = dues
            .into_iter()
            .filter_map(|(m, d)| m.parse().ok().map(|m| (m, d)))
            .collect();
        let dated = allocatable(&payments);
        let allocations = allocate(&dues, &dated);
        let mut account = Account {
            employer_code: code,
            as_of: as_of.to_string(),
            dues: dues.iter().map(|(_, d)| d).sum(),
            paid: payments
                .iter()
                .try_fold(0i64, |sum, p| sum.checked_add(p.amount))
                .ok_or_else(|| {
                    StoreError::invalid("payments", "their sum is beyond 9.2 × 10^18 đồng")
                })?,
            balance: 0,
            charge: 0,
            months: Vec::new(),
            payments,
            ageing: BTreeMap::new(),
        };
        account.balance = account.dues - account.paid;
        for (month, due) in dues {
            let paid_parts: Vec<Payment> = allocations
                .iter()
                .filter(|a| a.month == month)
                .map(|a| Payment {
                    date: dated[a.payment].0,
                    amount: Dong(a.amount),
                })
                .collect();
            let paid: i64 = paid_parts.iter().map(|p| p.amount.get()).sum();
            let facts = MonthFacts {
                month,
                amount_due: Dong(due.max(0)),
                payments: paid_parts,
                urged_on: urgings.get(&month.to_string()).copied(),
                registered_salary: None,
                legal_base_salary: None,
                registration: latest_registration(&registrations, month),
                force_majeure: false,
                as_of: as_of.max(compliance::payment_deadline(month)),
            };
            let deadline = compliance::payment_deadline(month);
            let unpaid_after_deadline = as_of > deadline && due > paid;
            let (status, days_late, charge, reasons, reasons_vi) = if !vietnamese {
                if unpaid_after_deadline {
                    (
                        Status::Late,
                        i64::from((as_of - deadline).get_days()),
                        0,
                        vec!["unpaid after the deadline; the Lao package has no late-payment charge rule yet (UNCONFIRMED)".to_string()],
                        Vec::new(),
                    )
                } else {
                    (Status::OnTime, 0, 0, Vec::new(), Vec::new())
                }
            } else {
                match compliance::classify(params, &facts) {
                    Ok((c, _)) if as_of > deadline || c.unpaid.get() == 0 => (
                        c.status,
                        c.days_late,
                        c.charge.get(),
                        c.reasons,
                        c.reasons_vi,
                    ),
                    Ok(_) => (Status::OnTime, 0, 0, Vec::new(), Vec::new()),
                    // Months before the 2024 law have no charge parameters encoded yet.
                    Err(_) => (Status::OnTime, 0, 0, Vec::new(), Vec::new()),
                }
            };
            let unpaid = (due - paid).max(0);
            let past = i64::from((as_of - deadline).get_days());
            account.charge += charge;
            if unpaid > 0 && past > 0 {
                *account
                    .ageing
                    .entry(age(past, unpaid).to_string())
                    .or_default() += unpaid;
            }
            account.months.push(MonthAccount {
                month: month.to_string(),
                dues: due,
                paid,
                unpaid,
                deadline: deadline.to_string(),
                status: serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                days_late,
                charge,
                age: age(past, unpaid).to_string(),
                reasons,
                reasons_vi,
            });
        }
        Ok(account)
    }
}

/// An employer on the list of late payers or evaders the agency publishes (L41 Art. 35).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ListedEmployer {
    pub employer_code: String,
    pub name: String,
    /// The worst status of its months: `late` or `evasion`.
    pub status: String,
    /// Contribution months late or evaded.
    pub months: Vec<String>,
    pub unpaid: i64,
    pub charge: i64,
    /// Each month's rule and facts, `YYYY-MM: reason`.
    pub reasons: Vec<String>,
    /// The same in Vietnamese, line for line.
    pub reasons_vi: Vec<String>,
}

impl Store {
    /// Employers with a month late or evaded as of a date, worst first. Reads every employer
    /// with dues: meant for the monthly publication, not for a hot path.
    pub async fn compliance_list(
        &self,
        params: &Params,
        as_of: Date,
    ) -> Result<Vec<ListedEmployer>, StoreError> {
        let codes: Vec<String> = on_pool!(self, pool => {
            let rows = sqlx::query("SELECT DISTINCT employer_code FROM employer_dues ORDER BY employer_code").fetch_all(pool).await?;
            rows.iter().map(|r| r.try_get::<String, _>("employer_code")).collect::<Result<Vec<_>, _>>()?
        });
        let mut list = Vec::new();
        for code in codes {
            let account = self.account_of(params, code.clone(), as_of).await?;
            let bad: Vec<&MonthAccount> = account
                .months
                .iter()
                .filter(|m| m.status != "on_time")
                .collect();
            if bad.is_empty() {
                continue;
            }
            let name = self.existing_employer(&code).await?.name;
            let status = if bad.iter().any(|m| m.status == "evasion") {
                "evasion"
            } else {
                "late"
            };
            list.push(ListedEmployer {
                employer_code: code,
                name,
                status: status.to_string(),
                months: bad.iter().map(|m| m.month.clone()).collect(),
                unpaid: bad.iter().map(|m| m.unpaid).sum(),
                charge: bad.iter().map(|m| m.charge).sum(),
                reasons: bad
                    .iter()
                    .flat_map(|m| m.reasons.iter().map(move |r| format!("{}: {r}", m.month)))
                    .collect(),
                reasons_vi: bad
                    .iter()
                    .flat_map(|m| {
                        m.reasons_vi
                            .iter()
                            .map(move |r| format!("{}: {r}", m.month))
                    })
                    .collect(),
            });
        }
        // Who owes first: an employer with money unpaid before one whose months are settled
        // (a late registration since paid stays on the list as evasion, but below), then
        // evasion before late payment, then the larger amount.
        let rank = |e: &ListedEmployer| (e.unpaid > 0, e.status == "evasion", e.unpaid);
        list.sort_by_key(|e| std::cmp::Reverse(rank(e)));
        Ok(list)
    }
}

impl Store {
    /// Unpaid dues of all employers by age past the deadline (`0-30`, `31-60`, `61-90`, `90+`
    /// days) as of a date, for the dashboard.
    pub async fn arrears_ageing(&self, as_of: Date) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut ageing = BTreeMap::new();
        for months in self.unpaid_months(as_of).await?.into_values() {
            for (month, unpaid) in months {
                let past = i64::from((as_of - compliance::payment_deadline(month)).get_days());
                if unpaid > 0 && past > 0 {
                    *ageing.entry(age(past, unpaid).to_string()).or_default() += unpaid;
                }
            }
        }
        Ok(ageing)
    }

    /// Every employer's contribution months with the amount left unpaid on `as_of`: the same
    /// allocation as each employer's account (payments to the oldest month first, L41 Art.
    /// 34), over two sequential reads (dues by employer and month, payments) instead of one
    /// account per employer.
    pub async fn unpaid_months(
        &self,
        as_of: Date,
    ) -> Result<BTreeMap<String, Vec<(Month, i64)>>, StoreError> {
        let (dues, payments) = on_pool!(self, pool => {
            let mut dues: BTreeMap<String, Vec<(Month, i64)>> = BTreeMap::new();
            for r in sqlx::query("SELECT employer_code, month, CAST(SUM(total) AS BIGINT) AS total FROM employer_dues GROUP BY employer_code, month")
                .fetch_all(pool).await? {
                let month: String = r.try_get("month")?;
                if let Ok(m) = month.parse::<Month>() {
                    dues.entry(r.try_get("employer_code")?).or_default()
                        .push((m, r.try_get::<Option<i64>, _>("total")?.unwrap_or(0)));
                }
            }
            let mut entries: BTreeMap<String, Vec<PaymentRecord>> = BTreeMap::new();
            for r in sqlx::query("SELECT employer_code, reference, paid_on, amount, reverses FROM payments WHERE paid_on <= $1 ORDER BY employer_code, paid_on, reference")
                .bind(as_of.to_string()).fetch_all(pool).await? {
                entries.entry(r.try_get("employer_code")?).or_default().push(payment_from(&r)?);
            }
            let payments: BTreeMap<String, Vec<(Date, i64)>> =
                entries.into_iter().map(|(code, p)| (code, allocatable(&p))).collect();
            (dues, payments)
        });
        let mut out = BTreeMap::new();
        for (code, mut months) in dues {
            months.sort_by_key(|(m, _)| *m);
            let paid = payments.get(&code).map(Vec::as_slice).unwrap_or(&[]);
            let allocations = allocate(&months, paid);
            let unpaid = months
                .into_iter()
                .map(|(month, due)| {
                    let covered: i64 = allocations
                        .iter()
                        .filter(|a| a.month == month)
                        .map(|a| a.amount)
                        .sum();
                    (month, (due - covered).max(0))
                })
                .collect();
            out.insert(code, unpaid);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn oldest_month_first() {
        let dues = [(m("2026-04"), 300), (m("2026-03"), 200)];
        let a = allocate(&dues, &[(d("2026-05-10"), 250), (d("2026-05-01"), 100)]);
        assert_eq!(
            a,
            vec![
                Allocation {
                    payment: 1,
                    month: m("2026-03"),
                    amount: 100
                },
                Allocation {
                    payment: 0,
                    month: m("2026-03"),
                    amount: 100
                },
                Allocation {
                    payment: 0,
                    month: m("2026-04"),
                    amount: 150
                },
            ]
        );
    }

    proptest! {
        #[test]
        fn allocation_never_exceeds_payments_nor_dues(
            dues in proptest::collection::vec((0i32..24, 0i64..1_000_000), 0..12),
            pays in proptest::collection::vec((0i64..400, -100_000i64..2_000_000), 0..12),
        ) {
            let dues: Vec<(Month, i64)> = dues.into_iter().enumerate().map(|(i, (k, v))| (m("2025-01").plus(k * 24 + i as i32), v)).collect();
            let pays: Vec<(Date, i64)> = pays.into_iter().map(|(k, v)| (d("2026-01-01") + jiff::Span::new().days(k), v)).collect();
            let a = allocate(&dues, &pays);
            for (i, (_, amount)) in pays.iter().enumerate() {
                let used: i64 = a.iter().filter(|x| x.payment == i).map(|x| x.amount).sum();
                prop_assert!(used <= (*amount).max(0));
            }
            for (month, due) in &dues {
                let got: i64 = a.iter().filter(|x| x.month == *month).map(|x| x.amount).sum();
                prop_assert!(got <= (*due).max(0));
            }
            let total_due: i64 = dues.iter().map(|(_, v)| (*v).max(0)).sum();
            let total_paid: i64 = pays.iter().map(|(_, v)| (*v).max(0)).sum();
            prop_assert_eq!(a.iter().map(|x| x.amount).sum::<i64>(), total_due.min(total_paid));
            prop_assert!(a.iter().all(|x| x.amount > 0));
        }
    }
}
