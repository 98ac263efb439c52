//! Request budgets (OWASP API4): a token bucket per credential (each API key, each user) and,
//! for requests without a valid credential, per client address. Expensive routes cost more
//! than a read by id. Answers carry the `RateLimit-Policy` and `RateLimit` fields of the IETF
//! draft; past the budget, 429 with `Retry-After`. The buckets live in this instance's memory:
//! behind N instances a caller gets N budgets.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::client::client_address;
use crate::auth::AuthState;
use crate::auth::secret::{API_KEY_PREFIX, digest};
use crate::error::ApiError;

type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Keys held before idle ones are dropped (a full bucket is the same as no bucket).
const RETAIN_AFTER: usize = 10_000;

/// A budget: requests per minute, and how many may come at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub per_minute: NonZeroU32,
    pub burst: NonZeroU32,
}

struct Bucket {
    name: &'static str,
    budget: Budget,
    limiter: Limiter,
}

impl Bucket {
    fn new(name: &'static str, budget: Budget) -> Self {
        let quota = Quota::per_minute(budget.per_minute).allow_burst(budget.burst);
        Bucket {
            name,
            budget,
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
        }
    }

    /// Seconds for an empty bucket to fill: the window the policy field states.
    fn window(&self) -> u64 {
        (u64::from(self.budget.burst.get()) * 60).div_ceil(u64::from(self.budget.per_minute.get()))
    }

    fn policy(&self) -> String {
        format!("\"{}\";q={};w={}", self.name, self.budget.burst, self.window())
    }

    fn state(&self, remaining: u32) -> String {
        let missing = u64::from(self.budget.burst.get().saturating_sub(remaining));
        let refill = (missing * 60).div_ceil(u64::from(self.budget.per_minute.get()));
        format!("\"{}\";r={remaining};t={refill}", self.name)
    }
}

/// The budgets of this instance.
pub struct RateLimits {
    credentials: Bucket,
    addresses: Bucket,
    /// Keys with budgets of their own, by owner (`key:<digest>`), as their guard last read
    /// them from the key's row: a key's first request after a start draws on the default.
    own: RwLock<HashMap<String, Arc<Bucket>>>,
}

impl RateLimits {
    /// Budgets per credential and per client address.
    pub fn new(credential: Budget, address: Budget) -> Self {
        RateLimits {
            credentials: Bucket::new("credential", credential),
            addresses: Bucket::new("address", address),
            own: RwLock::default(),
        }
    }

    /// Notes the budget the key with digest `key_hash` holds (`None`: the default).
    pub fn remember_key(&self, key_hash: &str, budget: Option<Budget>) {
        let owner = format!("key:{key_hash}");
        let known = self
            .own
            .read()
            .ok()
            .and_then(|own| own.get(&owner).map(|b| b.budget));
        if known == budget {
            return;
        }
        if let Ok(mut own) = self.own.write() {
            settle(&mut own, owner, budget);
        }
    }

    fn own_bucket(&self, owner: &str) -> Option<Arc<Bucket>> {
        self.own.read().ok()?.get(owner).cloned()
    }
}

/// Puts the key's bucket in place, under the write lock. Checked again there: concurrent
/// first requests of a key all pass the read check, and each would otherwise put in a full
/// bucket, forgetting what the others had drawn.
fn settle(own: &mut HashMap<String, Arc<Bucket>>, owner: String, budget: Option<Budget>) {
    match budget {
        Some(budget) if own.get(&owner).map(|b| b.budget) != Some(budget) => {
            own.insert(owner, Arc::new(Bucket::new("key", budget)));
        }
        Some(_) => {}
        None => {
            own.remove(&owner);
        }
    }
}

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
    let own = limits.own_bucket(&key);
    let bucket = match (&own, credential) {
        (Some(own), _) => own,
        (None, true) => &limits.credentials,
        (None, false) => &limits.addresses,
    };
    if bucket.limiter.len() > RETAIN_AFTER {
        bucket.limiter.retain_recent();
    }
    let cost = NonZeroU32::new(cost(&req)).unwrap_or(NonZeroU32::MIN);
    let outcome = bucket.limiter.check_key_n(&key, cost);
    let (remaining, refused) = match outcome {
        Ok(Ok(snapshot)) => (snapshot.remaining_burst_capacity(), None),
        Ok(Err(not_until)) => (0, Some(not_until.wait_time_from(DefaultClock::default().now()))),
        // Costs more than the whole burst: never allowed.
        Err(_) => (0, Some(std::time::Duration::from_secs(bucket.window()))),
    };
    let fields = [
        (HeaderName::from_static("ratelimit-policy"), bucket.policy()),
        (HeaderName::from_static("ratelimit"), bucket.state(remaining)),
    ];
    let mut response = match refused {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_seen_by_two_requests_at_once_keeps_one_bucket() {
        let budget = |n| Budget {
            per_minute: NonZeroU32::new(n).unwrap(),
            burst: NonZeroU32::new(n).unwrap(),
        };
        let mut own = HashMap::new();
        // Both requests found no bucket in the read check; the second settles after the first.
        settle(&mut own, "key:k".into(), Some(budget(3)));
        let first = own["key:k"].clone();
        settle(&mut own, "key:k".into(), Some(budget(3)));
        assert!(
            Arc::ptr_eq(&first, &own["key:k"]),
            "the first request's draws were forgotten"
        );
        settle(&mut own, "key:k".into(), Some(budget(4)));
        assert!(
            !Arc::ptr_eq(&first, &own["key:k"]),
            "a changed budget takes effect"
        );
        settle(&mut own, "key:k".into(), None);
        assert!(own.is_empty());
    }
}
