-- +goose Up
CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'finance')),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX staff_users_login_uq ON staff_users (login);

CREATE TABLE distributor_credentials (
    distributor_id INTEGER PRIMARY KEY REFERENCES distributors (id),
    password_hash  TEXT,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE one_time_codes (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX one_time_codes_phone_ix ON one_time_codes (phone, purpose, created_at);

CREATE TABLE rate_limits (
    bucket       TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry_ix ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
DROP TABLE rate_limits;
DROP TABLE one_time_codes;
DROP TABLE distributor_credentials;
DROP TABLE staff_users;
