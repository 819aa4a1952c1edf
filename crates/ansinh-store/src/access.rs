//! Users, sign-in sessions and API tokens (người dùng, phiên, khoá API).
//!
//! Passwords are kept as Argon2id hashes; session ids and API tokens are 256 random bits that
//! only the client holds — the database keeps their SHA-256 digests, so a copy of the database
//! signs no one in. Sign-in is throttled per user name after repeated failures.

use crate::audit::{Change, append};
use crate::{Store, StoreError, now, on_pool, timestamp_in};
use ansinh_core::Role;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use sqlx::Row;
use utoipa::ToSchema;

/// Failed sign-ins of one user name within [`THROTTLE_WINDOW_MINUTES`] after which sign-in is
/// refused until the window has passed.
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// A session lasts a working day; then the user signs in again.
pub const SESSION_HOURS: i64 = 8;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A user to create.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    /// administrator, collection_officer, benefits_officer, health_assessor, inspector, employer, insured
    #[schema(value_type = String)]
    pub role: Role,
    /// Required for role `employer`: the unit code it acts for.
    pub employer_code: Option<String>,
    /// Required for role `insured`: their social insurance number.
    pub person_sin: Option<String>,
    /// `vi` (default) or `en`.
    pub locale: Option<String>,
}

/// A user as the application sees it (never with the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct User {
    pub username: String,
    /// administrator, collection_officer, benefits_officer, health_assessor, inspector, employer, insured
    #[schema(value_type = String)]
    pub role: Role,
    pub employer_code: Option<String>,
    pub person_sin: Option<String>,
    pub locale: String,
    pub created_at: String,
}

/// A signed-in browser session.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: User,
    /// The synchronizer token every form of this session must send back.
    pub csrf_token: String,
    pub expires_at: String,
}

/// A secret handed to the client once (session id, API token).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn digest(secret: &str) -> String {
    let d = sha2::Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id with default parameters")
        .to_string()
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Verified against when the user name is unknown, so that a wrong name costs the same time as
/// a wrong password and does not reveal which names exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password of no user"))
}

fn check_username(name: &str) -> Result<String, StoreError> {
    let name = name.trim().to_ascii_lowercase();
    let ok = (3..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(name)
    } else {
        Err(StoreError::invalid(
            "username",
            "must be 3 to 64 characters: letters, digits, . _ - @",
        ))
    }
}

const USER_COLUMNS: &str = "username, role, employer_code, person_sin, locale, created_at";

/// The user columns of a query that names the users table `alias`.
fn user_columns_of(alias: &str) -> String {
    USER_COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn user_from<R: Row>(r: &R) -> Result<User, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'a> sqlx::Decode<'a, R::Database>,
{
    let role: String = r.try_get("role")?;
    Ok(User {
        username: r.try_get("username")?,
        role: role
            .parse()
            .map_err(|e: ansinh_core::role::RoleError| StoreError::invalid("role", e))?,
        employer_code: r.try_get("employer_code")?,
        person_sin: r.try_get("person_sin")?,
        locale: r.try_get("locale")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Creates a user; an employer user must name an existing employer, an insured user an
    /// existing person.
    pub async fn create_user(&self, u: &NewUser) -> Result<User, StoreError> {
        let username = check_username(&u.username)?;
        if u.password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::invalid(
                "password",
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        // A user without a preference reads the deployment's language: Lao in Laos.
        let default_locale = if self.home().await? == "LA" {
            "lo"
        } else {
            "vi"
        };
        let locale = match u.locale.as_deref().map(str::trim) {
            None => default_locale,
            Some("vi") => "vi",
            Some("en") => "en",
            Some("lo") => "lo",
            Some(other) => {
                return Err(StoreError::invalid(
                    "locale",
                    format!("`{other}` is not vi, en or lo"),
                ));
            }
        };
        let employer_code = match (u.role, &u.employer_code) {
            (Role::Employer | Role::TradeUnion, Some(code)) => {
                Some(self.existing_employer(code).await?.unit_code)
            }
            (Role::Employer | Role::TradeUnion, None) => {
                return Err(StoreError::invalid(
                    "employer_code",
                    "an employer's user or trade union acts for one employer: give its unit code",
                ));
            }
            (_, Some(_)) => {
                return Err(StoreError::invalid(
                    "employer_code",
                    "only an employer's user or trade union is bound to an employer",
                ));
            }
            (_, None) => None,
        };
        let person_sin = match (u.role, &u.person_sin) {
            (Role::Insured, Some(sin)) => Some(
                self.person(sin.trim())
                    .await?
                    .ok_or_else(|| StoreError::NotFound {
                        what: format!("person {}", sin.trim()),
                    })?
                    .sin,
            ),
            (Role::Insured, None) => {
                return Err(StoreError::invalid(
                    "person_sin",
                    "an insured user is one person: give their social insurance number",
                ));
            }
            (_, Some(_)) => {
                return Err(StoreError::invalid(
                    "person_sin",
                    "only an insured user is bound to a person",
                ));
            }
            (_, None) => None,
        };
        let user = User {
            username,
            role: u.role,
            employer_code,
            person_sin,
            locale: locale.to_string(),
            created_at: now(),
        };
        let hash = hash_password(&u.password);
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO users (username, password_hash, role, employer_code, person_sin, locale, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(&user.username).bind(&hash).bind(user.role.as_str()).bind(&user.employer_code)
                .bind(&user.person_sin).bind(&user.locale).bind(&user.created_at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "user.create",
                entity_kind: "user",
                entity_id: user.username.clone(),
                change: serde_json::json!({
                    "role": user.role, "employer_code": user.employer_code,
                    "person_sin": user.person_sin, "locale": user.locale,
                }),
            })?;
            tx.commit().await
        }.await);
        result
            .map_err(|e| {
                StoreError::from(e).unique_as("username", format!("{} is taken", user.username))
            })
            .map(|()| user)
    }

    pub async fn user(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let name = username.trim().to_ascii_lowercase();
        Ok(
            on_pool!(self, pool => match sqlx::query(&sql).bind(&name).fetch_optional(pool).await? {
                Some(r) => Some(user_from(&r)?),
                None => None,
            }),
        )
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        on_pool!(self, pool => sqlx::query(&sql).fetch_all(pool).await?.iter().map(user_from).collect())
    }

    /// Checks the password and opens a new session (a fresh id: an id the client held before
    /// signing in is never promoted — no session fixation). Returns the id for the cookie.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(String, Session), StoreError> {
        let name = username.trim().to_ascii_lowercase();
        let since = timestamp_in(-THROTTLE_WINDOW_MINUTES);
        // The attempt is counted before the password is checked (and forgotten if it is
        // right): of concurrent guesses, each sees those recorded before it, so no more than
        // MAX_FAILURES passwords are ever checked within the window.
        let attempt = new_secret();
        on_pool!(self, pool => sqlx::query("INSERT INTO login_failures (username, at, attempt) VALUES ($1, $2, $3)")
            .bind(&name).bind(now()).bind(&attempt).execute(pool).await.map(|_| ()))?;
        let attempts: i64 = on_pool!(self, pool => sqlx::query("SELECT COUNT(*) AS n FROM login_failures WHERE username = $1 AND at > $2")
            .bind(&name).bind(&since).fetch_one(pool).await?.try_get("n")?);
        if attempts > MAX_FAILURES {
            // No password was checked: the attempt is forgotten, so that the lock ends 15
            // minutes after the last failure checked (attempts while locked do not extend it).
            self.forget_attempt(&attempt).await?;
            return Err(StoreError::Throttled {
                minutes: THROTTLE_WINDOW_MINUTES,
            });
        }
        let stored: Option<String> = on_pool!(self, pool => match sqlx::query("SELECT password_hash FROM users WHERE username = $1")
        .bind(&name).fetch_optional(pool).await? {
            Some(r) => Some(r.try_get("password_hash")?),
            None => None,
        });
        let ok = password_matches(password, stored.as_deref().unwrap_or(decoy_hash()));
        let user = match (ok && stored.is_some(), self.user(&name).await?) {
            (true, Some(user)) => user,
            _ => return Err(StoreError::BadCredentials),
        };
        self.forget_attempt(&attempt).await?;
        let id = new_secret();
        let session = Session {
            user,
            csrf_token: new_secret(),
            expires_at: timestamp_in(SESSION_HOURS * 60),
        };
        let actor = self.acting_as(crate::audit::Actor {
            user: format!("user:{}", session.user.username),
            ..self.actor().clone()
        });
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO sessions (id_digest, username, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(digest(&id)).bind(&session.user.username).bind(&session.csrf_token)
                .bind(now()).bind(&session.expires_at)
                .execute(&mut *tx).await?;
            append!(tx, actor, Change {
                action: "session.sign_in",
                entity_kind: "user",
                entity_id: session.user.username.clone(),
                change: serde_json::json!({"expires_at": session.expires_at}),
            })?;
            tx.commit().await
        }.await)?;
        Ok((id, session))
    }

    /// Removes a sign-in attempt recorded before its password was checked (it succeeded, or
    /// no password was checked).
    async fn forget_attempt(&self, attempt: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(attempt).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// The language a user chose, kept for their next sign-in (audited).
    pub async fn set_locale(&self, username: &str, locale: &str) -> Result<(), StoreError> {
        if !matches!(locale, "vi" | "en" | "lo") {
            return Err(StoreError::invalid(
                "locale",
                format!("`{locale}` is not vi, en or lo"),
            ));
        }
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query("UPDATE users SET locale = $2 WHERE username = $1 AND locale <> $2")
                .bind(username).bind(locale).execute(&mut *tx).await?.rows_affected();
            if changed > 0 {
                append!(tx, self, Change {
                    action: "user.locale",
                    entity_kind: "user",
                    entity_id: username.to_string(),
                    change: serde_json::json!({"locale": locale}),
                })?;
            }
            tx.commit().await
        }.await)?;
        Ok(())
    }

    /// The live session of an id, if any.
    pub async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let sql = format!(
            "SELECT s.csrf_token, s.expires_at, {} FROM sessions s JOIN users u ON u.username = s.username WHERE s.id_digest = $1 AND s.expires_at > $2",
            user_columns_of("u")
        );
        Ok(
            on_pool!(self, pool => match sqlx::query(&sql).bind(digest(id)).bind(now()).fetch_optional(pool).await? {
                Some(r) => Some(Session {
                    user: user_from(&r)?,
                    csrf_token: r.try_get("csrf_token")?,
                    expires_at: r.try_get("expires_at")?,
                }),
                None => None,
            }),
        )
    }

    /// Ends a session (sign-out).
    pub async fn sign_out(&self, id: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE id_digest = $1")
            .bind(digest(id)).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Issues an API token for a machine client acting as `username`; the token is shown once.
    pub async fn create_api_token(
        &self,
        username: &str,
        label: &str,
    ) -> Result<String, StoreError> {
        let user = self
            .user(username)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("user {}", username.trim()),
            })?;
        let label = label.trim();
        if label.is_empty() || label.len() > 100 {
            return Err(StoreError::invalid("label", "must be 1 to 100 characters"));
        }
        let token = new_secret();
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO api_tokens (token_digest, username, label, created_at) VALUES ($1, $2, $3, $4)")
                .bind(digest(&token)).bind(&user.username).bind(label).bind(now())
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "token.create",
                entity_kind: "user",
                entity_id: user.username.clone(),
                change: serde_json::json!({"label": label}),
            })?;
            tx.commit().await
        }.await)?;
        Ok(token)
    }

    /// The user an API token acts for.
    pub async fn token_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT {} FROM api_tokens t JOIN users u ON u.username = t.username WHERE t.token_digest = $1",
            user_columns_of("u")
        );
        Ok(
            on_pool!(self, pool => match sqlx::query(&sql).bind(digest(token)).fetch_optional(pool).await? {
                Some(r) => Some(user_from(&r)?),
                None => None,
            }),
        )
    }

    /// Whether `sin` has (or had) an employment with `employer_code`: what lets an employer
    /// read one person's record.
    pub async fn employs(&self, employer_code: &str, sin: &str) -> Result<bool, StoreError> {
        Ok(
            on_pool!(self, pool => sqlx::query("SELECT 1 FROM employments WHERE employer_code = $1 AND person_sin = $2 LIMIT 1")
            .bind(employer_code).bind(sin.trim()).fetch_optional(pool).await?.is_some()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_a_fresh_salt_and_verify() {
        let a = hash_password("correct horse battery");
        let b = hash_password("correct horse battery");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(a.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &a));
        assert!(!password_matches("correct horse batterx", &a));
        assert!(!password_matches("anything", "not a hash"));
    }

    #[test]
    fn secrets_are_256_bits_and_stored_as_digests() {
        let s = new_secret();
        assert_eq!(s.len(), 43);
        assert_ne!(s, new_secret());
        assert_eq!(digest(&s).len(), 64);
        assert_ne!(digest(&s), s);
    }

    #[test]
    fn user_names_are_checked() {
        assert_eq!(check_username(" Thu.Nguyen ").unwrap(), "thu.nguyen");
        assert!(check_username("ab").is_err());
        assert!(check_username("a b c").is_err());
        assert!(check_username("x'; DROP TABLE users;--").is_err());
    }
}
