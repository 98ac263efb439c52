//! The `annuaire` binary: `serve` (default), `migrate`, `openapi`.

use std::process::ExitCode;

use annuaire::config::{self, Cli, Command, Settings};
use annuaire::server::{self, Application};
use annuaire::{openapi, telemetry};
use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
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
        Command::Serve => {
            telemetry::init(&settings.log, settings.log_format);
            serve(&settings)
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

fn serve(settings: &Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let app = Application::build(settings, server::termination_signal())?;
        tracing::info!(address = %app.local_addr(), "listening");
        app.run().await?;
        tracing::info!("stopped");
        Ok(())
    })
}
