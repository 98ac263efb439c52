//! Configuration: every setting is an environment variable with a matching command-line flag.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The `annuaire` command line.
#[derive(Debug, Parser)]
#[command(
    name = "annuaire",
    version,
    about = "Stakeholder directory of Senegal's IT/BPO export sector"
)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings shared by every subcommand.
    #[command(flatten)]
    pub settings: Settings,
}

/// The subcommands of the binary.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run pending migrations, then serve the API (the default).
    Serve,
    /// Run pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document to stdout.
    Openapi,
}

/// Settings read from flags or environment variables.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: `postgres://…` selects PostgreSQL; `sqlite://PATH` (or a bare path) a SQLite file.
    #[arg(
        long,
        global = true,
        env = "ANNUAIRE_DATABASE_URL",
        default_value = "sqlite://data/annuaire.db"
    )]
    pub database_url: DatabaseUrl,

    /// Address and port the HTTP server listens on.
    #[arg(long, global = true, env = "ANNUAIRE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Log filter, in `tracing` EnvFilter syntax (for example `info,annuaire=debug`).
    #[arg(long, global = true, env = "ANNUAIRE_LOG", default_value = "info", value_parser = parse_log_filter)]
    pub log: String,

    /// Log format: human-readable `text` or one JSON object per line.
    #[arg(long, global = true, env = "ANNUAIRE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Maximum number of database connections in the pool.
    #[arg(long, global = true, env = "ANNUAIRE_POOL_SIZE", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=512))]
    pub pool_size: u32,

    /// Number of HTTP worker threads (0: one per CPU core).
    #[arg(long, global = true, env = "ANNUAIRE_WORKERS", default_value_t = 0,
          value_parser = clap::value_parser!(u16).range(0..=256))]
    pub workers: u16,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

fn parse_log_filter(value: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::builder()
        .parse(value)
        .map(|_| value.to_owned())
        .map_err(|e| e.to_string())
}

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

/// Turns a clap error about a bad value into one line naming the environment variable too.
pub fn describe_invalid_value(err: &clap::Error) -> Option<String> {
    use std::error::Error as _;

    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue};

    let flag = match err.get(ContextKind::InvalidArg)? {
        ContextValue::String(flag) => flag
            .split_whitespace()
            .next()?
            .trim_start_matches("--")
            .to_owned(),
        _ => return None,
    };
    let value = match err.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(value)) => value.clone(),
        _ => String::new(),
    };
    let command = Cli::command();
    let arg = command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(flag.as_str()))?;
    let env = arg.get_env()?.to_string_lossy().into_owned();
    let reason = err
        .source()
        .map(|source| source.to_string())
        .unwrap_or_else(|| "invalid value".to_owned());
    Some(format!(
        "error: invalid value {value:?} for {env} (--{flag}): {reason}"
    ))
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
