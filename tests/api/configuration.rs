//! Bad settings stop the binary with one line naming the variable, and exit code 2.

use std::process::Command;

fn run_with(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_annuaire"))
        .arg("migrate")
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn each_bad_value_names_its_variable() {
    for (name, value) in [
        ("ANNUAIRE_DATABASE_URL", "mysql://localhost/db"),
        ("ANNUAIRE_BIND", "localhost"),
        ("ANNUAIRE_LOG", "[broken"),
        ("ANNUAIRE_LOG_FORMAT", "xml"),
        ("ANNUAIRE_POOL_SIZE", "0"),
        ("ANNUAIRE_WORKERS", "many"),
    ] {
        let (code, stderr) = run_with(&[(name, value)]);
        assert_eq!(code, Some(2), "{name}={value}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line for {name}: {stderr}");
        assert!(stderr.contains(name), "{name} named in: {stderr}");
    }
}

#[test]
fn migrate_creates_the_sqlite_file_and_its_folder() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("nested/deeper/annuaire.db");
    let url = format!("sqlite://{}", path.display());
    let (code, stderr) = run_with(&[("ANNUAIRE_DATABASE_URL", &url)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(path.exists());
}

#[test]
fn openapi_subcommand_prints_the_document() {
    let output = Command::new(env!("CARGO_BIN_EXE_annuaire"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(output.status.success());
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["info"]["title"], "annuaire");
}
