//! The MQTT protocol's own choices: [`Qos`] and [`MqttVersion`].

use std::fmt;

/// MQTT quality of service for subscriptions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qos {
    /// QoS 0: at most once, no acknowledgement.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: at least once; a reading is acknowledged after it is stored.
    AtLeastOnce = 1,
    /// QoS 2: exactly once, at the cost of two round trips per message.
    ExactlyOnce = 2,
}

impl Qos {
    /// The QoS for the number 0, 1 or 2.
    pub fn from_number(n: u8) -> Option<Qos> {
        match n {
            0 => Some(Qos::AtMostOnce),
            1 => Some(Qos::AtLeastOnce),
            2 => Some(Qos::ExactlyOnce),
            _ => None,
        }
    }

    /// The number of the QoS, 0, 1 or 2 (paho-mqtt takes it as an `i32`).
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Qos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// The MQTT protocol version spoken to the broker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MqttVersion {
    /// MQTT 3.1.1 (`MQTT_VERSION=3.1.1`, the default, what the chapter's paho uses).
    #[default]
    V311,
    /// MQTT 5 (`MQTT_VERSION=5`).
    V5,
}

impl fmt::Display for MqttVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MqttVersion::V311 => "3.1.1",
            MqttVersion::V5 => "5",
        })
    }
}
