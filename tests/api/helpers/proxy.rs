//! A TCP proxy in front of PostgreSQL, so that a test can take the database away from the
//! application and give it back, as a network failure or a restart would.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

#[derive(Clone)]
pub struct Proxy {
    port: u16,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    down: AtomicBool,
    connections: Mutex<Vec<AbortHandle>>,
    accept: Mutex<Option<AbortHandle>>,
}

impl Proxy {
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        let shared = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if shared.down.load(Ordering::SeqCst) {
                    continue; // dropping the socket refuses the connection
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                shared.connections.lock().unwrap().push(task.abort_handle());
            }
        });
        *state.accept.lock().unwrap() = Some(accept.abort_handle());
        Proxy { port, state }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops accepting and cuts every connection, for good.
    pub fn shutdown(&self) {
        if let Some(accept) = self.state.accept.lock().unwrap().take() {
            accept.abort();
        }
        self.set_down(true);
    }

    /// Down: every open connection is cut and new ones are closed at once.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
        if down {
            for connection in self.state.connections.lock().unwrap().drain(..) {
                connection.abort();
            }
        }
    }
}
