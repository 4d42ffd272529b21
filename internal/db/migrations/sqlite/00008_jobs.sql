-- +goose Up
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT,
    lease_until TIMESTAMP,
    next_run_at TIMESTAMP NOT NULL,
    last_run_at TIMESTAMP,
    last_error  TEXT,
    runs        INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE job_leases;
