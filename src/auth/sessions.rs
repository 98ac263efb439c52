//! Login, refresh-token rotation with reuse detection, and logout.

use serde::Serialize;
use utoipa::ToSchema;

use super::AuthState;
use super::secret::{digest, new_refresh_token};
use super::throttle::{DeviceToken, Scopes};
use crate::db::security_events::{self, NewEvent};
use crate::db::sessions::SessionRow;
use crate::db::{self, DbConnection, Pool, sessions, users};
use crate::domain::identity::normalize_email;
use crate::domain::security::SecurityEventKind;
use crate::error::ApiError;

/// Tokens returned by login and refresh, in OAuth 2 field names (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImdlbmVyYXRlZC0xIn0.eyJzdWIiOiIwMTkzIn0.c2ln",
    "token_type": "Bearer",
    "expires_in": 900,
    "refresh_token": "q3Jx8f0mS0b2xQwH1pD9u7yVZk4aE6nL2tR5sW8cB1o"
}))]
pub struct TokenPair {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// An opaque token for `/v1/auth/refresh`; usable once.
    pub refresh_token: String,
    /// After a login: an opaque token naming this device for this account. Send it back in
    /// later logins' `device_token`, so that failures from elsewhere never lock this device
    /// out. Optional: a client that ignores it is limited per account and address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized("Invalid email or password.".into())
}

fn invalid_refresh_token() -> ApiError {
    ApiError::Unauthorized("The refresh token is invalid, expired or revoked.".into())
}

/// Checks the password and opens a session. Unknown emails, inactive accounts and wrong
/// passwords all cost one argon2 verification and get the same answer.
///
/// The attempt is counted before the password is checked, so that a burst gets no more full
/// checks than the limit. A `device_token` this account was issued at an earlier login puts
/// the attempt on that device's own counter, which strangers' failures do not touch.
pub async fn login(
    state: &AuthState,
    pool: &Pool,
    email: &str,
    password: String,
    address: &str,
    device_token: Option<&str>,
) -> Result<TokenPair, ApiError> {
    let email = normalize_email(email);
    let lookup = email.clone();
    let user = db::run(pool, move |conn| users::find_by_email(conn, &lookup)).await?;
    let device = device_token.and_then(|t| DeviceToken::decode(&state.devices, t));
    let scopes = match (&user, device) {
        (Some(user), Some(device)) if device.user_id == user.id => Scopes::device(&device),
        _ => Scopes::untrusted(&email, address),
    };
    let attempt = Attempt {
        user_id: user.as_ref().map(|u| u.id.clone()),
        email: email.clone(),
        address: address.to_owned(),
        failure: match &user {
            None => "unknown_account",
            Some(user) if !user.active => "inactive_account",
            Some(_) => "wrong_password",
        },
    };
    let user = user.filter(|user| user.active);
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = counted_check(state, pool, scopes, password, hash, &attempt).await?;
    let Some(user) = user.filter(|_| verified) else {
        return Err(invalid_credentials());
    };
    let lifetime = Lifetime::of(state);
    let user_id = user.id.clone();
    let refresh_token = db::transaction(pool, move |conn| {
        let family = uuid::Uuid::now_v7().to_string();
        let ends = db::now() + lifetime.max_age;
        let token = open_session(conn, &user_id, &family, lifetime.refresh_ttl, ends)?;
        attempt.record(conn, SecurityEventKind::LoginSucceeded, None)?;
        Ok(token)
    })
    .await?;
    let mut pair = token_pair(state, &user.id, user.token_generation, refresh_token)?;
    pair.device_token = Some(DeviceToken::issue(&user.id).encode(&state.devices));
    Ok(pair)
}

/// Checks a signed-in user's current password as a login attempt from `address` would be
/// checked: against the account's and the address's limits.
pub async fn recheck_password(
    state: &AuthState,
    pool: &Pool,
    user_id: &str,
    email: &str,
    password: String,
    password_hash: String,
    address: &str,
) -> Result<bool, ApiError> {
    let email = normalize_email(email);
    let scopes = Scopes::untrusted(&email, address);
    let attempt = Attempt {
        user_id: Some(user_id.to_owned()),
        email,
        address: address.to_owned(),
        failure: "wrong_current_password",
    };
    counted_check(state, pool, scopes, password, Some(password_hash), &attempt).await
}

/// Whom a password check is for, and what its failure is called in the security events.
#[derive(Clone)]
struct Attempt {
    user_id: Option<String>,
    email: String,
    address: String,
    failure: &'static str,
}

impl Attempt {
    fn record(
        &self,
        conn: &mut DbConnection,
        kind: SecurityEventKind,
        detail: Option<&str>,
    ) -> Result<(), ApiError> {
        let event = NewEvent {
            user_id: self.user_id.as_deref(),
            email: Some(&self.email),
            address: &self.address,
            detail: detail.map(str::to_owned),
            ..NewEvent::default()
        };
        security_events::record(conn, kind, event)
    }
}

/// One counted password check: charged to `scopes` before argon2 runs (429 past their
/// limits, with nothing checked), and forgotten when right. Without a hash, the dummy one is
/// checked, so that an unknown account costs the same time.
async fn counted_check(
    state: &AuthState,
    pool: &Pool,
    scopes: Scopes,
    password: String,
    hash: Option<String>,
    attempt: &Attempt,
) -> Result<bool, ApiError> {
    let throttle = state.throttle.clone();
    let reserved = db::transaction(pool, move |conn| {
        throttle.reserve(conn, &scopes, db::now())?;
        Ok(scopes)
    })
    .await;
    let scopes = match reserved {
        Ok(scopes) => scopes,
        Err(refused @ ApiError::TooManyRequests(_)) => {
            // The reservation rolled back; the refusal is recorded on its own.
            let attempt = attempt.clone();
            db::transaction(pool, move |conn| {
                attempt.record(conn, SecurityEventKind::LoginThrottled, None)
            })
            .await?;
            return Err(refused);
        }
        Err(other) => return Err(other),
    };
    let verified = state.hasher.verify(password, hash).await?;
    let throttle = state.throttle.clone();
    let attempt = attempt.clone();
    db::transaction(pool, move |conn| match verified {
        true => throttle.succeeded(conn, &scopes),
        false => attempt.record(conn, SecurityEventKind::LoginFailed, Some(attempt.failure)),
    })
    .await?;
    Ok(verified)
}

/// Exchanges a refresh token for a new pair. The old token stops working; presenting a token
/// that was already used revokes its whole family, since one of the two holders is a thief.
pub async fn refresh(
    state: &AuthState,
    pool: &Pool,
    refresh_token: &str,
    address: &str,
) -> Result<TokenPair, ApiError> {
    let token_hash = digest(refresh_token);
    let lifetime = Lifetime::of(state);
    let address = address.to_owned();
    let rotated = db::transaction(pool, move |conn| rotate(conn, &token_hash, lifetime, &address)).await?;
    match rotated {
        Rotation::Rotated {
            user_id,
            generation,
            refresh_token,
        } => token_pair(state, &user_id, generation, refresh_token),
        Rotation::Refused => Err(invalid_refresh_token()),
    }
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored: the outcome the
/// caller wants, no session for that token, holds either way.
pub async fn logout(pool: &Pool, refresh_token: &str) -> Result<(), ApiError> {
    let token_hash = digest(refresh_token);
    db::transaction(pool, move |conn| {
        if let Some(session) = sessions::find_by_hash(conn, &token_hash)? {
            sessions::revoke_family(conn, &session.family_id, db::now())?;
        }
        Ok(())
    })
    .await
}

/// How long tokens and logins last.
#[derive(Clone, Copy)]
struct Lifetime {
    refresh_ttl: chrono::Duration,
    max_age: chrono::Duration,
}

impl Lifetime {
    fn of(state: &AuthState) -> Self {
        Lifetime {
            refresh_ttl: state.refresh_ttl,
            max_age: state.session_max_age,
        }
    }
}

enum Rotation {
    Rotated {
        user_id: String,
        generation: i32,
        refresh_token: String,
    },
    Refused,
}

/// Runs in a transaction that commits even when the token is refused, so that a reuse
/// revocation sticks.
fn rotate(
    conn: &mut DbConnection,
    token_hash: &str,
    lifetime: Lifetime,
    address: &str,
) -> Result<Rotation, ApiError> {
    let now = db::now();
    let Some(session) = sessions::find_by_hash(conn, token_hash)? else {
        return Ok(Rotation::Refused);
    };
    if session.revoked_at.is_some() || session.expires_at <= now {
        return Ok(Rotation::Refused);
    }
    if session.used_at.is_some() || !sessions::mark_used(conn, &session.id, now)? {
        tracing::warn!(family = %session.family_id, "refresh token reused; revoking its session");
        sessions::revoke_family(conn, &session.family_id, now)?;
        // The thief may hold access tokens of this session too; they carry no session, so
        // every access token of the user ends (other sessions refresh theirs).
        users::end_access_tokens(conn, &session.user_id)?;
        let event = NewEvent {
            user_id: Some(&session.user_id),
            address,
            detail: Some(format!("session {}", session.family_id)),
            ..NewEvent::default()
        };
        security_events::record(conn, SecurityEventKind::SessionReused, event)?;
        return Ok(Rotation::Refused);
    }
    // However often it is refreshed, a login ends when it reaches its maximum age.
    let started = sessions::family_started(conn, &session.family_id)?.unwrap_or(session.created_at);
    let ends = started + lifetime.max_age;
    if ends <= now {
        return Ok(Rotation::Refused);
    }
    let Some(user) = users::find(conn, &session.user_id)?.filter(|user| user.active) else {
        return Ok(Rotation::Refused);
    };
    let refresh_token = open_session(conn, &user.id, &session.family_id, lifetime.refresh_ttl, ends)?;
    Ok(Rotation::Rotated {
        user_id: user.id,
        generation: user.token_generation,
        refresh_token,
    })
}

fn open_session(
    conn: &mut DbConnection,
    user_id: &str,
    family_id: &str,
    ttl: chrono::Duration,
    session_ends: chrono::NaiveDateTime,
) -> Result<String, ApiError> {
    let token = new_refresh_token();
    let now = db::now();
    sessions::insert(
        conn,
        &SessionRow {
            id: uuid::Uuid::now_v7().to_string(),
            family_id: family_id.to_owned(),
            user_id: user_id.to_owned(),
            token_hash: digest(&token),
            created_at: now,
            expires_at: (now + ttl).min(session_ends),
            used_at: None,
            revoked_at: None,
        },
    )?;
    Ok(token)
}

fn token_pair(
    state: &AuthState,
    user_id: &str,
    generation: i32,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    Ok(TokenPair {
        access_token: state
            .tokens
            .issue(user_id, generation)
            .map_err(ApiError::internal)?,
        token_type: "Bearer",
        expires_in: state.tokens.ttl_seconds(),
        refresh_token,
        device_token: None,
    })
}
