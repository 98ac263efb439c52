//! Brute-force protection: failed logins counted per account and per client address.

use chrono::{Duration, NaiveDateTime};

use crate::db::{DbConnection, throttle};
use crate::error::ApiError;

/// The limits on failed logins.
#[derive(Debug, Clone)]
pub struct Throttle {
    /// Failures per account within a window before further attempts are refused.
    pub max_account_failures: u32,
    /// Failures per client address within a window.
    pub max_address_failures: u32,
    /// How long a window lasts.
    pub window: Duration,
}

/// The counters one login attempt touches.
pub struct Scopes {
    account: String,
    address: String,
}

impl Scopes {
    /// The counters of `email` (normalised) and `address`.
    pub fn new(email: &str, address: &str) -> Self {
        Scopes {
            account: format!("account:{email}"),
            address: format!("address:{address}"),
        }
    }
}

impl Throttle {
    /// Seconds until attempts are allowed again, when either counter is over its limit.
    pub fn retry_after(
        &self,
        conn: &mut DbConnection,
        scopes: &Scopes,
        now: NaiveDateTime,
    ) -> Result<Option<u64>, ApiError> {
        let mut wait = None;
        for (key, limit) in [
            (&scopes.account, self.max_account_failures),
            (&scopes.address, self.max_address_failures),
        ] {
            if let Some((started, failures)) = throttle::state(conn, key)? {
                let ends = started + self.window;
                if i64::from(failures) >= i64::from(limit) && ends > now {
                    let seconds = u64::try_from((ends - now).num_seconds()).unwrap_or(0).max(1);
                    wait = wait.max(Some(seconds));
                }
            }
        }
        Ok(wait)
    }

    /// Counts a failed attempt on both counters.
    pub fn record_failure(
        &self,
        conn: &mut DbConnection,
        scopes: &Scopes,
        now: NaiveDateTime,
    ) -> Result<(), ApiError> {
        let cutoff = now - self.window;
        throttle::record_failure(conn, &scopes.account, now, cutoff)?;
        throttle::record_failure(conn, &scopes.address, now, cutoff)
    }

    /// Forgets the account's failures after a successful login; the address keeps its count.
    pub fn record_success(&self, conn: &mut DbConnection, scopes: &Scopes) -> Result<(), ApiError> {
        throttle::clear(conn, &scopes.account)
    }
}
