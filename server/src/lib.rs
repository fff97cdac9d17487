//! The Concord server: configuration, state, the REST API, persistence, and the
//! Leptos pages rendered on the server and hydrated in the browser.

pub mod assets;
pub mod clock;
pub mod config;
pub mod http;
pub mod live;
pub mod metrics;
pub mod pages;
pub mod service;
pub mod state;
pub mod store;

use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, OnceLock},
};

use axum::Router;
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes,
};
use tokio::net::TcpListener;

use app::{shell, ssr::PageData, App};
pub use config::Settings;
use state::AppState;

/// A bound, ready-to-serve server; `local_addr` tells tests which port they got.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects and migrates the database, then binds the listener.
    pub async fn build(
        settings: Settings,
    ) -> Result<Application, Box<dyn std::error::Error + Send + Sync>> {
        let backend = store::open(&settings.database_url, settings.pg).await?;
        let stores = backend.stores();
        let listener = TcpListener::bind(settings.addr).await?;
        let leptos = LeptosOptions::builder()
            .output_name(assets::output_name(&settings.site_root))
            .site_root(settings.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(listener.local_addr()?)
            .build();
        let hub = live::Hub::new(settings.live_backlog, settings.presence_delay);
        let metrics = metrics::Metrics::new();
        hub.set_metrics(metrics.live.clone());
        // Committed changes come from the store's feed on both backends; on PostgreSQL the
        // cluster fills it with every instance's, and shares presence and membership changes.
        live::relay(stores.database.changes(), &hub);
        let fanout: Arc<dyn live::Fanout> = match &backend {
            store::Backend::Sqlite(_) => Arc::new(live::LocalFanout(hub.clone())),
            store::Backend::Postgres(pg) => live::cluster::Cluster::start(
                store::presence::Presence::new(pg.pool().clone()),
                stores.database.changes().clone(),
                &hub,
                settings.instance_liveness,
                settings.clock.clone(),
            )
            .await?
            .fanout(),
        };
        let state = AppState::new(state::Shared {
            stores,
            settings: Arc::new(settings),
            leptos,
            dummy_hash: Arc::default(),
            fanout,
            hub,
            metrics,
            connections: Arc::default(),
        });
        Ok(Application {
            listener,
            router: router(state.clone()),
            state,
        })
    }

    /// This instance's live hub (tests and benchmarks look at it).
    pub fn hub(&self) -> Arc<live::Hub> {
        self.state.hub.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let grace = self.state.settings.shutdown_grace;
        let hub = self.state.hub.clone();
        let janitor = tokio::spawn(forget_expired(self.state));
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        // Stop accepting, tell live sockets to reconnect elsewhere, let in-flight
        // requests finish — for at most `grace`.
        let signal = async move {
            shutdown.await;
            tracing::info!(
                grace_secs = grace.as_secs(),
                "shutting down: finishing in-flight requests"
            );
            hub.close_all();
            let _ = stopping.send(());
        };
        let served = axum::serve(self.listener, service).with_graceful_shutdown(signal);
        let outcome = tokio::select! {
            served = std::future::IntoFuture::into_future(served) => served,
            _ = async {
                let _ = stopped.await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!("requests still running after the shutdown grace period; stopping anyway");
                Ok(())
            }
        };
        janitor.abort();
        outcome
    }
}

/// Hourly, forgets idempotency records, sign-in attempts and sessions older than they matter. Safe
/// to run on every instance: it only deletes what no instance may use any more.
async fn forget_expired(state: AppState) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let now = state.settings.clock.now();
        match state
            .stores
            .keys
            .expire_idempotency_keys(now - state.settings.idempotency_ttl)
            .await
        {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "expired idempotency keys"),
            Err(error) => tracing::warn!(%error, "could not expire idempotency keys"),
        }
        if let Err(error) = state
            .stores
            .accounts
            .expire_auth_attempts(now - state.settings.auth_window)
            .await
        {
            tracing::warn!(%error, "could not expire sign-in attempts");
        }
        match state.stores.accounts.expire_sessions(now).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "deleted expired sessions"),
            Err(error) => tracing::warn!(%error, "could not delete expired sessions"),
        }
    }
}

/// The page routes, listed once per process: while Leptos lists them it stops every resource
/// of the process from loading (a global flag), so a page of another server in the same
/// process (the tests run many) rendered meanwhile would wait for its data forever.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState) -> Router {
    let pages: Arc<dyn PageData> = Arc::new(pages::ServerPages(state.clone()));
    let context = move || provide_context(pages.clone());
    Router::new()
        .merge(http::router())
        .merge(pages::forms::router())
        .nest_service("/pkg", assets::service(&state.settings.site_root))
        .merge(assets::icon(&state.settings.site_root))
        .leptos_routes_with_context(&state, page_routes(), context.clone(), {
            let options = state.leptos.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::reader::mark,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::security::same_origin_only,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::metrics::record,
        ))
        .layer(axum::middleware::from_fn(http::security::headers))
        .layer(http::compression())
        .layer(axum::middleware::from_fn(http::encoded_tags::per_encoding))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            http::error::on_panic,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(http::request_id::assign))
        .with_state(state)
}
