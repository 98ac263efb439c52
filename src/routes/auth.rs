//! Login, refresh and logout: the only routes besides the probes that need no credential.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::AuthState;
use crate::auth::sessions::{self, TokenPair};
use crate::db::Pool;
use crate::domain::validation::{Violations, text};
use crate::error::ApiError;
use crate::http::client::client_address;
use crate::http::json::Json;

/// Longest email or password a login looks at; anything longer cannot be an account's.
const CREDENTIAL_MAX: usize = 1024;

/// An email and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@localhost", "password": "the password printed at first start"}))]
pub struct LoginRequest {
    /// The account's email, in any case.
    pub email: String,
    /// The account's password.
    pub password: String,
    /// The `device_token` an earlier login from this device returned, if any: with it, the
    /// attempt is limited on this device's own counter, so that failures from elsewhere do
    /// not refuse it.
    #[serde(default)]
    pub device_token: Option<String>,
}

/// A refresh token from a login or an earlier refresh.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The opaque `refresh_token`.
    pub refresh_token: String,
}

/// Refuses credentials longer than any account's could be (or empty), naming each field.
pub(super) fn check_lengths(fields: &[(&str, &str)]) -> Result<(), ApiError> {
    let mut violations = Violations::default();
    for (name, value) in fields {
        violations.check(name, text(value, 1, CREDENTIAL_MAX));
    }
    violations.finish()
}

/// Logs in with email and password; returns a 15-minute access token and a refresh token.
///
/// Attempts are counted before the password is checked, per account and per client address:
/// past the limits, every attempt gets 429 with `Retry-After` until the window ends, even
/// with the right password. A successful login also returns a `device_token`; a later login
/// that sends it back is limited on that device's own counter, so that a stranger's failures
/// never lock the owner's device out. An unknown email and a wrong password get the same
/// answer.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "Invalid email or password"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "A field is missing or too long"),
        (status = 429, description = "Too many failed attempts; see Retry-After",
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/v1/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AuthState>,
    pool: web::Data<Pool>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest {
        email,
        password,
        device_token,
    } = body.into_inner()?;
    check_lengths(&[("email", &email), ("password", &password)])?;
    if let Some(token) = &device_token {
        check_lengths(&[("device_token", token)])?;
    }
    let address = client_address(&req);
    let tokens = sessions::login(&state, &pool, &email, password, &address, device_token.as_deref()).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Exchanges a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting one that was already used revokes the whole
/// session it belongs to (one of its holders must be a thief), and the user's access tokens
/// from the next request on. Refreshing never extends a login past its maximum age
/// (`ANNUAIRE_SESSION_MAX_AGE`, 30 days by default): log in again then.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "The refresh token is invalid, expired, used or revoked"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The field is missing or too long"),
    )
)]
#[post("/v1/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AuthState>,
    pool: web::Data<Pool>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let RefreshRequest { refresh_token } = body.into_inner()?;
    check_lengths(&[("refresh_token", &refresh_token)])?;
    let tokens = sessions::refresh(&state, &pool, &refresh_token, &client_address(&req)).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Ends the session of a refresh token: it and every token rotated from it stop working.
/// Access tokens already issued expire on their own (15 minutes at most).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "The session is over (also when the token was unknown)"),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The field is missing or too long"),
    )
)]
#[post("/v1/auth/logout")]
pub async fn logout(pool: web::Data<Pool>, body: Json<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let RefreshRequest { refresh_token } = body.into_inner()?;
    check_lengths(&[("refresh_token", &refresh_token)])?;
    sessions::logout(&pool, &refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
