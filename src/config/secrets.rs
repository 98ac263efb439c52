//! Settings that are credentials: held as given, never printed (their `Debug` hides them).

use std::str::FromStr;

/// A secret setting, never printed.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl FromStr for Secret {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Secret(value.to_owned()))
    }
}

/// Configured JWT signing keys, the signing one first.
#[derive(Clone)]
pub struct JwtKeys(pub Vec<(String, Vec<u8>)>);

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|(kid, _)| kid)).finish()
    }
}

impl FromStr for JwtKeys {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        use base64::Engine;
        let mut keys = Vec::new();
        for pair in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kid, secret) = pair.split_once(':').ok_or("expected kid:base64secret pairs")?;
            if kid.is_empty()
                || kid.len() > 64
                || !kid
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(format!(
                    "key id `{kid}` must be 1 to 64 letters, digits, `-`, `_` or `.`"
                ));
            }
            let secret = base64::engine::general_purpose::STANDARD
                .decode(secret)
                .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(secret))
                .map_err(|_| format!("the secret of key `{kid}` is not base64"))?;
            if secret.len() < 32 {
                return Err(format!("the secret of key `{kid}` must be at least 32 bytes"));
            }
            if keys.iter().any(|(existing, _)| existing == kid) {
                return Err(format!("key id `{kid}` appears twice"));
            }
            keys.push((kid.to_owned(), secret));
        }
        if keys.is_empty() {
            return Err("expected at least one kid:base64secret pair".into());
        }
        Ok(JwtKeys(keys))
    }
}
