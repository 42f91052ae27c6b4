//! The stores the store tests record into, read back the way a user would: the CSV with the
//! chapter's reader, SQLite with `rusqlite`, PostgreSQL with `postgres`.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use hexaboard_testkit::Postgres;

use crate::faults_support;

/// A store a test records into, as `--store` names it.
pub enum TestStore {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A database of a PostgreSQL server started by the test (the URL with its password).
    Postgres(String),
    /// The chapter's CSV.
    Csv(PathBuf),
}

impl TestStore {
    /// A SQLite file in `dir`.
    pub fn sqlite(dir: &std::path::Path) -> TestStore {
        TestStore::Sqlite(dir.join("readings.db"))
    }

    /// The database of `server`.
    pub fn postgres(server: &Postgres) -> TestStore {
        TestStore::Postgres(server.url())
    }

    /// The value of `--store`.
    pub fn arg(&self) -> String {
        match self {
            TestStore::Sqlite(path) | TestStore::Csv(path) => path.display().to_string(),
            TestStore::Postgres(url) => url.clone(),
        }
    }

    /// How often each light value (reading number) is stored; empty before the first row.
    pub fn counts(&self) -> BTreeMap<u64, usize> {
        let lights: Vec<f64> = match self {
            TestStore::Csv(path) => return faults_support::counts(path),
            TestStore::Sqlite(path) => {
                if !path.exists() {
                    return BTreeMap::new();
                }
                let db = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .unwrap();
                let mut query = match db.prepare("SELECT light FROM readings") {
                    Ok(query) => query,
                    Err(_) => return BTreeMap::new(), // not created yet
                };
                query
                    .query_map([], |row| row.get::<_, f64>(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            TestStore::Postgres(url) => {
                let mut db = postgres::Client::connect(url, postgres::NoTls).unwrap();
                match db.query("SELECT light::float8 FROM readings", &[]) {
                    Ok(rows) => rows.iter().map(|row| row.get(0)).collect(),
                    Err(_) => return BTreeMap::new(), // not created yet
                }
            }
        };
        let mut seen = BTreeMap::new();
        for light in lights {
            *seen.entry(light as u64).or_insert(0) += 1;
        }
        seen
    }

    /// How many readings are stored.
    pub fn rows(&self) -> u64 {
        self.counts().values().map(|n| *n as u64).sum()
    }

    /// Asserts that readings `0..total` are each stored exactly once.
    pub fn assert_exactly_once(&self, total: u64) {
        let seen = self.counts();
        let missing: Vec<u64> = (0..total).filter(|i| !seen.contains_key(i)).collect();
        let doubled: Vec<(&u64, &usize)> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            missing.is_empty() && doubled.is_empty() && seen.len() as u64 == total,
            "{} distinct of {total}; missing {missing:?}; doubled {doubled:?}",
            seen.len()
        );
    }
}
