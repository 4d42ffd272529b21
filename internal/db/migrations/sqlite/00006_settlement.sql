-- +goose Up
-- Settlement (DESIGN.md §5): runs that move settleable commission from frozen to available, and
-- the immutable statement each run draws per distributor. internal/settlement defines the
-- statement figures and why they reconcile with the ledger.
CREATE TABLE settlement_runs (
    id             INTEGER PRIMARY KEY,
    scope_key      TEXT NOT NULL,        -- "all:<cutoff>" or "d:<distributor>:<cutoff>": one run per scope
    cutoff         TIMESTAMP NOT NULL,   -- commission settleable at or before it is settled
    distributor_id BIGINT,               -- an on-request run of one distributor; NULL for everyone
    status         TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    total          BIGINT NOT NULL DEFAULT 0, -- distributors to visit
    done           BIGINT NOT NULL DEFAULT 0, -- distributors visited
    distributors   BIGINT NOT NULL DEFAULT 0, -- statements written
    commissions    BIGINT NOT NULL DEFAULT 0, -- commissions settled
    settled_fen    BIGINT NOT NULL DEFAULT 0,
    error          TEXT,
    actor          TEXT NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    heartbeat_at   TIMESTAMP NOT NULL, -- the working node's last sign of life; a stale run may be resumed
    finished_at    TIMESTAMP
);
CREATE UNIQUE INDEX settlement_runs_scope_key_uq ON settlement_runs (scope_key);
CREATE INDEX settlement_runs_cutoff_ix ON settlement_runs (cutoff);

CREATE TABLE statements (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES settlement_runs (id),
    distributor_id  BIGINT NOT NULL,
    period_start    TIMESTAMP, -- the previous statement's period_end; NULL for a distributor's first
    period_end      TIMESTAMP NOT NULL,
    opening_fen     BIGINT NOT NULL,
    accrued_fen     BIGINT NOT NULL,
    reversed_fen    BIGINT NOT NULL,
    clawed_back_fen BIGINT NOT NULL,
    settled_fen     BIGINT NOT NULL,
    withdrawn_fen   BIGINT NOT NULL,
    closing_fen     BIGINT NOT NULL,
    last_entry_id   BIGINT NOT NULL, -- the distributor's last ledger entry this statement covers
    created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX statements_run_distributor_uq ON statements (run_id, distributor_id);
CREATE INDEX statements_distributor_ix ON statements (distributor_id, id);
CREATE INDEX statements_period_end_ix ON statements (period_end);

-- No foreign keys on the million-row paths (statement_lines, commissions.settlement_run_id): the
-- rows are written from joined rows in one transaction, and a key check would add a lookup (on
-- PostgreSQL a trigger call) to each of a large run's million rows. `fenxiao verify` checks the
-- links instead.
CREATE TABLE statement_lines (
    statement_id       BIGINT NOT NULL,
    commission_id      BIGINT NOT NULL,
    order_id           BIGINT NOT NULL,
    order_no           TEXT NOT NULL,
    product_name       TEXT NOT NULL,
    role               TEXT NOT NULL,
    base_fen           BIGINT NOT NULL,
    rate_bp            BIGINT NOT NULL,
    fixed_fen_per_unit BIGINT NOT NULL,
    amount_fen         BIGINT NOT NULL, -- net settled: accrued minus reversed at settlement
    PRIMARY KEY (statement_id, commission_id)
);
-- A commission is settled once: the database refuses a second line for it.
CREATE UNIQUE INDEX statement_lines_commission_id_uq ON statement_lines (commission_id);

ALTER TABLE commissions ADD COLUMN settlement_run_id INTEGER;
-- The commissions a run settled for a distributor, for its statement lines. Distributor first, so
-- a batch's IN list is the index range whatever the planner estimates; partial, so settling only
-- adds an entry and unsettled commissions cost nothing.
CREATE INDEX commissions_run_ix ON commissions (distributor_id, settlement_run_id) WHERE settlement_run_id IS NOT NULL;
-- A distributor's unsettled commissions by when they become settleable, for the run's update. It
-- replaces commissions_settle_ix (status, settleable_at), which SQLite's planner preferred for the
-- update and then scanned every settleable commission once per batch.
CREATE INDEX commissions_frozen_ix ON commissions (distributor_id, settleable_at) WHERE status = 'frozen';
DROP INDEX commissions_settle_ix;

-- +goose Down
CREATE INDEX commissions_settle_ix ON commissions (status, settleable_at);
DROP INDEX commissions_frozen_ix;
DROP INDEX commissions_run_ix;
ALTER TABLE commissions DROP COLUMN settlement_run_id;
DROP TABLE statement_lines;
DROP TABLE statements;
DROP TABLE settlement_runs;
