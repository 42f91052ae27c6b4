//! The first connect: client, callbacks, helper threads, retries, first subscriptions.

use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hexaboard_core::text::Report;
use paho_mqtt as paho;

use super::callbacks::{self, Shared};
use super::{ConnectError, Session, SessionBuilder, SessionEvent, DISCONNECT_TIMEOUT};
use crate::diagnose;
use crate::settings::{ConnectionSettings, MqttVersion};

/// The connect of [`SessionBuilder::connect`].
pub(super) fn connect(b: SessionBuilder) -> Result<Session, ConnectError> {
    let settings = b.settings;
    let shared = Arc::new(Shared::new(b.on_event));
    for w in settings.warnings() {
        shared.emit(SessionEvent::Warning(w));
    }
    if b.persistent && settings.client_id_is_random() {
        shared.emit(SessionEvent::Warning(format!(
            "MQTT_CLIENT_ID is not set: the persistent session of the generated id `{}` is lost \
             when the program ends; set MQTT_CLIENT_ID to keep it",
            settings.client_id()
        )));
    }

    let cli = paho::CreateOptionsBuilder::new()
        .server_uri(settings.server_uri())
        .client_id(settings.client_id())
        .max_buffered_messages(i32::try_from(b.max_in_flight + 100).unwrap_or(i32::MAX))
        .send_while_disconnected(true)
        .create_client()
        .map_err(|source| ConnectError::Settings {
            setting: None,
            source,
        })?;

    let (round_tx, round_rx) = mpsc::channel();
    let (lost_tx, lost_rx) = mpsc::channel();
    let (first_tx, first_rx) = mpsc::sync_channel(1);
    callbacks::install(
        &cli,
        &shared,
        b.subscriptions.clone(),
        round_tx,
        lost_tx,
        b.on_message,
    );
    let suback_timeout = b.connect_timeout;
    let watcher = {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("mqtt-suback".into())
            .spawn(move || {
                callbacks::watch_subscriptions(&shared, &round_rx, &first_tx, suback_timeout)
            })
            .map_err(|source| ConnectError::Thread { source })?
    };
    let fail = |cli: paho::AsyncClient, watcher: JoinHandle<()>, e: ConnectError| {
        shared.closing.store(true, Ordering::SeqCst);
        let _ = watcher.join();
        callbacks::park(cli);
        Err(e)
    };

    let opts = match connect_options(
        &settings,
        &b.persistent,
        b.session_expiry,
        b.keep_alive,
        b.connect_timeout,
        b.last_will.as_ref(),
    ) {
        Ok(opts) => opts,
        Err(e) => return fail(cli, watcher, e),
    };

    let mut attempt = 0;
    let response = loop {
        attempt += 1;
        let started = Instant::now();
        let result = cli
            .connect(opts.clone())
            .wait_for(b.connect_timeout + Duration::from_secs(5));
        let err = match result {
            Ok(rsp) => break rsp,
            Err(e) => diagnose::explain(&settings, e, started.elapsed(), b.connect_timeout),
        };
        let wait = match b.retry.wait_after(attempt) {
            Some(wait) if !err.is_fatal() => wait,
            _ => return fail(cli, watcher, err),
        };
        shared.emit(SessionEvent::RetryingConnect {
            attempt,
            wait,
            cause: Report(&err).to_string(),
        });
        let stopped = match &b.stop {
            Some(stop) => stop.wait_timeout(wait),
            None => {
                std::thread::sleep(wait);
                false
            }
        };
        if stopped {
            return fail(cli, watcher, ConnectError::Stopped);
        }
    };
    shared.emit(SessionEvent::Connected {
        server: settings.server_uri(),
        session_present: response
            .connect_response()
            .is_some_and(|r| r.session_present),
    });

    let outcome = match first_rx.recv_timeout(b.connect_timeout + Duration::from_secs(5)) {
        Ok(outcome) => outcome,
        Err(_) => {
            let filter = b
                .subscriptions
                .first()
                .map(|s| s.0.as_str().to_owned())
                .unwrap_or_default();
            let _ = cli.disconnect(None).wait_for(DISCONNECT_TIMEOUT);
            return fail(
                cli,
                watcher,
                ConnectError::SubscribeTimeout {
                    filter,
                    timeout: suback_timeout,
                },
            );
        }
    };
    let first_problem = outcome
        .refused
        .first()
        .map(|f| ConnectError::SubscribeRefused { filter: f.clone() })
        .or_else(|| {
            outcome
                .failed
                .first()
                .map(|(f, _)| ConnectError::SubscribeTimeout {
                    filter: f.clone(),
                    timeout: suback_timeout,
                })
        });
    callbacks::report(&shared, outcome);
    if let Some(e) = first_problem {
        let _ = cli.disconnect(None).wait_for(DISCONNECT_TIMEOUT);
        return fail(cli, watcher, e);
    }

    let reconnector = {
        let (cli, shared) = (cli.clone(), Arc::clone(&shared));
        let timeout = b.connect_timeout;
        std::thread::Builder::new()
            .name("mqtt-reconnect".into())
            .spawn(move || callbacks::reconnect_loop(cli, &settings, &shared, &lost_rx, timeout))
    };
    let reconnector = match reconnector {
        Ok(t) => t,
        Err(e) => {
            let _ = cli.disconnect(None).wait_for(DISCONNECT_TIMEOUT);
            let e = ConnectError::Thread { source: e };
            return fail(cli, watcher, e);
        }
    };

    Ok(Session {
        cli,
        shared,
        threads: vec![watcher, reconnector],
        window: Mutex::new(std::collections::VecDeque::new()),
        max_in_flight: b.max_in_flight,
        publish_timeout: b.publish_timeout,
        subscriptions: b.subscriptions,
        stopped: false,
    })
}

/// paho's connect options for the settings.
fn connect_options(
    settings: &ConnectionSettings,
    persistent: &bool,
    session_expiry: Duration,
    keep_alive: Duration,
    connect_timeout: Duration,
    last_will: Option<&super::LastWill>,
) -> Result<paho::ConnectOptions, ConnectError> {
    let mut b = match settings.mqtt_version() {
        MqttVersion::V311 => {
            let mut b = paho::ConnectOptionsBuilder::new_v3();
            b.clean_session(!persistent);
            b
        }
        MqttVersion::V5 => {
            let mut b = paho::ConnectOptionsBuilder::new_v5();
            b.clean_start(!persistent);
            if *persistent {
                let secs = u32::try_from(session_expiry.as_secs()).unwrap_or(u32::MAX);
                b.properties(paho::properties![paho::PropertyCode::SessionExpiryInterval => secs]);
            }
            b
        }
    };
    b.keep_alive_interval(keep_alive)
        .connect_timeout(connect_timeout);
    if let Some(user) = settings.user() {
        b.user_name(user);
    }
    if let Some(password) = settings.password() {
        b.password(password.expose());
    }
    if settings.tls_enabled() {
        b.ssl_options(ssl_options(settings)?);
    }
    if let Some(will) = last_will {
        let qos = i32::from(will.qos.number());
        let message = if will.retain {
            paho::Message::new_retained(will.topic.as_str(), will.payload.clone(), qos)
        } else {
            paho::Message::new(will.topic.as_str(), will.payload.clone(), qos)
        };
        b.will_message(message);
    }
    Ok(b.finalize())
}

/// TLS options: the CA file or the system's CAs, host name check, client certificate; both
/// checks off when insecure.
fn ssl_options(settings: &ConnectionSettings) -> Result<paho::SslOptions, ConnectError> {
    let bad = |setting: &'static str, source: paho::Error| ConnectError::Settings {
        setting: Some(setting),
        source,
    };
    let mut ssl = paho::SslOptionsBuilder::new();
    if settings.tls_insecure() {
        ssl.enable_server_cert_auth(false).verify(false);
    } else {
        // Without a trust store paho loads the system's CAs (SSL_CTX_set_default_verify_paths).
        ssl.enable_server_cert_auth(true).verify(true);
        if let Some(ca) = settings.ca_file() {
            ssl.trust_store(ca).map_err(|e| bad("MQTT_CA_FILE", e))?;
        }
    }
    if let Some((cert, key)) = settings.client_cert() {
        ssl.key_store(cert).map_err(|e| bad("MQTT_CERT_FILE", e))?;
        ssl.private_key(key).map_err(|e| bad("MQTT_KEY_FILE", e))?;
    }
    Ok(ssl.finalize())
}
