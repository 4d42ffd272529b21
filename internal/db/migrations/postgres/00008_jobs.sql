-- +goose Up
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT,
    lease_until TIMESTAMPTZ,
    next_run_at TIMESTAMPTZ NOT NULL,
    last_run_at TIMESTAMPTZ,
    last_error  TEXT,
    runs        BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE job_leases;
