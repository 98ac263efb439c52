//! The request budgets' middleware (OWASP API4): charges each request to its credential's
//! bucket or, without a valid credential, to its client address's (`auth::budgets`).
//! Expensive routes cost more than a read by id. Answers carry the `RateLimit-Policy` and
//! `RateLimit` fields of the IETF draft; past the budget, 429 with `Retry-After`.

use std::num::NonZeroU32;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};

use super::client::client_address;
use crate::auth::AuthState;
use crate::auth::budgets::RateLimits;
use crate::auth::secret::{API_KEY_PREFIX, digest};
use crate::error::ApiError;

/// What a request costs: a read by id 1; a text facet count or a ranking 5; an export 10.
fn cost(req: &ServiceRequest) -> u32 {
    let path = req.path();
    if path == "/v1/organizations/export" {
        10
    } else if (path == "/v1/organizations/facets"
        && req.query_string().split('&').any(|p| p.starts_with("q=")))
        || path == "/v1/matches/preview"
        || (path.starts_with("/v1/buyer-requests/") && path.ends_with("/matches") && req.method() == "POST")
    {
        5
    } else {
        1
    }
}

/// Whose budget a request draws on: the API key or the user its credential names (checked
/// by signature only; the route's guard still checks it whole), else the client address.
fn owner(req: &ServiceRequest) -> (bool, String) {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if let Some(token) = token {
        if token.starts_with(API_KEY_PREFIX) {
            return (true, format!("key:{}", digest(token)));
        }
        let state = req.app_data::<web::Data<AuthState>>();
        if let Some(claims) = state.and_then(|s| s.tokens.verify(token).ok()) {
            let owner = format!("user:{}", claims.sub);
            // The route's guard reads them from here rather than check the signature again.
            req.extensions_mut().insert(claims);
            return (true, owner);
        }
    }
    (false, format!("address:{}", client_address(req.request())))
}

/// Middleware: charges the request to its budget, refuses it past the budget, and tells the
/// caller where it stands. Probes are free.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(limits) = req.app_data::<web::Data<RateLimits>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    if matches!(req.path(), "/healthz" | "/readyz") {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let (credential, key) = owner(&req);
    let cost = NonZeroU32::new(cost(&req)).unwrap_or(NonZeroU32::MIN);
    let charge = limits.charge(key, credential, cost);
    let fields = [
        (HeaderName::from_static("ratelimit-policy"), charge.policy),
        (HeaderName::from_static("ratelimit"), charge.state),
    ];
    let mut response = match charge.refused {
        None => next.call(req).await?.map_into_left_body(),
        Some(wait) => {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            let refusal = ApiError::TooManyRequests(seconds).error_response();
            req.into_response(refusal).map_into_right_body()
        }
    };
    for (name, value) in fields {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}
