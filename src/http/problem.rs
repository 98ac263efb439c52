//! The safety net that keeps every error response problem+json: panics become 500s, and error
//! responses produced by the framework or a library (bare 404s, 405s, …) get a problem body.

use std::panic::AssertUnwindSafe;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResponseHead, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use futures_util::FutureExt;

use crate::error::{ApiError, PROBLEM_JSON, Problem};

/// Middleware: see the module documentation. Requests are not cloned before routing (actix
/// needs to own them), so a panic comes back as an error, rendered by the caller.
pub async fn ensure(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(Ok(response)) => Ok(response.map_body(|head, body| as_problem(head, body.boxed()))),
        Ok(Err(err)) => Err(err),
        Err(_panic) => Err(ApiError::internal("a handler panicked").into()),
    }
}

/// The same conversion for a response built outside the service chain.
pub fn response_as_problem(response: HttpResponse) -> HttpResponse {
    let (mut response, body) = response.into_parts();
    let body = as_problem(response.head_mut(), body);
    response.set_body(body)
}

fn as_problem(head: &mut ResponseHead, body: BoxBody) -> BoxBody {
    let status = head.status;
    let is_error = status.is_client_error() || status.is_server_error();
    let headers = head.headers_mut();
    if !is_error || headers.get(header::CONTENT_TYPE) == Some(&HeaderValue::from_static(PROBLEM_JSON)) {
        return body;
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    headers.remove(header::CONTENT_ENCODING);
    headers.remove(header::CONTENT_LENGTH);
    BoxBody::new(serde_json::to_vec(&fallback_problem(status)).unwrap_or_default())
}

fn fallback_problem(status: StatusCode) -> Problem {
    match status {
        StatusCode::NOT_FOUND => ApiError::NotFound.problem(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(Vec::new()).problem(),
        status if status.is_server_error() => Problem::new(status, "The service failed."),
        status => Problem::new(status, "The request was refused."),
    }
}
