//! What the live commands (`record`, `watch`, `simulate`, `demo`) share: session events in
//! the chosen language, a stable client id for the persistent session, and local times.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use hexaboard_core::text::{sanitize_for_terminal, Text};
use hexaboard_mqtt::session::SessionEvent;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// An event handler for [`hexaboard_mqtt::SessionBuilder::on_event`] that prints each event
/// once on stderr, with the chapter's words where the chapter has them.
pub(crate) fn event_printer(text: Text) -> impl Fn(SessionEvent) + Send + Sync + 'static {
    let subscribed_once = AtomicBool::new(false);
    move |event| match event {
        SessionEvent::Connected { .. } => eprintln!("{}", text.connected()),
        SessionEvent::Subscribed { filters, .. } => {
            let again = subscribed_once.swap(true, Ordering::Relaxed);
            for filter in &filters {
                if again {
                    eprintln!("{}", text.resubscribed(filter));
                } else {
                    eprintln!("{}", text.subscribed(filter));
                }
            }
        }
        SessionEvent::ConnectionLost { cause } => {
            eprintln!("{}", text.connection_lost(&cause));
            eprintln!("{}", text.reconnecting());
        }
        SessionEvent::Reconnected => eprintln!("{}", text.reconnected()),
        SessionEvent::Stopped => {}
        other => eprintln!("{}", sanitize_for_terminal(&other.to_string())),
    }
}

/// A client id that stays the same between runs on this machine for this CSV file, so the
/// broker keeps the persistent session: `hexaboard-rec-` and 8 hex digits (22 characters of
/// `[0-9a-z-]`, which every broker accepts).
pub(crate) fn stable_client_id(csv: &Path) -> String {
    let csv = std::path::absolute(csv).unwrap_or_else(|_| csv.to_owned());
    let mut hash = Fnv::default();
    hash.write(host_name().trim().as_bytes());
    hash.write(&[0]);
    hash.write(csv.as_os_str().as_encoded_bytes());
    format!(
        "hexaboard-rec-{:08x}",
        hash.0 as u32 ^ (hash.0 >> 32) as u32
    )
}

/// FNV-1a, 64 bits: a hash whose value never changes between builds (std's does not promise
/// that).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
}

/// `at` as local wall-clock time at `offset`.
pub(crate) fn local(at: OffsetDateTime, offset: UtcOffset) -> PrimitiveDateTime {
    let at = at.to_offset(offset);
    PrimitiveDateTime::new(at.date(), at.time())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_id_is_stable_and_portable() {
        let a = stable_client_id(Path::new("/tmp/x.csv"));
        assert_eq!(a, stable_client_id(Path::new("/tmp/x.csv")));
        assert_ne!(a, stable_client_id(Path::new("/tmp/y.csv")));
        assert_eq!(a.len(), 22);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
