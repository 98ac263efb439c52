//! Problem bodies in the caller's language. `title`, `detail` and each validation `message`
//! come in French or English following `Accept-Language` (English when neither is asked), with
//! `Content-Language`; `type`, `status` and field paths stay language-neutral, so programs
//! branch on them whatever the language. Messages are written in English where they arise and
//! rendered here once, through the catalogue of [`super::french`].

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody, to_bytes_limited};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use serde_json::Value;

use super::french;
use crate::error::PROBLEM_JSON;

pub use crate::domain::language::Language;

/// The language of an `Accept-Language` value (RFC 9110, 12.5.4): the highest weight among
/// French and English, the first listed on a tie; `*` and anything else unreadable mean English.
pub fn preferred(accept_language: Option<&str>) -> Language {
    let mut best: Option<(f32, Language)> = None;
    for range in accept_language.unwrap_or_default().split(',') {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let weight = parts
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
            })
            .unwrap_or(1.0);
        let language = match tag.split('-').next().unwrap_or_default() {
            "fr" => Language::French,
            "en" | "*" => Language::English,
            _ => continue,
        };
        if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, language));
        }
    }
    best.map_or(Language::English, |(_, language)| language)
}

/// Problem bodies are a few hundred bytes; one larger than this is left as it is.
const LARGEST_PROBLEM: usize = 64 * 1024;

/// Middleware: see the module documentation. Sits outside `problem::ensure`, so that every
/// error response it sees is already a problem.
pub async fn localize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let language = preferred(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    // An error (a panic caught by `problem::ensure`) is rendered by actix outside the chain,
    // in English: the request cannot be kept to build a response here (routing needs it alone).
    let response = next.call(req).await?.map_into_boxed_body();
    let is_problem =
        response.headers().get(header::CONTENT_TYPE) == Some(&HeaderValue::from_static(PROBLEM_JSON));
    if !is_problem {
        return Ok(response);
    }
    let (request, mut response) = response.into_parts();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(language.code()),
    );
    headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
    if language == Language::English {
        return Ok(ServiceResponse::new(request, response));
    }
    let (response, body) = response.into_parts();
    let bytes = match to_bytes_limited(body, LARGEST_PROBLEM).await {
        Ok(Ok(bytes)) => bytes,
        _ => return Err(crate::error::ApiError::internal("a problem body could not be read").into()),
    };
    let body = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut problem) => {
            in_french(&mut problem);
            serde_json::to_vec(&problem).map_err(crate::error::ApiError::internal)?
        }
        Err(_) => bytes.to_vec(),
    };
    let mut response = response.set_body(BoxBody::new(body));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(ServiceResponse::new(request, response))
}

/// Renders a problem's human-readable parts in French; what the catalogue lacks stays English.
pub fn in_french(problem: &mut Value) {
    if let Some(status) = problem["status"].as_u64()
        && let Some(title) = french::title(status)
    {
        problem["title"] = Value::String(title.to_owned());
    }
    if let Some(detail) = problem["detail"].as_str().and_then(french::message) {
        problem["detail"] = Value::String(detail);
    }
    for error in problem["errors"].as_array_mut().into_iter().flatten() {
        if let Some(message) = error["message"].as_str().and_then(french::message) {
            error["message"] = Value::String(message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_weight_among_french_and_english_wins() {
        assert_eq!(preferred(None), Language::English);
        assert_eq!(preferred(Some("fr-SN,fr;q=0.9,en;q=0.5")), Language::French);
        assert_eq!(preferred(Some("en;q=0.8, FR")), Language::French);
        assert_eq!(preferred(Some("de, *;q=0.1")), Language::English);
        assert_eq!(preferred(Some("de")), Language::English);
        assert_eq!(preferred(Some("fr;q=0, en")), Language::English);
        assert_eq!(preferred(Some("en, fr")), Language::English);
        assert_eq!(preferred(Some(";;,q=,fr;q=abc")), Language::English);
    }
}
