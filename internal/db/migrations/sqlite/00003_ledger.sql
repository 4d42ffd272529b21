-- +goose Up
-- The double-entry ledger of DESIGN.md §6. Accounts are never deleted and entries never change;
-- balance_fen caches the sum of an account's entries and is updated in the same transaction as
-- each posting (`fenxiao verify` compares the two).
CREATE TABLE ledger_accounts (
    id          INTEGER PRIMARY KEY,
    owner_id    BIGINT NOT NULL, -- a distributor id, or 0 for the merchant
    kind        TEXT NOT NULL,
    balance_fen BIGINT NOT NULL DEFAULT 0,
    CHECK ((owner_id = 0 AND kind IN ('commission_expense', 'payout_clearing', 'fees'))
        OR (owner_id > 0 AND kind IN ('frozen', 'available', 'withdrawing', 'paid_out')))
);
CREATE UNIQUE INDEX ledger_accounts_owner_kind_uq ON ledger_accounts (owner_id, kind);

CREATE TABLE ledger_transactions (
    id         INTEGER PRIMARY KEY,
    idem_key   TEXT NOT NULL,
    cause      TEXT NOT NULL,
    cause_id   TEXT NOT NULL,
    memo       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX ledger_transactions_idem_key_uq ON ledger_transactions (idem_key);

CREATE TABLE ledger_entries (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account_id     INTEGER NOT NULL REFERENCES ledger_accounts (id),
    owner_id       BIGINT NOT NULL, -- the account's owner, copied for per-distributor statements
    amount_fen     BIGINT NOT NULL CHECK (amount_fen <> 0),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX ledger_entries_account_ix ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_owner_ix ON ledger_entries (owner_id, id);
CREATE INDEX ledger_entries_transaction_ix ON ledger_entries (transaction_id);

-- +goose Down
DROP TABLE ledger_entries;
DROP TABLE ledger_transactions;
DROP TABLE ledger_accounts;
