//! Assembles the application: database, migrations, HTTP server.

use std::future::Future;
use std::net::SocketAddr;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::db::{self, Pool};
use crate::http::fallback::{self, RouteTable};
use crate::http::{json, problem, request_id};
use crate::openapi::ApiDoc;

/// How long in-flight requests may take to finish once a shutdown has begun.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;

/// A bound, not yet running, server.
pub struct Application {
    server: Server,
    local_addr: SocketAddr,
}

impl Application {
    /// Connects to the database, applies pending migrations and binds the listening socket.
    /// The server shuts down gracefully when `shutdown` completes.
    pub fn build(
        settings: &Settings,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<Self> {
        let pool = open_database(settings)?;
        let state = web::Data::new(pool);
        let mut server = HttpServer::new(move || {
            let (app, api) = App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .app_data(state.clone())
                .app_data(web::QueryConfig::default().error_handler(json::query_error))
                .app_data(web::PathConfig::default().error_handler(json::path_error))
                .configure(crate::routes::configure)
                .split_for_parts();
            let routes = web::Data::new(RouteTable::from_openapi(&api));
            app.app_data(routes)
                .route("/docs", web::get().to(redirect_to_docs))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", api))
                .default_service(web::to(fallback::unmatched))
                .wrap(from_fn(problem::ensure))
                .wrap(DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff")))
                .wrap(from_fn(request_id::assign))
        })
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        .shutdown_signal(shutdown);
        if settings.workers > 0 {
            server = server.workers(settings.workers.into());
        }
        let server = server
            .bind(settings.bind)
            .with_context(|| format!("cannot listen on {} (ANNUAIRE_BIND)", settings.bind))?;
        let local_addr = server.addrs()[0];
        Ok(Application {
            server: server.run(),
            local_addr,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A handle to stop the server from elsewhere.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until shut down.
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Opens the pool and brings the schema up to date.
pub fn open_database(settings: &Settings) -> anyhow::Result<Pool> {
    let url = settings.database_url.redacted();
    let pool = db::connect(&settings.database_url, settings.pool_size)
        .with_context(|| format!("cannot open the database {url} (ANNUAIRE_DATABASE_URL)"))?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let applied = db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    tracing::info!(database = %url, applied = applied.len(), "database ready");
    Ok(pool)
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

/// Completes on SIGTERM or Ctrl-C (SIGINT), which both begin a graceful shutdown.
pub async fn termination_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler can be installed");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutdown requested; finishing in-flight requests");
}
