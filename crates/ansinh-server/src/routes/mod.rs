//! Routes, one file per resource, mirroring the URLs.

mod accounts;
pub(crate) mod agreements;
mod armed_forces;
mod assessments;
pub(crate) mod benefits;
mod calc;
mod claims;
mod declarations;
mod employers;
pub(crate) mod examinations;
mod health;
mod persons;
mod users;

use crate::AppState;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(employers::create, employers::list))
        .routes(routes!(employers::get))
        .routes(routes!(employers::workers))
        .routes(routes!(persons::create, persons::list))
        .routes(routes!(persons::get))
        .routes(routes!(persons::by_personal_id))
        .routes(routes!(persons::employments))
        .routes(routes!(declarations::submit))
        .routes(routes!(declarations::get))
        .routes(routes!(calc::calc))
        .routes(routes!(calc::jurisdictions))
        .routes(routes!(assessments::run))
        .routes(routes!(assessments::notice))
        .routes(routes!(assessments::contributions))
        .routes(routes!(accounts::pay))
        .routes(routes!(accounts::account))
        .routes(routes!(accounts::urge))
        .routes(routes!(accounts::list))
        .routes(routes!(users::me))
        .routes(routes!(users::create, users::list))
        .routes(routes!(users::token))
        .routes(routes!(users::audit))
        .routes(routes!(claims::import))
        .routes(routes!(claims::queue))
        .routes(routes!(claims::settlement))
        .routes(routes!(claims::visit))
        .routes(routes!(claims::review))
        .routes(routes!(claims::issue_card))
        .routes(routes!(claims::renew_card))
        .routes(routes!(claims::cards))
        .routes(routes!(agreements::record, agreements::register))
        .routes(routes!(agreements::of_person))
        .routes(routes!(agreements::import_periods))
        .routes(routes!(agreements::export_periods))
        .routes(routes!(armed_forces::enlist, armed_forces::register))
        .routes(routes!(armed_forces::record))
        .routes(routes!(armed_forces::discharge))
        .routes(routes!(armed_forces::relative))
        .routes(routes!(armed_forces::card))
        .routes(routes!(armed_forces::assess))
        .routes(routes!(armed_forces::transfer))
        .routes(routes!(armed_forces::import_transfer))
        .routes(routes!(examinations::risk))
        .routes(routes!(examinations::headcounts))
        .routes(routes!(examinations::open, examinations::list))
        .routes(routes!(examinations::get))
        .routes(routes!(examinations::transition))
        .routes(routes!(examinations::finding))
        .routes(routes!(examinations::sanction))
        .routes(routes!(examinations::payment))
        .routes(routes!(examinations::reminder))
        .routes(routes!(examinations::overdue))
        .routes(routes!(examinations::statistics))
        .routes(routes!(examinations::union_dossier))
        .routes(routes!(benefits::file, benefits::list))
        .routes(routes!(benefits::get))
        .routes(routes!(benefits::upload))
        .routes(routes!(benefits::decide))
        .routes(routes!(benefits::approve))
        .routes(routes!(benefits::payroll))
        .routes(routes!(benefits::payroll_file))
        .routes(routes!(benefits::change))
        .routes(routes!(benefits::of_person))
        .routes(routes!(benefits::verified_period))
}

/// The `limit` of a list query: 1 to `max` (default: the store's), refused outside — never
/// silently clamped, so a client asking for more learns that it gets less.
pub fn checked_limit(limit: Option<i64>, max: i64) -> Result<Option<i64>, crate::error::ApiError> {
    match limit {
        Some(n) if !(1..=max).contains(&n) => Err(crate::error::ApiError::validation(
            "limit",
            format!("{n} is out of range: 1 to {max}"),
        )),
        other => Ok(other),
    }
}

/// A page of a list; pass `next_after` as `after` for the next page.
#[derive(Serialize, ToSchema)]
pub struct Listing<T: ToSchema> {
    pub items: Vec<T>,
    pub next_after: Option<String>,
}

impl<T: ToSchema> Listing<T> {
    /// A full page may have a successor: its last key is the cursor of the next one.
    pub fn page(items: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Listing<T> {
        let next_after = if items.len() as i64 == limit {
            items.last().map(key)
        } else {
            None
        };
        Listing { items, next_after }
    }
}
