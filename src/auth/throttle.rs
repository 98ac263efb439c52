//! Brute-force protection: attempts counted per account and per client address before their
//! password is checked, or per trusted device (OWASP's device cookies), so that a stranger's
//! failures do not lock the account's owner out.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::db::{DbConnection, throttle};
use crate::error::ApiError;
use crate::signing::CursorSigner;

/// The limits on failed logins.
#[derive(Debug, Clone)]
pub struct Throttle {
    /// Failures per account (or per trusted device) within a window before further attempts
    /// are refused.
    pub max_account_failures: u32,
    /// Failures per client address within a window.
    pub max_address_failures: u32,
    /// How long a window lasts.
    pub window: Duration,
}

/// The counters one attempt is charged to.
pub enum Scopes {
    /// A client the account does not know: the account's counter and the address's.
    Untrusted { account: String, address: String },
    /// A device the account logged in from before: its own counter only.
    Device { device: String },
}

impl Scopes {
    /// The counters of `email` (normalised) from `address`.
    pub fn untrusted(email: &str, address: &str) -> Self {
        Scopes::Untrusted {
            account: format!("account:{email}"),
            address: format!("address:{address}"),
        }
    }

    /// The counter of a device whose token this account was issued.
    pub fn device(token: &DeviceToken) -> Self {
        Scopes::Device {
            device: format!("device:{}", token.nonce),
        }
    }
}

/// What a device token says: the account it was issued to, and a nonce naming the device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceToken {
    #[serde(rename = "u")]
    pub user_id: String,
    #[serde(rename = "n")]
    nonce: String,
}

impl DeviceToken {
    /// A new device of `user_id`.
    pub fn issue(user_id: &str) -> Self {
        DeviceToken {
            user_id: user_id.to_owned(),
            nonce: super::secret::random_token(16),
        }
    }

    /// The token a client keeps, signed so that it cannot be made up or moved to another
    /// account.
    pub fn encode(&self, signer: &CursorSigner) -> String {
        signer.encode(self)
    }

    /// The device a token names, when this API signed it; anything else is no device.
    pub fn decode(signer: &CursorSigner, token: &str) -> Option<Self> {
        signer.decode(token).ok()
    }
}

impl Throttle {
    /// Charges an attempt to its counters before its password is checked; refuses it with
    /// 429 when any counter is past its limit. Run it in a transaction of its own: a refused
    /// attempt rolls back and leaves the counters as they were.
    pub fn reserve(
        &self,
        conn: &mut DbConnection,
        scopes: &Scopes,
        now: NaiveDateTime,
    ) -> Result<(), ApiError> {
        let cutoff = now - self.window;
        let counters: Vec<(&str, u32)> = match scopes {
            Scopes::Untrusted { account, address } => vec![
                (account, self.max_account_failures),
                (address, self.max_address_failures),
            ],
            Scopes::Device { device } => vec![(device, self.max_account_failures)],
        };
        let mut wait = None;
        for (key, limit) in counters {
            let counter = throttle::reserve(conn, key, now, cutoff)?;
            if i64::from(counter.failures) > i64::from(limit) {
                let ends = counter.window_started_at + self.window;
                let seconds = u64::try_from((ends - now).num_seconds()).unwrap_or(0).max(1);
                wait = wait.max(Some(seconds));
            }
        }
        match wait {
            Some(seconds) => Err(ApiError::TooManyRequests(seconds)),
            None => Ok(()),
        }
    }

    /// After the right password: the account's (or device's) count is forgotten, and the
    /// address gets this attempt back; its earlier failures still count.
    pub fn succeeded(&self, conn: &mut DbConnection, scopes: &Scopes) -> Result<(), ApiError> {
        match scopes {
            Scopes::Untrusted { account, address } => {
                throttle::clear(conn, account)?;
                throttle::release(conn, address)
            }
            Scopes::Device { device } => throttle::clear(conn, device),
        }
    }
}
