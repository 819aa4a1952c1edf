//! The jurisdiction a database belongs to (VN, LA), chosen when it is created and refused if
//! another is asked for later: a Vietnamese registry must never be assessed under Lao law.

use crate::{Store, StoreError, on_pool};
use sqlx::Row;

impl Store {
    /// The jurisdiction recorded for this database, if one is.
    pub async fn jurisdiction(&self) -> Result<Option<String>, StoreError> {
        if let Some(code) = self.jurisdiction.get() {
            return Ok(Some(code.clone()));
        }
        let code: Option<String> = on_pool!(self, pool => {
            sqlx::query("SELECT jurisdiction FROM deployment WHERE id = 1")
                .fetch_optional(pool)
                .await?
                .map(|r| r.try_get::<String, _>("jurisdiction"))
                .transpose()?
        });
        // Only a recorded one is kept: a database without one may still be claimed.
        if let Some(code) = &code {
            let _ = self.jurisdiction.set(code.clone());
        }
        Ok(code)
    }

    /// The jurisdiction whose law this database is kept under: the recorded one, or Vietnam's
    /// for a database that has none (every database made before jurisdictions were packages).
    pub async fn home(&self) -> Result<String, StoreError> {
        Ok(self.jurisdiction().await?.unwrap_or_else(|| "VN".into()))
    }

    /// Refuses, naming both, `what` asked under the law of `code` on a database of another
    /// jurisdiction (a Vietnamese registry is never assessed under Lao law, nor the reverse).
    pub async fn require_law(&self, code: &str, what: &str) -> Result<(), StoreError> {
        let held = self.home().await?;
        if held == code {
            return Ok(());
        }
        Err(StoreError::invalid(
            "jurisdiction",
            format!("this database belongs to {held}; {what} was asked under the law of {code}"),
        ))
    }

    /// Records `asked` as the database's jurisdiction if none is, and returns the one it
    /// belongs to. `None` asks for nothing: a database without one is Vietnam's (every
    /// database made before jurisdictions were packages is). Another one than recorded is a
    /// [`StoreError::Conflict`] on `jurisdiction` naming both.
    pub async fn claim_jurisdiction(&self, asked: Option<&str>) -> Result<String, StoreError> {
        let wanted = asked.unwrap_or("VN");
        // Written once, when the database is new; every later open only reads it.
        let held = match self.jurisdiction().await? {
            Some(held) => held,
            None => {
                let now = crate::now();
                on_pool!(self, pool => {
                    // Two processes creating one database at once: the first row wins, the
                    // other reads it back below.
                    sqlx::query("INSERT INTO deployment (id, jurisdiction, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
                        .bind(wanted)
                        .bind(&now)
                        .execute(pool)
                        .await?;
                });
                self.jurisdiction()
                    .await?
                    .unwrap_or_else(|| wanted.to_string())
            }
        };
        match asked {
            Some(asked) if asked != held => Err(StoreError::Conflict {
                field: "jurisdiction".into(),
                reason: format!(
                    "this database belongs to {held}; it cannot be used as {asked} (a jurisdiction is chosen when the database is created)"
                ),
            }),
            _ => Ok(held),
        }
    }

    /// Refuses, naming `what`, an operation built for Vietnam's law on another jurisdiction's
    /// database (until that jurisdiction's package has the operation).
    pub async fn require_vietnam(&self, what: &str) -> Result<(), StoreError> {
        match self.home().await? {
            code if code != "VN" => Err(StoreError::Invalid {
                field: "jurisdiction".into(),
                reason: format!(
                    "{what} is built for Vietnam's law; this database belongs to {code}, whose package does not have it yet"
                ),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[tokio::test]
    async fn a_database_keeps_the_jurisdiction_it_was_created_for() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        store.migrate().await.unwrap();
        assert_eq!(store.jurisdiction().await.unwrap(), None);
        assert_eq!(store.claim_jurisdiction(Some("LA")).await.unwrap(), "LA");
        assert_eq!(store.claim_jurisdiction(None).await.unwrap(), "LA");
        assert_eq!(store.claim_jurisdiction(Some("LA")).await.unwrap(), "LA");
        let e = store.claim_jurisdiction(Some("VN")).await.unwrap_err();
        assert!(e.to_string().contains("belongs to LA"), "{e}");
        assert!(store.require_vietnam("the monthly run").await.is_err());
    }

    #[tokio::test]
    async fn a_database_that_asks_for_nothing_is_vietnam_s() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        store.migrate().await.unwrap();
        assert_eq!(store.claim_jurisdiction(None).await.unwrap(), "VN");
        assert!(store.claim_jurisdiction(Some("LA")).await.is_err());
        assert!(store.require_vietnam("the monthly run").await.is_ok());
    }
}
