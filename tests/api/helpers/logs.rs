//! `TEST_LOG=1 cargo test NAME` prints the in-process servers' logs, so that the cause of a
//! 500 in a failing test is there to read; without it the tests stay quiet.

use std::sync::Once;

static INIT: Once = Once::new();

/// Installs the log subscriber once per test binary, when `TEST_LOG` is set. The filter is
/// `ANNUAIRE_LOG` when set, else `info`.
pub fn init() {
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some_and(|v| !v.is_empty() && v != "0") {
            let filter = std::env::var("ANNUAIRE_LOG").unwrap_or_else(|_| "info".into());
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .finish();
            let _ = tracing::subscriber::set_global_default(subscriber);
        }
    });
}
