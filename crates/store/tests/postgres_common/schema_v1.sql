-- Schema version 1 as hexaboard 0.1 made it, for the tests of the migration.
CREATE TABLE hexaboard_schema (version integer NOT NULL);
CREATE TABLE readings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    board text NOT NULL,
    temperature numeric NOT NULL,
    humidity numeric NOT NULL,
    light numeric,
    board_timestamp numeric,
    board_time timestamptz,
    topic text NOT NULL
);
CREATE INDEX readings_board_received_at ON readings (board, received_at);
CREATE TABLE statuses (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    board text NOT NULL,
    status text NOT NULL CHECK (status IN ('online', 'offline')),
    topic text NOT NULL
);
CREATE INDEX statuses_board_received_at ON statuses (board, received_at);
CREATE TABLE rejects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at timestamptz NOT NULL,
    topic text NOT NULL,
    kind text NOT NULL,
    error text NOT NULL,
    payload bytea NOT NULL,
    payload_len integer NOT NULL
);
CREATE TABLE recent_messages (
    digest bytea PRIMARY KEY,
    reading_id bigint NOT NULL
);
INSERT INTO hexaboard_schema (version) VALUES (1);
