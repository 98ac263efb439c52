//! The `annuaire` binary: `serve` (default), `migrate`, `openapi`, `import`, `seed`, `user`.

use std::process::ExitCode;

use annuaire::auth::accounts::{self, NewAccount};
use annuaire::auth::secret::new_password;
use annuaire::config::{self, Cli, Command, Settings, UserCommand};
use annuaire::domain::role::Role;
use annuaire::server::{self, Application};
use annuaire::{openapi, telemetry};
use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    one_malloc_arena_per_core();
    sqlite_for_pooled_connections();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            match config::describe_invalid_value(&err) {
                Some(line) => eprintln!("{line}"),
                None => {
                    let _ = err.print();
                }
            }
            return ExitCode::from(2);
        }
    };
    let settings = cli.settings;
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", openapi::to_pretty_json(&openapi::document()));
            Ok(())
        }
        Command::Migrate => {
            telemetry::init(&settings.log, settings.log_format);
            server::open_database(&settings).map(drop)
        }
        Command::Seed { demo, synthetic } => {
            telemetry::init(&settings.log, settings.log_format);
            seed(&settings, demo, synthetic)
        }
        Command::Import {
            file,
            kind,
            dry_run,
            publish,
            allow_duplicate,
            columns,
            generate,
        } => {
            let run = ImportRun {
                dry_run,
                publish,
                allow_duplicate,
            };
            import(&settings, file, kind, run, columns, generate)
        }
        Command::Serve => {
            telemetry::init(&settings.log, settings.log_format);
            serve(&settings)
        }
        Command::User(UserCommand::Create {
            email,
            role,
            password_stdin,
        }) => {
            telemetry::init(&settings.log, settings.log_format);
            create_user(&settings, &email, role, password_stdin)
        }
        Command::User(UserCommand::ResetPassword { email }) => {
            telemetry::init(&settings.log, settings.log_format);
            reset_password(&settings, &email)
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "stopped on error");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// How `import` writes: its flags.
struct ImportRun {
    dry_run: bool,
    publish: bool,
    allow_duplicate: bool,
}

fn import(
    settings: &Settings,
    file: Option<std::path::PathBuf>,
    kind: Option<String>,
    run: ImportRun,
    columns: bool,
    generate: Option<u64>,
) -> anyhow::Result<()> {
    use annuaire::import;
    let file = match (columns, file) {
        (true, _) | (false, None) => {
            print!("{}", import::template::markdown());
            return Ok(());
        }
        (false, Some(file)) => file,
    };
    if let Some(firms) = generate {
        return import::sample::write(firms, &file).map_err(|e| anyhow::anyhow!("{e}"));
    }
    telemetry::init(&settings.log, settings.log_format);
    let mode = if run.dry_run {
        import::Mode::DryRun
    } else {
        import::Mode::Commit
    };
    let (pool, _) = server::open_database(settings)?;
    if import::command::run(
        &pool,
        &file,
        kind.as_deref(),
        mode,
        run.publish,
        run.allow_duplicate,
    )? {
        Ok(())
    } else {
        std::process::exit(1)
    }
}

fn serve(settings: &Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let app = Application::build(settings, server::termination_signal())?;
        tracing::info!(address = %app.local_addr(), "listening");
        app.run().await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// `annuaire user create`: the password comes from stdin, or is generated and printed once.
fn create_user(settings: &Settings, email: &str, role: Role, password_stdin: bool) -> anyhow::Result<()> {
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (new_password(), true)
    };
    let account = NewAccount::validate(email, password.clone(), role, None).map_err(accounts::describe)?;
    let (pool, _) = server::open_database(settings)?;
    let user = accounts::create_now(&mut *pool.get()?, account)?;
    println!("created {} ({}) with id {}", user.email, user.role, user.id);
    if generated {
        println!("password (shown once): {password}");
    }
    Ok(())
}

/// `annuaire user reset-password`: a one-time token to set a new password with, printed once.
fn reset_password(settings: &Settings, email: &str) -> anyhow::Result<()> {
    use annuaire::auth::one_time::{self, Issuer};
    let (pool, _) = server::open_database(settings)?;
    let email = annuaire::domain::identity::normalize_email(email);
    actix_web::rt::System::new().block_on(async {
        let lookup = email.clone();
        let user = annuaire::db::run(&pool, move |conn| {
            annuaire::db::users::find_by_email(conn, &lookup)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.problem().detail))?
        .ok_or_else(|| anyhow::anyhow!("no user has the email {email}"))?;
        let issuer = Issuer {
            user_id: None,
            address: "command line",
        };
        let issued = one_time::issue_reset(&pool, &user.id, issuer)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.problem().detail))?;
        println!(
            "password-reset token for {} (shown once, valid until {} UTC):",
            user.email, issued.record.expires_at
        );
        println!("{}", issued.token);
        println!("use it: POST /v1/auth/reset-password {{\"token\": …, \"new_password\": …}}");
        Ok(())
    })
}

/// `annuaire seed`: sample firms, for demonstrations or benchmarks.
fn seed(settings: &Settings, demo: bool, synthetic: Option<u64>) -> anyhow::Result<()> {
    let (pool, _) = server::open_database(settings)?;
    let mut conn = pool.get()?;
    if demo {
        let loaded = annuaire::seed::load_demo(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("loaded {loaded} demonstration firms (sample data)");
    }
    if let Some(count) = synthetic {
        let started = std::time::Instant::now();
        annuaire::seed::load_synthetic(&mut conn, count, |done| {
            if done % 20_000 == 0 || done == count {
                println!("{done}/{count} synthetic firms");
            }
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "loaded {count} synthetic firms in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// SQLite counts every allocation of every connection under one process-wide mutex, for
/// statistics this server never reads: with sixteen connections on two cores, waking each other
/// over it took a tenth of the CPU of a search at a million firms (BENCHMARKS.md). And it locks
/// a connection's own mutex around every call, which the pool makes needless: a connection
/// serves one thread at a time (diesel's connections are not `Sync`).
fn sqlite_for_pooled_connections() {
    // SAFETY: sqlite3_config may only run before SQLite initializes, which it does when the
    // first connection opens, later; no other thread is started yet. MEMSTATUS takes an int.
    unsafe {
        libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0 as libc::c_int);
        libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD);
    }
}

/// glibc gives threads that allocate at the same time arenas of their own, up to eight per core,
/// and each keeps what is freed into it: under fifty connections at a million firms that held
/// 70 MB more than one arena per core (BENCHMARKS.md). `MALLOC_ARENA_MAX`, when set, decides.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_malloc_arena_per_core() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cores = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt sets a tunable of the C allocator, before any other thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, cores);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_malloc_arena_per_core() {}
