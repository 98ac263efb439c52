//! A fresh database per test: a SQLite file in a temporary folder, or a PostgreSQL database
//! created for the test (behind a proxy that can simulate an outage) and dropped after it.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use super::proxy::Proxy;

/// The variable naming the PostgreSQL server the tests may use (a database the role can
/// connect to, and the right to create databases).
pub const POSTGRES_URL_ENV: &str = "ANNUAIRE_TEST_POSTGRES_URL";

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database owned by one test.
pub struct TestDatabase {
    /// What the application is given as `ANNUAIRE_DATABASE_URL`.
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite {
        _folder: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
        proxy: Proxy,
    },
}

/// While alive, PostgreSQL does not answer the application.
pub struct Outage {
    proxy: Proxy,
}

impl Drop for Outage {
    fn drop(&mut self) {
        self.proxy.set_down(false);
    }
}

impl TestDatabase {
    /// `None` for PostgreSQL when no server is configured.
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let folder = tempfile::tempdir().expect("temporary folder");
                let path = folder.path().join("annuaire.db").to_string_lossy().into_owned();
                Some(TestDatabase {
                    url: format!("sqlite://{path}"),
                    kind: Kind::Sqlite { _folder: folder },
                })
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_URL_ENV).ok().filter(|u| !u.is_empty())?;
                let name = format!("annuaire_test_{}", uuid::Uuid::now_v7().simple());
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("{POSTGRES_URL_ENV} is set but PostgreSQL cannot be reached: {e}")
                });
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                let mut upstream = url::Url::parse(&admin_url).expect("a valid PostgreSQL URL");
                let target = format!(
                    "{}:{}",
                    upstream.host_str().unwrap_or("127.0.0.1"),
                    upstream.port().unwrap_or(5432)
                );
                let proxy = Proxy::start(target).await;
                upstream.set_host(Some("127.0.0.1")).unwrap();
                upstream.set_port(Some(proxy.port())).unwrap();
                upstream.set_path(&name);
                Some(TestDatabase {
                    url: upstream.to_string(),
                    kind: Kind::Postgres {
                        admin_url,
                        name,
                        proxy,
                    },
                })
            }
        }
    }

    /// Makes PostgreSQL stop answering the application (connections cut, new ones refused)
    /// until the guard is dropped. `None` on SQLite: an embedded file has no such outage.
    pub fn outage(&self) -> Option<Outage> {
        match &self.kind {
            Kind::Sqlite { .. } => None,
            Kind::Postgres { proxy, .. } => {
                proxy.set_down(true);
                Some(Outage { proxy: proxy.clone() })
            }
        }
    }

    /// Runs SQL on the database behind the application's back, as an older version of the
    /// service or an operator would have left it.
    pub fn execute(&self, sql: &str) {
        match &self.kind {
            Kind::Sqlite { .. } => {
                let path = self.url.trim_start_matches("sqlite://");
                SqliteConnection::establish(path)
                    .unwrap()
                    .batch_execute(sql)
                    .unwrap();
            }
            Kind::Postgres { .. } => PgConnection::establish(&self.url)
                .unwrap()
                .batch_execute(sql)
                .unwrap(),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Kind::Postgres {
            admin_url,
            name,
            proxy,
        } = &self.kind
        {
            proxy.shutdown();
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}
