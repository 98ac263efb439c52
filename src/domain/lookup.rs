//! The exact lookups portals make: by registry identifier and by website domain.

use super::organization::RegistryId;
use crate::error::ApiError;

fn bad(parameter: &str, message: &str) -> ApiError {
    ApiError::BadRequest(format!("parameter `{parameter}`: {message}"))
}

/// `registry_id=SCHEME:VALUE`: the scheme in any case, the value trimmed and checked with the
/// format a stored identifier must have, so that a lookup matches exactly what was stored.
pub fn registry_id(value: &str) -> Result<RegistryId, ApiError> {
    let Some((scheme, value)) = value.split_once(':') else {
        return Err(bad(
            "registry_id",
            "must be SCHEME:VALUE, such as ninea:004567890 2G3",
        ));
    };
    let scheme = scheme
        .trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|e: String| bad("registry_id", &e))?;
    let id = RegistryId {
        scheme,
        value: value.trim().to_owned(),
    };
    id.check_value().map_err(|e| bad("registry_id", &e))?;
    Ok(id)
}

/// `domain=HOST`: a website host, in any case, with or without `www.`; a URL is refused, so
/// that what matches is never a guess.
pub fn domain(value: &str) -> Result<String, ApiError> {
    let host = value.trim().to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let labels_ok = host.split('.').count() >= 2
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if host.len() > 253 || !labels_ok {
        return Err(bad(
            "domain",
            "must be a host name such as example.sn (no scheme, path or port)",
        ));
    }
    Ok(host.to_owned())
}

/// The website values that are this host's home, any page of it, or a port on it, as SQL
/// `LIKE` patterns over the lowercased website (a host holds no `%` or `_`).
pub fn website_patterns(host: &str) -> Vec<String> {
    let mut patterns = Vec::new();
    for scheme in ["http", "https"] {
        for name in [host.to_owned(), format!("www.{host}")] {
            let base = format!("{scheme}://{name}");
            patterns.push(base.clone());
            for follower in ['/', ':', '?', '#'] {
                patterns.push(format!("{base}{follower}%"));
            }
        }
    }
    patterns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocab::RegistryScheme;

    #[test]
    fn registry_ids_are_checked_like_stored_ones() {
        let id = registry_id("NINEA: 004567890 2G3 ").unwrap();
        assert_eq!(
            (id.scheme, id.value.as_str()),
            (RegistryScheme::Ninea, "004567890 2G3")
        );
        assert!(registry_id("ninea").is_err());
        assert!(registry_id("ninea:12").is_err());
        assert!(registry_id("siret:004567890").is_err());
    }

    #[test]
    fn domains_are_hosts_and_match_only_their_own_pages() {
        assert_eq!(domain("WWW.Example.SN").unwrap(), "example.sn");
        for refused in [
            "https://example.sn",
            "example.sn/path",
            "example",
            "ex ample.sn",
            "a_b.sn",
            "-a.sn",
        ] {
            assert!(domain(refused).is_err(), "{refused}");
        }
        let patterns = website_patterns("example.sn");
        assert!(patterns.contains(&"https://www.example.sn/%".to_owned()));
        assert!(patterns.iter().all(|p| !p.starts_with("https://example.sn.")));
    }
}
