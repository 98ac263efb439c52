//! Counts the responses that were the service's fault (any 5xx), so that an operator or a test
//! harness can tell whether a server answered every request it was sent without failing.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

/// The count of 5xx responses since the server started.
#[derive(Debug, Default)]
pub struct Faults {
    answered: AtomicU64,
}

impl Faults {
    /// How many 5xx responses were sent so far.
    pub fn count(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    fn add(&self) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }
}

/// Middleware: counts each 5xx response, whether a handler returned it or an error became it,
/// except a readiness probe's.
pub async fn count(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // A readiness probe's 503 says "not yet", which is its job, not a fault.
    let probe = req.path() == "/readyz";
    let faults = req.app_data::<web::Data<Faults>>().cloned();
    let answered = next.call(req).await;
    let failed = match &answered {
        Ok(response) => response.status().is_server_error(),
        Err(error) => error.as_response_error().status_code().is_server_error(),
    };
    if failed
        && !probe
        && let Some(faults) = faults
    {
        faults.add();
    }
    answered
}
