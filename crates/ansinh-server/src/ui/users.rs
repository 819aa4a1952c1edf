//! The administrator's page of users and API tokens: who may sign in, in which role, for which
//! employer or person; a new user; a token for a user's machine client, shown once.

use super::{Chrome, error_page, render, see_other, with_reason};
use crate::AppState;
use crate::access::{Acting, Caller};
use ansinh_core::Role;
use ansinh_store::StoreError;
use ansinh_store::access::{NewUser, User};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<User>,
    roles: Vec<&'static str>,
    /// What was typed in the new-user form when it was refused (the password is not kept).
    form: NewUserForm,
    error: Option<(String, String)>,
    /// A token just issued: (user, token), shown this once.
    token: Option<(String, String)>,
}

#[derive(Clone, Default, Deserialize)]
pub(super) struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    employer_code: String,
    #[serde(default)]
    person_sin: String,
    #[serde(default)]
    locale: String,
    reason: Option<String>,
}

fn roles() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

async fn show(
    state: &AppState,
    c: Chrome,
    status: StatusCode,
    form: NewUserForm,
    error: Option<(String, String)>,
    token: Option<(String, String)>,
) -> Response {
    match state.store.users().await {
        Ok(users) => {
            let page = UsersPage {
                c,
                users,
                roles: roles(),
                form: NewUserForm {
                    password: String::new(),
                    ..form
                },
                error,
                token,
            };
            (status, render(&page)).into_response()
        }
        Err(e) => error_page(c, e),
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/users");
    show(
        &state,
        c,
        StatusCode::OK,
        NewUserForm::default(),
        None,
        None,
    )
    .await
}

pub(super) async fn create(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    axum::Form(f): axum::Form<NewUserForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/users");
    let role = match f.role.parse::<Role>() {
        Ok(r) => r,
        Err(_) => {
            let e = ("role".to_string(), format!("`{}` is not a role", f.role));
            return show(&state, c, StatusCode::BAD_REQUEST, f, Some(e), None).await;
        }
    };
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let new = NewUser {
        username: f.username.clone(),
        password: f.password.clone(),
        role,
        employer_code: text(&f.employer_code),
        person_sin: text(&f.person_sin),
        locale: text(&f.locale),
    };
    let store = with_reason(store, f.reason.clone());
    match store.create_user(&new).await {
        Ok(_) => see_other("/ui/users"),
        Err(StoreError::Invalid { field, reason } | StoreError::Conflict { field, reason }) => {
            show(
                &state,
                c,
                StatusCode::BAD_REQUEST,
                f,
                Some((field, reason)),
                None,
            )
            .await
        }
        Err(e) => error_page(c, e),
    }
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    label: String,
    reason: Option<String>,
}

pub(super) async fn token(
    State(state): State<AppState>,
    Acting(store): Acting,
    Caller(caller): Caller,
    headers: HeaderMap,
    Path(username): Path<String>,
    axum::Form(f): axum::Form<TokenForm>,
) -> Response {
    let c = Chrome::new(&headers, Some(&caller), "/ui/users");
    let store = with_reason(store, f.reason);
    match store.create_api_token(&username, &f.label).await {
        Ok(token) => {
            show(
                &state,
                c,
                StatusCode::OK,
                NewUserForm::default(),
                None,
                Some((username, token)),
            )
            .await
        }
        Err(StoreError::Invalid { field, reason }) => {
            let form = NewUserForm::default();
            show(
                &state,
                c,
                StatusCode::BAD_REQUEST,
                form,
                Some((field, reason)),
                None,
            )
            .await
        }
        Err(e) => error_page(c, e),
    }
}
