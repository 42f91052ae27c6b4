//! Client ids: the one generated for a run when `MQTT_CLIENT_ID` is not set, the stable one a
//! recorder derives from this machine and its CSV file, and which ids every broker accepts.
//!
//! The stable id is hashed with FNV-1a (64 bits), a published algorithm whose output never
//! changes (unlike std's `DefaultHasher`, which may between Rust releases): the id names the
//! broker's persistent session, in which the readings published while the recorder was away
//! wait, so it must come out the same in every run, build and version. The generated id needs
//! no such promise and mixes its inputs with std's per-process random hasher.

use std::hash::{BuildHasher, Hash, Hasher};
use std::path::Path;

/// The longest client id every MQTT 3.1.1 broker must accept (MQTT 3.1.1, section 3.1.3.1).
const PORTABLE_LEN: usize = 23;

/// Whether every broker accepts `id`: at most 23 characters, only ASCII letters, digits and
/// `-` (MQTT 3.1.1 only promises letters and digits; `-` is accepted everywhere in practice).
pub(crate) fn is_portable(id: &str) -> bool {
    id.len() <= PORTABLE_LEN && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `hexaboard-` and 12 hex digits: 22 characters that every broker accepts. The digits mix
/// this host's name, the process id and the time with std's per-process random hash keys, so
/// two programs on one machine, or started together, get different ids.
pub(crate) fn generated() -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    host_name().hash(&mut hasher);
    std::process::id().hash(&mut hasher);
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        now.as_nanos().hash(&mut hasher);
    }
    format!("hexaboard-{:012x}", hasher.finish() >> 16)
}

/// `hexaboard-rec-` and 8 hex digits (22 characters that every broker accepts), the same on
/// every run on this machine for this CSV file, so the broker keeps a recorder's persistent
/// session. Never change how it is made: a recorder given a new id would not get the readings
/// waiting in its old session.
pub(crate) fn stable(csv_file: &Path) -> String {
    let csv_file = std::path::absolute(csv_file).unwrap_or_else(|_| csv_file.to_owned());
    stable_for(&host_name(), &csv_file)
}

/// The stable id of `csv_file` (absolute) on the host `host`: FNV-1a over the host name, a
/// NUL byte and the path's bytes, the hash's two halves XOR-ed.
fn stable_for(host: &str, csv_file: &Path) -> String {
    let bytes = [
        host.as_bytes(),
        &[0],
        csv_file.as_os_str().as_encoded_bytes(),
    ];
    let hash = bytes
        .concat()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("hexaboard-rec-{:08x}", (hash ^ (hash >> 32)) as u32)
}

/// This machine's name, or an empty string when it cannot be found without a system call.
fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_id_is_portable_and_new_at_every_call() {
        let id = generated();
        assert!(id.starts_with("hexaboard-"), "{id}");
        assert_eq!(id.len(), 22, "{id}");
        assert!(is_portable(&id), "{id}");
        assert_ne!(id, generated());
    }

    #[test]
    fn the_stable_id_is_stable_portable_and_differs_per_csv_file() {
        let a = stable(Path::new("/tmp/x.csv"));
        assert_eq!(a, stable(Path::new("/tmp/x.csv")));
        assert_ne!(a, stable(Path::new("/tmp/y.csv")));
        assert!(a.starts_with("hexaboard-rec-"), "{a}");
        assert_eq!(a.len(), 22);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert!(is_portable(&a));
    }

    #[test]
    fn the_stable_id_is_the_one_earlier_versions_gave() {
        // Computed with FNV-1a as published (offset basis 0xcbf29ce484222325, prime
        // 0x100000001b3): a recorder keeps its persistent session across upgrades.
        let id = stable_for("lab-pc", Path::new("/home/maker/sensor_data.csv"));
        assert_eq!(id, "hexaboard-rec-3ba37d67");
    }

    #[test]
    fn long_or_unusual_ids_are_not_portable() {
        assert!(is_portable("receiver-1"));
        assert!(!is_portable("a-very-long-client-id-of-30-chars"));
        assert!(!is_portable("board_1"));
    }
}
