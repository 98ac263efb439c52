//! Configuration: every setting is an environment variable with a matching command-line flag.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod database_url;
mod secrets;

pub use database_url::DatabaseUrl;
pub use secrets::{JwtKeys, Secret};

/// The `annuaire` command line.
#[derive(Debug, Parser)]
#[command(
    name = "annuaire",
    version,
    about = "Stakeholder directory of Senegal's IT/BPO export sector",
    args_override_self = true
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
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Import a CSV file or an XLSX workbook, as `POST /v1/imports` does, with a progress bar;
    /// prints the report. Exits 1 when the file is refused.
    Import {
        /// The file.
        #[arg(required_unless_present = "columns")]
        file: Option<std::path::PathBuf>,
        /// What a CSV file holds: organizations, capabilities, markets, certifications,
        /// contacts or relationships.
        #[arg(long)]
        kind: Option<String>,
        /// Check and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Publish the organizations the file creates (else they start as drafts).
        #[arg(long)]
        publish: bool,
        /// Create organizations even when they resemble others (else such rows are refused).
        #[arg(long)]
        allow_duplicate: bool,
        /// Print the columns of every kind of row as Markdown, as the README lists them.
        #[arg(long, conflicts_with = "file")]
        columns: bool,
        /// Write a workbook of N sample firms to FILE instead (for benchmarks).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        generate: Option<u64>,
    },
    /// Load sample data (plainly marked as such).
    Seed {
        /// About sixty varied sample firms, published, for demonstrations.
        #[arg(long, required_unless_present = "synthetic")]
        demo: bool,
        /// N generated sample firms with their records, fast, for benchmarks.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        synthetic: Option<u64>,
    },
}

/// `annuaire user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from stdin with `--password-stdin`, otherwise
    /// generated and printed once.
    Create {
        /// The user's email (unique, case-insensitive).
        #[arg(long)]
        email: String,
        /// admin, curator, agency, partner or representative (bind a representative to its
        /// organization with `PATCH /v1/users/{id}`).
        #[arg(long)]
        role: crate::domain::role::Role,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print a one-time password-reset token for a user (valid one hour), for the
    /// administrator who locked themselves out. Using it ends every session of the user.
    ResetPassword {
        /// The user's email.
        email: String,
    },
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

    /// Whether `serve` loads the demonstration firms into a new SQLite database.
    #[arg(long, global = true, env = "ANNUAIRE_DEMO_DATA", value_enum, default_value_t = DemoData::FirstStart)]
    pub demo_data: DemoData,

    /// Authentication settings.
    #[command(flatten)]
    pub auth: AuthSettings,

    /// Origins allowed to call the API from a browser, comma-separated (none by default).
    #[arg(long, global = true, env = "ANNUAIRE_CORS_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_origins: Vec<String>,

    /// Reverse proxies (CIDR blocks, comma-separated; none by default) whose `Forwarded` or
    /// `X-Forwarded-For` header names the client, for the login limits and the logs.
    #[arg(long, global = true, env = "ANNUAIRE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Requests per minute each API key or user may make (expensive routes count more).
    #[arg(long, global = true, env = "ANNUAIRE_RATE_LIMIT_PER_MINUTE", default_value_t = 600,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_per_minute: u32,

    /// Requests each API key or user may make at once, beyond the steady rate.
    #[arg(long, global = true, env = "ANNUAIRE_RATE_LIMIT_BURST", default_value_t = 120,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_burst: u32,

    /// Requests per minute from one client address without a valid credential.
    #[arg(long, global = true, env = "ANNUAIRE_ANONYMOUS_RATE_LIMIT_PER_MINUTE", default_value_t = 120,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub anonymous_rate_limit_per_minute: u32,

    /// Requests one client address may make at once without a valid credential.
    #[arg(long, global = true, env = "ANNUAIRE_ANONYMOUS_RATE_LIMIT_BURST", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub anonymous_rate_limit_burst: u32,

    /// Send `Strict-Transport-Security` (for deployments served over TLS).
    #[arg(long, global = true, env = "ANNUAIRE_HSTS")]
    pub hsts: bool,

    /// The four-eyes rule: whoever submitted an entry for review cannot approve it.
    #[arg(long, global = true, env = "ANNUAIRE_FOUR_EYES", default_value_t = true,
          action = clap::ArgAction::Set)]
    pub four_eyes: bool,

    /// Days a verification stays in force (it lapses earlier when what it vouched for changes).
    #[arg(long, global = true, env = "ANNUAIRE_VERIFICATION_VALID_DAYS",
          default_value_t = crate::domain::verification::DEFAULT_VALID_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub verification_valid_days: u32,
}

/// Sessions, tokens, first administrator and brute-force protection.
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// JWT signing keys as `kid:base64secret` pairs, comma-separated; the first signs, all verify.
    /// Unset: a key is generated on first start and kept in the database.
    #[arg(long, global = true, env = "ANNUAIRE_JWT_KEYS", hide_env_values = true)]
    pub jwt_keys: Option<JwtKeys>,

    /// The `iss` claim of access tokens.
    #[arg(long, global = true, env = "ANNUAIRE_JWT_ISSUER", default_value = "annuaire")]
    pub jwt_issuer: String,

    /// The `aud` claim of access tokens.
    #[arg(
        long,
        global = true,
        env = "ANNUAIRE_JWT_AUDIENCE",
        default_value = "annuaire-api"
    )]
    pub jwt_audience: String,

    /// Lifetime of an access token, in seconds.
    #[arg(long, global = true, env = "ANNUAIRE_ACCESS_TOKEN_TTL", default_value_t = 900,
          value_parser = clap::value_parser!(u64).range(30..=86_400))]
    pub access_token_ttl: u64,

    /// Lifetime of a refresh token, in seconds.
    #[arg(long, global = true, env = "ANNUAIRE_REFRESH_TOKEN_TTL", default_value_t = 2_592_000,
          value_parser = clap::value_parser!(u64).range(60..=31_536_000))]
    pub refresh_token_ttl: u64,

    /// How long a login lasts at most, in seconds, however often its refresh token is used.
    #[arg(long, global = true, env = "ANNUAIRE_SESSION_MAX_AGE", default_value_t = 2_592_000,
          value_parser = clap::value_parser!(u64).range(60..=31_536_000))]
    pub session_max_age: u64,

    /// Failed logins allowed per account within the window before further attempts get 429.
    #[arg(long, global = true, env = "ANNUAIRE_LOGIN_MAX_FAILURES", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub login_max_failures: u32,

    /// Failed logins allowed per client address within the window.
    #[arg(long, global = true, env = "ANNUAIRE_LOGIN_MAX_FAILURES_PER_ADDRESS", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub login_max_failures_per_address: u32,

    /// Length of the failed-login window, in seconds.
    #[arg(long, global = true, env = "ANNUAIRE_LOGIN_WINDOW", default_value_t = 900,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub login_window: u64,

    /// Password hashes computed at once (0: half the CPU cores, at least one). Bounds the CPU and
    /// memory (19 MiB each) that a burst of logins can take.
    #[arg(long, global = true, env = "ANNUAIRE_HASH_CONCURRENCY", default_value_t = 0,
          value_parser = clap::value_parser!(u16).range(0..=64))]
    pub hash_concurrency: u16,

    /// Email of the administrator created when there is no user yet.
    #[arg(
        long,
        global = true,
        env = "ANNUAIRE_ADMIN_EMAIL",
        default_value = "admin@localhost"
    )]
    pub admin_email: String,

    /// Password of that administrator; unset, one is generated and printed once.
    #[arg(long, global = true, env = "ANNUAIRE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
}

fn parse_origin(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("an origin is scheme://host[:port], for example https://asepex.sn")?;
    if rest.is_empty() || rest.contains(['/', '*', ' ', '?', '#']) {
        return Err(format!(
            "`{value}` is not an origin (scheme://host[:port], no path, no wildcard)"
        ));
    }
    Ok(value.to_owned())
}

/// When to load the demonstration firms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoData {
    /// When `serve` creates a SQLite database (the `cargo run` experience); never on PostgreSQL.
    FirstStart,
    /// Never; `annuaire seed --demo` loads them on demand.
    Never,
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
