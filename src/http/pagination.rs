//! Keyset pagination: `limit` and an opaque `cursor` in, `{items, next_cursor}` out.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page size; a bigger `limit` is refused, not clamped.
pub const MAX_LIMIT: u32 = 100;

/// Paging parameters of list routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

/// A validated page request: the key to start after, and how many rows to fetch.
pub struct PageRequest {
    /// Rows strictly after this key; `None` from the start.
    pub after: Option<String>,
    /// Page size.
    pub limit: u32,
}

impl PageQuery {
    /// Checks the bounds and decodes the cursor.
    pub fn validate(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::BadRequest(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest { after, limit })
    }
}

impl PageRequest {
    /// The position to start after, for lists keyed by an event position (histories).
    pub fn after_position(&self) -> Result<Option<i64>, ApiError> {
        self.after
            .as_deref()
            .map(|cursor| {
                cursor
                    .parse::<i64>()
                    .map_err(|_| ApiError::BadRequest("cursor is not one this API returned".into()))
            })
            .transpose()
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// Cuts the fetched rows to the page and computes the cursor of the next one.
    pub fn page<R, T>(&self, mut rows: Vec<R>, key: impl Fn(&R) -> String, into: impl Fn(R) -> T) -> Page<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = more
            .then(|| rows.last().map(|row| encode_cursor(&key(row))))
            .flatten();
        Page {
            items: rows.into_iter().map(into).collect(),
            next_cursor,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

const CURSOR_VERSION: &str = "v1:";

/// The opaque form of a row's key.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}{key}"))
}

/// The key an opaque cursor holds, or a 400.
pub fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::BadRequest("cursor is not one this API returned".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let key = text.strip_prefix(CURSOR_VERSION).ok_or_else(invalid)?;
    if key.is_empty() || key.len() > 200 || key.chars().any(char::is_control) {
        return Err(invalid());
    }
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_tampering_is_refused() {
        let cursor = encode_cursor("0193-abc");
        assert_eq!(decode_cursor(&cursor).unwrap(), "0193-abc");
        assert!(decode_cursor("not base64!").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("v0:x")).is_err());
    }

    #[test]
    fn limits_are_bounded_not_clamped() {
        let query = |limit| PageQuery {
            limit: Some(limit),
            cursor: None,
        };
        assert!(query(0).validate().is_err());
        assert!(query(101).validate().is_err());
        assert_eq!(query(100).validate().unwrap().limit, 100);
    }

    #[test]
    fn pages_report_whether_more_follow() {
        let request = PageQuery {
            limit: Some(2),
            cursor: None,
        }
        .validate()
        .unwrap();
        let page = request.page(vec!["a", "b", "c"], |s| s.to_string(), |s| s);
        assert_eq!(page.items, ["a", "b"]);
        assert_eq!(decode_cursor(page.next_cursor.as_deref().unwrap()).unwrap(), "b");
        let last = request.page(vec!["a"], |s| s.to_string(), |s| s);
        assert!(last.next_cursor.is_none());
    }

    proptest::proptest! {
        #[test]
        fn keys_of_the_listed_form_round_trip(key in "[0-9a-z:._-]{1,200}") {
            proptest::prop_assert_eq!(decode_cursor(&encode_cursor(&key)).unwrap(), key);
        }

        #[test]
        fn any_text_is_a_key_or_refused_never_a_panic(text in "\\PC{0,300}") {
            if let Ok(key) = decode_cursor(&text) {
                proptest::prop_assert_eq!(encode_cursor(&key), text);
            }
        }
    }
}
