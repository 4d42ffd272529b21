-- +goose Up
-- Distinct customers per distributor without counting them at read time (issue #7: reports
-- under 200 ms with a million orders). rollup_customers gains quarter rows (grain 'q', bucket the
-- quarter's first day), so a quarter is one bucket like a month or a year; rollup_customer_counts
-- holds, per bucket of any grain and distributor, how many customer rows that bucket has — the
-- distinct customers of that one bucket. Writers add 1 when their upsert created a customer row
-- (package rollup); ranges of several buckets still count distinct rows of rollup_customers.
-- Both are derived here from the existing day rows, so no rebuild is needed after upgrading.
INSERT INTO rollup_customers (grain, bucket, distributor_id, customer_id, orders)
SELECT 'q', substr(bucket, 1, 5) || CASE WHEN substr(bucket, 6, 2) < '04' THEN '01' WHEN substr(bucket, 6, 2) < '07' THEN '04'
        WHEN substr(bucket, 6, 2) < '10' THEN '07' ELSE '10' END || '-01',
    distributor_id, customer_id, sum(orders)
FROM rollup_customers WHERE grain = 'd'
GROUP BY 2, distributor_id, customer_id;

CREATE TABLE rollup_customer_counts (
    grain          TEXT NOT NULL,
    bucket         TEXT NOT NULL,
    distributor_id BIGINT NOT NULL,
    customers      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, distributor_id)
);
INSERT INTO rollup_customer_counts (grain, bucket, distributor_id, customers)
SELECT grain, bucket, distributor_id, count(*) FROM rollup_customers GROUP BY grain, bucket, distributor_id;

-- The settlement report's statements per bucket of their cutoff (period_end) and distributor:
-- counts and sums, and the opening of the first (lowest id) and the closing of the last (highest
-- id) statement with those ids, so merging rows stays exact (package rollup, statements.go).
CREATE TABLE rollup_statements (
    grain           TEXT NOT NULL,
    bucket          TEXT NOT NULL,
    distributor_id  BIGINT NOT NULL,
    statements      BIGINT NOT NULL DEFAULT 0,
    accrued_fen     BIGINT NOT NULL DEFAULT 0,
    reversed_fen    BIGINT NOT NULL DEFAULT 0,
    clawed_back_fen BIGINT NOT NULL DEFAULT 0,
    settled_fen     BIGINT NOT NULL DEFAULT 0,
    withdrawn_fen   BIGINT NOT NULL DEFAULT 0,
    first_id        BIGINT NOT NULL,
    opening_fen     BIGINT NOT NULL,
    last_id         BIGINT NOT NULL,
    closing_fen     BIGINT NOT NULL,
    PRIMARY KEY (grain, bucket, distributor_id)
);
CREATE INDEX rollup_statements_distributor_ix ON rollup_statements (distributor_id, grain, bucket);
-- Filled here for the default zone (Asia/Shanghai, UTC+8 since 1991); in another zone this
-- leaves it empty and `fenxiao verify` asks for `fenxiao rollup rebuild`.
INSERT INTO rollup_statements (grain, bucket, distributor_id, statements, accrued_fen, reversed_fen, clawed_back_fen,
    settled_fen, withdrawn_fen, first_id, opening_fen, last_id, closing_fen)
SELECT 'd', x.day, x.distributor_id, x.n, x.accrued, x.reversed, x.clawed, x.settled, x.withdrawn, x.first_id, f.opening_fen, x.last_id, l.closing_fen
FROM (SELECT to_char((period_end AT TIME ZONE 'UTC') + interval '28800 seconds', 'YYYY-MM-DD') AS day, distributor_id, count(*) AS n, sum(accrued_fen) AS accrued, sum(reversed_fen) AS reversed,
        sum(clawed_back_fen) AS clawed, sum(settled_fen) AS settled, sum(withdrawn_fen) AS withdrawn, min(id) AS first_id, max(id) AS last_id
    FROM statements WHERE EXISTS (SELECT 1 FROM rollup_state WHERE zone = 'Asia/Shanghai') GROUP BY 1, 2) x
JOIN statements f ON f.id = x.first_id JOIN statements l ON l.id = x.last_id;
INSERT INTO rollup_statements (grain, bucket, distributor_id, statements, accrued_fen, reversed_fen, clawed_back_fen,
    settled_fen, withdrawn_fen, first_id, opening_fen, last_id, closing_fen)
SELECT 'm', x.b, x.distributor_id, x.n, x.accrued, x.reversed, x.clawed, x.settled, x.withdrawn, x.first_id, f.opening_fen, x.last_id, l.closing_fen
FROM (SELECT substr(bucket, 1, 7) || '-01' AS b, distributor_id, sum(statements) AS n, sum(accrued_fen) AS accrued,
        sum(reversed_fen) AS reversed, sum(clawed_back_fen) AS clawed, sum(settled_fen) AS settled, sum(withdrawn_fen) AS withdrawn,
        min(first_id) AS first_id, max(last_id) AS last_id
    FROM rollup_statements WHERE grain = 'd' GROUP BY 1, 2) x
JOIN statements f ON f.id = x.first_id JOIN statements l ON l.id = x.last_id;
INSERT INTO rollup_statements (grain, bucket, distributor_id, statements, accrued_fen, reversed_fen, clawed_back_fen,
    settled_fen, withdrawn_fen, first_id, opening_fen, last_id, closing_fen)
SELECT 'y', x.b, x.distributor_id, x.n, x.accrued, x.reversed, x.clawed, x.settled, x.withdrawn, x.first_id, f.opening_fen, x.last_id, l.closing_fen
FROM (SELECT substr(bucket, 1, 4) || '-01-01' AS b, distributor_id, sum(statements) AS n, sum(accrued_fen) AS accrued,
        sum(reversed_fen) AS reversed, sum(clawed_back_fen) AS clawed, sum(settled_fen) AS settled, sum(withdrawn_fen) AS withdrawn,
        min(first_id) AS first_id, max(last_id) AS last_id
    FROM rollup_statements WHERE grain = 'd' GROUP BY 1, 2) x
JOIN statements f ON f.id = x.first_id JOIN statements l ON l.id = x.last_id;

-- rollup_withdrawals' events side by side, one row per bucket and distributor, so the
-- withdrawal report reads a row per distributor instead of one per event; derived exactly from
-- rollup_withdrawals (and checked against it).
CREATE TABLE rollup_withdrawal_totals (
    grain          TEXT NOT NULL,
    bucket         TEXT NOT NULL,
    distributor_id BIGINT NOT NULL,
    requested      BIGINT NOT NULL DEFAULT 0,
    requested_fen  BIGINT NOT NULL DEFAULT 0,
    approved       BIGINT NOT NULL DEFAULT 0,
    approved_fen   BIGINT NOT NULL DEFAULT 0,
    paid           BIGINT NOT NULL DEFAULT 0,
    paid_fen       BIGINT NOT NULL DEFAULT 0,
    fees_fen       BIGINT NOT NULL DEFAULT 0,
    payout_seconds BIGINT NOT NULL DEFAULT 0,
    rejected       BIGINT NOT NULL DEFAULT 0,
    rejected_fen   BIGINT NOT NULL DEFAULT 0,
    failed         BIGINT NOT NULL DEFAULT 0,
    failed_fen     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, distributor_id)
);
CREATE INDEX rollup_withdrawal_totals_distributor_ix ON rollup_withdrawal_totals (distributor_id, grain, bucket);
INSERT INTO rollup_withdrawal_totals (grain, bucket, distributor_id, requested, requested_fen, approved, approved_fen, paid, paid_fen, fees_fen, payout_seconds, rejected, rejected_fen, failed, failed_fen)
SELECT grain, bucket, distributor_id,
    sum(CASE WHEN event = 'requested' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'requested' THEN amount_fen ELSE 0 END),
    sum(CASE WHEN event = 'approved' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'approved' THEN amount_fen ELSE 0 END),
    sum(CASE WHEN event = 'paid' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'paid' THEN amount_fen ELSE 0 END),
    sum(CASE WHEN event = 'paid' THEN fee_fen ELSE 0 END), sum(CASE WHEN event = 'paid' THEN payout_seconds ELSE 0 END),
    sum(CASE WHEN event = 'rejected' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'rejected' THEN amount_fen ELSE 0 END),
    sum(CASE WHEN event = 'failed' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'failed' THEN amount_fen ELSE 0 END)
FROM rollup_withdrawals GROUP BY grain, bucket, distributor_id;

-- The distributor report's settled and withdrawn per bucket and distributor: rollup_ledger's
-- entries on available accounts from settlements and from withdrawals (and their returns), one
-- row per distributor instead of one per account kind and cause; derived exactly from it.
CREATE TABLE rollup_balances (
    grain          TEXT NOT NULL,
    bucket         TEXT NOT NULL,
    distributor_id BIGINT NOT NULL,
    settled_fen    BIGINT NOT NULL DEFAULT 0,
    withdrawn_fen  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket, distributor_id)
);
CREATE INDEX rollup_balances_distributor_ix ON rollup_balances (distributor_id, grain, bucket);
INSERT INTO rollup_balances (grain, bucket, distributor_id, settled_fen, withdrawn_fen)
SELECT grain, bucket, owner_id, sum(CASE WHEN cause = 'settlement' THEN amount_fen ELSE 0 END),
    -sum(CASE WHEN cause IN ('withdrawal', 'withdrawal_return') THEN amount_fen ELSE 0 END)
FROM rollup_ledger WHERE owner_id <> 0 AND kind = 'available' AND cause IN ('settlement', 'withdrawal', 'withdrawal_return')
GROUP BY grain, bucket, owner_id;

-- +goose Down
DROP TABLE rollup_balances;
DROP TABLE rollup_withdrawal_totals;
DROP TABLE rollup_statements;
DROP TABLE rollup_customer_counts;
DELETE FROM rollup_customers WHERE grain = 'q';
