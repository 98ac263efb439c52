//! Identity and access: who is calling, and whether their role may do what they ask.

pub mod accounts;
pub mod budgets;
pub mod guard;
pub mod jwt;
pub mod one_time;
pub mod password;
pub mod secret;
pub mod sessions;
mod throttle;

use chrono::Duration;

use crate::config::AuthSettings;
use crate::db::{self, Pool};
pub use crate::domain::caller::{Caller, CallerKind};
use crate::signing::CursorSigner;
pub use throttle::Throttle;

/// Everything authentication needs at request time, built once at start-up.
pub struct AuthState {
    /// Issues and verifies access tokens.
    pub tokens: jwt::TokenService,
    /// Hashes and verifies passwords, bounded in concurrency.
    pub hasher: password::Hasher,
    /// How long a refresh token lives.
    pub refresh_ttl: Duration,
    /// How long a login lasts, refreshes included.
    pub session_max_age: Duration,
    /// Failed-login limits.
    pub throttle: Throttle,
    /// Signs and checks device tokens.
    pub devices: CursorSigner,
}

impl AuthState {
    /// Builds the state from settings, the JWT signing keys and the secret device tokens are
    /// signed with (shared by every instance, like the cursors').
    pub fn new(
        settings: &AuthSettings,
        keys: &[(String, Vec<u8>)],
        device_secret: &[u8],
    ) -> anyhow::Result<Self> {
        let concurrency = match settings.hash_concurrency {
            0 => password::Hasher::default_concurrency(),
            n => n.into(),
        };
        Ok(AuthState {
            tokens: jwt::TokenService::new(
                keys,
                &settings.jwt_issuer,
                &settings.jwt_audience,
                settings.access_token_ttl,
            )?,
            hasher: password::Hasher::new(concurrency),
            refresh_ttl: Duration::seconds(i64::try_from(settings.refresh_token_ttl)?),
            session_max_age: Duration::seconds(i64::try_from(settings.session_max_age)?),
            throttle: Throttle {
                max_account_failures: settings.login_max_failures,
                max_address_failures: settings.login_max_failures_per_address,
                window: Duration::seconds(i64::try_from(settings.login_window)?),
            },
            devices: CursorSigner::for_purpose(b"annuaire device token", device_secret),
        })
    }
}

/// The JWT signing keys, `(kid, secret)`, the signing one first: from the settings or, on
/// SQLite only, from the database (generated there on first start). A PostgreSQL database is
/// read by more people than the server; a key stored there would let any of them mint an
/// administrator's token, so it must be configured.
pub fn signing_keys(settings: &AuthSettings, pool: &Pool) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    match &settings.jwt_keys {
        Some(configured) => Ok(configured.0.clone()),
        None => {
            let mut conn = pool.get()?;
            if conn.backend() == db::Backend::Postgres {
                anyhow::bail!(
                    "with a PostgreSQL database the JWT signing keys must be configured: set \
                     ANNUAIRE_JWT_KEYS to kid:base64-secret (at least 32 bytes; comma-separated to \
                     rotate, the signing key first)"
                );
            }
            db::signing_keys::load_or_generate(&mut conn, db::now())
                .map_err(|e| anyhow::anyhow!("cannot load the JWT signing keys: {e}"))
        }
    }
}
