//! The Kairos server: the application layer ([`app`]) under its two faces, the JSON API
//! ([`api`]) and the HTML pages ([`pages`]), with auth, rate limits, OpenAPI, health, metrics
//! and the CLI commands behind the `kairos` binary (docs/architecture.md, "Layers").
//!
//! `main` parses the [`settings::Cli`] and calls [`run`]; tests bind port 0 and call
//! [`launch`] with a store of their own, so they exercise exactly what production runs.

#![forbid(unsafe_code)]

pub mod abuse;
pub mod api;
pub mod app;
pub mod metrics;
pub mod pages;
pub mod settings;
pub mod state;

mod health;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use kairos_core::clock::{Clock, SystemClock};
use kairos_store::Store;
use kairos_store_postgres::PgStore;
use kairos_store_sqlite::SqliteStore;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::api::error::ApiError;
use crate::api::extract::BodyLimit;
use crate::app::{AppError, demo, notifications, provision};
use crate::settings::{Cli, Command, LogFormat, ServeSettings, TenantCommand};
use crate::state::AppState;

/// Opens the store the URL names (`sqlite://…` or `postgres://…`) and applies migrations.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::connect(url)
            .await
            .with_context(|| format!("opening the SQLite database {url}"))?;
        return Ok(Arc::new(store));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        return Ok(Arc::new(store));
    }
    anyhow::bail!("unsupported database URL: use sqlite://PATH or postgres://…")
}

/// Runs the command the CLI asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    init_logging(cli.serve.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.database_url, cli.serve).await,
        Command::Migrate => {
            open_store(&cli.database_url).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Tenant(TenantCommand::Create {
            slug,
            name,
            admin_email,
            admin_password,
            timezone,
        }) => {
            let store = open_store(&cli.database_url).await?;
            let created = provision::create_tenant(
                store.as_ref(),
                provision::TenantRequest {
                    slug: &slug,
                    name: &name,
                    admin_email: &admin_email,
                    admin_password: admin_password.as_deref(),
                    timezone: &timezone,
                },
            )
            .await
            .map_err(|error| match error {
                AppError::Validation { field, message } => {
                    anyhow::anyhow!("invalid {field}: {message}")
                }
                AppError::Conflict { field, message, .. } => {
                    anyhow::anyhow!("{}: {message}", field.unwrap_or_default())
                }
                other => anyhow::anyhow!("{other}"),
            })?;
            let json = serde_json::to_string_pretty(&created)?;
            #[allow(clippy::print_stdout)]
            {
                println!("{json}");
            }
            Ok(())
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    // A subscriber may already be installed (tests); keep it.
    drop(result);
}

async fn serve(database_url: &str, settings: ServeSettings) -> anyhow::Result<()> {
    let store = open_store(database_url).await?;
    if settings.seeds_demo()
        && let Some(demo) = demo::seed_if_empty(store.as_ref(), &settings.public_url()).await?
    {
        let base = settings.public_url();
        tracing::info!(
            admin_email = %demo.email,
            admin_password = %demo.password,
            "created the demo tenant (slug `demo`) on an empty database"
        );
        tracing::info!(
            "sign in to the console: {base}/admin/scheduling/login?workspace=demo (workspace `demo`, the email and password above)"
        );
        tracing::info!(
            "try: curl -H 'Authorization: Bearer {}' {base}/api/admin/scheduling/event-types",
            demo.api_token
        );
        tracing::info!(
            "book a meeting with the demo host: {} (JSON: {})",
            demo.booking_page_url,
            demo.public_api_url
        );
    }
    let abuse = settings.abuse_guard().await?;
    let listener = TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("binding {}", settings.bind))?;
    tracing::info!(address = %settings.bind, "listening; API document at /api/openapi.json");
    launch(
        AppState::new(store, Arc::new(SystemClock), settings, abuse),
        listener,
        shutdown_signal(),
    )
    .await
}

/// Ctrl-C or SIGTERM (what `kill` and service managers send).
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests and the message being sent");
}

/// Builds the whole HTTP application for `state`.
pub fn app(state: AppState) -> Router {
    let limit = state.settings.max_body_bytes;
    let (api, openapi) = api::router(state.abuse.clone()).split_for_parts();
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(api)
        .merge(pages::router(state.abuse.clone()))
        .merge(health::router())
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let openapi = Arc::clone(&openapi);
                async move { axum::Json(openapi.as_ref().clone()) }
            }),
        )
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state.metrics),
            metrics::track,
        ))
        .fallback(|uri: axum::http::Uri| async move {
            // Under the pages' prefixes a person is reading: answer a page, not JSON.
            let path = uri.path();
            if ["/book", "/admin"]
                .iter()
                .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")))
            {
                pages::PageError(AppError::NotFound("page")).into_response()
            } else {
                ApiError::from(AppError::NotFound("route")).into_response()
            }
        })
        .with_state(state)
        .layer(middleware::from_fn(
            move |mut request: Request, next: Next| async move {
                request.extensions_mut().insert(BodyLimit(limit));
                let response: Response = next.run(request).await;
                response
            },
        ))
        .layer(DefaultBodyLimit::max(limit))
        .layer(TraceLayer::new_for_http())
}

/// Serves `state` on `listener`, and runs the outbox worker unless the settings turn it off,
/// until `shutdown` completes; then lets in-flight requests and the message being sent finish.
pub async fn launch(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = if state.settings.mail.outbox_worker {
        let worker = notifications::worker(&state)?;
        let mut stopped = stopped.clone();
        Some(tokio::spawn(worker.run(async move {
            // An error means the sender is gone, which also means stop.
            let _ = stopped.wait_for(|stop| *stop).await;
        })))
    } else {
        None
    };
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop.send(true);
    })
    .await
    .context("serving HTTP");
    if let Some(worker) = worker
        && let Err(error) = worker.await
    {
        tracing::error!(%error, "the outbox worker panicked");
    }
    served
}

/// A clock for the state built by tests and tools.
pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}
