//! A bound on expensive requests (facet counts): at most a few run at once, and a request that
//! cannot start within a short wait is answered 429 with `Retry-After` instead of queueing.
//! Without it a burst of facet requests holds every database connection and the cheap routes
//! time out behind them.

use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::ApiError;

/// The gate of expensive queries.
pub struct Gate {
    permits: Semaphore,
    wait: Duration,
}

impl Gate {
    /// At most `concurrent` holders; others wait up to `wait`.
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        Gate {
            permits: Semaphore::new(concurrent.max(1)),
            wait,
        }
    }

    /// A place, held until the permit is dropped.
    pub async fn enter(&self) -> Result<SemaphorePermit<'_>, ApiError> {
        match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(ApiError::internal(closed)),
            Err(_) => Err(ApiError::TooManyRequests(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_refuses_after_its_wait_and_reopens() {
        let gate = Gate::new(1, Duration::from_millis(20));
        let held = gate.enter().await.unwrap();
        assert!(matches!(gate.enter().await, Err(ApiError::TooManyRequests(1))));
        drop(held);
        assert!(gate.enter().await.is_ok());
    }
}
