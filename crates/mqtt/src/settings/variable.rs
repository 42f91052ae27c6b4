//! What a row of the variable table is: [`Variable`], as programs read it (name, flag, help,
//! default), and the typed row behind it, which also knows how to parse, check and show the
//! variable's value.

use std::path::PathBuf;

use hexaboard_core::text::Lang;
use hexaboard_core::topic::TopicFilter;

use super::parse::Problem;
use super::protocol::{MqttVersion, Qos};
use super::secret::Secret;
use super::store::StoreLocation;

/// One variable of the settings, as a program lists it: [`VARIABLES`](super::VARIABLES) holds
/// them all, in the order [`Settings::describe`](super::Settings::describe) shows them. The
/// `hexaboard` command makes a flag of each.
pub trait Variable: Sync {
    /// The environment variable, such as `MQTT_PORT`.
    fn name(&self) -> &'static str;
    /// The long flag without its dashes, such as `port`.
    fn flag(&self) -> &'static str;
    /// What the flag's value is called in help, such as `PORT`.
    fn value_name(&self) -> &'static str;
    /// One line saying what the variable holds.
    fn help(&self) -> &'static str;
    /// The default as help states it (`8883`, `on for 8883, off for 1883`), `None` when help
    /// says nothing about it.
    fn default_help(&self) -> Option<String>;
    /// For a flag that takes no value: the value its presence stands for (`--insecure` is
    /// `MQTT_TLS_INSECURE=1`).
    fn switch_value(&self) -> Option<&'static str>;
    /// Whether the value is secret: never shown, and not trimmed (spaces may be part of it).
    fn is_secret(&self) -> bool;
}

/// What a typed row does when its variable is set nowhere.
pub(crate) enum Fallback<T> {
    /// The program cannot go on: an error naming the variable.
    Required,
    /// The setting is absent; [`Settings::describe`](super::Settings::describe) shows this text.
    Unset(&'static str),
    /// This value.
    Value(fn() -> T),
    /// A value the program works out from other settings; help states how, when it says.
    Derived(Option<&'static str>),
}

/// A typed row of the table: the [`Variable`] facts, and how its text becomes a `T`.
pub(crate) struct Var<T> {
    pub(crate) name: &'static str,
    flag: &'static str,
    value_name: &'static str,
    help: &'static str,
    pub(crate) fallback: Fallback<T>,
    /// Text (trimmed, unless secret) to value.
    pub(crate) parse: fn(&std::ffi::OsStr) -> Result<T, Problem>,
    /// The rules a value must follow however it was given, text or code; may normalise it.
    pub(crate) check: fn(T) -> Result<T, Problem>,
    switch_value: Option<&'static str>,
    pub(crate) secret: bool,
    /// A given text as an error may show it (a URL without its password); `None`: as given.
    pub(crate) shown_as: Option<fn(&str) -> String>,
}

impl<T> Var<T> {
    /// A row whose value is parsed by `parse`; not set, it is [`Fallback::Required`].
    pub(crate) const fn new(
        name: &'static str,
        flag: &'static str,
        value_name: &'static str,
        help: &'static str,
        parse: fn(&std::ffi::OsStr) -> Result<T, Problem>,
    ) -> Self {
        Var {
            name,
            flag,
            value_name,
            help,
            fallback: Fallback::Required,
            parse,
            check: Ok,
            switch_value: None,
            secret: false,
            shown_as: None,
        }
    }

    /// What happens when the variable is set nowhere.
    pub(crate) const fn fallback(mut self, fallback: Fallback<T>) -> Self {
        self.fallback = fallback;
        self
    }

    /// The rules every value follows, parsed or given by code.
    pub(crate) const fn check(mut self, check: fn(T) -> Result<T, Problem>) -> Self {
        self.check = check;
        self
    }

    /// A flag without value, standing for `value`.
    pub(crate) const fn switch(mut self, value: &'static str) -> Self {
        self.switch_value = Some(value);
        self
    }

    /// A secret: masked wherever shown, never trimmed.
    pub(crate) const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// A value that may hold a secret in part: an error about a given text shows
    /// `shown(text)`.
    pub(crate) const fn shown_as(mut self, shown: fn(&str) -> String) -> Self {
        self.shown_as = Some(shown);
        self
    }
}

impl<T: Value> Variable for Var<T> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn flag(&self) -> &'static str {
        self.flag
    }

    fn value_name(&self) -> &'static str {
        self.value_name
    }

    fn help(&self) -> &'static str {
        self.help
    }

    fn default_help(&self) -> Option<String> {
        match &self.fallback {
            Fallback::Value(value) => Some(value().shown()),
            Fallback::Derived(how) => how.map(str::to_owned),
            _ => None,
        }
    }

    fn switch_value(&self) -> Option<&'static str> {
        self.switch_value
    }

    fn is_secret(&self) -> bool {
        self.secret
    }
}

/// A typed setting value: how [`Settings::describe`](super::Settings::describe) and the
/// errors about a value given by code show it.
pub(crate) trait Value: Clone + Send + Sync + 'static {
    /// The value as it may be shown; a secret is `********`.
    fn shown(&self) -> String;

    /// Whether the value counts as not set, as an empty or blank text does in every source.
    fn is_blank(&self) -> bool {
        false
    }
}

impl Value for String {
    fn shown(&self) -> String {
        self.clone()
    }

    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl Value for Secret {
    fn shown(&self) -> String {
        self.to_string()
    }

    fn is_blank(&self) -> bool {
        self.expose().trim().is_empty()
    }
}

impl Value for u16 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Value for std::time::Duration {
    fn shown(&self) -> String {
        format!("{}", self.as_secs_f64())
    }
}

impl Value for bool {
    fn shown(&self) -> String {
        if *self { "on" } else { "off" }.to_owned()
    }
}

impl Value for PathBuf {
    fn shown(&self) -> String {
        self.display().to_string()
    }

    fn is_blank(&self) -> bool {
        self.as_os_str().is_empty()
    }
}

impl Value for TopicFilter {
    fn shown(&self) -> String {
        self.as_str().to_owned()
    }
}

impl Value for Vec<TopicFilter> {
    fn shown(&self) -> String {
        let filters: Vec<&str> = self.iter().map(TopicFilter::as_str).collect();
        filters.join(", ")
    }
}

impl Value for Qos {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Value for MqttVersion {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Value for StoreLocation {
    /// The location without a password.
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Value for Lang {
    fn shown(&self) -> String {
        self.to_string()
    }
}
