//! Rebuild when a migration changes: they are embedded in the binary. The PostgreSQL variants
//! of the integration tests are compiled as ignored unless `ANNUAIRE_TEST_POSTGRES_URL` is set,
//! so that a plain `cargo test` reports them as ignored rather than as passed.
fn main() {
    println!("cargo:rerun-if-changed=migrations/sqlite");
    println!("cargo:rerun-if-changed=migrations/postgres");
    println!("cargo:rerun-if-env-changed=ANNUAIRE_TEST_POSTGRES_URL");
    println!("cargo:rustc-check-cfg=cfg(annuaire_test_postgres)");
    if std::env::var_os("ANNUAIRE_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo:rustc-cfg=annuaire_test_postgres");
    }
}
