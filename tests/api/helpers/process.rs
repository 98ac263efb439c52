//! The real `annuaire` binary as a child process, for what only a process shows: its exit
//! code, its reaction to signals and the log lines it writes.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::TestDatabase;

pub struct TestProcess {
    pub address: String,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    reader: tokio::task::JoinHandle<()>,
}

impl TestProcess {
    /// Starts `annuaire serve` with JSON logs and waits until it listens.
    pub async fn start(db: &TestDatabase, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_annuaire"))
            .arg("serve")
            .env_clear()
            .env("ANNUAIRE_DATABASE_URL", &db.url)
            .env("ANNUAIRE_BIND", "127.0.0.1:0")
            .env("ANNUAIRE_LOG_FORMAT", "json")
            .env("ANNUAIRE_WORKERS", "2")
            .env("ANNUAIRE_RATE_LIMIT_BURST", "1000000")
            .env("ANNUAIRE_ANONYMOUS_RATE_LIMIT_BURST", "1000000")
            .env(
                "ANNUAIRE_JWT_KEYS",
                super::jwt_key(super::TEST_KID, &super::TEST_SECRET),
            )
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (address_tx, address_rx) = tokio::sync::oneshot::channel();
        let stdout = child.stdout.take().unwrap();
        let collected = lines.clone();
        let reader = tokio::spawn(async move {
            let mut address_tx = Some(address_tx);
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line)
                    && event["message"] == "listening"
                    && let Some(tx) = address_tx.take()
                {
                    let _ = tx.send(event["address"].as_str().unwrap_or_default().to_owned());
                }
                collected.lock().unwrap().push(line);
            }
        });
        let address = tokio::time::timeout(Duration::from_secs(30), address_rx)
            .await
            .expect("the binary listens within 30 s")
            .expect("the binary logged its address");
        TestProcess {
            address: format!("http://{address}"),
            child,
            lines,
            reader,
        }
    }

    /// Kills the process with SIGKILL, as a crash or the kernel's OOM killer would (no
    /// graceful shutdown, nothing flushed), and waits until it is gone.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("SIGKILL delivered");
    }

    /// Kills the process with SIGKILL and starts the binary again on the same database, with
    /// the same extra environment.
    pub async fn restart(self, db: &TestDatabase, env: &[(&str, &str)]) -> Self {
        self.kill().await;
        Self::start(db, env).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Every stdout line so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits until the process has written a line that `wanted` accepts (at most 30 s).
    pub async fn wait_for_line(&self, wanted: impl Fn(&str) -> bool) {
        for _ in 0..1500 {
            if self.lines.lock().unwrap().iter().any(|l| wanted(l)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no such line after 30 s: {:#?}", self.log_lines());
    }

    pub fn signal(&self, name: &str) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit; returns its exit code and every line it wrote.
    pub async fn wait(mut self) -> (Option<i32>, Vec<String>) {
        let status = tokio::time::timeout(Duration::from_secs(40), self.child.wait())
            .await
            .expect("the process exits within 40 s")
            .unwrap();
        // The reader ends at the end of the process's stdout: every line it wrote is in.
        tokio::time::timeout(Duration::from_secs(10), &mut self.reader)
            .await
            .expect("the process's stdout closes once it exits")
            .expect("the log reader ran");
        (status.code(), self.log_lines())
    }
}
