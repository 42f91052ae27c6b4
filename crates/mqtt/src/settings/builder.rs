//! [`ConnectionBuilder`]: connection settings made by code, typed, through the same checks as
//! those from the environment.

use std::path::Path;

use hexaboard_core::topic::TopicFilter;

use super::connection::{ConnectionSettings, Defaults};
use super::error::SettingsError;
use super::protocol::{MqttVersion, Qos};
use super::secret::Secret;
use super::sources::Values;
use super::table::{
    MQTT_BROKER, MQTT_CA_FILE, MQTT_CERT_FILE, MQTT_CLIENT_ID, MQTT_GROUP, MQTT_KEY_FILE,
    MQTT_PASSWORD, MQTT_PORT, MQTT_QOS, MQTT_TLS, MQTT_TLS_INSECURE, MQTT_USER, MQTT_VERSION,
    TOPIC_SENSOR, TOPIC_STATUS,
};
use super::variable::{Value, Var};

impl ConnectionSettings {
    /// A builder for settings made by code, without the environment.
    ///
    /// ```
    /// use hexaboard_mqtt::settings::{ConnectionSettings, Source};
    ///
    /// let settings = ConnectionSettings::builder("localhost").port(1883).build()?;
    /// assert_eq!(settings.server_uri(), "tcp://localhost:1883");
    /// assert!(!settings.tls_enabled());
    /// assert_eq!(settings.source("MQTT_PORT"), Some(&Source::Builder));
    /// # Ok::<(), hexaboard_mqtt::settings::SettingsError>(())
    /// ```
    pub fn builder(broker: impl Into<String>) -> ConnectionBuilder {
        ConnectionBuilder {
            values: Values::default(),
            defaults: Defaults::default(),
        }
        .set(&MQTT_BROKER, broker.into())
    }
}

/// Builds [`ConnectionSettings`] in code; see [`ConnectionSettings::builder`].
///
/// Values go through the same checks as the environment's, and errors name the variable that
/// would hold them, so a message reads the same whichever way settings were made. `Debug`
/// shows which variables are set, never their values.
#[derive(Debug)]
#[must_use]
pub struct ConnectionBuilder {
    values: Values,
    defaults: Defaults,
}

impl ConnectionBuilder {
    fn set<T: Value>(mut self, var: &Var<T>, value: T) -> Self {
        self.values.set_typed(var, value);
        self
    }

    /// The broker's port (default 8883).
    pub fn port(self, port: u16) -> Self {
        self.set(&MQTT_PORT, port)
    }

    /// User name and password.
    pub fn credentials(self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.set(&MQTT_USER, user.into())
            .set(&MQTT_PASSWORD, password.into())
    }

    /// A user name without a password.
    pub fn user(self, user: impl Into<String>) -> Self {
        self.set(&MQTT_USER, user.into())
    }

    /// The sensor topic filters (default `hexaboard/+/sensor/data`); at least one.
    pub fn sensor_filters(self, filters: impl IntoIterator<Item = TopicFilter>) -> Self {
        self.set(&TOPIC_SENSOR, filters.into_iter().collect())
    }

    /// The status topic filter (default `hexaboard/+/status`).
    pub fn status_filter(self, filter: TopicFilter) -> Self {
        self.set(&TOPIC_STATUS, filter)
    }

    /// TLS on or off (default: on, except for port 1883).
    pub fn tls(self, on: bool) -> Self {
        self.set(&MQTT_TLS, on)
    }

    /// The PEM file of the CA to trust instead of the system roots.
    pub fn ca_file(self, path: impl AsRef<Path>) -> Self {
        self.set(&MQTT_CA_FILE, path.as_ref().to_owned())
    }

    /// The client certificate and its key for mutual TLS.
    pub fn client_cert(self, cert: impl AsRef<Path>, key: impl AsRef<Path>) -> Self {
        self.set(&MQTT_CERT_FILE, cert.as_ref().to_owned())
            .set(&MQTT_KEY_FILE, key.as_ref().to_owned())
    }

    /// Skip server certificate checks (development only).
    pub fn tls_insecure(self, insecure: bool) -> Self {
        self.set(&MQTT_TLS_INSECURE, insecure)
    }

    /// A fixed client id (default: that of [`ConnectionBuilder::defaults`], generated).
    pub fn client_id(self, id: impl Into<String>) -> Self {
        self.set(&MQTT_CLIENT_ID, id.into())
    }

    /// The QoS for subscriptions (default: that of [`ConnectionBuilder::defaults`], QoS 0).
    pub fn qos(self, qos: Qos) -> Self {
        self.set(&MQTT_QOS, qos)
    }

    /// The MQTT version (default 3.1.1).
    pub fn mqtt_version(self, version: MqttVersion) -> Self {
        self.set(&MQTT_VERSION, version)
    }

    /// Splits the stream with the other receivers of `group` through shared subscriptions
    /// (default: no group).
    pub fn group(self, group: impl Into<String>) -> Self {
        self.set(&MQTT_GROUP, group.into())
    }

    /// The program's defaults for what is not set.
    pub fn defaults(mut self, defaults: Defaults) -> Self {
        self.defaults = defaults;
        self
    }

    /// The settings, checked as those from the environment.
    ///
    /// # Errors
    ///
    /// A [`SettingsError`] naming the variable that would hold the bad value.
    pub fn build(self) -> Result<ConnectionSettings, SettingsError> {
        ConnectionSettings::resolve(&self.values, &self.defaults)
    }
}
