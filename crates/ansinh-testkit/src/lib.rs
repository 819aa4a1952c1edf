//! The harness the store's and the server's test suites share: a name no other test uses, a
//! fresh SQLite file, a fresh PostgreSQL schema (on the server at `ANSINH_TEST_POSTGRES`,
//! default `postgres://postgres@127.0.0.1:5432/test`), both migrated.

use ansinh_store::Store;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name unique to this test (process, sequence, random part).
pub fn unique() -> String {
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        fastrand::u32(..)
    )
}

pub fn postgres_url() -> String {
    std::env::var("ANSINH_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A new SQLite file in the temporary folder, migrated.
pub async fn fresh_sqlite(prefix: &str) -> Store {
    let path = std::env::temp_dir().join(format!("{prefix}-{}.db", unique()));
    let store = Store::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
}

/// A new schema on the PostgreSQL test server, migrated; drop it with [`drop_schema`].
pub async fn fresh_postgres(schema: &str) -> Store {
    let url = postgres_url();
    let store = Store::connect_postgres_schema(&url, schema)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} is needed by this suite ({e}); start it or set ANSINH_TEST_POSTGRES"));
    store.migrate().await.unwrap();
    store
}

pub async fn drop_schema(schema: &str) {
    let pool = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}
