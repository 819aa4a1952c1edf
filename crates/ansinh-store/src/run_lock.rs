//! One monthly run at a time. Two runs at once would both write the lines of the same
//! employments and rebuild the same dues; the second is refused with a conflict instead.
//!
//! The lock dies with its holder, so a run killed mid-way (kill -9, power loss) never blocks
//! the next one, which resumes it: on SQLite an advisory lock on a file beside the database
//! (`flock`, released by the kernel when the process ends), on PostgreSQL a session advisory
//! lock on a connection kept for the run and closed after it (released with the connection).

use crate::{Backend, Store, StoreError};
use sqlx::Row;

/// First half of the PostgreSQL advisory lock of the monthly run ("ANSI"); the second is the
/// schema's hash, since advisory locks are per database and a database may hold several
/// registries in schemas of their own (the tests do).
const PG_KEY: i32 = 0x414E_5349;

/// Held for the length of a run; dropping it releases the lock.
pub(crate) struct RunLock {
    /// The locked file beside a SQLite database (none for an in-memory one, which no other
    /// process can open).
    _file: Option<std::fs::File>,
    /// The PostgreSQL connection that holds the advisory lock.
    connection: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
}

fn busy() -> StoreError {
    StoreError::Conflict {
        field: "month".into(),
        reason: "a monthly run is in progress: wait for it to finish, then run again (a run only writes what is missing)".into(),
    }
}

impl RunLock {
    /// Releases the lock now (a dropped lock is released too, but on PostgreSQL only once its
    /// connection has closed, a moment later: the next run, started at once, must find it free).
    pub(crate) async fn release(mut self) {
        if let Some(conn) = self.connection.as_mut() {
            // If this fails the connection is closed on drop, which releases the lock as well.
            let _ = sqlx::query("SELECT pg_advisory_unlock($1, hashtext(current_schema()))")
                .bind(PG_KEY)
                .execute(&mut **conn)
                .await;
        }
    }
}

impl Store {
    /// Takes the lock of the monthly run, or answers that a run holds it.
    pub(crate) async fn lock_run(&self) -> Result<RunLock, StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let db = pool.connect_options().get_filename().to_path_buf();
                if db.as_os_str().is_empty() || db.to_string_lossy().contains(":memory:") {
                    return Ok(RunLock {
                        _file: None,
                        connection: None,
                    });
                }
                let mut path = db.into_os_string();
                path.push(".run-lock");
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .map_err(|e| {
                        StoreError::invalid("database", format!("cannot open the run lock: {e}"))
                    })?;
                match file.try_lock() {
                    Ok(()) => Ok(RunLock {
                        _file: Some(file),
                        connection: None,
                    }),
                    Err(std::fs::TryLockError::WouldBlock) => Err(busy()),
                    Err(std::fs::TryLockError::Error(e)) => Err(StoreError::invalid(
                        "database",
                        format!("cannot take the run lock: {e}"),
                    )),
                }
            }
            Backend::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                let got: bool = sqlx::query(
                    "SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS got",
                )
                .bind(PG_KEY)
                .fetch_one(&mut *conn)
                .await?
                .try_get("got")?;
                if !got {
                    return Err(busy());
                }
                // Closed, not returned to the pool, when dropped: the lock goes with it even if
                // the run's future is dropped half-way.
                conn.close_on_drop();
                Ok(RunLock {
                    _file: None,
                    connection: Some(conn),
                })
            }
        }
    }
}
