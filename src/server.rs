//! Assembles the application: database, migrations, HTTP server.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::budgets::{Budget, RateLimits};
use crate::auth::{self, AuthState, accounts};
use crate::config::{DatabaseUrl, DemoData, Settings};
use crate::db::{self, Pool};
use crate::error::ApiError;
use crate::facets::FacetIndex;
use crate::http::client::TrustedProxies;
use crate::http::fallback::{self, RouteTable};
use crate::http::faults::{self, Faults};
use crate::http::gate::Gate;
use crate::http::rate_limit;
use crate::http::{json, problem, request_id};
use crate::openapi::ApiDoc;
use crate::seed;
use crate::signing::CursorSigner;

/// Facet counts running at once per instance, and how long another may wait for its turn.
const EXPENSIVE_CONCURRENCY: usize = 2;
const EXPENSIVE_WAIT: Duration = Duration::from_secs(2);

/// How long to wait before loading the facet index again after a failure.
const FACET_INDEX_RETRY: Duration = Duration::from_secs(5);

/// How long in-flight requests may take to finish once a shutdown has begun.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;

/// A bound, not yet running, server.
pub struct Application {
    server: Server,
    local_addr: SocketAddr,
    faults: web::Data<Faults>,
}

impl Application {
    /// Connects to the database, applies pending migrations and binds the listening socket.
    /// The server shuts down gracefully when `shutdown` completes.
    pub fn build(
        settings: &Settings,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<Self> {
        let (pool, created) = open_database(settings)?;
        create_first_admin(settings, &pool)?;
        load_reference_records(settings, &pool, created)?;
        let keys = auth::signing_keys(&settings.auth, &pool)?;
        let cursor_secret = db::signing_keys::cursor_secret(&mut *pool.get()?, db::now())
            .map_err(|e| anyhow::anyhow!("cannot load the cursor key: {e}"))?;
        let cursors = web::Data::new(CursorSigner::new(&cursor_secret));
        let expensive = web::Data::new(Gate::new(EXPENSIVE_CONCURRENCY, EXPENSIVE_WAIT));
        let auth = web::Data::new(AuthState::new(&settings.auth, &keys, &cursor_secret)?);
        let reference =
            web::Data::new(db::reference::load(&mut *pool.get()?).map_err(|e| anyhow::anyhow!("{e}"))?);
        let facets = web::Data::new(FacetIndex::new(&reference));
        load_facet_index(&facets, &pool);
        let interrupted =
            db::imports::mark_interrupted(&mut *pool.get()?).map_err(|e| anyhow::anyhow!("{e}"))?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "imports interrupted by the last shutdown were marked failed"
            );
        }
        let imports = web::Data::new(crate::import::jobs::Jobs::default());
        let state = web::Data::new(pool);
        let faults = web::Data::new(Faults::default());
        let counted = faults.clone();
        let cors_origins = settings.cors_origins.clone();
        let proxies = web::Data::new(TrustedProxies(settings.trusted_proxies.clone()));
        let review_rules = web::Data::new(crate::domain::review::ReviewRules {
            four_eyes: settings.four_eyes,
            verification_valid_days: settings.verification_valid_days,
        });
        let hsts = settings.hsts;
        let budget = |per_minute: u32, burst: u32| Budget {
            per_minute: NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
        };
        let rate_limits = web::Data::new(RateLimits::new(
            budget(settings.rate_limit_per_minute, settings.rate_limit_burst),
            budget(
                settings.anonymous_rate_limit_per_minute,
                settings.anonymous_rate_limit_burst,
            ),
        ));
        let mut server = HttpServer::new(move || {
            let (app, api) = App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .app_data(state.clone())
                .app_data(imports.clone())
                .app_data(auth.clone())
                .app_data(reference.clone())
                .app_data(cursors.clone())
                .app_data(expensive.clone())
                .app_data(facets.clone())
                .app_data(counted.clone())
                .app_data(proxies.clone())
                .app_data(review_rules.clone())
                .app_data(rate_limits.clone())
                .app_data(web::QueryConfig::default().error_handler(json::query_error))
                .app_data(web::PathConfig::default().error_handler(json::path_error))
                .configure(crate::routes::configure)
                .split_for_parts();
            let routes = web::Data::new(RouteTable::from_openapi(&api));
            let document = crate::openapi::finish(api);
            app.app_data(routes)
                .route("/docs", web::get().to(redirect_to_docs))
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .external_urls_from_iter_unchecked([("/openapi.json", document)]),
                )
                .default_service(web::to(fallback::unmatched))
                .wrap(from_fn(rate_limit::enforce))
                .wrap(cors(&cors_origins))
                .wrap(from_fn(problem::ensure))
                .wrap(from_fn(crate::http::language::localize))
                .wrap(from_fn(faults::count))
                .wrap(security_headers(hsts))
                .wrap(from_fn(content_security_policy))
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
            faults,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The count of 5xx responses this server has sent.
    pub fn faults(&self) -> Arc<Faults> {
        self.faults.clone().into_inner()
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

/// Opens the pool and brings the schema up to date. Also says whether the database was new.
pub fn open_database(settings: &Settings) -> anyhow::Result<(Pool, bool)> {
    let url = settings.database_url.redacted();
    let pool = db::connect(&settings.database_url, settings.pool_size)
        .with_context(|| format!("cannot open the database {url} (ANNUAIRE_DATABASE_URL)"))?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let applied = db::run_migrations(&mut conn).map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    let profiles = db::match_profiles::write_missing(&mut conn).context("cannot write the match profiles")?;
    if profiles > 0 {
        tracing::info!(
            firms = profiles,
            "wrote the match profiles that published firms lacked"
        );
    }
    let keyed = db::duplicates::write_pending(&mut conn).context("cannot write the duplicate keys")?;
    if keyed > 0 {
        tracing::info!(
            organizations = keyed,
            "wrote the duplicate keys of every organization"
        );
    }
    let rewritten =
        db::match_profiles::rewrite_pending(&mut conn).context("cannot write the match profiles again")?;
    if rewritten > 0 {
        tracing::info!(
            firms = rewritten,
            "wrote every match profile again, with capacity dates"
        );
    }
    let representations = db::representations::write_stale(&mut conn)
        .context("cannot write the organizations' representations")?;
    if representations > 0 {
        tracing::info!(
            organizations = representations,
            "wrote the representations organizations lacked"
        );
    }
    let requests = db::buyer_requests::write_missing_search_text(&mut conn)
        .context("cannot write the buyer requests' search text")?;
    if requests > 0 {
        tracing::info!(requests, "wrote the search text buyer requests lacked");
    }
    tracing::info!(database = %url, applied = applied.len(), "database ready");
    let created = applied
        .first()
        .is_some_and(|first| first.starts_with(db::FIRST_MIGRATION));
    Ok((pool, created))
}

/// Loads the facet index in the background, trying again while the database fails, for as long
/// as the server lives. Until then facet counts run in SQL, rankings read match profiles from the
/// database, and `/readyz` answers 503.
fn load_facet_index(index: &web::Data<FacetIndex>, pool: &Pool) {
    let index = Arc::downgrade(&index.clone().into_inner());
    let pool = pool.clone();
    std::thread::spawn(move || {
        while let Some(index) = index.upgrade() {
            let started = Instant::now();
            let loaded = pool
                .get()
                .map_err(ApiError::unavailable)
                .and_then(|mut conn| index.load(&mut conn));
            match loaded {
                Ok(()) => {
                    let seconds = started.elapsed().as_secs_f32();
                    tracing::info!(seconds, "facet index loaded");
                    return;
                }
                Err(e) => tracing::warn!(error = %e, "cannot load the facet index; trying again"),
            }
            drop(index);
            std::thread::sleep(FACET_INDEX_RETRY);
        }
    });
}

/// Loads the sector's reference stakeholders (once), and on a new SQLite database the
/// demonstration firms, unless settings say otherwise.
fn load_reference_records(settings: &Settings, pool: &Pool, created: bool) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    if seed::load_stakeholders(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))? {
        tracing::info!("loaded the sector's reference stakeholders");
    }
    if seed::load_strategy_record(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))? > 0 {
        tracing::info!("loaded the record of the sector's export strategy");
    }
    let sqlite = matches!(settings.database_url, DatabaseUrl::Sqlite(_));
    if created && sqlite && settings.demo_data == DemoData::FirstStart {
        let loaded = seed::load_demo(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(
            firms = loaded,
            "new database: loaded the demonstration firms (sample data, marked is_sample)"
        );
    }
    Ok(())
}

/// On an empty database, creates the first administrator; a generated password is printed
/// once to the terminal (never to the log).
fn create_first_admin(settings: &Settings, pool: &Pool) -> anyhow::Result<()> {
    let password = settings
        .auth
        .admin_password
        .as_ref()
        .map(|secret| secret.0.as_str());
    let created = accounts::bootstrap_admin(pool, &settings.auth.admin_email, password)
        .context("cannot create the first administrator (ANNUAIRE_ADMIN_EMAIL, ANNUAIRE_ADMIN_PASSWORD)")?;
    if let Some((admin, generated)) = created {
        tracing::info!(email = %admin.email, "first administrator created");
        if let Some(password) = generated {
            eprintln!(
                "\n================ annuaire: first administrator ================\n  \
                 email:    {}\n  password: {password}\n  \
                 Shown once. Log in, then change it with PUT /v1/me/password.\n\
                 ===============================================================\n",
                admin.email
            );
        }
    }
    Ok(())
}

/// Headers every response carries. Responses are personal (they depend on the credential), so
/// nothing may be stored by a cache unless a route says otherwise.
fn security_headers(hsts: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::CACHE_CONTROL, "no-store"));
    match hsts {
        true => headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        )),
        false => headers,
    }
}

/// The documentation page may load its own scripts, styles and images only; nothing else the
/// API serves is a page, so it may load nothing at all. The hash admits the one `<style>` the
/// vendored swagger-ui bundle (5.32.6) injects; headless Chromium on `/docs/` reports no
/// violation with it (and names the new hash in its console if an upgrade changes the style).
async fn content_security_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut response = next.call(req).await?;
    let policy = match docs {
        true => {
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; frame-ancestors 'none'"
        }
        false => "default-src 'none'; frame-ancestors 'none'",
    };
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(policy),
    );
    Ok(response)
}

/// Browsers may call the API from the configured origins only. Credentials travel in the
/// `Authorization` header, never in cookies, so credentialed CORS is never enabled.
fn cors(origins: &[String]) -> Cors {
    let request_id = request_id::X_REQUEST_ID;
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            request_id.clone(),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            request_id,
            header::HeaderName::from_static("ratelimit"),
            header::HeaderName::from_static("ratelimit-policy"),
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
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
