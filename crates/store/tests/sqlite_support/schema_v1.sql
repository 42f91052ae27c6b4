-- Schema version 1 as hexaboard 0.1 made it, for the tests of the migration.
CREATE TABLE hexaboard_schema (version INTEGER NOT NULL) STRICT;
CREATE TABLE readings (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    board TEXT NOT NULL,
    temperature ANY NOT NULL,
    humidity ANY NOT NULL,
    light ANY,
    board_timestamp ANY,
    board_time TEXT,
    topic TEXT NOT NULL
) STRICT;
CREATE INDEX readings_board_received_at ON readings (board, received_at);
CREATE TABLE statuses (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    board TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('online', 'offline')),
    topic TEXT NOT NULL
) STRICT;
CREATE INDEX statuses_board_received_at ON statuses (board, received_at);
CREATE TABLE rejects (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    payload BLOB NOT NULL,
    payload_len INTEGER NOT NULL
) STRICT;
CREATE TABLE recent_messages (
    digest BLOB PRIMARY KEY,
    reading_id INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO hexaboard_schema (version) VALUES (1);
