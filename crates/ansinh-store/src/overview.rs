//! The figures of the staff dashboard (tổng quan): coverage, dues against payments by month,
//! the monthly runs. Aggregates over derived tables (`employer_dues`) wherever one exists.

use crate::{Store, StoreError, on_pool};
use serde::Serialize;
use sqlx::Row;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Overview {
    pub employers: i64,
    pub persons: i64,
    pub employments: i64,
    /// Persons with an employment, by the employer's province, most first.
    pub coverage_by_province: Vec<(String, i64)>,
    /// Per contribution month: dues assessed (all runs) and payments received in the month.
    pub collection_by_month: Vec<(String, i64, i64)>,
    /// Finished monthly runs, newest first: month and finish instant.
    pub runs: Vec<(String, String)>,
    /// Health-claim visits (latest versions) by month and decision: (month, accepted,
    /// rejected, waiting for review). Reviewed visits count under the assessor's decision.
    pub claims_by_month: Vec<(String, i64, i64, i64)>,
}

impl Store {
    /// The population of a policy simulation over the registry: per employment in force in
    /// `month` (begun by its last day, no leave before its first), the latest declared
    /// contribution salary, the employer's region and whether the person is a foreign
    /// national. The latest salary stands for the month's: a simulation asks "what if", not
    /// what is due (the monthly run's business).
    pub async fn simulation_population(
        &self,
        month: ansinh_core::Month,
    ) -> Result<Vec<(i64, u8, bool)>, StoreError> {
        let sql = "SELECT l.amount, e.region, p.nationality FROM employments m \
            JOIN latest_salaries l ON l.person_sin = m.person_sin AND l.employment_id = m.employment_id \
            JOIN employers e ON e.unit_code = m.employer_code \
            JOIN persons p ON p.sin = m.person_sin \
            WHERE m.start_date <= $1 AND NOT EXISTS (SELECT 1 FROM employment_events v \
                WHERE v.person_sin = m.person_sin AND v.employment_id = m.employment_id \
                AND v.event = 'leave' AND v.event_date < $2)";
        let (last, first) = (month.last_day().to_string(), month.first_day().to_string());
        on_pool!(self, pool => {
            let rows = sqlx::query(sql).bind(&last).bind(&first).fetch_all(pool).await?;
            rows.iter().map(|r| {
                let region: i64 = r.try_get(1)?;
                let nationality: String = r.try_get(2)?;
                Ok((r.try_get::<i64, _>(0)?, u8::try_from(region).unwrap_or(0), nationality != "VN"))
            }).collect()
        })
    }

    pub async fn overview(&self) -> Result<Overview, StoreError> {
        on_pool!(self, pool => {
            let count = |table: &'static str| {
                let sql = format!("SELECT COUNT(*) AS n FROM {table}");
                async move { sqlx::query(&sql).fetch_one(pool).await?.try_get::<i64, _>("n") }
            };
            let mut o = Overview {
                employers: count("employers").await?,
                persons: count("persons").await?,
                employments: count("employments").await?,
                ..Overview::default()
            };
            for r in sqlx::query("SELECT e.province AS province, COUNT(DISTINCT m.person_sin) AS n FROM employments m JOIN employers e ON e.unit_code = m.employer_code GROUP BY e.province ORDER BY n DESC, e.province LIMIT 20")
                .fetch_all(pool).await? {
                o.coverage_by_province.push((r.try_get("province")?, r.try_get("n")?));
            }
            let mut months = std::collections::BTreeMap::<String, (i64, i64)>::new();
            for r in sqlx::query("SELECT month, CAST(SUM(total) AS BIGINT) AS due FROM employer_dues GROUP BY month")
                .fetch_all(pool).await? {
                months.entry(r.try_get("month")?).or_default().0 = r.try_get("due")?;
            }
            for r in sqlx::query("SELECT substr(paid_on, 1, 7) AS month, CAST(SUM(amount) AS BIGINT) AS paid FROM payments GROUP BY substr(paid_on, 1, 7)")
                .fetch_all(pool).await? {
                months.entry(r.try_get("month")?).or_default().1 = r.try_get("paid")?;
            }
            o.collection_by_month = months.into_iter().rev().take(12).rev().map(|(m, (d, p))| (m, d, p)).collect();
            for r in sqlx::query("SELECT run_month, finished_at FROM assessment_runs WHERE finished_at IS NOT NULL ORDER BY run_month DESC LIMIT 12")
                .fetch_all(pool).await? {
                o.runs.push((r.try_get("run_month")?, r.try_get("finished_at")?));
            }
            let mut claims = std::collections::BTreeMap::<String, (i64, i64, i64)>::new();
            for r in sqlx::query("SELECT v.month AS month, v.decision AS decision, \
                (SELECT r.decision FROM claim_reviews r WHERE r.facility = v.facility AND r.visit_key = v.visit_key AND r.version = v.version ORDER BY r.seq DESC LIMIT 1) AS reviewed \
                FROM claim_visits v WHERE v.month IS NOT NULL \
                AND v.version = (SELECT MAX(w.version) FROM claim_visits w WHERE w.facility = v.facility AND w.visit_key = v.visit_key)")
                .fetch_all(pool).await? {
                let month: String = r.try_get("month")?;
                let decision: String = r.try_get("decision")?;
                let reviewed: Option<String> = r.try_get("reviewed")?;
                let e = claims.entry(month).or_default();
                match reviewed.as_deref().unwrap_or(&decision) {
                    "accepted" | "adjusted" => e.0 += 1,
                    "needs_review" => e.2 += 1,
                    _ => e.1 += 1,
                }
            }
            o.claims_by_month = claims.into_iter().rev().take(12).rev().map(|(m, (a, r, p))| (m, a, r, p)).collect();
            Ok(o)
        })
    }
}
