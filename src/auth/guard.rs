//! The one way a route admits callers: `Auth<Policy>` as a handler argument authenticates the
//! bearer credential (access token or API key) and checks the caller's role against the policy.

use std::marker::PhantomData;

use std::num::NonZeroU32;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::secret::{API_KEY_PREFIX, digest};
use super::{AuthState, Caller, CallerKind};
use crate::auth::budgets::{Budget, RateLimits};
use crate::db::{self, Pool, api_keys, users};
use crate::domain::role::Role;
use crate::error::ApiError;

/// The roles a route admits.
pub trait Policy {
    /// Every role allowed through.
    const ROLES: &'static [Role];
}

/// Administrators only.
pub struct Admins;
impl Policy for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Those who keep the directory: curators and admins.
pub struct Curators;
impl Policy for Curators {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Curator];
}

/// Staff who may read everything, contacts and history included: admins, curators, agency.
pub struct Staff;
impl Policy for Staff {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Curator, Role::Agency];
}

/// Staff, and firms' representatives for what concerns their own organization (the handler
/// checks that it is theirs).
pub struct Insiders;
impl Policy for Insiders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Curator, Role::Agency, Role::Representative];
}

/// A firm's representatives: they propose changes to their own organization.
pub struct Representatives;
impl Policy for Representatives {
    const ROLES: &'static [Role] = &[Role::Representative];
}

/// The export promotion agency's matchmaking desk: agency users and admins.
pub struct Matchmakers;
impl Policy for Matchmakers {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Agency];
}

/// Any authenticated caller.
pub struct Anyone;
impl Policy for Anyone {
    const ROLES: &'static [Role] = &Role::ALL;
}

/// An authenticated caller whose role the policy `P` admits.
pub struct Auth<P: Policy> {
    /// Who is calling.
    pub caller: Caller,
    policy: PhantomData<P>,
}

impl<P: Policy> FromRequest for Auth<P> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let verified = req.extensions().get::<super::jwt::Claims>().cloned();
        let state = req.app_data::<web::Data<AuthState>>().cloned();
        let pool = req.app_data::<web::Data<Pool>>().cloned();
        let limits = req.app_data::<web::Data<RateLimits>>().cloned();
        Box::pin(async move {
            let (state, pool) = state
                .zip(pool)
                .ok_or_else(|| ApiError::internal("authentication state missing"))?;
            let caller = authenticate(
                &state,
                &pool,
                token?,
                verified,
                limits.as_ref().map(|l| l.get_ref()),
            )
            .await?;
            if P::ROLES.contains(&caller.role) {
                Ok(Auth {
                    caller,
                    policy: PhantomData,
                })
            } else {
                Err(ApiError::Forbidden)
            }
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("Send `Authorization: Bearer <token>`.".into()))?;
    let value = value.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::Unauthorized(
            "The Authorization header must be `Bearer <token>`.".into(),
        )),
    }
}

/// `verified`: the claims of `token` when the request budget already checked its signature;
/// `limits`: where a key's own budget, read with its row, is noted for its next requests.
async fn authenticate(
    state: &AuthState,
    pool: &Pool,
    token: String,
    verified: Option<super::jwt::Claims>,
    limits: Option<&RateLimits>,
) -> Result<Caller, ApiError> {
    let refused = || ApiError::Unauthorized("The credential is invalid, expired or revoked.".into());
    if token.starts_with(API_KEY_PREFIX) {
        let key_hash = digest(&token);
        let now = db::now();
        let lookup = key_hash.clone();
        let key = db::run(pool, move |conn| api_keys::authenticate(conn, &lookup, now)).await?;
        let key = key.ok_or_else(refused)?;
        if let Some(limits) = limits {
            let own = key
                .rate_limit_per_minute
                .zip(key.rate_limit_burst)
                .and_then(|(per_minute, burst)| {
                    let positive = |n: i32| u32::try_from(n).ok().and_then(NonZeroU32::new);
                    Some(Budget {
                        per_minute: positive(per_minute)?,
                        burst: positive(burst)?,
                    })
                });
            limits.remember_key(&key_hash, own);
        }
        return Ok(Caller {
            role: key.role.parse().map_err(ApiError::internal)?,
            id: key.id,
            kind: CallerKind::ApiKey,
            organization_id: key.organization_id,
            email: None,
            label: Some(key.label),
            import_id: None,
        });
    }
    let claims = match verified {
        Some(claims) => claims,
        None => state.tokens.verify(&token).map_err(|e| {
            tracing::debug!(reason = %e, "access token refused");
            refused()
        })?,
    };
    let user = db::run(pool, move |conn| users::find(conn, &claims.sub)).await?;
    let user = user
        .filter(|user| user.active && user.token_generation == claims.generation)
        .ok_or_else(refused)?;
    Ok(Caller {
        role: user.role.parse().map_err(ApiError::internal)?,
        id: user.id,
        kind: CallerKind::User,
        organization_id: user.organization_id,
        email: Some(user.email),
        label: None,
        import_id: None,
    })
}
