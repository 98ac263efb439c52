//! Random secrets (refresh tokens, API keys, generated passwords) and their stored digests.
//!
//! These secrets carry 256 bits of randomness, so a plain SHA-256 digest is enough to store
//! them: unlike passwords, they cannot be guessed, and lookups by digest stay fast.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// What every API key starts with, so that a leaked one is recognisable (secret scanners).
pub const API_KEY_PREFIX: &str = "annk_";

/// How many characters of a key are kept in clear, to tell keys apart in listings.
pub const API_KEY_SHOWN: usize = API_KEY_PREFIX.len() + 6;

/// `bytes` random bytes, base64url-encoded.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system provides randomness");
    URL_SAFE_NO_PAD.encode(buffer)
}

/// A new opaque refresh token.
pub fn new_refresh_token() -> String {
    random_token(32)
}

/// A new API key secret.
pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_token(32))
}

/// A generated password of 24 characters.
pub fn new_password() -> String {
    random_token(18)
}

/// The digest under which a token is stored and looked up.
pub fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_digests_stable() {
        assert_ne!(new_refresh_token(), new_refresh_token());
        assert!(new_api_key().starts_with(API_KEY_PREFIX));
        assert_eq!(new_password().chars().count(), 24);
        assert_eq!(digest("abc"), digest("abc"));
        assert_eq!(digest("abc").len(), 64);
    }
}
