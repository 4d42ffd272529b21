package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Balance is a distributor's position, in fen, by account.
type Balance struct {
	FrozenFen      int64 `json:"frozen_fen" doc:"commission earned on orders whose refund window is still open"`
	AvailableFen   int64 `json:"available_fen" doc:"settled commission that may be withdrawn; negative after a clawback"`
	WithdrawingFen int64 `json:"withdrawing_fen" doc:"requested withdrawals not paid yet"`
	PaidOutFen     int64 `json:"paid_out_fen" doc:"everything paid out so far"`
}

// Balance returns a distributor's cached balances; all zero before its first posting.
func (l *Ledger) Balance(ctx context.Context, q db.Querier, distributorID int64) (Balance, error) {
	return balance(ctx, q, distributorID, qBalances)
}

// BalanceForUpdate is Balance inside tx, locking the distributor's accounts on PostgreSQL until
// tx ends, so a withdrawal can check available and take from it without a race. (SQLite's single
// writer already serialises write transactions.)
func (l *Ledger) BalanceForUpdate(ctx context.Context, tx *db.Tx, distributorID int64) (Balance, error) {
	return balance(ctx, tx, distributorID, qBalances+tx.ForUpdate())
}

func balance(ctx context.Context, q db.Querier, distributorID int64, query string) (Balance, error) {
	if distributorID <= 0 {
		return Balance{}, fmt.Errorf("ledger balance of distributor %d: not a distributor id", distributorID)
	}
	rows, err := q.QueryContext(ctx, query, distributorID)
	if err != nil {
		return Balance{}, fmt.Errorf("read balance of distributor %d: %w", distributorID, err)
	}
	defer rows.Close()
	var b Balance
	for rows.Next() {
		var kind string
		var fen int64
		if err := rows.Scan(&kind, &fen); err != nil {
			return Balance{}, fmt.Errorf("read balance of distributor %d: %w", distributorID, err)
		}
		switch Kind(kind) {
		case Frozen:
			b.FrozenFen = fen
		case Available:
			b.AvailableFen = fen
		case Withdrawing:
			b.WithdrawingFen = fen
		case PaidOut:
			b.PaidOutFen = fen
		}
	}
	if err := rows.Err(); err != nil {
		return Balance{}, fmt.Errorf("read balance of distributor %d: %w", distributorID, err)
	}
	return b, nil
}

// Line is one entry on a distributor's statement.
type Line struct {
	TransactionID int64     `json:"transaction_id"`
	Key           string    `json:"key" doc:"the transaction's idempotency key"`
	Cause         string    `json:"cause" doc:"what moved the money, e.g. order_payment, refund, settlement, withdrawal"`
	CauseID       string    `json:"cause_id"`
	Memo          string    `json:"memo"`
	Kind          Kind      `json:"kind" enum:"frozen,available,withdrawing,paid_out"`
	AmountFen     int64     `json:"amount_fen" doc:"positive is in the distributor's favour"`
	At            time.Time `json:"at"`
}

// Statement returns one page of a distributor's entries, newest first, and how many there are in
// all. page counts from 1; perPage is 1..100, default 20. Errors: Invalid (per_page too large).
func (l *Ledger) Statement(ctx context.Context, q db.Querier, distributorID int64, page, perPage int) ([]Line, int, error) {
	if distributorID <= 0 {
		return nil, 0, fmt.Errorf("ledger statement of distributor %d: not a distributor id", distributorID)
	}
	if page <= 0 {
		page = 1
	}
	if perPage <= 0 {
		perPage = 20
	}
	if perPage > 100 {
		return nil, 0, errs.Field("per_page", "invalid_per_page", "per_page must be at most 100")
	}
	var total int
	if err := q.QueryRowContext(ctx, qStatementCount, distributorID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count ledger entries of distributor %d: %w", distributorID, err)
	}
	rows, err := q.QueryContext(ctx, qStatement, distributorID, perPage, (page-1)*perPage)
	if err != nil {
		return nil, 0, fmt.Errorf("read statement of distributor %d: %w", distributorID, err)
	}
	defer rows.Close()
	out := []Line{}
	for rows.Next() {
		var ln Line
		var kind string
		if err := rows.Scan(&ln.TransactionID, &ln.Key, &ln.Cause, &ln.CauseID, &ln.Memo, &kind, &ln.AmountFen, &ln.At); err != nil {
			return nil, 0, fmt.Errorf("read statement of distributor %d: %w", distributorID, err)
		}
		ln.Kind, ln.At = Kind(kind), ln.At.UTC()
		out = append(out, ln)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("read statement of distributor %d: %w", distributorID, err)
	}
	return out, total, nil
}
