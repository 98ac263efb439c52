//! The application served in-process on a random port, talked to over real HTTP.

use std::future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::dev::ServerHandle;
use annuaire::config::{Cli, Settings};
use annuaire::http::faults::Faults;
use annuaire::server::Application;
use clap::Parser;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

use super::TestDatabase;

/// The first administrator every test database starts with.
pub const ADMIN_EMAIL: &str = "admin@annuaire.test";
pub const ADMIN_PASSWORD: &str = "admin password for tests";
/// The JWT key the test servers sign with (`kid:base64 of 32 bytes`), so tests can forge tokens.
pub const TEST_KID: &str = "test-k1";
pub const TEST_SECRET: [u8; 32] = [7; 32];

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDatabase,
    handle: ServerHandle,
    faults: Arc<Faults>,
    faults_expected: AtomicBool,
}

/// A further server on the same database, with other settings.
pub struct TestServer {
    pub address: String,
    handle: ServerHandle,
    faults: Arc<Faults>,
}

/// `kid:base64secret` for `--jwt-keys`.
pub fn jwt_key(kid: &str, secret: &[u8]) -> String {
    use base64::Engine;
    format!(
        "{kid}:{}",
        base64::engine::general_purpose::STANDARD.encode(secret)
    )
}

/// Settings as the binary would parse them, pointed at `database` and a random port.
pub fn settings_for(database: &TestDatabase, extra: &[&str]) -> Settings {
    let key = jwt_key(TEST_KID, &TEST_SECRET);
    let mut args = vec![
        "annuaire",
        "--database-url",
        &database.url,
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "2",
        "--pool-size",
        "4",
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
        "--jwt-keys",
        &key,
        "--demo-data",
        "never",
        // Tests send far more than a person would; the budgets have tests of their own.
        "--rate-limit-per-minute",
        "10000000",
        "--rate-limit-burst",
        "10000000",
        "--anonymous-rate-limit-per-minute",
        "10000000",
        "--anonymous-rate-limit-burst",
        "10000000",
    ];
    args.extend_from_slice(extra);
    Cli::parse_from(args).settings
}

async fn start(settings: Settings) -> (String, ServerHandle, Arc<Faults>) {
    super::logs::init();
    let app = tokio::task::spawn_blocking(move || Application::build(&settings, future::pending()))
        .await
        .unwrap()
        .expect("the application starts");
    let address = format!("http://{}", app.local_addr());
    let handle = app.handle();
    let faults = app.faults();
    tokio::spawn(app.run());
    wait_until_ready(&address).await;
    (address, handle, faults)
}

/// Waits for `/readyz`, so that every test starts with the facet index loaded.
async fn wait_until_ready(address: &str) {
    for _ in 0..200 {
        let ready = reqwest::get(format!("{address}/readyz")).await;
        if ready.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{address} is not ready after 5 s");
}

impl TestApp {
    pub async fn spawn(db: TestDatabase) -> Self {
        let (address, handle, faults) = start(settings_for(&db, &[])).await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            address,
            client,
            db,
            handle,
            faults,
            faults_expected: AtomicBool::new(false),
        }
    }

    /// Another server on this test's database, with `extra` flags on top of the defaults.
    pub async fn spawn_server(&self, extra: &[&str]) -> TestServer {
        let (address, handle, faults) = start(settings_for(&self.db, extra)).await;
        TestServer {
            address,
            handle,
            faults,
        }
    }

    /// Declares that this test provokes 5xx answers on purpose (a database outage), so that
    /// the end of the test does not fail on them.
    pub fn expect_server_errors(&self) {
        self.faults_expected.store(true, Ordering::Relaxed);
    }

    /// Fails the test if the server answered any 5xx it was not expected to.
    pub fn assert_no_server_errors(&self) {
        if !self.faults_expected.load(Ordering::Relaxed) {
            let count = self.faults.count();
            assert_eq!(count, 0, "the server answered {count} requests with a 5xx");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// A request carrying `Authorization: Bearer <token>`.
    pub fn authed(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(token)
    }

    /// A caller as `token` that concurrent clients can own.
    pub fn client_as(&self, token: &str) -> super::Client {
        super::Client::new(&self.client, &self.address, token)
    }

    /// The JSON body of a GET as `token`, which must answer 200.
    pub async fn read_json(&self, path: &str, token: &str) -> Value {
        let response = self.authed(Method::GET, path, token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// The token pair of a successful login.
    pub async fn tokens(&self, email: &str, password: &str) -> Value {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), 200, "login of {email}");
        response.json().await.unwrap()
    }

    pub async fn admin_token(&self) -> String {
        self.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates a user with `role` through the API; returns its id, email and password.
    pub async fn create_user(&self, role: &str) -> (String, String, String) {
        let email = format!("{role}-{}@annuaire.test", uuid::Uuid::now_v7().simple());
        let password = format!("{role} password long enough");
        let response = self
            .authed(Method::POST, "/v1/users", &self.admin_token().await)
            .json(&json!({"email": email, "password": password, "role": role}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let user: Value = response.json().await.unwrap();
        (user["id"].as_str().unwrap().to_owned(), email, password)
    }

    /// An access token of a fresh user with `role`.
    pub async fn token_for(&self, role: &str) -> String {
        let (_, email, password) = self.create_user(role).await;
        self.tokens(&email, &password).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Adds `count` published sample firms, as `annuaire seed --synthetic` does.
    pub async fn seed_synthetic(&self, count: u32) {
        let seeded = tokio::process::Command::new(env!("CARGO_BIN_EXE_annuaire"))
            .args(["seed", "--synthetic", &count.to_string()])
            .env_clear()
            .env("ANNUAIRE_DATABASE_URL", &self.db.url)
            .env("ANNUAIRE_LOG", "warn")
            .status()
            .await
            .unwrap();
        assert!(seeded.success());
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Stops the server; fails the test if it answered any 5xx.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
        let count = self.faults.count();
        assert_eq!(
            count, 0,
            "the further server answered {count} requests with a 5xx"
        );
    }
}
