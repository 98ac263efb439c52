//! The test harness: a real server on a random port over a fresh database per test, run once
//! on SQLite and, when `ANNUAIRE_TEST_POSTGRES_URL` is set, once more on PostgreSQL.

mod app;
mod database;
mod index;
mod process;
mod proxy;

pub use app::{ADMIN_EMAIL, ADMIN_PASSWORD, TEST_KID, TEST_SECRET, TestApp, jwt_key};
pub use database::{Backend, TestDatabase};
pub use index::loaded_index;
pub use process::TestProcess;

/// Runs `body` against a fresh application on `backend`. PostgreSQL runs only when its URL
/// is configured; a configured but unreachable PostgreSQL fails the test.
pub async fn with_app(backend: Backend, body: impl AsyncFnOnce(&TestApp)) {
    let Some(database) = TestDatabase::create(backend).await else {
        eprintln!(
            "PostgreSQL run skipped: {} is not set",
            database::POSTGRES_URL_ENV
        );
        return;
    };
    let app = TestApp::spawn(database).await;
    body(&app).await;
    app.stop().await;
}

/// Declares one test body that runs on each backend: `backend_test!(name, |app| { … });`.
#[macro_export]
macro_rules! backend_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::with_app(
                    $crate::helpers::Backend::Sqlite,
                    async |$app: &$crate::helpers::TestApp| $body,
                )
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::with_app(
                    $crate::helpers::Backend::Postgres,
                    async |$app: &$crate::helpers::TestApp| $body,
                )
                .await;
            }
        }
    };
}
