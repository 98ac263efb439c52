//! Arriving and recovering without a mail server: an administrator invites a user or issues a
//! password reset, hands over the one-time token shown once, and its holder sets a password.

use chrono::{Duration, NaiveDateTime};

use super::AuthState;
use super::accounts::NewAccount;
use super::secret::{digest, random_token};
use crate::db::one_time_tokens::{self, INVITATION, PASSWORD_RESET, TokenRow};
use crate::db::security_events::{self, NewEvent};
use crate::db::users::UserRow;
use crate::db::{self, DbConnection, Pool, organizations, users};
use crate::domain::identity::{check_email, check_password, normalize_email};
use crate::domain::role::Role;
use crate::domain::security::SecurityEventKind;
use crate::domain::validation::Violations;
use crate::error::ApiError;

/// How long an invitation can be accepted.
pub const INVITATION_LIFETIME: Duration = Duration::hours(72);
/// How long a password reset can be used.
pub const RESET_LIFETIME: Duration = Duration::hours(1);

/// A token just issued: the secret (shown once) and its stored record.
pub struct Issued {
    /// The token to hand over.
    pub token: String,
    /// What was stored (its digest, not the token).
    pub record: TokenRow,
}

/// Who issues a token, from where: an administrator, or the command line (no user).
pub struct Issuer<'a> {
    pub user_id: Option<&'a str>,
    pub address: &'a str,
}

fn refused() -> ApiError {
    ApiError::Unauthorized("The token is invalid, expired or already used.".into())
}

fn record(
    conn: &mut DbConnection,
    kind: SecurityEventKind,
    row: &TokenRow,
    user_id: Option<&str>,
    issuer: &Issuer<'_>,
) -> Result<(), ApiError> {
    let event = NewEvent {
        user_id,
        email: Some(&row.email),
        address: issuer.address,
        actor_id: issuer.user_id,
        detail: row.role.as_ref().map(|role| format!("role: {role}")),
    };
    security_events::record(conn, kind, event)
}

fn new_row(purpose: &str, email: String, lifetime: Duration, now: NaiveDateTime) -> (String, TokenRow) {
    let token = random_token(32);
    let row = TokenRow {
        id: uuid::Uuid::now_v7().to_string(),
        purpose: purpose.to_owned(),
        token_hash: digest(&token),
        email,
        role: None,
        organization_id: None,
        user_id: None,
        created_by: None,
        created_at: now,
        expires_at: now + lifetime,
        used_at: None,
    };
    (token, row)
}

/// Invites `email` with `role` (and organization); an earlier invitation to the same email
/// stops working. 409 when the email already has an account.
pub async fn invite(
    pool: &Pool,
    email: &str,
    role: Role,
    organization_id: Option<String>,
    issuer: Issuer<'_>,
) -> Result<Issued, ApiError> {
    let email = normalize_email(email);
    let mut violations = Violations::default();
    violations.check("email", check_email(&email));
    violations.finish()?;
    let now = db::now();
    let (token, mut row) = new_row(INVITATION, email, INVITATION_LIFETIME, now);
    row.role = Some(role.as_str().to_owned());
    row.created_by = issuer.user_id.map(str::to_owned);
    let (actor, address) = (issuer.user_id.map(str::to_owned), issuer.address.to_owned());
    let record_row = db::transaction(pool, move |conn| {
        if users::find_by_email(conn, &row.email)?.is_some() {
            return Err(ApiError::Conflict(
                "A user with this email already exists.".into(),
            ));
        }
        if let Some(organization) = &organization_id {
            let found = organizations::find(conn, organization)?
                .ok_or_else(|| ApiError::invalid("organization_id", "no such organization"))?;
            row.organization_id = Some(found.id);
        }
        one_time_tokens::issue(conn, &row)?;
        let issuer = Issuer {
            user_id: actor.as_deref(),
            address: &address,
        };
        record(conn, SecurityEventKind::InvitationIssued, &row, None, &issuer)?;
        Ok(row)
    })
    .await?;
    Ok(Issued {
        token,
        record: record_row,
    })
}

/// Creates the invited account with `password`; the invitation is spent. 401 for a token that
/// is unknown, expired or used; 422 when the password breaks the policy (the token stays).
pub async fn accept(
    state: &AuthState,
    pool: &Pool,
    token: &str,
    password: String,
    address: &str,
) -> Result<UserRow, ApiError> {
    let invitation = usable(pool, INVITATION, token).await?;
    let role: Role = invitation
        .role
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(ApiError::internal)?;
    let account = NewAccount::validate(
        &invitation.email,
        password,
        role,
        invitation.organization_id.clone(),
    )?;
    let hash = state.hasher.hash(account.password().to_owned()).await?;
    let address = address.to_owned();
    db::transaction(pool, move |conn| {
        if !one_time_tokens::spend(conn, &invitation.id, db::now())? {
            return Err(refused());
        }
        let user = users::insert(conn, &account.into_row(hash))?;
        let issuer = Issuer {
            user_id: None,
            address: &address,
        };
        record(
            conn,
            SecurityEventKind::InvitationAccepted,
            &invitation,
            Some(&user.id),
            &issuer,
        )?;
        Ok(user)
    })
    .await
}

/// Issues a one-hour password-reset token for the user `user_id` (404 when there is none);
/// an earlier unspent one stops working.
pub async fn issue_reset(pool: &Pool, user_id: &str, issuer: Issuer<'_>) -> Result<Issued, ApiError> {
    let user_id = user_id.to_owned();
    let (actor, address) = (issuer.user_id.map(str::to_owned), issuer.address.to_owned());
    db::transaction(pool, move |conn| {
        let user = users::find(conn, &user_id)?.ok_or(ApiError::NotFound)?;
        let (token, mut row) = new_row(PASSWORD_RESET, user.email.clone(), RESET_LIFETIME, db::now());
        row.user_id = Some(user.id.clone());
        row.created_by = actor.clone();
        one_time_tokens::issue(conn, &row)?;
        let issuer = Issuer {
            user_id: actor.as_deref(),
            address: &address,
        };
        record(
            conn,
            SecurityEventKind::PasswordResetIssued,
            &row,
            Some(&user.id),
            &issuer,
        )?;
        Ok(Issued { token, record: row })
    })
    .await
}

/// Sets the password of the token's user and ends every session of theirs; the token is
/// spent. 401 for a token that is unknown, expired or used; 422 for a password the policy
/// refuses (the token stays).
pub async fn reset(
    state: &AuthState,
    pool: &Pool,
    token: &str,
    new_password: String,
    address: &str,
) -> Result<(), ApiError> {
    let reset = usable(pool, PASSWORD_RESET, token).await?;
    let mut violations = Violations::default();
    violations.check("new_password", check_password(&new_password, &reset.email));
    violations.finish()?;
    let hash = state.hasher.hash(new_password).await?;
    let address = address.to_owned();
    db::transaction(pool, move |conn| {
        let now = db::now();
        let user_id = reset.user_id.clone().ok_or_else(refused)?;
        if !one_time_tokens::spend(conn, &reset.id, now)? {
            return Err(refused());
        }
        users::set_password(conn, &user_id, &hash, now)?;
        let issuer = Issuer {
            user_id: None,
            address: &address,
        };
        record(
            conn,
            SecurityEventKind::PasswordReset,
            &reset,
            Some(&user_id),
            &issuer,
        )
    })
    .await
}

async fn usable(pool: &Pool, purpose: &'static str, token: &str) -> Result<TokenRow, ApiError> {
    let token_hash = digest(token);
    db::run(pool, move |conn| {
        one_time_tokens::find_usable(conn, purpose, &token_hash, db::now())
    })
    .await?
    .ok_or_else(refused)
}
