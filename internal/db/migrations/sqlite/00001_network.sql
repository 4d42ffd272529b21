-- +goose Up
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'finance')),
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX api_keys_hash_uq ON api_keys (hash);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    reason    TEXT
);
CREATE INDEX audit_log_entity_ix ON audit_log (entity, entity_id, id);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE distributors (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    real_name     TEXT,
    id_card       TEXT,
    level         INTEGER NOT NULL CHECK (level IN (1, 2)),
    parent_id     INTEGER REFERENCES distributors (id),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'frozen')),
    invite_code   TEXT,
    applied_with  TEXT,
    status_reason TEXT,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    approved_at   TIMESTAMP,
    CHECK ((level = 1 AND parent_id IS NULL) OR (level = 2 AND parent_id IS NOT NULL))
);
CREATE UNIQUE INDEX distributors_code_uq ON distributors (code);
CREATE UNIQUE INDEX distributors_phone_uq ON distributors (phone);
CREATE UNIQUE INDEX distributors_id_card_uq ON distributors (id_card) WHERE id_card IS NOT NULL;
CREATE UNIQUE INDEX distributors_invite_code_uq ON distributors (invite_code) WHERE invite_code IS NOT NULL;
CREATE INDEX distributors_parent_ix ON distributors (parent_id, id);
CREATE INDEX distributors_status_ix ON distributors (status, id);

-- +goose Down
DROP TABLE distributors;
DROP TABLE settings;
DROP TABLE audit_log;
DROP TABLE api_keys;
