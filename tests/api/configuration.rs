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
fn cors_origins_must_be_origins() {
    for bad in ["*", "portal.asepex.sn", "https://asepex.sn/path"] {
        let (code, stderr) = run_with(&[("ANNUAIRE_CORS_ORIGINS", bad)]);
        assert_eq!(code, Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("ANNUAIRE_CORS_ORIGINS"), "{stderr}");
    }
}

#[test]
fn jwt_keys_must_be_long_enough_and_are_never_echoed() {
    let (code, stderr) = run_with(&[("ANNUAIRE_JWT_KEYS", "k1:c2hvcnQ=")]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("ANNUAIRE_JWT_KEYS") && stderr.contains("32 bytes"),
        "{stderr}"
    );
}

#[test]
fn user_create_reads_the_password_from_stdin() {
    use std::io::Write;
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("a.db").display());
    let create = |email: &str, password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_annuaire"))
            .args([
                "user",
                "create",
                "--email",
                email,
                "--role",
                "curator",
                "--password-stdin",
            ])
            .env_clear()
            .env("ANNUAIRE_DATABASE_URL", &url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let output = create("Curator@OPTIC.sn", "a curator passphrase");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("curator@optic.sn") && !stdout.contains("passphrase"),
        "{stdout}"
    );

    let duplicate = create("curator@optic.sn", "another passphrase");
    assert!(!duplicate.status.success());
    let weak = create("weak@optic.sn", "short");
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));
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

crate::backend_test!(postgres_needs_configured_signing_keys, |app| {
    let mut child = Command::new(env!("CARGO_BIN_EXE_annuaire"))
        .arg("serve")
        .env_clear()
        .env("ANNUAIRE_DATABASE_URL", &app.db.url)
        .env("ANNUAIRE_BIND", "127.0.0.1:0")
        .env("ANNUAIRE_LOG_FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if app.db.url.starts_with("postgres") {
        let output = child.wait_with_output().unwrap();
        let said =
            String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
        assert_ne!(output.status.code(), Some(0), "{said}");
        assert!(said.contains("set ANNUAIRE_JWT_KEYS"), "{said}");
    } else {
        // SQLite keeps the key it generates in its file, as the first run shows.
        let stdout = child.stdout.take().unwrap();
        let listening = std::io::BufRead::lines(std::io::BufReader::new(stdout))
            .map_while(Result::ok)
            .any(|line| line.contains("\"listening\""));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(listening, "SQLite serves without configured keys");
    }
});
