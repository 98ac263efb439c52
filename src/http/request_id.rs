//! Request ids: kept from the caller when well-formed, generated otherwise, echoed in the
//! response and attached to every log line of the request through its span.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError};
use tracing::Instrument;

use super::problem;

/// The header carrying the request id.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest caller-supplied id we keep; a longer one is replaced, not truncated.
const MAX_LEN: usize = 128;

fn caller_id(req: &ServiceRequest) -> Option<HeaderValue> {
    let value = req.headers().get(&X_REQUEST_ID)?;
    let acceptable = |b: &u8| b.is_ascii_alphanumeric() || b"-_.:".contains(b);
    let bytes = value.as_bytes();
    (!bytes.is_empty() && bytes.len() <= MAX_LEN && bytes.iter().all(acceptable)).then(|| value.clone())
}

fn generated_id() -> HeaderValue {
    HeaderValue::from_str(&uuid::Uuid::now_v7().to_string()).expect("a UUID is a valid header value")
}

/// Middleware: assigns the id, runs the request inside its span and logs its outcome.
/// Only the method and path are logged, never headers or bodies (they carry credentials).
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = caller_id(&req).unwrap_or_else(generated_id);
    let span = tracing::info_span!(
        "request",
        request_id = %id.to_str().unwrap_or_default(),
        method = %req.method(),
        path = %req.path(),
        client = %super::client::client_address(req.request()),
    );
    let started = Instant::now();
    // Marks the request as in flight: its head is read, its body may still be arriving.
    span.in_scope(|| tracing::debug!("request started"));
    let outcome = next.call(req).instrument(span.clone()).await;
    let status = match &outcome {
        Ok(response) => response.status(),
        Err(err) => err.as_response_error().status_code(),
    };
    span.in_scope(|| {
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::info!(status = status.as_u16(), elapsed_ms, "request finished");
    });
    match outcome {
        Ok(mut response) => {
            response.headers_mut().insert(X_REQUEST_ID, id);
            Ok(response)
        }
        Err(err) => Err(Tagged { inner: err, id }.into()),
    }
}

/// An error that escaped the service chain, answered with its request id and as a problem.
#[derive(Debug)]
struct Tagged {
    inner: Error,
    id: HeaderValue,
}

impl std::fmt::Display for Tagged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl ResponseError for Tagged {
    fn status_code(&self) -> StatusCode {
        self.inner.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = problem::response_as_problem(self.inner.error_response());
        response.headers_mut().insert(X_REQUEST_ID, self.id.clone());
        response
    }
}
