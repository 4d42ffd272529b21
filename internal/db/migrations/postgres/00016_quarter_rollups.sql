-- +goose Up
-- Quarter rows (grain 'q', bucket the quarter's first day) in every rollup a report tiles a range
-- over, as rollup_customers has had since 00014 (issue #7: every report under 200 ms with a
-- million orders): a calendar quarter then reads one row per distributor instead of three month
-- rows. The writers add the quarter row beside the day, month and year rows from now on; here the
-- existing ones are summed from the month rows (which hold exactly the same deltas). Rows are
-- inserted in key order.
INSERT INTO rollup_distributors (grain, bucket, distributor_id, parent_id, level, orders, units, sales_fen, refunded_units,
    refunded_fen, direct_fen, override_fen, direct_reversed_fen, override_reversed_fen)
SELECT 'q', substr(bucket, 1, 5) || CASE WHEN substr(bucket, 6, 2) < '04' THEN '01' WHEN substr(bucket, 6, 2) < '07' THEN '04'
        WHEN substr(bucket, 6, 2) < '10' THEN '07' ELSE '10' END || '-01' AS q,
    distributor_id, parent_id, level, sum(orders), sum(units), sum(sales_fen), sum(refunded_units), sum(refunded_fen),
    sum(direct_fen), sum(override_fen), sum(direct_reversed_fen), sum(override_reversed_fen)
FROM rollup_distributors WHERE grain = 'm' GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5;
INSERT INTO rollup_sales (grain, bucket, product_id, distributor_id, parent_id, level, orders, units, sales_fen, refunded_units,
    refunded_fen, direct_fen, override_fen, direct_reversed_fen, override_reversed_fen)
SELECT 'q', substr(bucket, 1, 5) || CASE WHEN substr(bucket, 6, 2) < '04' THEN '01' WHEN substr(bucket, 6, 2) < '07' THEN '04'
        WHEN substr(bucket, 6, 2) < '10' THEN '07' ELSE '10' END || '-01' AS q,
    product_id, distributor_id, parent_id, level, sum(orders), sum(units), sum(sales_fen), sum(refunded_units), sum(refunded_fen),
    sum(direct_fen), sum(override_fen), sum(direct_reversed_fen), sum(override_reversed_fen)
FROM rollup_sales WHERE grain = 'm' GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6;
INSERT INTO rollup_funnel (grain, bucket, distributor_id, orders, paid, completed)
SELECT 'q', substr(bucket, 1, 5) || CASE WHEN substr(bucket, 6, 2) < '04' THEN '01' WHEN substr(bucket, 6, 2) < '07' THEN '04'
        WHEN substr(bucket, 6, 2) < '10' THEN '07' ELSE '10' END || '-01' AS q,
    distributor_id, sum(orders), sum(paid), sum(completed)
FROM rollup_funnel WHERE grain = 'm' GROUP BY 2, 3 ORDER BY 2, 3;
INSERT INTO rollup_balances (grain, bucket, distributor_id, settled_fen, withdrawn_fen)
SELECT 'q', substr(bucket, 1, 5) || CASE WHEN substr(bucket, 6, 2) < '04' THEN '01' WHEN substr(bucket, 6, 2) < '07' THEN '04'
        WHEN substr(bucket, 6, 2) < '10' THEN '07' ELSE '10' END || '-01' AS q,
    distributor_id, sum(settled_fen), sum(withdrawn_fen)
FROM rollup_balances WHERE grain = 'm' GROUP BY 2, 3 ORDER BY 2, 3;
INSERT INTO rollup_withdrawal_totals (grain, bucket, distributor_id, requested, requested_fen, approved, approved_fen, paid, paid_fen,
    fees_fen, payout_seconds, rejected, rejected_fen, failed, failed_fen)
SELECT 'q', substr(bucket, 1, 5) || CASE WHEN substr(bucket, 6, 2) < '04' THEN '01' WHEN substr(bucket, 6, 2) < '07' THEN '04'
        WHEN substr(bucket, 6, 2) < '10' THEN '07' ELSE '10' END || '-01' AS q,
    distributor_id, sum(requested), sum(requested_fen), sum(approved), sum(approved_fen), sum(paid), sum(paid_fen),
    sum(fees_fen), sum(payout_seconds), sum(rejected), sum(rejected_fen), sum(failed), sum(failed_fen)
FROM rollup_withdrawal_totals WHERE grain = 'm' GROUP BY 2, 3 ORDER BY 2, 3;
-- Statements: sums, and the opening of the lowest first id and the closing of the highest last id.
INSERT INTO rollup_statements (grain, bucket, distributor_id, statements, accrued_fen, reversed_fen, clawed_back_fen,
    settled_fen, withdrawn_fen, first_id, opening_fen, last_id, closing_fen)
SELECT 'q', x.b, x.distributor_id, x.n, x.accrued, x.reversed, x.clawed, x.settled, x.withdrawn, x.first_id, f.opening_fen, x.last_id, l.closing_fen
FROM (SELECT substr(bucket, 1, 5) || CASE WHEN substr(bucket, 6, 2) < '04' THEN '01' WHEN substr(bucket, 6, 2) < '07' THEN '04'
            WHEN substr(bucket, 6, 2) < '10' THEN '07' ELSE '10' END || '-01' AS b,
        distributor_id, sum(statements) AS n, sum(accrued_fen) AS accrued, sum(reversed_fen) AS reversed,
        sum(clawed_back_fen) AS clawed, sum(settled_fen) AS settled, sum(withdrawn_fen) AS withdrawn,
        min(first_id) AS first_id, max(last_id) AS last_id
    FROM rollup_statements WHERE grain = 'm' GROUP BY 1, 2) x
JOIN statements f ON f.id = x.first_id JOIN statements l ON l.id = x.last_id
ORDER BY x.b, x.distributor_id;

-- +goose Down
DELETE FROM rollup_statements WHERE grain = 'q';
DELETE FROM rollup_withdrawal_totals WHERE grain = 'q';
DELETE FROM rollup_balances WHERE grain = 'q';
DELETE FROM rollup_funnel WHERE grain = 'q';
DELETE FROM rollup_sales WHERE grain = 'q';
DELETE FROM rollup_distributors WHERE grain = 'q';
