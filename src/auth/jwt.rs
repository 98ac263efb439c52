//! Access tokens: short-lived JWTs, HS256 with a `kid`, verified by the rules of RFC 8725.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
const LEEWAY_SECONDS: u64 = 5;

/// The only algorithm accepted; never taken from the token.
const ALGORITHM: Algorithm = Algorithm::HS256;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// Who issued the token.
    pub iss: String,
    /// Who the token is for.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// The user's token generation when issued; a raised generation revokes the token.
    #[serde(rename = "gen")]
    pub generation: i32,
}

struct Key {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// Issues and verifies access tokens with a set of keys: the first signs, all verify, so that
/// a new key can be introduced while tokens signed with the previous one stay valid.
pub struct TokenService {
    keys: Vec<Key>,
    issuer: String,
    audience: String,
    ttl_seconds: i64,
}

/// Why a token was refused. Deliberately vague towards the client.
#[derive(Debug, thiserror::Error)]
#[error("invalid access token: {0}")]
pub struct InvalidToken(String);

impl TokenService {
    /// `keys` are `(kid, secret)` pairs, the signing key first; there is at least one.
    pub fn new(
        keys: &[(String, Vec<u8>)],
        issuer: &str,
        audience: &str,
        ttl_seconds: u64,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(!keys.is_empty(), "no JWT signing key");
        let keys = keys
            .iter()
            .map(|(kid, secret)| {
                Ok(Key {
                    kid: kid.clone(),
                    encoding: EncodingKey::from_secret(secret)?,
                    decoding: DecodingKey::from_secret(secret)?,
                })
            })
            .collect::<Result<_, jsonwebtoken::errors::Error>>()?;
        Ok(TokenService {
            keys,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_seconds: i64::try_from(ttl_seconds)?,
        })
    }

    /// Lifetime of the tokens issued, in seconds.
    pub fn ttl_seconds(&self) -> i64 {
        self.ttl_seconds
    }

    /// A token for `user_id`, issued now.
    pub fn issue(&self, user_id: &str, generation: i32) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + self.ttl_seconds,
            generation,
        };
        let signer = &self.keys[0];
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(signer.kid.clone());
        Ok(encode(&header, &claims, &signer.encoding)?)
    }

    /// The claims of a valid token: known `kid`, pinned algorithm, good signature, `exp`, `iat`,
    /// `iss`, `aud` and `sub` present, not expired, not before its `nbf`.
    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        let header = decode_header(token).map_err(|e| InvalidToken(e.to_string()))?;
        if header.alg != ALGORITHM {
            return Err(InvalidToken(format!(
                "algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let kid = header.kid.ok_or_else(|| InvalidToken("no kid".into()))?;
        let key = self
            .keys
            .iter()
            .find(|key| key.kid == kid)
            .ok_or_else(|| InvalidToken(format!("unknown kid {kid}")))?;
        let mut validation = Validation::new(ALGORITHM);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        decode::<Claims>(token, &key.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| InvalidToken(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;

    fn service(keys: &[(&str, u8)]) -> TokenService {
        let keys: Vec<(String, Vec<u8>)> = keys
            .iter()
            .map(|(kid, b)| (kid.to_string(), vec![*b; 32]))
            .collect();
        TokenService::new(&keys, "annuaire", "annuaire-api", 900).unwrap()
    }

    fn forge(header: serde_json::Value, claims: serde_json::Value, secret: &[u8]) -> String {
        let header = Header {
            kid: header["kid"].as_str().map(Into::into),
            ..Header::new(ALGORITHM)
        };
        encode(&header, &claims, &EncodingKey::from_secret(secret).unwrap()).unwrap()
    }

    fn claims(overrides: serde_json::Value) -> serde_json::Value {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({"sub": "u1", "iss": "annuaire", "aud": "annuaire-api", "iat": now, "exp": now + 60, "gen": 0});
        for (name, value) in overrides.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        claims
    }

    #[test]
    fn issued_tokens_verify() {
        let tokens = service(&[("k1", 1)]);
        let token = tokens.issue("u1", 3).unwrap();
        let claims = tokens.verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.generation), ("u1", 3));
    }

    #[test]
    fn unsigned_and_foreign_tokens_are_refused() {
        let tokens = service(&[("k1", 1)]);
        let body = URL_SAFE_NO_PAD.encode(claims(json!({})).to_string());
        for alg in ["none", "None", "NONE", "nOnE"] {
            let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT", "kid": "k1"}).to_string());
            assert!(tokens.verify(&format!("{header}.{body}.")).is_err(), "alg {alg}");
        }
        assert!(
            tokens
                .verify(&forge(json!({"kid": "k1"}), claims(json!({})), &[2; 32]))
                .is_err(),
            "wrong key"
        );
        assert!(
            tokens
                .verify(&forge(json!({"kid": "k9"}), claims(json!({})), &[1; 32]))
                .is_err(),
            "unknown kid"
        );
        assert!(
            tokens
                .verify(&forge(json!({}), claims(json!({})), &[1; 32]))
                .is_err(),
            "no kid"
        );
    }

    #[test]
    fn claims_are_checked() {
        let tokens = service(&[("k1", 1)]);
        let now = chrono::Utc::now().timestamp();
        let sign = |c| forge(json!({"kid": "k1"}), claims(c), &[1; 32]);
        assert!(tokens.verify(&sign(json!({}))).is_ok());
        for bad in [
            json!({"exp": now - 60}),
            json!({"nbf": now + 60}),
            json!({"iss": "someone-else"}),
            json!({"aud": "another-api"}),
            json!({"exp": null}),
            json!({"iat": null}),
            json!({"sub": null}),
        ] {
            assert!(tokens.verify(&sign(bad.clone())).is_err(), "{bad}");
        }
    }

    #[test]
    fn previous_keys_verify_until_removed() {
        let old = service(&[("k1", 1)]);
        let token = old.issue("u1", 0).unwrap();
        assert!(service(&[("k2", 2), ("k1", 1)]).verify(&token).is_ok());
        assert!(service(&[("k2", 2)]).verify(&token).is_err());
    }
}
