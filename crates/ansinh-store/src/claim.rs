//! Health claims kept (hồ sơ đề nghị thanh toán BHYT): files as received, each visit (MA_LK) of
//! a facility in versions, the assessors' reviews, and the settlement of a facility's month.
//!
//! The assessment itself is pure (`ansinh-claims`); here it meets what only storage knows: the
//! visits of the same card in earlier files (rule R10 across files), earlier versions of the same
//! visit, and the decisions of assessors.

use crate::audit::{Change, append};
use crate::{Store, StoreError, now, on_pool};
use ansinh_claims::assess::Decision;
use ansinh_claims::decimal::Amount;
use ansinh_claims::overlap::Stay;
use ansinh_claims::reference::Reference;
use ansinh_claims::{Outcome, ReadVisit};
use ansinh_rules::Params;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// What became of one visit of an imported file.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ImportedVisit {
    pub visit_key: String,
    /// The version stored (1 for a first sending; the same as before when unchanged).
    pub version: i64,
    /// `new`, `new_version`, `unchanged`, `malformed`, or `duplicate` (a MA_LK sent again in
    /// the same file: rejected, not stored; R10.DUPLICATE_MA_LK).
    pub status: String,
    /// accepted, adjusted, rejected, needs_review, malformed.
    pub decision: String,
    pub claimed_insurer: String,
    pub assessed_insurer: String,
    /// Rule codes found (R01.EXPIRED, R10.OVERLAP, …) or the defects of a malformed visit.
    pub findings: Vec<String>,
}

/// The result of importing a claims file.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ImportReport {
    pub file_id: String,
    pub facility: String,
    /// True when these bytes were imported before: nothing was written again.
    pub replayed: bool,
    /// What is wrong with the envelope (no MACSKCB, SOLUONGHOSO not the visits sent,
    /// FILEHOSO outside HOSO): codes S.ENVELOPE_*.
    #[schema(value_type = Vec<Object>)]
    pub notices: Vec<ansinh_claims::xml::Notice>,
    pub visits: Vec<ImportedVisit>,
}

/// A visit waiting for an assessor.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct QueuedVisit {
    pub facility: String,
    pub visit_key: String,
    pub version: i64,
    pub card_code: Option<String>,
    pub admitted: Option<String>,
    pub claimed_insurer: String,
    pub assessed_insurer: String,
    /// When the version waiting was stored (the queue's order, oldest first).
    pub queued_at: String,
    /// Why the visit waits, `CODE: text`, in Vietnamese.
    pub reasons: Vec<String>,
    /// The same in English.
    pub reasons_en: Vec<String>,
}

/// The latest version of a visit, flagged for review and not decided yet (`$1`: a facility or
/// NULL for all).
const QUEUED: &str = "v.decision = 'needs_review' AND ($1 IS NULL OR v.facility = $1) \
    AND v.version = (SELECT MAX(w.version) FROM claim_visits w WHERE w.facility = v.facility AND w.visit_key = v.visit_key) \
    AND NOT EXISTS (SELECT 1 FROM claim_reviews r WHERE r.facility = v.facility AND r.visit_key = v.visit_key AND r.version = v.version)";

/// An assessor's decision on a visit flagged for review.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    /// `accepted` (the fund pays the assessed share) or `rejected` (it pays nothing).
    pub decision: String,
    /// Why (kept on the audit trail; required).
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Review {
    pub version: i64,
    pub decision: String,
    pub insurer: String,
    pub reason: String,
    pub reviewer: String,
    pub decided_at: String,
}

/// One version of a visit as stored.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct VisitVersion {
    pub version: i64,
    pub file_id: String,
    pub decision: String,
    pub claimed_insurer: String,
    pub assessed_insurer: String,
    /// The full assessment: splits, findings with legal basis, explanation.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    pub created_at: String,
}

/// A visit's history: every version and every review.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct VisitRecord {
    pub facility: String,
    pub visit_key: String,
    pub versions: Vec<VisitVersion>,
    pub reviews: Vec<Review>,
}

/// What a facility is paid for a month: claimed against accepted, and why the rest was not.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Settlement {
    pub facility: String,
    pub month: String,
    pub visits: i64,
    pub claimed_insurer: String,
    pub accepted_insurer: String,
    pub rejected_insurer: String,
    /// Visits still waiting for an assessor, and their claimed fund share.
    pub pending_visits: i64,
    pub pending_insurer: String,
    /// Rule codes, most frequent first: (code, visits, amount).
    pub top_reasons: Vec<(String, i64, String)>,
}

/// An amount of the claims as stored and shown: always 2 decimal places (QĐ 130 amounts).
fn amount(d: Amount) -> String {
    d.to_string()
}

fn decimal(field: &str, text: &str) -> Result<Amount, StoreError> {
    text.parse()
        .map_err(|e| StoreError::invalid(field, format!("`{text}` {e}")))
}

fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Accepted => "accepted",
        Decision::Adjusted => "adjusted",
        Decision::Rejected => "rejected",
        Decision::NeedsReview => "needs_review",
    }
}

/// The latest version of each visit of `cards`, as R10 compares them.
async fn known_stays(store: &Store, cards: &[String]) -> Result<Vec<Stay>, StoreError> {
    let mut latest: HashMap<(String, String), (i64, Stay)> = HashMap::new();
    for part in cards.chunks(500) {
        let marks: Vec<String> = (1..=part.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT facility, visit_key, version, card_code, admitted, discharged, inpatient, services FROM claim_visits WHERE card_code IN ({})",
            marks.join(", ")
        );
        #[allow(clippy::type_complexity)]
        let rows: Vec<(String, String, i64, String, String, String, i64, String)> = on_pool!(store, pool => {
            let mut q = sqlx::query(&sql);
            for c in part {
                q = q.bind(c);
            }
            let mut out = Vec::new();
            for r in q.fetch_all(pool).await? {
                let admitted: Option<String> = r.try_get("admitted")?;
                let discharged: Option<String> = r.try_get("discharged")?;
                out.push((
                    r.try_get("facility")?, r.try_get("visit_key")?, r.try_get("version")?,
                    r.try_get("card_code")?, admitted.unwrap_or_default(),
                    discharged.unwrap_or_default(), r.try_get("inpatient")?,
                    r.try_get("services")?,
                ));
            }
            out
        });
        for (facility, key, version, card, admitted, discharged, inpatient, services) in rows {
            let (Ok(from), Ok(to)) = (admitted.parse(), discharged.parse()) else {
                continue;
            };
            let stay = Stay::new(
                card,
                facility.clone(),
                key.clone(),
                from,
                to,
                inpatient != 0,
                services
                    .split(';')
                    .filter_map(|s| {
                        let (code, day) = s.rsplit_once('@')?;
                        Some((code.to_string(), day.parse().ok()?))
                    })
                    .collect(),
            );
            let slot = latest
                .entry((facility, key))
                .or_insert((version, stay.clone()));
            if version > slot.0 {
                *slot = (version, stay);
            }
        }
    }
    Ok(latest.into_values().map(|(_, s)| s).collect())
}

impl Store {
    /// Imports a claims file: reads and assesses every visit (with R10 against the stored
    /// visits of the same cards), and stores each visit as a new version unless it is unchanged.
    /// The same bytes twice are recognised and change nothing.
    pub async fn import_claims(
        &self,
        params: &Params,
        reference: Option<&Reference>,
        bytes: &[u8],
    ) -> Result<ImportReport, StoreError> {
        self.require_vietnam("a QĐ 4750 claims file").await?;
        let file_id = crate::declaration::content_hash(bytes);
        let (head, mut visits) =
            ansinh_claims::read_visits(params, reference, bytes, ansinh_claims::Detail::STORED)
                .map_err(|e| StoreError::invalid("file", e))?;
        let notices = head.notices;
        let facility = head
            .facility
            .or_else(|| {
                visits.iter().find_map(|v| match &v.outcome {
                    Outcome::Assessed(a) => Some(a.facility.clone()),
                    Outcome::Malformed { .. } => None,
                })
            })
            .ok_or_else(|| StoreError::invalid("MACSKCB", "the file names no facility"))?;
        let done: Option<String> = on_pool!(self, pool => match sqlx::query("SELECT facility FROM claim_files WHERE file_id = $1")
        .bind(&file_id).fetch_optional(pool).await? {
            Some(r) => Some(r.try_get("facility")?),
            None => None,
        });
        if done.is_some() {
            let mut report = self.imported(&file_id, &facility, &visits).await?;
            report.replayed = true;
            report.notices = notices;
            return Ok(report);
        }
        let mut cards: Vec<String> = visits
            .iter()
            .filter_map(|v| v.stay.as_ref().map(|s| s.card.clone()))
            .collect();
        cards.sort_unstable();
        cards.dedup();
        let known = known_stays(self, &cards).await?;
        let duplicates = ansinh_claims::reject_duplicates(&mut visits);
        ansinh_claims::flag_overlaps(&mut visits, &known);
        let prior = self.copaid_in_year(&facility, &visits).await?;
        ansinh_claims::cap_copayments(&mut visits, &|card, year| {
            prior
                .get(&(card.to_string(), year))
                .copied()
                .unwrap_or(Amount::ZERO)
        });
        let previous = self.latest_versions(&facility, &visits).await?;
        let at = now();
        let mut report = ImportReport {
            file_id: file_id.clone(),
            facility: facility.clone(),
            replayed: false,
            notices,
            visits: Vec::new(),
        };
        let mut rows = Vec::new();
        for (i, v) in visits.iter().enumerate() {
            let mut imported = imported_visit(v, previous.get(&visit_key(v)).cloned());
            if duplicates.binary_search(&i).is_ok() {
                // Reported, not stored: the file's first visit of that MA_LK is the one kept.
                imported.status = "duplicate".into();
                imported.decision = "rejected".into();
            }
            if matches!(imported.status.as_str(), "new" | "new_version") {
                rows.push((v, imported.version));
            }
            report.visits.push(imported);
        }
        let malformed = report
            .visits
            .iter()
            .filter(|v| v.status == "malformed")
            .count() as i64;
        let summary = serde_json::json!({
            "file_id": file_id,
            "visits": report.visits.len(),
            "stored": rows.len(),
            "malformed": malformed,
        });
        let stored = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO claim_files (file_id, facility, received_at, visits, malformed) VALUES ($1, $2, $3, $4, $5)")
                .bind(&file_id).bind(&facility).bind(&at).bind(report.visits.len() as i64).bind(malformed)
                .execute(&mut *tx).await?;
            for (v, version) in &rows {
                let Outcome::Assessed(a) = &v.outcome else { continue };
                let stay = v.stay.as_ref();
                let month = stay.map(|s| format!("{:04}-{:02}", s.to.year(), s.to.month()));
                sqlx::query("INSERT INTO claim_visits (facility, visit_key, version, file_id, digest, card_code, admitted, discharged, inpatient, services, month, decision, claimed_insurer, assessed_insurer, rejected, co_pay, copay_counts, result, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)")
                    .bind(&facility).bind(&a.key).bind(version).bind(&file_id).bind(&v.digest)
                    .bind(stay.map(|s| s.card.clone()))
                    .bind(stay.map(|s| s.from.to_string()))
                    .bind(stay.map(|s| s.to.to_string()))
                    .bind(i64::from(stay.is_some_and(|s| s.inpatient)))
                    .bind(stay.map(|s| s.services.iter().map(|(c, d)| format!("{c}@{d}")).collect::<Vec<_>>().join(";")).unwrap_or_default())
                    .bind(month)
                    .bind(decision_name(a.decision))
                    .bind(amount(a.claimed.insurer)).bind(amount(a.assessed.insurer))
                    .bind(amount(a.rejected))
                    .bind(amount(a.assessed.co_pay))
                    .bind(i64::from(a.copay_counts))
                    .bind(serde_json::to_string(a).unwrap_or_default())
                    .bind(&at)
                    .execute(&mut *tx).await?;
            }
            append!(tx, self, Change {
                action: "claims.import",
                entity_kind: "facility",
                entity_id: facility.clone(),
                change: summary,
            })?;
            tx.commit().await
        }.await);
        // The same file, or a visit of it, stored by another import meanwhile: nothing of this
        // one was written.
        stored
            .map_err(|e| StoreError::from(e).unique_as("file", "these visits were imported at the same moment by another request: send the file again to see its result"))
            .map(|()| report)
    }

    /// What each card of the file co-paid within the network in the years of its visits, from
    /// the latest versions of other stored visits (the yearly co-payment cap).
    async fn copaid_in_year(
        &self,
        facility: &str,
        visits: &[ReadVisit],
    ) -> Result<HashMap<(String, i16), Amount>, StoreError> {
        let mut out = HashMap::new();
        for v in visits {
            let Outcome::Assessed(a) = &v.outcome else {
                continue;
            };
            let (Some(card), Some(_)) = (&a.card, a.copay_cap) else {
                continue;
            };
            let year = a.visit_date.year();
            if out.contains_key(&(card.to_string(), year)) {
                continue;
            }
            let rows: Vec<(String, String, String)> = on_pool!(self, pool => {
                let mut rows = Vec::new();
                for r in sqlx::query("SELECT v.facility, v.visit_key, v.co_pay FROM claim_visits v WHERE v.card_code = $1 AND v.copay_counts = 1 AND v.admitted >= $2 AND v.admitted < $3 \
                    AND v.version = (SELECT MAX(w.version) FROM claim_visits w WHERE w.facility = v.facility AND w.visit_key = v.visit_key)")
                    .bind(card).bind(format!("{year:04}-01-01")).bind(format!("{:04}-01-01", year + 1))
                    .fetch_all(pool).await? {
                    rows.push((r.try_get("facility")?, r.try_get("visit_key")?, r.try_get("co_pay")?));
                }
                rows
            });
            let mut sum = Amount::ZERO;
            for (f, key, co_pay) in rows {
                // An earlier version of a visit of this file is replaced, not added.
                let resent = f == facility && visits.iter().any(|v| visit_key(v) == key);
                if !resent {
                    sum += decimal("co_pay", &co_pay)?;
                }
            }
            out.insert((card.to_string(), year), sum);
        }
        Ok(out)
    }

    /// The latest stored version and digest of each visit of the file.
    async fn latest_versions(
        &self,
        facility: &str,
        visits: &[ReadVisit],
    ) -> Result<HashMap<String, (i64, String, String)>, StoreError> {
        let mut out = HashMap::new();
        for v in visits {
            let key = visit_key(v);
            if key.is_empty() || out.contains_key(&key) {
                continue;
            }
            let row: Option<(i64, String, String)> = on_pool!(self, pool => match sqlx::query("SELECT version, digest, decision FROM claim_visits WHERE facility = $1 AND visit_key = $2 ORDER BY version DESC LIMIT 1")
            .bind(facility).bind(&key).fetch_optional(pool).await? {
                Some(r) => Some((r.try_get("version")?, r.try_get("digest")?, r.try_get("decision")?)),
                None => None,
            });
            if let Some(row) = row {
                out.insert(key, row);
            }
        }
        Ok(out)
    }

    /// The report of a file imported before, from what is stored.
    async fn imported(
        &self,
        file_id: &str,
        facility: &str,
        visits: &[ReadVisit],
    ) -> Result<ImportReport, StoreError> {
        let previous = self.latest_versions(facility, visits).await?;
        Ok(ImportReport {
            file_id: file_id.to_string(),
            facility: facility.to_string(),
            replayed: false,
            notices: Vec::new(),
            visits: visits
                .iter()
                .map(|v| imported_visit(v, previous.get(&visit_key(v)).cloned()))
                .collect(),
        })
    }

    /// Visits flagged for review whose latest version no assessor has decided, oldest first.
    pub async fn review_queue(
        &self,
        facility: Option<&str>,
        limit: i64,
    ) -> Result<Vec<QueuedVisit>, StoreError> {
        self.review_queue_after(facility, None, limit).await
    }

    /// The queue's page after `after` (the last visit of the page before: its `queued_at`,
    /// facility and MA_LK), in the queue's order.
    pub async fn review_queue_after(
        &self,
        facility: Option<&str>,
        after: Option<(&str, &str, &str)>,
        limit: i64,
    ) -> Result<Vec<QueuedVisit>, StoreError> {
        if !(1..=500).contains(&limit) {
            return Err(StoreError::invalid("limit", "must be 1 to 500"));
        }
        let sql = format!(
            "SELECT v.facility, v.visit_key, v.version, v.card_code, v.admitted, v.claimed_insurer, v.assessed_insurer, v.result, v.created_at FROM claim_visits v \
            WHERE {QUEUED} AND ($3 IS NULL OR v.created_at > $3 OR (v.created_at = $3 AND (v.facility > $4 OR (v.facility = $4 AND v.visit_key > $5)))) \
            ORDER BY v.created_at, v.facility, v.visit_key LIMIT $2"
        );
        let (at, fac, key) = match after {
            Some((a, f, k)) => (Some(a), Some(f), Some(k)),
            None => (None, None, None),
        };
        on_pool!(self, pool => {
            let mut out = Vec::new();
            for r in sqlx::query(&sql).bind(facility).bind(limit).bind(at).bind(fac).bind(key).fetch_all(pool).await? {
                let result: String = r.try_get("result")?;
                let findings = serde_json::from_str::<serde_json::Value>(&result)
                    .ok()
                    .and_then(|v| v["findings"].as_array().cloned())
                    .unwrap_or_default();
                let texts = |lang: &str| findings.iter()
                    .map(|f| format!("{}: {}", f["code"].as_str().unwrap_or(""), f[lang].as_str().unwrap_or("")))
                    .collect::<Vec<String>>();
                let (reasons, reasons_en) = (texts("text_vi"), texts("text_en"));
                out.push(QueuedVisit {
                    facility: r.try_get("facility")?,
                    visit_key: r.try_get("visit_key")?,
                    version: r.try_get("version")?,
                    card_code: r.try_get("card_code")?,
                    admitted: r.try_get("admitted")?,
                    claimed_insurer: r.try_get("claimed_insurer")?,
                    assessed_insurer: r.try_get("assessed_insurer")?,
                    queued_at: r.try_get("created_at")?,
                    reasons,
                    reasons_en,
                });
            }
            Ok(out)
        })
    }

    /// How many visits wait in the queue (of one facility when given).
    pub async fn review_queue_count(&self, facility: Option<&str>) -> Result<i64, StoreError> {
        let sql = format!("SELECT COUNT(*) AS n FROM claim_visits v WHERE {QUEUED}");
        on_pool!(self, pool => {
            let n: i64 = sqlx::query(&sql).bind(facility).fetch_one(pool).await?.try_get("n")?;
            Ok(n)
        })
    }

    /// Every version and review of a visit.
    pub async fn visit_record(&self, facility: &str, key: &str) -> Result<VisitRecord, StoreError> {
        let (versions, reviews) = on_pool!(self, pool => {
            let mut versions = Vec::new();
            for r in sqlx::query("SELECT version, file_id, decision, claimed_insurer, assessed_insurer, result, created_at FROM claim_visits WHERE facility = $1 AND visit_key = $2 ORDER BY version")
                .bind(facility).bind(key).fetch_all(pool).await? {
                let result: String = r.try_get("result")?;
                versions.push(VisitVersion {
                    version: r.try_get("version")?,
                    file_id: r.try_get("file_id")?,
                    decision: r.try_get("decision")?,
                    claimed_insurer: r.try_get("claimed_insurer")?,
                    assessed_insurer: r.try_get("assessed_insurer")?,
                    result: serde_json::from_str(&result).unwrap_or(serde_json::Value::Null),
                    created_at: r.try_get("created_at")?,
                });
            }
            let mut reviews = Vec::new();
            for r in sqlx::query("SELECT version, decision, insurer, reason, reviewer, decided_at FROM claim_reviews WHERE facility = $1 AND visit_key = $2 ORDER BY version, seq")
                .bind(facility).bind(key).fetch_all(pool).await? {
                reviews.push(Review {
                    version: r.try_get("version")?,
                    decision: r.try_get("decision")?,
                    insurer: r.try_get("insurer")?,
                    reason: r.try_get("reason")?,
                    reviewer: r.try_get("reviewer")?,
                    decided_at: r.try_get("decided_at")?,
                });
            }
            (versions, reviews)
        });
        if versions.is_empty() {
            return Err(StoreError::NotFound {
                what: format!("visit {key} of facility {facility}"),
            });
        }
        Ok(VisitRecord {
            facility: facility.to_string(),
            visit_key: key.to_string(),
            versions,
            reviews,
        })
    }

    /// An assessor decides a flagged visit (its latest version): accepted pays the assessed fund
    /// share, rejected pays nothing. A later review of the same version overrides an earlier one;
    /// both stay on record.
    pub async fn review_visit(
        &self,
        facility: &str,
        key: &str,
        review: &NewReview,
    ) -> Result<Review, StoreError> {
        let reason = review.reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(StoreError::invalid(
                "reason",
                "say why, in 1 to 1000 characters",
            ));
        }
        let record = self.visit_record(facility, key).await?;
        let latest = record
            .versions
            .last()
            .expect("a stored visit has a version");
        let insurer = match review.decision.trim() {
            "accepted" => latest.assessed_insurer.clone(),
            "rejected" => amount(Amount::ZERO),
            other => {
                return Err(StoreError::invalid(
                    "decision",
                    format!("`{other}` is not accepted or rejected"),
                ));
            }
        };
        let seq = record
            .reviews
            .iter()
            .filter(|r| r.version == latest.version)
            .count() as i64
            + 1;
        let done = Review {
            version: latest.version,
            decision: review.decision.trim().to_string(),
            insurer,
            reason: reason.to_string(),
            reviewer: self.actor().user.clone(),
            decided_at: now(),
        };
        let before = record
            .reviews
            .iter()
            .rev()
            .find(|r| r.version == latest.version)
            .map(|r| r.decision.clone())
            .unwrap_or_else(|| latest.decision.clone());
        let reviewed = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO claim_reviews (facility, visit_key, version, seq, decision, insurer, reason, reviewer, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(facility).bind(key).bind(done.version).bind(seq).bind(&done.decision)
                .bind(&done.insurer).bind(&done.reason).bind(&done.reviewer).bind(&done.decided_at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "claim.review",
                entity_kind: "claim",
                entity_id: format!("{facility}/{key}"),
                change: serde_json::json!({
                    "version": done.version, "before": before, "after": done.decision,
                    "insurer": done.insurer, "reason": done.reason,
                }),
            })?;
            tx.commit().await
        }.await);
        reviewed
            .map_err(|e| {
                StoreError::from(e).unique_as(
                    "decision",
                    "another assessor decided this visit at the same moment: reload",
                )
            })
            .map(|()| done)
    }

    /// A facility's settlement for the month visits ended in (latest version of each visit;
    /// reviewed visits at the assessor's amount).
    pub async fn settlement(&self, facility: &str, month: &str) -> Result<Settlement, StoreError> {
        let month = month
            .trim()
            .parse::<ansinh_core::Month>()
            .map_err(|e| StoreError::invalid("month", e))?
            .to_string();
        let sql = "SELECT v.visit_key, v.decision, v.claimed_insurer, v.assessed_insurer, v.result, \
            (SELECT r.insurer FROM claim_reviews r WHERE r.facility = v.facility AND r.visit_key = v.visit_key AND r.version = v.version ORDER BY r.seq DESC LIMIT 1) AS reviewed \
            FROM claim_visits v WHERE v.facility = $1 AND v.month = $2 \
            AND v.version = (SELECT MAX(w.version) FROM claim_visits w WHERE w.facility = v.facility AND w.visit_key = v.visit_key)";
        let rows: Vec<(String, String, String, String, Option<String>)> = on_pool!(self, pool => {
            let mut out = Vec::new();
            for r in sqlx::query(sql).bind(facility).bind(&month).fetch_all(pool).await? {
                out.push((r.try_get("decision")?, r.try_get("claimed_insurer")?, r.try_get("assessed_insurer")?, r.try_get("result")?, r.try_get("reviewed")?));
            }
            out
        });
        let (mut claimed, mut accepted, mut pending) = (Amount::ZERO, Amount::ZERO, Amount::ZERO);
        let mut pending_visits = 0;
        let mut reasons: BTreeMap<String, (i64, Amount)> = BTreeMap::new();
        for (decision, c, a, result, reviewed) in &rows {
            let c = decimal("claimed_insurer", c)?;
            claimed += c;
            let paid = match (decision.as_str(), reviewed) {
                (_, Some(r)) => decimal("insurer", r)?,
                ("needs_review", None) => {
                    pending_visits += 1;
                    pending += c;
                    continue;
                }
                _ => decimal("assessed_insurer", a)?,
            };
            accepted += paid;
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(result) {
                for f in v["findings"].as_array().into_iter().flatten() {
                    let amount = f["amount"]
                        .as_str()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(Amount::ZERO);
                    let e = reasons
                        .entry(f["code"].as_str().unwrap_or("").to_string())
                        .or_default();
                    e.0 += 1;
                    e.1 += amount;
                }
            }
        }
        let mut top: Vec<(String, i64, Amount)> =
            reasons.into_iter().map(|(k, (n, a))| (k, n, a)).collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        Ok(Settlement {
            facility: facility.to_string(),
            month,
            visits: rows.len() as i64,
            claimed_insurer: amount(claimed),
            accepted_insurer: amount(accepted),
            rejected_insurer: amount(claimed - accepted - pending),
            pending_visits,
            pending_insurer: amount(pending),
            top_reasons: top
                .into_iter()
                .take(10)
                .map(|(k, n, a)| (k, n, amount(a)))
                .collect(),
        })
    }
}

fn visit_key(v: &ReadVisit) -> String {
    match &v.outcome {
        Outcome::Assessed(a) => a.key.clone(),
        Outcome::Malformed { key, .. } => key.clone().unwrap_or_default(),
    }
}

/// What the import does with a visit, given the latest stored version (version, digest).
fn imported_visit(v: &ReadVisit, previous: Option<(i64, String, String)>) -> ImportedVisit {
    match &v.outcome {
        Outcome::Malformed { key, defects } => ImportedVisit {
            visit_key: key.clone().unwrap_or_default(),
            version: 0,
            status: "malformed".into(),
            decision: "malformed".into(),
            claimed_insurer: amount(Amount::ZERO),
            assessed_insurer: amount(Amount::ZERO),
            findings: defects
                .iter()
                .map(|d| format!("{}.{}: {}", d.table, d.field, d.reason))
                .collect(),
        },
        Outcome::Assessed(a) => {
            let (version, status, decision) = match previous {
                Some((version, digest, decision)) if digest == v.digest => {
                    (version, "unchanged", decision)
                }
                Some((version, _, _)) => (
                    version + 1,
                    "new_version",
                    decision_name(a.decision).to_string(),
                ),
                None => (1, "new", decision_name(a.decision).to_string()),
            };
            ImportedVisit {
                visit_key: a.key.clone(),
                version,
                status: status.into(),
                decision,
                claimed_insurer: amount(a.claimed.insurer),
                assessed_insurer: amount(a.assessed.insurer),
                findings: a.findings.iter().map(|f| f.code.to_string()).collect(),
            }
        }
    }
}
