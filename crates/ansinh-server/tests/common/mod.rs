//! The harness of the server's test suites: a real server on 127.0.0.1 (port 0) over a fresh
//! SQLite file or a fresh PostgreSQL schema, and signed-in clients.
#![allow(dead_code, unused_macros)]

use ansinh_core::Role;
use ansinh_rules::Params;
use ansinh_server::AppState;
use ansinh_store::Store;
use ansinh_store::access::NewUser;
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;

/// The password of every test user.
pub const PASSWORD: &str = "mật khẩu thử nghiệm 2026";

pub fn client_with_token(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub use ansinh_testkit::unique;

/// A browser-like client: keeps no cookies of its own, follows no redirects.
pub fn plain_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs `username` in through the form; the session cookie as `name=value`.
pub async fn session_cookie(base: &str, username: &str) -> String {
    let res = plain_browser()
        .post(format!("{base}/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "signing in {username}");
    res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// The agency's collection account the test deployment prints on its notices.
pub const COLLECTION_ACCOUNT: &str = "BHXH TP Hà Nội — 1234567890 — BIDV Hà Nội";

pub struct App {
    pub base: String,
    /// A client signed in as an administrator (API token).
    pub http: reqwest::Client,
    pub store: Store,
}

impl App {
    pub async fn start(store: Store) -> App {
        store.migrate().await.unwrap();
        // Declarations are received on 5 January 2026, when the scenarios' workers start: they
        // are registered in time, whatever today's date.
        let store = store.receiving_on("2026-01-05".parse().unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        // The database's jurisdiction, as `ansinh serve` reads it.
        let code = store
            .jurisdiction()
            .await
            .unwrap()
            .unwrap_or_else(|| "VN".into());
        let mut state = AppState::new(store.clone(), Arc::new(Params::embedded().unwrap()))
            .with_jurisdiction(&code)
            .unwrap();
        state.collection_account = Some(COLLECTION_ACCOUNT.into());
        tokio::spawn(ansinh_server::serve(
            listener,
            state,
            std::future::pending(),
        ));
        store
            .create_user(&NewUser {
                username: "admin".into(),
                password: PASSWORD.into(),
                role: Role::Administrator,
                employer_code: None,
                person_sin: None,
                locale: None,
            })
            .await
            .unwrap();
        let token = store.create_api_token("admin", "tests").await.unwrap();
        App {
            base,
            http: client_with_token(&token),
            store,
        }
    }

    /// A client with the API token of a new user of `role` (bound to `employer` or `person`).
    pub async fn client_as(
        &self,
        username: &str,
        role: Role,
        employer: Option<&str>,
        person: Option<&str>,
    ) -> reqwest::Client {
        self.store
            .create_user(&NewUser {
                username: username.into(),
                password: PASSWORD.into(),
                role,
                employer_code: employer.map(str::to_string),
                person_sin: person.map(str::to_string),
                locale: None,
            })
            .await
            .unwrap();
        let token = self
            .store
            .create_api_token(username, "tests")
            .await
            .unwrap();
        client_with_token(&token)
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            "POST",
            path,
            "application/json",
            serde_json::to_vec(&body).unwrap(),
            None,
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send("GET", path, "application/json", Vec::new(), None)
            .await
    }
}

/// A fresh store made Lao (issue 17), with a small generated Lao population through March
/// 2026: 3 labour units, 60 members.
#[allow(dead_code)]
pub async fn lao_app(store: Store) -> App {
    store.migrate().await.unwrap();
    assert_eq!(store.claim_jurisdiction(Some("LA")).await.unwrap(), "LA");
    store
        .generate(
            &ansinh_la::LaoParams::embedded().unwrap(),
            &ansinh_store::generate::GenerateOptions {
                employers: 3,
                persons: 60,
                seed: 7,
                until: "2026-03".parse().unwrap(),
            },
            &|_| {},
        )
        .await
        .unwrap();
    App::start(store).await
}

/// The body of a page fetched by `client` (a signed-in user's pages).
#[allow(dead_code)]
pub async fn page_text(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

pub async fn sqlite_app() -> App {
    App::start(ansinh_testkit::fresh_sqlite("ansinh-api").await).await
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::sqlite_app().await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let schema = format!("api_{}", super::unique());
                let store = ansinh_testkit::fresh_postgres(&schema).await;
                super::$name(super::App::start(store).await).await;
                ansinh_testkit::drop_schema(&schema).await;
            }
        }
    )*};
}
#[allow(unused_imports)]
pub(crate) use on_both;

/// Two employers with one worker each, the first with a monthly run of March 2026.
pub struct World {
    pub own_employer: String,
    pub other_employer: String,
    pub own_person: String,
    pub own_personal_id: String,
    pub other_person: String,
}

impl App {
    pub async fn world(&self) -> World {
        for (code, pid, name, sex, born) in [
            (
                "TW0001A",
                "079175000777",
                "Lê Thị Hoa",
                "female",
                "1975-06-01",
            ),
            (
                "TW0002B",
                "001085000888",
                "Phạm Văn Bình",
                "male",
                "1985-03-03",
            ),
        ] {
            let (s, _) = self
                .post(
                    "/api/v1/employers",
                    serde_json::json!({"unit_code": code, "tax_code": "0301234567", "name": format!("Công ty {code}"), "province": "Hà Nội", "region": 1}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED);
            let csv = format!(
                "action,personal_id,name,sex,birth_date,date,salary,contract_kind\nhire,{pid},{name},{sex},{born},2026-01-05,10000000,indefinite\n"
            );
            let (s, report) = self
                .send(
                    "POST",
                    &format!("/api/v1/employers/{code}/declarations"),
                    "text/csv",
                    csv.into_bytes(),
                    None,
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{report}");
        }
        let (s, _) = self
            .post("/api/v1/assessments/2026-03", serde_json::json!({}))
            .await;
        assert_eq!(s, StatusCode::OK);
        let sin = |pid: &'static str| async move {
            let (_, p) = self
                .get(&format!("/api/v1/persons/by-personal-id/{pid}"))
                .await;
            p["sin"].as_str().unwrap().to_string()
        };
        World {
            own_employer: "TW0001A".into(),
            other_employer: "TW0002B".into(),
            own_person: sin("079175000777").await,
            own_personal_id: "079175000777".into(),
            other_person: sin("001085000888").await,
        }
    }
}
