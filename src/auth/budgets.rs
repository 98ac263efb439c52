//! Request budgets: a token bucket per credential (each API key, each user; a key may hold a
//! budget of its own) and one per client address for requests without a valid credential.
//! The buckets live in this instance's memory: behind N instances a caller gets N budgets.
//! `http::rate_limit` charges each request here.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

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

/// What charging a request told: the policy and state fields to answer with, and how long
/// to wait when it is refused.
pub struct Charge {
    pub policy: String,
    pub state: String,
    pub refused: Option<Duration>,
}

impl RateLimits {
    /// Charges `cost` to `owner`'s bucket: its own, or the credentials' when `credential`,
    /// else the client addresses'.
    pub fn charge(&self, owner: String, credential: bool, cost: NonZeroU32) -> Charge {
        let own = self.own_bucket(&owner);
        let bucket = match (&own, credential) {
            (Some(own), _) => own,
            (None, true) => &self.credentials,
            (None, false) => &self.addresses,
        };
        if bucket.limiter.len() > RETAIN_AFTER {
            bucket.limiter.retain_recent();
        }
        let (remaining, refused) = match bucket.limiter.check_key_n(&owner, cost) {
            Ok(Ok(snapshot)) => (snapshot.remaining_burst_capacity(), None),
            Ok(Err(not_until)) => (0, Some(not_until.wait_time_from(DefaultClock::default().now()))),
            // Costs more than the whole burst: never allowed.
            Err(_) => (0, Some(Duration::from_secs(bucket.window()))),
        };
        Charge {
            policy: bucket.policy(),
            state: bucket.state(remaining),
            refused,
        }
    }
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
