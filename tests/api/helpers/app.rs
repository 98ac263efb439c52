//! The application served in-process on a random port, talked to over real HTTP.

use std::future;

use actix_web::dev::ServerHandle;
use annuaire::config::Settings;
use annuaire::server::Application;
use clap::Parser;

use super::TestDatabase;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDatabase,
    handle: ServerHandle,
}

/// Settings as the binary would parse them, pointed at `database` and a random port.
pub fn settings_for(database: &TestDatabase) -> Settings {
    let cli = annuaire::config::Cli::parse_from([
        "annuaire",
        "--database-url",
        &database.url,
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "2",
        "--pool-size",
        "4",
    ]);
    cli.settings
}

impl TestApp {
    pub async fn spawn(db: TestDatabase) -> Self {
        let settings = settings_for(&db);
        let app = tokio::task::spawn_blocking(move || Application::build(&settings, future::pending()))
            .await
            .unwrap()
            .expect("the application starts");
        let address = format!("http://{}", app.local_addr());
        let handle = app.handle();
        tokio::spawn(app.run());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            address,
            client,
            db,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}
