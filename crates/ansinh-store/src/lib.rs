//! The system of record: employers, insured persons, employment periods, contribution salaries
//! and employers' declarations, on SQLite (embedded default) or PostgreSQL (`postgres://…`).
//!
//! One [`Store`] type hides the backend: every query is written once and run on either pool
//! through the `on_pool!` macro; the SQL sticks to what both dialects share (TEXT dates,
//! BIGINT money, `$n` parameters, `ON CONFLICT`). Append-only tables (`employment_events`,
//! `salaries`, `declaration_batches`) are never updated or deleted.

pub mod access;
pub mod account;
pub mod assessment;
pub mod audit;
pub mod benefit_claim;
pub(crate) mod bulk;
pub mod card;
pub mod career;
pub mod certificate;
pub mod claim;
pub mod course;
pub mod declaration;
pub mod deployment;
pub mod examination;
pub mod generate;
pub mod model;
mod monthly_run;
pub mod overview;
pub mod payroll;
mod registry;
pub mod risk;
mod run_lock;
pub mod service;
pub mod trade_union;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub use model::*;
pub use monthly_run::RunLaw;

/// Runs `$body` with `$pool` bound to the SQLite or the PostgreSQL pool.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

#[derive(Clone, Debug)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    /// SQLite has one writer: declaration batches are applied one at a time in this process.
    pub(crate) write_lock: Arc<tokio::sync::Mutex<()>>,
    /// The day declarations are received, when fixed (keying in a dated paper file, tests);
    /// otherwise today.
    pub(crate) received_on: Option<ansinh_core::Date>,
    /// On whose behalf writes are made: every audit row names them.
    pub(crate) actor: Arc<audit::Actor>,
    /// The database's jurisdiction once read: it is written once, when the database is
    /// created, and never changes, so registry checks and accounts need not ask again.
    pub(crate) jurisdiction: Arc<std::sync::OnceLock<String>>,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{field}: {reason}")]
    Conflict { field: String, reason: String },
    /// Wrong user name or password (which of the two is not said).
    #[error("user name or password is wrong")]
    BadCredentials,
    /// Too many failed sign-ins of one user name.
    #[error("too many failed sign-ins: try again in {minutes} minutes")]
    Throttled { minutes: i64 },
    #[error("database URL `{0}` is not sqlite:… or postgres://…")]
    Url(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// The SQLite bulk reader (rusqlite) of the monthly run.
    #[error("SQLite read: {0}")]
    SqliteRead(#[from] rusqlite::Error),
    #[error("SQLite value: {0}")]
    SqliteValue(#[from] rusqlite::types::FromSqlError),
}

impl StoreError {
    pub fn invalid(field: &str, reason: impl ToString) -> StoreError {
        StoreError::Invalid {
            field: field.to_string(),
            reason: reason.to_string(),
        }
    }

    /// The error, or a `Conflict` on `field` when it is a unique-constraint violation (a row
    /// with the same key was written first, perhaps by a concurrent request).
    pub(crate) fn unique_as(self, field: &str, reason: impl ToString) -> StoreError {
        if self.is_unique_violation() {
            StoreError::Conflict {
                field: field.to_string(),
                reason: reason.to_string(),
            }
        } else {
            self
        }
    }

    /// A unique-constraint violation, as both backends report it.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// Which backend a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Store {
    /// Opens `sqlite:PATH` (created if missing, WAL) or `postgres://…`. A PostgreSQL URL may carry
    /// a `search_path` through [`Store::connect_postgres_schema`] for tests.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // 64 MB page cache (the default is 2 MB): index inserts of bulk loads stay in memory.
                .pragma("cache_size", SQLITE_CACHE_SIZE)
                .pragma("temp_store", "memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Ok(Store::new(Backend::Sqlite(pool)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            Store::postgres(options).await
        } else {
            Err(StoreError::Url(url.to_string()))
        }
    }

    /// PostgreSQL with every connection's `search_path` set to `schema` (created if missing):
    /// one fresh schema per test.
    pub async fn connect_postgres_schema(url: &str, schema: &str) -> Result<Store, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .execute(&admin)
            .await?;
        admin.close().await;
        Store::postgres(options.options([("search_path", schema)])).await
    }

    async fn postgres(options: PgConnectOptions) -> Result<Store, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store::new(Backend::Postgres(pool)))
    }

    fn new(backend: Backend) -> Store {
        Store {
            backend,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            received_on: None,
            actor: Arc::new(audit::Actor::system()),
            jurisdiction: Arc::default(),
        }
    }

    /// The same store, receiving declarations on `date` instead of today: the date decides
    /// whether a worker was registered in time (L41 Art. 28.1, 38–39).
    pub fn receiving_on(&self, date: ansinh_core::Date) -> Store {
        Store {
            received_on: Some(date),
            ..self.clone()
        }
    }

    /// The day declarations are received.
    pub(crate) fn today(&self) -> ansinh_core::Date {
        self.received_on.unwrap_or_else(registry::today)
    }

    /// The instant declarations are received, as stored in `*_at` columns.
    pub(crate) fn received_at(&self) -> String {
        match self.received_on {
            Some(date) => format!("{date}T00:00:00Z"),
            None => now(),
        }
    }

    pub fn kind(&self) -> Kind {
        match self.backend {
            Backend::Sqlite(_) => Kind::Sqlite,
            Backend::Postgres(_) => Kind::Postgres,
        }
    }

    /// Applies the migrations of the backend (same version numbers on both).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Readiness: the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// SQLite page cache of every connection, in KiB when negative: 64 MB (the default is 2 MB).
pub(crate) const SQLITE_CACHE_SIZE: &str = "-65536";

/// A date given as `YYYY-MM-DD` in `field`, or the error naming the field and the text.
pub(crate) fn parse_date(field: &str, text: &str) -> Result<ansinh_core::Date, StoreError> {
    text.trim()
        .parse()
        .map_err(|_| StoreError::invalid(field, format!("`{text}` is not a date YYYY-MM-DD")))
}

/// The current instant as stored in `*_at` columns.
pub(crate) fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// The instant `minutes` from now (before it when negative), as stored in `*_at` columns.
pub(crate) fn timestamp_in(minutes: i64) -> String {
    jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_mins(minutes))
        .expect("a near instant")
        .to_string()
}
