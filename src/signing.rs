//! Opaque, signed state handed to clients: pagination cursors (a page position serialised and
//! authenticated with an HMAC, so that a cursor the API did not issue, edited, truncated or
//! forged, is a 400, never a wrong page) and device tokens, each under a key of its purpose.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Signs and checks cursors. Its key derives from a secret kept in the database, which every
/// instance shares, so a cursor from one instance works on another, and which does not
/// change when the JWT keys rotate.
pub struct CursorSigner {
    key: Vec<u8>,
}

fn invalid() -> ApiError {
    ApiError::BadRequest("parameter `cursor`: not one this API issued for this query".into())
}

impl CursorSigner {
    /// A signer of pagination cursors whose key is derived from `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self::for_purpose(b"annuaire pagination cursor", secret)
    }

    /// A signer for another kind of small state (device tokens), whose key is derived from
    /// `secret` and `purpose`, so that a token of one purpose is never valid as another's.
    pub fn for_purpose(purpose: &[u8], secret: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(purpose);
        hasher.update(b"\0");
        hasher.update(secret);
        CursorSigner {
            key: hasher.finalize().to_vec(),
        }
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(payload);
        mac
    }

    /// The cursor of `state`.
    pub fn encode<T: Serialize>(&self, state: &T) -> String {
        let payload = serde_json::to_vec(state).expect("cursor state serialises");
        let tag = self.mac(&payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The state of a cursor this signer issued.
    pub fn decode<T: DeserializeOwned>(&self, cursor: &str) -> Result<T, ApiError> {
        let (payload, tag) = cursor.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        self.mac(&payload).verify_slice(&tag).map_err(|_| invalid())?;
        serde_json::from_slice(&payload).map_err(|_| invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_cursors_round_trip_and_edited_ones_are_refused() {
        let signer = CursorSigner::new(b"secret");
        let cursor = signer.encode(&("name", "Démo", 42));
        assert_eq!(
            signer.decode::<(String, String, i32)>(&cursor).unwrap(),
            ("name".into(), "Démo".into(), 42)
        );
        let (payload, tag) = cursor.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&("name", "Zzz", 42)).unwrap());
        assert!(
            signer
                .decode::<(String, String, i32)>(&format!("{forged}.{tag}"))
                .is_err()
        );
        assert!(signer.decode::<(String, String, i32)>(payload).is_err());
        assert!(
            CursorSigner::new(b"other")
                .decode::<(String, String, i32)>(&cursor)
                .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn every_issued_cursor_round_trips(name in "\\PC{0,30}", position in proptest::num::i64::ANY) {
            let signer = CursorSigner::new(b"secret");
            let cursor = signer.encode(&(name.clone(), position));
            proptest::prop_assert_eq!(signer.decode::<(String, i64)>(&cursor).unwrap(), (name, position));
        }

        #[test]
        fn an_edited_cursor_is_refused_or_unchanged(
            name in "[a-zé]{0,12}",
            at in proptest::num::usize::ANY,
            with in proptest::char::range('!', '~'),
        ) {
            let signer = CursorSigner::new(b"secret");
            let cursor = signer.encode(&(name.clone(), 7));
            let mut chars: Vec<char> = cursor.chars().collect();
            let at = at % chars.len();
            chars[at] = with;
            let edited: String = chars.into_iter().collect();
            if let Ok(state) = signer.decode::<(String, i64)>(&edited) {
                proptest::prop_assert_eq!(edited, cursor);
                proptest::prop_assert_eq!(state, (name, 7));
            }
        }

        #[test]
        fn any_text_is_refused_without_panicking(text in "\\PC{0,80}") {
            proptest::prop_assert!(CursorSigner::new(b"secret").decode::<(String, i64)>(&text).is_err());
        }
    }
}
