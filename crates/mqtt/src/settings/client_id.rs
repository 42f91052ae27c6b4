//! Client ids: the one generated for a run when `MQTT_CLIENT_ID` is not set, the stable one a
//! recorder derives from this machine and its CSV file, and which ids every broker accepts.
//!
//! Both are hashed with XXH3-64 (a published algorithm with fixed output, unlike std's
//! `DefaultHasher`, which may change between Rust releases): the stable id with the fixed
//! seed [`STABLE_SEED`], so it stays the same between runs, builds and versions; the
//! generated one with a seed drawn at random for the process.

use std::hash::BuildHasher;
use std::path::Path;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The longest client id every MQTT 3.1.1 broker must accept (MQTT 3.1.1, section 3.1.3.1).
const PORTABLE_LEN: usize = 23;

/// The seed of the stable id's hash. Changing it changes every recorder's id, and with it
/// the broker's persistent session: never change it.
const STABLE_SEED: u64 = 0;

/// Whether every broker accepts `id`: at most 23 characters, only ASCII letters, digits and
/// `-` (MQTT 3.1.1 only promises letters and digits; `-` is accepted everywhere in practice).
pub(crate) fn is_portable(id: &str) -> bool {
    id.len() <= PORTABLE_LEN && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `hexaboard-` and 12 hex digits: 22 characters that every broker accepts. The digits mix
/// this host's name, the process id and the time under a seed drawn for this process, so two
/// programs on one machine, or started together, get different ids.
pub(crate) fn generated() -> String {
    let seed = std::collections::hash_map::RandomState::new().hash_one(0u8);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let hash = digest(
        &[
            host_name().as_bytes(),
            &std::process::id().to_le_bytes(),
            &nanos.to_le_bytes(),
        ],
        seed,
    );
    format!("hexaboard-{:012x}", hash >> 16)
}

/// `hexaboard-rec-` and 8 hex digits (22 characters that every broker accepts), the same on
/// every run on this machine for this CSV file, so the broker keeps a recorder's persistent
/// session: XXH3-64 with [`STABLE_SEED`] over the host name, a NUL byte and the bytes of the
/// CSV file's absolute path, its two halves XOR-ed.
pub(crate) fn stable(csv_file: &Path) -> String {
    let csv_file = std::path::absolute(csv_file).unwrap_or_else(|_| csv_file.to_owned());
    let hash = digest(
        &[
            host_name().as_bytes(),
            csv_file.as_os_str().as_encoded_bytes(),
        ],
        STABLE_SEED,
    );
    format!("hexaboard-rec-{:08x}", (hash ^ (hash >> 32)) as u32)
}

/// XXH3-64 of `parts`, each followed by a NUL byte so that no two lists of parts run together
/// into the same bytes.
fn digest(parts: &[&[u8]], seed: u64) -> u64 {
    let mut bytes = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        bytes.extend_from_slice(part);
        bytes.push(0);
    }
    xxh3_64_with_seed(&bytes, seed)
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
    fn the_hash_is_xxh3_with_its_published_values() {
        // XXH3-64 of the empty input with seed 0, from the reference implementation's tests.
        assert_eq!(xxh3_64_with_seed(b"", 0), 0x2D06_8005_38D3_94C2);
        assert_eq!(digest(&[b"a"], 7), xxh3_64_with_seed(b"a\0", 7));
    }

    #[test]
    fn long_or_unusual_ids_are_not_portable() {
        assert!(is_portable("receiver-1"));
        assert!(!is_portable("a-very-long-client-id-of-30-chars"));
        assert!(!is_portable("board_1"));
    }
}
