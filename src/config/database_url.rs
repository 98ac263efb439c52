//! Where the data lives: a database URL, its backend, and its form fit for logs.

use std::path::PathBuf;
use std::str::FromStr;

/// Where the data lives; the backend follows from the URL scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL server, as a libpq URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// The URL with any password masked, fit for logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => redact_password(url),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let value = value.trim();
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(value.to_owned()));
        }
        let path = value
            .strip_prefix("sqlite://")
            .or_else(|| value.strip_prefix("sqlite:"))
            .unwrap_or(value);
        if path.is_empty() {
            return Err("expected postgres://… or sqlite://PATH".into());
        }
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(format!(
                "unsupported scheme `{scheme}`, expected postgres:// or sqlite://"
            ));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }
}

/// Masks the password part of `scheme://user:password@host/…`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            let mask = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{mask}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_select_postgres() {
        assert_eq!(
            "postgres://u@h/db".parse::<DatabaseUrl>(),
            Ok(DatabaseUrl::Postgres("postgres://u@h/db".into()))
        );
        assert!(matches!(
            "postgresql://h/db".parse(),
            Ok(DatabaseUrl::Postgres(_))
        ));
    }

    #[test]
    fn sqlite_urls_and_bare_paths_select_sqlite() {
        for (input, path) in [
            ("sqlite://data/a.db", "data/a.db"),
            ("sqlite:/tmp/a.db", "/tmp/a.db"),
            ("x.db", "x.db"),
        ] {
            assert_eq!(input.parse::<DatabaseUrl>(), Ok(DatabaseUrl::Sqlite(path.into())));
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!("mysql://h/db".parse::<DatabaseUrl>().is_err());
        assert!("".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn passwords_never_reach_the_redacted_form() {
        let url: DatabaseUrl = "postgres://app:s3cret@db:5432/annuaire?sslmode=require"
            .parse()
            .unwrap();
        assert_eq!(
            url.redacted(),
            "postgres://app:***@db:5432/annuaire?sslmode=require"
        );
        assert_eq!(format!("{url:?}"), url.redacted());
        assert_eq!(
            redact_password("postgres://db/annuaire"),
            "postgres://db/annuaire"
        );
    }
}
