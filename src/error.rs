//! The one error type of the API, rendered as RFC 9457 `application/problem+json`.
//!
//! Internal causes are logged (inside the request span, so with the request id) and never sent.

use std::fmt::Display;

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// Seconds a 503 asks the caller to wait before retrying.
pub const RETRY_UNAVAILABLE_AFTER: u64 = 1;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem details body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:annuaire:problem:not-found",
    "title": "Not Found",
    "status": 404,
    "detail": "No resource at this address."
}))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, for programs to branch on.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short human-readable summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    pub detail: String,
    /// On 422: every invalid field of the request, all at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// On a 409 for a likely duplicate: the organizations the entry resembles, each with the
    /// evidence (see the schema `Candidate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub candidates: Option<serde_json::Value>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request body, for example `name.fr` or `registry_ids[0].value`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Everything a handler can answer other than success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed (syntax, parameters).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request is well-formed but some fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Missing, malformed, expired or revoked credential.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// A valid credential whose role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Nothing (visible to the caller) at this address.
    #[error("not found")]
    NotFound,
    /// The path exists, but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<Method>),
    /// The request conflicts with the current state of the resource.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The new entry resembles organizations of the directory: these candidates, serialized.
    #[error("likely duplicate")]
    LikelyDuplicate(serde_json::Value),
    /// `If-Match` does not match the current version.
    #[error("precondition failed")]
    PreconditionFailed,
    /// The body is larger than the route accepts.
    #[error("payload too large")]
    PayloadTooLarge(usize),
    /// The body is not in a media type the route accepts.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A write without the `If-Match` it requires.
    #[error("precondition required")]
    PreconditionRequired,
    /// Too many attempts; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests(u64),
    /// A fault of the service; the cause is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
    /// A dependency (the database) is not answering, or the server is not ready yet; the cause
    /// is logged, not sent.
    #[error("service unavailable: {0}")]
    Unavailable(String),
}

impl ApiError {
    /// An internal fault, keeping its cause for the log.
    pub fn internal(cause: impl Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    /// The database or another dependency is unreachable, keeping the cause for the log.
    pub fn unavailable(cause: impl Display) -> Self {
        ApiError::Unavailable(cause.to_string())
    }

    /// A 422 for a single field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The problem body clients receive.
    pub fn problem(&self) -> Problem {
        let detail = match self {
            ApiError::BadRequest(detail) | ApiError::Unauthorized(detail) | ApiError::Conflict(detail) => {
                detail.clone()
            }
            ApiError::UnsupportedMediaType(detail) => detail.clone(),
            ApiError::Validation(_) => "Some fields are invalid; see `errors`.".into(),
            ApiError::Forbidden => "Your role does not allow this.".into(),
            ApiError::NotFound => "No resource at this address.".into(),
            ApiError::MethodNotAllowed(_) => {
                "This path does not accept this method; see the Allow header.".into()
            }
            ApiError::LikelyDuplicate(_) => "This organization looks like one already in the directory (see `candidates`); send `allow_duplicate=true` to create it anyway.".into(),
            ApiError::PreconditionFailed => "The resource changed since you read it; read it again.".into(),
            ApiError::PayloadTooLarge(limit) => format!("The body exceeds {limit} bytes."),
            ApiError::PreconditionRequired => "Send If-Match with the ETag you read.".into(),
            ApiError::TooManyRequests(seconds) => format!("Retry in {seconds} seconds."),
            ApiError::Internal(_) => {
                "The service failed; the request id identifies the fault in our logs.".into()
            }
            ApiError::Unavailable(_) => {
                "The service cannot answer yet (its database is not answering, or it is starting); retry later."
                    .into()
            }
        };
        let mut problem = Problem::new(self.status_code(), detail);
        if let ApiError::Validation(errors) = self {
            problem.errors = Some(errors.clone());
        }
        if let ApiError::LikelyDuplicate(candidates) = self {
            problem.candidates = Some(candidates.clone());
        }
        problem
    }
}

impl Problem {
    /// A problem whose type is derived from the status, as in `urn:annuaire:problem:not-found`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        let title = status.canonical_reason().unwrap_or("Error");
        let slug = title.to_ascii_lowercase().replace([' ', '\''], "-");
        Problem {
            kind: format!("urn:annuaire:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: None,
            candidates: None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::LikelyDuplicate(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(%cause, "request failed"),
            ApiError::Unavailable(cause) => tracing::warn!(%cause, "dependency unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::MethodNotAllowed(allow) => {
                let allow: Vec<&str> = allow.iter().map(Method::as_str).collect();
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            ApiError::TooManyRequests(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            // A busy or unreachable database usually answers again within a second or two.
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, RETRY_UNAVAILABLE_AFTER.to_string()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_causes_stay_out_of_the_body() {
        let problem = ApiError::internal("SELECT * FROM secrets failed at /var/lib/db").problem();
        let body = serde_json::to_string(&problem).unwrap();
        assert!(!body.contains("secrets") && !body.contains("/var/lib"), "{body}");
        assert_eq!(problem.status, 500);
    }

    #[test]
    fn validation_lists_every_field() {
        let err = ApiError::Validation(vec![
            FieldError {
                field: "name".into(),
                message: "required".into(),
            },
            FieldError {
                field: "country".into(),
                message: "unknown code".into(),
            },
        ]);
        let problem = err.problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors.unwrap().len(), 2);
    }
}
