-- +goose Up
-- Covering indexes so the console's day-by-day sums read only the index, not 100,000 rows.
CREATE INDEX orders_created_money_ix ON orders (created_at, paid_at, total_fen, refunded_fen);
CREATE INDEX commissions_created_money_ix ON commissions (created_at, amount_fen, reversed_fen);
-- A level-1's team figures of a month: its team's orders paid in the month.
CREATE INDEX orders_parent_paid_ix ON orders (parent_id, paid_at);

-- +goose Down
DROP INDEX orders_parent_paid_ix;
DROP INDEX commissions_created_money_ix;
DROP INDEX orders_created_money_ix;
