-- +goose Up
-- Rollups for reports (issue #7): additive counters per calendar bucket, maintained in the same
-- transaction as the rows they count (package rollup explains why that is exact and safe with
-- several app nodes). grain is 'd' (day), 'm' (month) or 'y' (year); bucket is the first day of
-- that day, month or year in the merchant's zone, as YYYY-MM-DD text so both engines compare it
-- the same way. A report over any range reads whole years, whole months and the odd days at the
-- ends: at most a few dozen buckets per key instead of every raw row.
CREATE TABLE rollup_state (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    zone       TEXT NOT NULL, -- the IANA zone the buckets are drawn in
    rebuilt_at TIMESTAMP
);
INSERT INTO rollup_state (id, zone) VALUES (1, 'Asia/Shanghai');

-- Sales and their commission, by the day the order was paid (a cohort: a later refund or
-- reversal of the order is added to the bucket of its payment). level and parent_id are the
-- order's snapshot; 0 means none (an order without a distributor has distributor_id 0).
CREATE TABLE rollup_shop (
    grain                 TEXT NOT NULL,
    bucket                TEXT NOT NULL,
    level                 BIGINT NOT NULL,
    orders                BIGINT NOT NULL DEFAULT 0,
    units                 BIGINT NOT NULL DEFAULT 0,
    sales_fen             BIGINT NOT NULL DEFAULT 0,
    refunded_units        BIGINT NOT NULL DEFAULT 0,
    refunded_fen          BIGINT NOT NULL DEFAULT 0,
    direct_fen            BIGINT NOT NULL DEFAULT 0,
    override_fen          BIGINT NOT NULL DEFAULT 0,
    direct_reversed_fen   BIGINT NOT NULL DEFAULT 0,
    override_reversed_fen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, level)
) WITHOUT ROWID;

CREATE TABLE rollup_distributors (
    grain                 TEXT NOT NULL,
    bucket                TEXT NOT NULL,
    distributor_id        BIGINT NOT NULL,
    parent_id             BIGINT NOT NULL,
    level                 BIGINT NOT NULL,
    orders                BIGINT NOT NULL DEFAULT 0,
    units                 BIGINT NOT NULL DEFAULT 0,
    sales_fen             BIGINT NOT NULL DEFAULT 0,
    refunded_units        BIGINT NOT NULL DEFAULT 0,
    refunded_fen          BIGINT NOT NULL DEFAULT 0,
    direct_fen            BIGINT NOT NULL DEFAULT 0,
    override_fen          BIGINT NOT NULL DEFAULT 0,
    direct_reversed_fen   BIGINT NOT NULL DEFAULT 0,
    override_reversed_fen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, distributor_id, parent_id, level)
) WITHOUT ROWID;
CREATE INDEX rollup_distributors_distributor_ix ON rollup_distributors (distributor_id, grain, bucket);
CREATE INDEX rollup_distributors_parent_ix ON rollup_distributors (parent_id, grain, bucket);

CREATE TABLE rollup_sales (
    grain                 TEXT NOT NULL,
    bucket                TEXT NOT NULL,
    product_id            BIGINT NOT NULL,
    distributor_id        BIGINT NOT NULL,
    parent_id             BIGINT NOT NULL,
    level                 BIGINT NOT NULL,
    orders                BIGINT NOT NULL DEFAULT 0,
    units                 BIGINT NOT NULL DEFAULT 0,
    sales_fen             BIGINT NOT NULL DEFAULT 0,
    refunded_units        BIGINT NOT NULL DEFAULT 0,
    refunded_fen          BIGINT NOT NULL DEFAULT 0,
    direct_fen            BIGINT NOT NULL DEFAULT 0,
    override_fen          BIGINT NOT NULL DEFAULT 0,
    direct_reversed_fen   BIGINT NOT NULL DEFAULT 0,
    override_reversed_fen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, product_id, distributor_id, parent_id, level)
) WITHOUT ROWID;
CREATE INDEX rollup_sales_product_ix ON rollup_sales (product_id, grain, bucket);
CREATE INDEX rollup_sales_distributor_ix ON rollup_sales (distributor_id, grain, bucket);

-- Distinct paying customers cannot be summed across buckets, so this holds one row per
-- distributor, customer and bucket, and reports count distinct customers over the few buckets a
-- range needs. (Per product they come from the indexed order lines of that one product.)
CREATE TABLE rollup_customers (
    grain          TEXT NOT NULL,
    bucket         TEXT NOT NULL,
    distributor_id BIGINT NOT NULL,
    customer_id    BIGINT NOT NULL,
    orders         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, distributor_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX rollup_customers_distributor_ix ON rollup_customers (distributor_id, grain, bucket);

-- Ledger movements by the day they were posted (event time, as statements count them).
CREATE TABLE rollup_ledger (
    grain      TEXT NOT NULL,
    bucket     TEXT NOT NULL,
    owner_id   BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    cause      TEXT NOT NULL,
    amount_fen BIGINT NOT NULL DEFAULT 0,
    entries    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, owner_id, kind, cause)
) WITHOUT ROWID;
CREATE INDEX rollup_ledger_owner_ix ON rollup_ledger (owner_id, grain, bucket);

-- Withdrawal events by the day each happened: requested, approved, paid, rejected, failed.
-- payout_seconds sums request-to-payment time of paid ones, for the average.
CREATE TABLE rollup_withdrawals (
    grain          TEXT NOT NULL,
    bucket         TEXT NOT NULL,
    distributor_id BIGINT NOT NULL,
    event          TEXT NOT NULL,
    withdrawals    BIGINT NOT NULL DEFAULT 0,
    amount_fen     BIGINT NOT NULL DEFAULT 0,
    fee_fen        BIGINT NOT NULL DEFAULT 0,
    payout_seconds BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, distributor_id, event)
) WITHOUT ROWID;

-- Raw-row indexes for the figures that are not additive: the median time to payout (covering), the settlement report's first and last statements of a period
-- (covering, so a year of statements is read from the index alone), and the network's
-- applications and approvals (distributors are few; an index range is enough).
CREATE INDEX withdrawals_paid_ix ON withdrawals (status, finished_at, requested_at, distributor_id);
CREATE INDEX statements_report_ix ON statements (period_end, distributor_id, id, opening_fen, accrued_fen, reversed_fen,
    clawed_back_fen, settled_fen, withdrawn_fen, closing_fen);
CREATE INDEX distributors_created_ix ON distributors (created_at);
CREATE INDEX distributors_approved_ix ON distributors (approved_at);

-- On SQLite the counter tables above are WITHOUT ROWID: the key is the table, so an upsert
-- touches one b-tree instead of a table and its key index.

-- +goose Down
DROP INDEX distributors_approved_ix;
DROP INDEX distributors_created_ix;
DROP INDEX statements_report_ix;
DROP INDEX withdrawals_paid_ix;
DROP TABLE rollup_withdrawals;
DROP TABLE rollup_ledger;
DROP TABLE rollup_customers;
DROP TABLE rollup_sales;
DROP TABLE rollup_distributors;
DROP TABLE rollup_shop;
DROP TABLE rollup_state;
