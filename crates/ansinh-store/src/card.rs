//! Health-insurance cards (thẻ BHYT): issued and renewed per person, each issue a new row with
//! its validity; linked to the registry's person by the card's social insurance number.

use crate::audit::{Change, append};
use crate::{Store, StoreError, now, on_pool, parse_date};
use ansinh_core::Date;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

/// A card to issue.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCard {
    /// 15 characters: group (2 letters), benefit digit, province (2 digits), SIN (10 digits).
    pub card_code: String,
    pub valid_from: String,
    /// Empty for cards without an end (some armed-forces cards).
    pub valid_to: Option<String>,
    /// Facility of first contact (MA_CSKCB, 5 characters).
    pub initial_facility: String,
}

/// A card as issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct HealthCard {
    pub card_code: String,
    /// Group prefix (DN, HT, TE, CN, …) and benefit digit, read from the code.
    pub group: String,
    pub benefit_digit: u8,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub person_sin: Option<String>,
    pub initial_facility: String,
    pub issued_at: String,
}

fn card_from<R: Row>(r: &R) -> Result<HealthCard, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'a> sqlx::Decode<'a, R::Database>,
{
    let code: String = r.try_get("card_code")?;
    let parsed =
        ansinh_rules::health::parse_card(&code).map_err(|e| StoreError::invalid("card_code", e))?;
    Ok(HealthCard {
        card_code: code,
        group: parsed.group,
        benefit_digit: parsed.digit,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
        person_sin: r.try_get("person_sin")?,
        initial_facility: r.try_get("initial_facility")?,
        issued_at: r.try_get("issued_at")?,
    })
}

const CARD_COLUMNS: &str =
    "card_code, valid_from, valid_to, person_sin, initial_facility, issued_at";

impl Store {
    /// Issues a card (cấp thẻ). Its validity must not overlap another issue of the same code.
    pub async fn issue_card(&self, c: &NewCard) -> Result<HealthCard, StoreError> {
        self.require_vietnam("a health insurance card").await?;
        let code = c.card_code.trim().to_ascii_uppercase();
        let parsed = ansinh_rules::health::parse_card(&code)
            .map_err(|e| StoreError::invalid("card_code", e))?;
        let from = parse_date("valid_from", &c.valid_from)?;
        let to = match c.valid_to.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(parse_date("valid_to", t)?),
        };
        if to.is_some_and(|t| t < from) {
            return Err(StoreError::invalid("valid_to", "is before valid_from"));
        }
        let facility = c.initial_facility.trim().to_ascii_uppercase();
        if facility.len() != 5 || !facility.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            return Err(StoreError::invalid(
                "initial_facility",
                "must be a facility code of 5 letters or digits (MA_CSKCB)",
            ));
        }
        for existing in self.cards_by_code(&code).await? {
            let e_from: Date = parse_date("valid_from", &existing.valid_from)?;
            let e_to = existing
                .valid_to
                .as_deref()
                .map(|t| parse_date("valid_to", t))
                .transpose()?;
            let overlaps = e_to.is_none_or(|t| from <= t) && to.is_none_or(|t| e_from <= t);
            if overlaps {
                return Err(StoreError::Conflict {
                    field: "valid_from".into(),
                    reason: format!(
                        "card {code} is already valid from {} to {}",
                        existing.valid_from,
                        existing.valid_to.as_deref().unwrap_or("—")
                    ),
                });
            }
        }
        let person_sin = self.person(&parsed.sin).await?.map(|p| p.sin);
        let card = HealthCard {
            card_code: code,
            group: parsed.group,
            benefit_digit: parsed.digit,
            valid_from: from.to_string(),
            valid_to: to.map(|t| t.to_string()),
            person_sin,
            initial_facility: facility,
            issued_at: now(),
        };
        let result = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query(&format!("INSERT INTO health_cards ({CARD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"))
                .bind(&card.card_code).bind(&card.valid_from).bind(&card.valid_to)
                .bind(&card.person_sin).bind(&card.initial_facility).bind(&card.issued_at)
                .execute(&mut *tx).await?;
            append!(tx, self, Change {
                action: "card.issue",
                entity_kind: "card",
                entity_id: card.card_code.clone(),
                change: serde_json::to_value(&card).unwrap_or_default(),
            })?;
            tx.commit().await
        }.await);
        result
            .map_err(|e| {
                StoreError::from(e).unique_as(
                    "valid_from",
                    format!(
                        "card {} is already issued from {}",
                        card.card_code, card.valid_from
                    ),
                )
            })
            .map(|()| card)
    }

    /// Renews a card (gia hạn): a new issue from the day after the latest one ends, to `valid_to`.
    pub async fn renew_card(&self, code: &str, valid_to: &str) -> Result<HealthCard, StoreError> {
        let code = code.trim().to_ascii_uppercase();
        let latest = self
            .cards_by_code(&code)
            .await?
            .into_iter()
            .max_by(|a, b| a.valid_from.cmp(&b.valid_from))
            .ok_or_else(|| StoreError::NotFound {
                what: format!("card {code}"),
            })?;
        let Some(end) = latest.valid_to.as_deref() else {
            return Err(StoreError::invalid(
                "valid_to",
                format!("card {code} has no end date: nothing to renew"),
            ));
        };
        let next = parse_date("valid_to", end)?
            .checked_add(jiff::Span::new().days(1))
            .map_err(|e| StoreError::invalid("valid_to", e))?;
        self.issue_card(&NewCard {
            card_code: code,
            valid_from: next.to_string(),
            valid_to: Some(valid_to.to_string()),
            initial_facility: latest.initial_facility,
        })
        .await
    }

    async fn cards_by_code(&self, code: &str) -> Result<Vec<HealthCard>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM health_cards WHERE card_code = $1 ORDER BY valid_from"
        );
        on_pool!(self, pool => sqlx::query(&sql).bind(code).fetch_all(pool).await?.iter().map(card_from).collect())
    }

    /// A person's cards, newest first.
    pub async fn cards_of(&self, sin: &str) -> Result<Vec<HealthCard>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM health_cards WHERE person_sin = $1 ORDER BY valid_from DESC, card_code"
        );
        on_pool!(self, pool => sqlx::query(&sql).bind(sin.trim()).fetch_all(pool).await?.iter().map(card_from).collect())
    }

    /// The card register as the claims assessment reads it (`cards.csv` of the reference
    /// folder: code, holder's name, birth, sex as GIOI_TINH codes, registered facility, and
    /// the card's dates; C006, C020): every card issued, with its holder when the registry
    /// knows the person.
    pub async fn card_register(&self) -> Result<Vec<[String; 7]>, StoreError> {
        let sql = "SELECT c.card_code, COALESCE(p.name, '') AS name, COALESCE(p.birth_date, '') AS birth, \
                   COALESCE(p.sex, '') AS sex, c.initial_facility, c.valid_from, COALESCE(c.valid_to, '') AS valid_to \
                   FROM health_cards c LEFT JOIN persons p ON p.sin = c.person_sin \
                   ORDER BY c.card_code, c.valid_from";
        fn read<R: Row>(r: &R) -> Result<[String; 7], StoreError>
        where
            for<'c> &'c str: sqlx::ColumnIndex<R>,
            String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        {
            let get = |c: &str| r.try_get::<String, _>(c);
            // GIOI_TINH: 1 male, 2 female (QĐ 130/QĐ-BYT Bảng 1).
            let sex = match get("sex")?.as_str() {
                "male" => "1",
                "female" => "2",
                _ => "",
            };
            Ok([
                get("card_code")?,
                get("name")?,
                get("birth")?,
                sex.to_string(),
                get("initial_facility")?,
                get("valid_from")?,
                get("valid_to")?,
            ])
        }
        on_pool!(self, pool => sqlx::query(sql).fetch_all(pool).await?.iter().map(read).collect())
    }
}
