//! Request bodies and parameters, with every rejection turned into a precise problem.
//!
//! `Json<T>` replaces actix's extractor so that a body error names the field that failed
//! (through `serde_path_to_error`): malformed JSON is a 400, JSON of the wrong shape a 422.
//! Its error is handed over by `into_inner`, not raised by the extractor: actix runs a handler's
//! extractors concurrently, and a caller without the right role must get its 401/403 whatever
//! the body, so handlers open the body after `Auth` has admitted the caller.

use actix_web::dev::Payload;
use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body any route accepts.
pub const BODY_LIMIT: usize = 256 * 1024;

/// A JSON request body of type `T`, or why it could not be read.
#[derive(Debug)]
pub struct Json<T>(Result<T, ApiError>);

impl<T> Json<T> {
    /// The body, or the 400/413/415/422 it deserves.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = check_headers(req);
        let mut payload = payload.take();
        Box::pin(async move { Ok(Json(read(checked, &mut payload).await)) })
    }
}

/// A JSON body that may be left out: a request with neither body nor content type reads as
/// `T::default()`; any other body is read as by [`Json`].
#[derive(Debug)]
pub struct OptionalJson<T>(Result<T, ApiError>);

impl<T> OptionalJson<T> {
    /// The body or its default, or the 400/413/415/422 it deserves.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let empty = !headers.contains_key(header::CONTENT_TYPE)
            && headers
                .get(header::CONTENT_LENGTH)
                .is_none_or(|length| length.as_bytes() == b"0");
        if empty {
            return Box::pin(async { Ok(OptionalJson(Ok(T::default()))) });
        }
        let body = Json::<T>::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJson(body.await?.0)) })
    }
}

async fn read<T: DeserializeOwned>(
    checked: Result<(), ApiError>,
    payload: &mut Payload,
) -> Result<T, ApiError> {
    checked?;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(ApiError::PayloadTooLarge(BODY_LIMIT));
        }
        body.extend_from_slice(&chunk);
    }
    parse(&body)
}

fn check_headers(req: &HttpRequest) -> Result<(), ApiError> {
    let is_json = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|mime| mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType(
            "Send the body as application/json.".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(length) if length > BODY_LIMIT => Err(ApiError::PayloadTooLarge(BODY_LIMIT)),
        _ => Ok(()),
    }
}

/// Parses a whole body: a syntax error is a 400, a value of the wrong shape a 422 on its field.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            ApiError::invalid(
                if path == "." { String::new() } else { path },
                without_position(&inner),
            )
        } else {
            ApiError::BadRequest(format!("malformed JSON: {inner}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// serde_json appends " at line L column C"; a field path says more to an API client.
fn without_position(err: &serde_json::Error) -> String {
    let message = err.to_string();
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    }
}

/// Rejections of query strings, as 400 problems.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid query parameters: {err}")).into()
}

/// Rejections of path segments, as 400 problems.
pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid path parameter: {err}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn fields(err: ApiError) -> Vec<String> {
        match err {
            ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn wrong_types_name_the_nested_field() {
        let err = parse::<Sample>(br#"{"name":"x","inner":{"count":-1}}"#).unwrap_err();
        assert_eq!(fields(err), ["inner.count"]);
    }

    #[test]
    fn syntax_errors_and_trailing_bytes_are_bad_requests() {
        assert!(matches!(
            parse::<Sample>(b"{\"name\":"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Sample>(br#"{"name":"x","inner":{"count":1}} x"#),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = parse::<Sample>(br#"{"name":"x","inner":{"count":1},"id":"y"}"#).unwrap_err();
        let ApiError::Validation(errors) = err else {
            panic!("expected a 422")
        };
        assert!(errors[0].message.contains("unknown field `id`"), "{errors:?}");
    }
}
