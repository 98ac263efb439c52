//! No docker engine runs here: the compose file is checked against what the binary reads.

use std::collections::BTreeSet;

use clap::CommandFactory;
use serde_yaml::Value;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn variables_the_binary_reads() -> BTreeSet<String> {
    annuaire::config::Cli::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn compose_starts_postgres_then_the_api_pointed_at_it() {
    let compose: Value = serde_yaml::from_str(&read("docker-compose.yml")).unwrap();
    let postgres = &compose["services"]["postgres"];
    assert!(postgres["image"].as_str().unwrap().starts_with("postgres:"));
    assert!(postgres["healthcheck"]["test"].is_sequence());
    let volume = postgres["volumes"][0]
        .as_str()
        .unwrap()
        .split(':')
        .next()
        .unwrap();
    assert!(
        compose["volumes"].get(volume).is_some(),
        "named volume {volume} is declared"
    );

    let api = &compose["services"]["api"];
    assert_eq!(api["build"]["dockerfile"], "Dockerfile");
    assert_eq!(api["depends_on"]["postgres"]["condition"], "service_healthy");

    let known = variables_the_binary_reads();
    let environment = api["environment"].as_mapping().unwrap();
    for name in environment.keys() {
        let name = name.as_str().unwrap();
        assert!(
            known.contains(name),
            "{name} is not a variable the binary reads: {known:?}"
        );
    }
    let database = environment[&Value::from("ANNUAIRE_DATABASE_URL")]
        .as_str()
        .unwrap();
    assert!(
        database.starts_with("postgres://") && database.contains("@postgres:5432/"),
        "{database}"
    );

    let keys = environment[&Value::from("ANNUAIRE_JWT_KEYS")].as_str().unwrap();
    assert!(
        keys.contains(":?"),
        "the keys are required, not defaulted: {keys}"
    );

    let bind = environment[&Value::from("ANNUAIRE_BIND")].as_str().unwrap();
    let listen_port = bind.rsplit(':').next().unwrap();
    let published = api["ports"][0].as_str().unwrap();
    assert_eq!(
        published.rsplit(':').next().unwrap(),
        listen_port,
        "the published port is the one the API binds"
    );
}

#[test]
fn dockerfile_is_multi_stage_and_ships_the_binary() {
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.lines().filter(|l| l.starts_with("FROM ")).count() >= 2);
    assert!(dockerfile.contains("COPY --from=build /src/target/release/annuaire"));
    assert!(dockerfile.contains("COPY migrations migrations"));
}
