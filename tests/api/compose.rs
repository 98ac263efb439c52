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
    assert!(
        api.get("ports").is_none(),
        "clients reach the API through the edge proxy only"
    );
    let conf = read("deploy/nginx.conf");
    assert!(
        conf.contains(&format!("proxy_pass http://api:{listen_port};")),
        "{conf}"
    );
    let published = compose["services"]["edge"]["ports"][0].as_str().unwrap();
    assert!(published.starts_with("127.0.0.1:"), "{published}");
}

/// The API believes the edge proxy's X-Forwarded-For, so the proxy must set it from the TCP
/// peer (never append to or pass on what the client sent) and drop a client's `Forwarded`;
/// and the address trusted must be the proxy's own on the compose network.
#[test]
fn compose_trusts_exactly_the_edge_proxy_which_sets_the_client_address_itself() {
    let compose: Value = serde_yaml::from_str(&read("docker-compose.yml")).unwrap();
    let edge = &compose["services"]["edge"];
    assert!(edge["image"].as_str().unwrap().starts_with("nginx:"));
    let mount = edge["volumes"][0].as_str().unwrap();
    assert!(
        mount.starts_with("./deploy/nginx.conf:") && mount.ends_with(":ro"),
        "{mount}"
    );
    let address = edge["networks"]["annuaire"]["ipv4_address"].as_str().unwrap();
    let subnet = compose["networks"]["annuaire"]["ipam"]["config"][0]["subnet"]
        .as_str()
        .unwrap();
    let (network, bits) = subnet.split_once('/').unwrap();
    let prefix: Vec<&str> = network
        .split('.')
        .take(usize::from(bits.parse::<u8>().unwrap() / 8))
        .collect();
    assert!(
        address.starts_with(&format!("{}.", prefix.join("."))),
        "{address} in {subnet}"
    );

    let environment = &compose["services"]["api"]["environment"];
    let trusted = environment["ANNUAIRE_TRUSTED_PROXIES"].as_str().unwrap();
    assert_eq!(trusted, format!("${{ANNUAIRE_TRUSTED_PROXIES:-{address}/32}}"));
    for service in ["postgres", "api", "edge"] {
        assert!(
            compose["services"][service]["networks"].get("annuaire").is_some(),
            "{service}"
        );
    }

    let conf = read("deploy/nginx.conf");
    let directives: Vec<String> = conf
        .lines()
        .map(|line| line.split('#').next().unwrap().trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect();
    assert!(
        directives.contains(&"proxy_set_header X-Forwarded-For $remote_addr;".to_owned()),
        "{conf}"
    );
    assert!(
        directives.contains(&"proxy_set_header Forwarded \"\";".to_owned()),
        "{conf}"
    );
    assert!(
        !conf.contains("$proxy_add_x_forwarded_for"),
        "appending would pass on a forged hop"
    );
}

#[test]
fn dockerfile_is_multi_stage_and_ships_the_binary() {
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.lines().filter(|l| l.starts_with("FROM ")).count() >= 2);
    assert!(dockerfile.contains("COPY --from=build /src/target/release/annuaire"));
    assert!(dockerfile.contains("COPY migrations migrations"));
}
