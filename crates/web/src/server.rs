//! The server: its settings, what it is given to work with, its routes, and its thread.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use hexaboard_core::text::Lang;
use serde_json::json;
use tokio::sync::oneshot;

use crate::commands::Commands;
use crate::live::Live;
use crate::metrics::Counts;
use crate::series::Archive;
use crate::{access, api, events, metrics};

/// How the page is served.
#[derive(Clone, Default)]
pub struct Config {
    /// Needed by every request but the assets' when set.
    pub token: Option<String>,
    /// Refuses every command.
    pub read_only: bool,
    /// The page's language until the visitor switches.
    pub lang: Lang,
    /// The store `serve --record` writes to, as messages name it; `None` when not recording.
    pub recording: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &self.token.as_ref().map(|_| "(hidden)"))
            .field("read_only", &self.read_only)
            .field("lang", &self.lang)
            .field("recording", &self.recording)
            .finish()
    }
}

/// What the server works with.
pub struct Services {
    /// The boards' live state.
    pub live: Live,
    /// The store, read back for the charts.
    pub archive: Arc<dyn Archive>,
    /// Sends LED commands.
    pub commands: Arc<dyn Commands>,
    /// The receiver's message counts, for `/metrics`.
    pub counts: Box<dyn Fn() -> Counts + Send + Sync>,
}

/// The state every handler gets.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) config: Arc<Config>,
    pub(crate) live: Live,
    pub(crate) archive: Arc<dyn Archive>,
    pub(crate) commands: Arc<dyn Commands>,
    pub(crate) counts: Arc<dyn Fn() -> Counts + Send + Sync>,
}

impl App {
    /// What `/api/status` answers.
    pub(crate) fn status(&self) -> serde_json::Value {
        json!({
            "lang": self.config.lang.code(),
            "read_only": self.config.read_only,
            "broker": self.live.broker(),
            "rules": self.live.rules(),
            "recording": self.config.recording.as_ref().map(|store| json!({ "store": store })),
            "event_id": self.live.event_id(),
        })
    }
}

/// Every route of `docs/web.md`, each request checked first (a token beyond loopback, commands
/// only from the page's origin) and every answer with the security headers.
pub fn router(config: Config, services: Services) -> Router {
    let app = App {
        config: Arc::new(config),
        live: services.live,
        archive: services.archive,
        commands: services.commands,
        counts: Arc::from(services.counts),
    };
    Router::new()
        .route("/", get(api::index))
        .route("/assets/{file}", get(api::asset))
        .route("/api/status", get(api::status))
        .route("/api/words", get(api::page_words))
        .route("/api/boards", get(api::boards))
        .route("/api/boards/{board}/readings", get(api::readings))
        .route("/api/boards/{board}/led", post(api::led))
        .route("/api/events", get(events::events))
        .route("/metrics", get(metrics::metrics))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            access::guard,
        ))
        .with_state(app)
}

/// A server running on a thread of its own.
pub struct Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Serves `router` on `listener` (bound by the caller, so a taken port is said before
    /// anything else starts) from a thread with a one-thread runtime: the page's work stays
    /// off the receiver's threads.
    ///
    /// # Errors
    ///
    /// The runtime or the thread cannot be made.
    pub fn start(listener: TcpListener, router: Router) -> std::io::Result<Server> {
        let address = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(4)
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("web".into())
            .spawn(move || {
                let served = runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    let serve = axum::serve(listener, router);
                    tokio::select! {
                        served = serve => served,
                        _ = stopped => Ok(()),
                    }
                });
                // Open event streams never end by themselves: they are dropped here.
                runtime.shutdown_timeout(Duration::from_secs(1));
                served
            })?;
        Ok(Server {
            address,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops serving and waits for the thread.
    ///
    /// # Errors
    ///
    /// What ended serving before, if anything did.
    pub fn stop(mut self) -> std::io::Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(std::io::Error::other("the web server's thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
