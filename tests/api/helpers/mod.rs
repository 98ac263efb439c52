//! The test harness: a real server on a random port over a fresh database per test, run once
//! on SQLite and, when `ANNUAIRE_TEST_POSTGRES_URL` is set, once more on PostgreSQL.

mod app;
mod concurrent;
mod database;
mod index;
mod logs;
mod process;
mod proxy;

pub use app::{ADMIN_EMAIL, ADMIN_PASSWORD, TEST_KID, TEST_SECRET, TestApp, jwt_key};
pub use concurrent::{Client, concurrently};
pub use database::{Backend, TestDatabase};
pub use index::loaded_index;
pub use process::TestProcess;

/// Runs `body` against a fresh application on `backend`, then fails the test if the server
/// answered any 5xx it was not told to expect. The PostgreSQL variants are compiled as ignored
/// unless `ANNUAIRE_TEST_POSTGRES_URL` was set at build time (see `build.rs`); a configured but
/// unreachable PostgreSQL fails the test.
pub async fn with_app(backend: Backend, body: impl AsyncFnOnce(&TestApp)) {
    let database = TestDatabase::create(backend).await.unwrap_or_else(|| {
        panic!(
            "{} is not set: the PostgreSQL variants run only with it (they are ignored without it)",
            database::POSTGRES_URL_ENV
        )
    });
    let app = TestApp::spawn(database).await;
    body(&app).await;
    app.stop().await;
    app.assert_no_server_errors();
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
            #[cfg_attr(
                not(annuaire_test_postgres),
                ignore = "set ANNUAIRE_TEST_POSTGRES_URL to run the PostgreSQL variants"
            )]
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
