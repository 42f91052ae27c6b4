//! Turning given values into typed settings, one variable at a time: text is parsed by its
//! row, every value (text or code's) is checked by its row, defaults are applied, and each
//! result is noted as a [`Described`] line with its [`Source`].

use std::fmt;

use super::error::SettingsError;
use super::sources::{trimmed, Given, Source, Values};
use super::table::{self, NOT_SET};
use super::variable::{Fallback, Value, Var};

/// One line of [`Settings::describe`](super::Settings::describe): a variable, its value as it
/// may be shown, and where it came from. `Display` writes `MQTT_BROKER = localhost (from .env)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    /// The variable, such as `MQTT_BROKER`.
    pub name: &'static str,
    /// The value as it may be shown: the password is `********`, an unset value `(not set)`.
    pub value: String,
    /// Where the value came from.
    pub source: Source,
}

impl fmt::Display for Described {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {} (from {})", self.name, self.value, self.source)
    }
}

/// Where the value of `name` came from, among the lines of one settings type.
pub(crate) fn source_of<'a>(described: &'a [Described], name: &str) -> Option<&'a Source> {
    described.iter().find(|d| d.name == name).map(|d| &d.source)
}

/// Resolves the variables of one settings type from [`Values`], noting each as it goes.
pub(crate) struct Resolver<'a> {
    values: &'a Values,
    described: Vec<Described>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(values: &'a Values) -> Self {
        Resolver {
            values,
            described: Vec::new(),
        }
    }

    /// The value of `var`: given, else its row's default value.
    ///
    /// # Errors
    ///
    /// The given value is malformed, or `var` has no default value and is not set
    /// ([`SettingsError::Missing`]).
    pub(crate) fn value<T: Value>(&mut self, var: &Var<T>) -> Result<T, SettingsError> {
        match self.given(var)? {
            Some((value, source)) => Ok(self.noted(var, value, source)),
            None => match &var.fallback {
                Fallback::Value(default) => Ok(self.noted(var, default(), Source::Default)),
                _ => Err(SettingsError::Missing { var: var.name }),
            },
        }
    }

    /// The value of `var`: given, else its row's default value, else `derived` (a default the
    /// program works out from other settings).
    ///
    /// # Errors
    ///
    /// The given value is malformed.
    pub(crate) fn value_or<T: Value>(
        &mut self,
        var: &Var<T>,
        derived: impl FnOnce() -> T,
    ) -> Result<T, SettingsError> {
        match self.given(var)? {
            Some((value, source)) => Ok(self.noted(var, value, source)),
            None => {
                let value = match &var.fallback {
                    Fallback::Value(default) => default(),
                    _ => derived(),
                };
                Ok(self.noted(var, value, Source::Default))
            }
        }
    }

    /// The value of `var`, if given (or if its row has a default value).
    ///
    /// # Errors
    ///
    /// The given value is malformed, or `var` is required and not set.
    pub(crate) fn optional<T: Value>(&mut self, var: &Var<T>) -> Result<Option<T>, SettingsError> {
        if let Some((value, source)) = self.given(var)? {
            return Ok(Some(self.noted(var, value, source)));
        }
        let unset = match &var.fallback {
            Fallback::Value(default) => {
                return Ok(Some(self.noted(var, default(), Source::Default)))
            }
            Fallback::Required => return Err(SettingsError::Missing { var: var.name }),
            Fallback::Unset(text) => text,
            Fallback::Derived(_) => NOT_SET,
        };
        self.note(var.name, (*unset).to_owned(), Source::Default);
        Ok(None)
    }

    /// The lines noted, in the order of [`VARIABLES`](super::VARIABLES).
    pub(crate) fn finish(mut self) -> Vec<Described> {
        self.described.sort_by_key(|d| table::position(d.name));
        self.described
    }

    /// The given value of `var`, parsed (when text) and checked; `None` when not given.
    fn given<T: Value>(&self, var: &Var<T>) -> Result<Option<(T, Source)>, SettingsError> {
        let Some((given, source)) = self.values.get(var.name) else {
            return Ok(None);
        };
        let value = match given {
            Given::Text(text) => {
                // A secret keeps its spaces: they may be part of it.
                let text = if var.secret { text } else { trimmed(text) };
                let shown = || shown_text(var, &text.to_string_lossy());
                let parsed = (var.parse)(text).map_err(|p| p.into_error(var.name, &shown()))?;
                (var.check)(parsed).map_err(|p| p.into_error(var.name, &shown()))?
            }
            Given::Typed(any) => {
                let value = any
                    .downcast_ref::<T>()
                    .expect("a builder gives each variable a value of the variable's own type");
                if value.is_blank() {
                    return Ok(None);
                }
                let shown = value.shown();
                (var.check)(value.clone()).map_err(|p| p.into_error(var.name, &shown))?
            }
        };
        Ok(Some((value, source.clone())))
    }

    fn noted<T: Value>(&mut self, var: &Var<T>, value: T, source: Source) -> T {
        self.note(var.name, value.shown(), source);
        value
    }

    fn note(&mut self, name: &'static str, value: String, source: Source) {
        debug_assert!(table::find(name).is_some(), "{name} is not in VARIABLES");
        self.described.push(Described {
            name,
            value,
            source,
        });
    }
}

/// A given text as an error may show it: a secret's never, nor the secret part of a value
/// that holds one.
fn shown_text<T>(var: &Var<T>, text: &str) -> String {
    if var.secret {
        super::secret::MASK.to_owned()
    } else if let Some(shown) = var.shown_as {
        shown(text)
    } else {
        text.to_owned()
    }
}
