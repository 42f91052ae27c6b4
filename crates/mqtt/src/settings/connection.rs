//! [`ConnectionSettings`]: what a connection to the broker needs (broker, port, credentials,
//! topics, TLS, client id, QoS, MQTT version), validated, with the program's [`Defaults`] and
//! the warnings about risky but working choices.

use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};

use hexaboard_core::pipeline::PipelineConfig;
use hexaboard_core::topic::TopicFilter;

use super::client_id;
use super::error::SettingsError;
use super::protocol::{MqttVersion, Qos};
use super::resolve::{self, Described, Resolver};
use super::secret::Secret;
use super::sources::{Source, Values};
use super::table::{
    MQTT_BROKER, MQTT_CA_FILE, MQTT_CERT_FILE, MQTT_CLIENT_ID, MQTT_GROUP, MQTT_KEY_FILE,
    MQTT_PASSWORD, MQTT_PORT, MQTT_QOS, MQTT_TLS, MQTT_TLS_INSECURE, MQTT_USER, MQTT_VERSION,
    PLAIN_PORT, TOPIC_SENSOR, TOPIC_STATUS,
};

/// Defaults chosen by the program, not by the user: used where a variable is not set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defaults {
    qos: Qos,
    client_id: Option<String>,
}

impl Defaults {
    /// Defaults for recording readings into `csv_file`: QoS 1, so a reading the receiver did
    /// not store is sent again by the broker, and a client id that stays the same on this
    /// machine for this file (`hexaboard-rec-` and 8 hex digits), so the broker keeps the
    /// persistent session between runs.
    pub fn recording(csv_file: &Path) -> Self {
        Defaults {
            qos: Qos::AtLeastOnce,
            client_id: Some(client_id::stable(csv_file)),
        }
    }

    /// Defaults for the plain examples of the chapter: QoS 0, as the chapter's Python, and a
    /// client id generated for each run.
    pub fn examples() -> Self {
        Defaults {
            qos: Qos::AtMostOnce,
            client_id: None,
        }
    }

    /// The QoS for subscriptions when `MQTT_QOS` is not set.
    pub fn qos(&self) -> Qos {
        self.qos
    }
}

impl Default for Defaults {
    /// The same as [`Defaults::examples`].
    fn default() -> Self {
        Defaults::examples()
    }
}

/// Everything a connection to the broker needs, validated.
///
/// Made by [`Sources::connection`](super::Sources::connection) or
/// [`ConnectionSettings::builder`]. `Debug` never shows the password.
#[derive(Clone, Debug)]
pub struct ConnectionSettings {
    broker: String,
    port: u16,
    user: Option<String>,
    password: Option<Secret>,
    sensor_filters: Vec<TopicFilter>,
    status_filter: TopicFilter,
    tls: bool,
    ca_file: Option<PathBuf>,
    client_cert: Option<(PathBuf, PathBuf)>,
    tls_insecure: bool,
    client_id: String,
    client_id_random: bool,
    qos: Qos,
    mqtt_version: MqttVersion,
    group: Option<String>,
    /// The sensor filters and the status filter as subscribed (shared in a group).
    sensor_subscriptions: Vec<TopicFilter>,
    status_subscription: TopicFilter,
    described: Vec<Described>,
    notes: Vec<String>,
}

impl ConnectionSettings {
    /// The settings of the connection variables in `values`, checked.
    pub(crate) fn resolve(values: &Values, defaults: &Defaults) -> Result<Self, SettingsError> {
        let mut r = Resolver::new(values);
        let broker = r.value(&MQTT_BROKER)?;
        let port = r.value(&MQTT_PORT)?;
        let user = r.optional(&MQTT_USER)?;
        let password = r.optional(&MQTT_PASSWORD)?;
        if password.is_some() && user.is_none() {
            return Err(SettingsError::PasswordWithoutUser);
        }
        let sensor_filters = r.value(&TOPIC_SENSOR)?;
        let status_filter = r.value(&TOPIC_STATUS)?;
        let tls = r.value_or(&MQTT_TLS, || port != PLAIN_PORT)?;
        let tls_insecure = r.value(&MQTT_TLS_INSECURE)?;
        let ca_file = r.optional(&MQTT_CA_FILE)?;
        let cert = r.optional(&MQTT_CERT_FILE)?;
        let key = r.optional(&MQTT_KEY_FILE)?;
        let client_cert = match (cert, key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (Some(_), None) => return Err(incomplete(MQTT_CERT_FILE.name, MQTT_KEY_FILE.name)),
            (None, Some(_)) => return Err(incomplete(MQTT_KEY_FILE.name, MQTT_CERT_FILE.name)),
        };
        let mut client_id_random = false;
        let client_id = r.value_or(&MQTT_CLIENT_ID, || match &defaults.client_id {
            Some(id) => id.clone(),
            None => {
                client_id_random = true;
                client_id::generated()
            }
        })?;
        let qos = r.value_or(&MQTT_QOS, || defaults.qos)?;
        let mqtt_version = r.value(&MQTT_VERSION)?;
        let group = r.optional(&MQTT_GROUP)?;
        // The group name is checked, so only the length limit can refuse a shared filter.
        let subscription = |filter: &TopicFilter| match &group {
            None => Ok(filter.clone()),
            Some(group) => {
                let shared = format!("$share/{group}/{}", filter.inner());
                TopicFilter::new(&shared).map_err(|source| SettingsError::InvalidTopicFilter {
                    var: MQTT_GROUP.name,
                    value: group.clone(),
                    filter: shared,
                    source,
                })
            }
        };
        let sensor_subscriptions = sensor_filters
            .iter()
            .map(subscription)
            .collect::<Result<_, _>>()?;
        let status_subscription = subscription(&status_filter)?;
        Ok(ConnectionSettings {
            broker,
            port,
            user,
            password,
            sensor_filters,
            status_filter,
            tls,
            ca_file,
            client_cert,
            tls_insecure,
            client_id,
            client_id_random,
            qos,
            mqtt_version,
            group,
            sensor_subscriptions,
            status_subscription,
            described: r.finish(),
            notes: Vec::new(),
        })
    }

    /// Warnings found while loading (about the `.env` file), to give with the others.
    pub(crate) fn add_notes(&mut self, notes: Vec<String>) {
        self.notes.extend(notes);
    }

    /// The broker's host name or IP address (an IPv6 address without brackets).
    pub fn broker(&self) -> &str {
        &self.broker
    }

    /// The broker's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The user name, if any.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The password, if any; it is only given with a user.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// The sensor topic filters to subscribe to (at least one).
    pub fn sensor_filters(&self) -> &[TopicFilter] {
        &self.sensor_filters
    }

    /// The status topic filter to subscribe to.
    pub fn status_filter(&self) -> &TopicFilter {
        &self.status_filter
    }

    /// Every filter a receiver subscribes to: the sensor filters, then the status filter,
    /// each as a shared subscription when a group is set ([`ConnectionSettings::group`]).
    pub fn subscriptions(&self) -> Vec<TopicFilter> {
        let mut filters = self.sensor_subscriptions.clone();
        filters.push(self.status_subscription.clone());
        filters
    }

    /// The sensor filters as subscribed: `$share/NAME/<filter>` when a group is set.
    pub fn sensor_subscriptions(&self) -> &[TopicFilter] {
        &self.sensor_subscriptions
    }

    /// The shared-subscription group (`MQTT_GROUP`), when this receiver splits one stream
    /// with the others of its group: the broker gives each message to one member.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// The pipeline's routing for these filters (sensor readings and board statuses), with
    /// the pipeline's default limits.
    pub fn pipeline_config(&self) -> PipelineConfig {
        PipelineConfig {
            sensor_filters: self.sensor_filters.clone(),
            status_filters: vec![self.status_filter.clone()],
            ..PipelineConfig::default()
        }
    }

    /// Whether the connection uses TLS.
    pub fn tls_enabled(&self) -> bool {
        self.tls
    }

    /// The PEM file of the CA to trust instead of the system roots, if any.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// The client certificate and its key for mutual TLS, if any.
    pub fn client_cert(&self) -> Option<(&Path, &Path)> {
        self.client_cert
            .as_ref()
            .map(|(cert, key)| (cert.as_path(), key.as_path()))
    }

    /// Whether server certificate checks are skipped (`MQTT_TLS_INSECURE=1`).
    pub fn tls_insecure(&self) -> bool {
        self.tls_insecure
    }

    /// The client id: `MQTT_CLIENT_ID`, else the program's default (a recorder's stable id),
    /// else a `hexaboard-…` id generated for this run, which every broker accepts.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Whether the client id was generated for this run: a persistent session under it is
    /// lost when the program ends.
    pub fn client_id_is_random(&self) -> bool {
        self.client_id_random
    }

    /// The QoS for subscriptions.
    pub fn qos(&self) -> Qos {
        self.qos
    }

    /// The MQTT protocol version.
    pub fn mqtt_version(&self) -> MqttVersion {
        self.mqtt_version
    }

    /// Where the value of a variable came from, or `None` for a name that is not one of the
    /// connection's variables.
    pub fn source(&self, name: &str) -> Option<&Source> {
        resolve::source_of(&self.described, name)
    }

    /// The connection's variables with their values as they may be shown (the password is
    /// `********`) and where each came from.
    pub fn describe(&self) -> &[Described] {
        &self.described
    }

    /// The URI paho-mqtt connects to: `ssl://host:port` with TLS, else `tcp://host:port`; an
    /// IPv6 address is put in brackets.
    pub fn server_uri(&self) -> String {
        let scheme = if self.tls { "ssl" } else { "tcp" };
        if self.broker.parse::<Ipv6Addr>().is_ok() {
            format!("{scheme}://[{}]:{}", self.broker, self.port)
        } else {
            format!("{scheme}://{}:{}", self.broker, self.port)
        }
    }

    /// Whether the broker is this machine: `localhost`, 127.0.0.0/8 or `::1`. A password sent
    /// without TLS stays on the machine only then.
    pub fn is_loopback_host(&self) -> bool {
        let host = self.broker.trim_end_matches('.');
        if host.eq_ignore_ascii_case("localhost") {
            return true;
        }
        match host.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => ip.is_loopback(),
            Ok(IpAddr::V6(ip)) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            Err(_) => false,
        }
    }

    /// One-line warnings about settings that work but are risky, and about the `.env` file;
    /// a program prints them at every start (the session gives them as events).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.tls && self.tls_insecure {
            warnings.push(
                "MQTT_TLS_INSECURE=1: server certificate checks are OFF; use only for development"
                    .to_owned(),
            );
        }
        if !self.tls && self.password.is_some() && !self.is_loopback_host() {
            warnings.push(format!(
                "MQTT_TLS is off: MQTT_PASSWORD goes in clear text to {}:{}; \
                 turn MQTT_TLS on (port 8883) or use a broker on this machine",
                self.broker, self.port
            ));
        }
        if !self.tls && (self.ca_file.is_some() || self.client_cert.is_some()) {
            warnings.push(
                "MQTT_TLS is off: MQTT_CA_FILE, MQTT_CERT_FILE and MQTT_KEY_FILE are not used"
                    .to_owned(),
            );
        }
        if !client_id::is_portable(&self.client_id) {
            warnings.push(format!(
                "MQTT_CLIENT_ID `{}` is longer than 23 characters or not only letters, digits \
                 and `-`: some brokers refuse it",
                self.client_id
            ));
        }
        warnings.extend(self.notes.iter().cloned());
        warnings
    }
}

fn incomplete(present: &'static str, missing: &'static str) -> SettingsError {
    SettingsError::IncompleteClientCert { present, missing }
}
