//! The audit trail (nhật ký kiểm toán): who changed what, when, why, in which request.
//!
//! Every write of the store appends one row in the transaction of the change itself, so a change
//! is never stored without its row. The table is append-only: no function here updates or
//! deletes, and database triggers refuse UPDATE and DELETE from any client (migration 0006).

use crate::{Store, StoreError, on_pool};
use serde::Serialize;
use sqlx::Row;
use std::sync::Arc;
use utoipa::ToSchema;

/// On whose behalf the store writes: the signed-in user, the request, the reason given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// `user:NAME` for a signed-in user, `cli:NAME` for the command line, `system` otherwise.
    pub user: String,
    pub request_id: Option<String>,
    pub reason: Option<String>,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            user: "system".into(),
            request_id: None,
            reason: None,
        }
    }
}

/// One row of the trail.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    /// The change as JSON: the new record, or the fields that moved.
    pub change: serde_json::Value,
    pub reason: Option<String>,
    pub request_id: Option<String>,
}

/// Every kind of record the store audits, for the trail's filter.
pub const ENTITY_KINDS: &[&str] = &[
    "employer", "person", "user", "month", "card", "claim", "facility",
];

/// Which rows to read: by entity, by actor, newest first.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub entity_kind: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    /// Rows with an id below this one (the next page).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// What a write appends; the actor comes from the store.
pub(crate) struct Change {
    pub action: &'static str,
    pub entity_kind: &'static str,
    pub entity_id: String,
    pub change: serde_json::Value,
}

pub(crate) const APPEND_SQL: &str = "INSERT INTO audit_log (at, actor, action, entity_kind, entity_id, change, reason, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends the audit row of `$change` (a [`Change`]) on `$tx`, acting as `$store`'s actor.
macro_rules! append {
    ($tx:expr, $store:expr, $change:expr) => {{
        let change: $crate::audit::Change = $change;
        let actor = &$store.actor;
        sqlx::query($crate::audit::APPEND_SQL)
            .bind($crate::now())
            .bind(&actor.user)
            .bind(change.action)
            .bind(change.entity_kind)
            .bind(&change.entity_id)
            .bind(change.change.to_string())
            .bind(&actor.reason)
            .bind(&actor.request_id)
            .execute(&mut *$tx)
            .await
            .map(|_| ())
    }};
}
pub(crate) use append;

impl Store {
    /// The same store, writing on behalf of `actor` (every audit row it appends names them).
    pub fn acting_as(&self, actor: Actor) -> Store {
        Store {
            actor: Arc::new(actor),
            ..self.clone()
        }
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Appends a change that is not a row of its own (a sign-in, a finished run) in its own
    /// transaction.
    pub(crate) async fn append_audit(&self, change: Change) -> Result<(), StoreError> {
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            append!(tx, self, change)?;
            tx.commit().await
        }.await)?;
        Ok(())
    }

    /// Records an event of the application that is not a store write (a finished monthly run
    /// requested over HTTP, a sign-out).
    pub async fn record_event(
        &self,
        action: &'static str,
        entity_kind: &'static str,
        entity_id: &str,
        change: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.append_audit(Change {
            action,
            entity_kind,
            entity_id: entity_id.to_string(),
            change,
        })
        .await
    }

    /// The trail, newest first, filtered by entity and/or actor.
    /// How many rows the filter selects in all (its `before` and `limit` aside).
    pub async fn audit_count(&self, f: &AuditFilter) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) AS n FROM audit_log \
            WHERE ($1 IS NULL OR entity_kind = $1) AND ($2 IS NULL OR entity_id = $2) AND ($3 IS NULL OR actor = $3)";
        on_pool!(self, pool => {
            let n: i64 = sqlx::query(sql)
                .bind(&f.entity_kind).bind(&f.entity_id).bind(&f.actor)
                .fetch_one(pool).await?.try_get("n")?;
            Ok(n)
        })
    }

    pub async fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let limit = f.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(StoreError::invalid("limit", "must be 1 to 1000"));
        }
        let sql = "SELECT id, at, actor, action, entity_kind, entity_id, change, reason, request_id FROM audit_log \
            WHERE ($1 IS NULL OR entity_kind = $1) AND ($2 IS NULL OR entity_id = $2) AND ($3 IS NULL OR actor = $3) \
            AND ($4 IS NULL OR id < $4) ORDER BY id DESC LIMIT $5";
        let rows = on_pool!(self, pool => {
            let rows = sqlx::query(sql)
                .bind(&f.entity_kind).bind(&f.entity_id).bind(&f.actor).bind(f.before).bind(limit)
                .fetch_all(pool).await?;
            rows.iter().map(|r| {
                let change: String = r.try_get("change")?;
                Ok::<_, sqlx::Error>(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    entity_kind: r.try_get("entity_kind")?,
                    entity_id: r.try_get("entity_id")?,
                    change: serde_json::from_str(&change).unwrap_or(serde_json::Value::String(change)),
                    reason: r.try_get("reason")?,
                    request_id: r.try_get("request_id")?,
                })
            }).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }
}
