-- +goose Up
-- Withdrawals (DESIGN.md §5): requested → approved → paid | failed; requested → rejected. The
-- amount leaves available when requested; the fee is fixed then, so what was quoted is charged.
-- The ledger postings of each withdrawal are keyed withdrawal:<id>:request|return|paid.
CREATE TABLE withdrawals (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    distributor_id BIGINT NOT NULL REFERENCES distributors (id),
    idem_key       TEXT,
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    fee_fen        BIGINT NOT NULL CHECK (fee_fen >= 0 AND fee_fen < amount_fen),
    method         TEXT NOT NULL CHECK (method IN ('bank_card', 'alipay', 'wechat', 'wallet')),
    account        TEXT NOT NULL, -- JSON: what the method needs to pay (card, Alipay account, …)
    status         TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid', 'failed')),
    reason         TEXT,          -- why it was rejected or failed; the distributor sees it
    provider       TEXT,          -- the payout provider that paid or failed it
    reference      TEXT,          -- the provider's transfer reference
    requested_at   TIMESTAMPTZ NOT NULL,
    approved_at    TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,   -- paid, rejected or failed
    updated_at     TIMESTAMPTZ NOT NULL,
    CHECK ((status = 'paid') = (reference IS NOT NULL))
);
CREATE UNIQUE INDEX withdrawals_idem_key_uq ON withdrawals (idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX withdrawals_distributor_ix ON withdrawals (distributor_id, requested_at);
CREATE INDEX withdrawals_status_ix ON withdrawals (status, id);

-- +goose Down
DROP TABLE withdrawals;
