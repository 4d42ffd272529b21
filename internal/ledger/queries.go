package ledger

import (
	"fmt"
	"strings"
	"sync"
)

// All SQL of the ledger, in one place. Post's statements have one shape per number of entries or
// accounts; common shapes are built once and kept (and prepared on SQLite, see stmt.go).

const (
	// Returns no row when the key exists: the unique index decides, not a prior SELECT.
	qInsertTransaction = `INSERT INTO ledger_transactions (idem_key, cause, cause_id, memo, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idem_key) DO NOTHING RETURNING id`

	qTransactionByKey = `SELECT id, cause, cause_id FROM ledger_transactions WHERE idem_key = $1`

	qDistributorExists = `SELECT count(*) FROM distributors WHERE id = $1`

	qAccountsOf = `SELECT id, kind FROM ledger_accounts WHERE owner_id = $1`

	qBalances = `SELECT kind, balance_fen FROM ledger_accounts WHERE owner_id = $1`

	qStatementCount = `SELECT count(*) FROM ledger_entries WHERE owner_id = $1`

	qStatement = `SELECT e.transaction_id, t.idem_key, t.cause, t.cause_id, t.memo, a.kind, e.amount_fen, e.created_at
		FROM ledger_entries e
		JOIN ledger_transactions t ON t.id = e.transaction_id
		JOIN ledger_accounts a ON a.id = e.account_id
		WHERE e.owner_id = $1 ORDER BY e.id DESC LIMIT $2 OFFSET $3`
)

// qCreateAccounts creates every account of an owner type that does not exist yet; $1 is the owner.
func qCreateAccounts(kinds []Kind) string {
	rows := make([]string, len(kinds))
	for i, k := range kinds {
		rows[i] = fmt.Sprintf("($1, '%s')", k)
	}
	return `INSERT INTO ledger_accounts (owner_id, kind) VALUES ` + strings.Join(rows, ", ") +
		` ON CONFLICT (owner_id, kind) DO NOTHING`
}

// qAddBalances adds a delta to n accounts and returns the accounts it changed. Arguments come in
// fours: id, delta, owner, kind. Matching owner and kind as well as id means a stale remembered id
// (from a transaction that rolled back; SQLite may even have given that id to another account,
// possibly one in this very posting) changes nothing and is noticed. PostgreSQL needs the CAST to
// type the CASE's parameters.
var qAddBalances = shapes(func(n int) string {
	var set, where strings.Builder
	for i := range n {
		p := 4*i + 1
		match := fmt.Sprintf("(id = $%d AND owner_id = $%d AND kind = $%d)", p, p+2, p+3)
		fmt.Fprintf(&set, " WHEN %s THEN CAST($%d AS BIGINT)", match, p+1)
		if i > 0 {
			where.WriteString(" OR ")
		}
		where.WriteString(match)
	}
	return `UPDATE ledger_accounts SET balance_fen = balance_fen + CASE` + set.String() + ` END
		WHERE ` + where.String() + ` RETURNING id, owner_id, kind`
})

// qInsertEntries inserts n entries of one transaction: $1 the transaction, $2 the time, then
// account, owner and amount for each entry.
var qInsertEntries = shapes(func(n int) string {
	rows := make([]string, n)
	for i := range n {
		p := 3*i + 3
		rows[i] = fmt.Sprintf("($1, $%d, $%d, $%d, $2)", p, p+1, p+2)
	}
	return `INSERT INTO ledger_entries (transaction_id, account_id, owner_id, amount_fen, created_at) VALUES ` +
		strings.Join(rows, ", ")
})

// shape keeps one statement text per size, up to maxShape; larger ones are built each time.
type shape struct {
	build func(n int) string
	mu    sync.RWMutex
	texts map[int]string
}

const maxShape = 32

func shapes(build func(n int) string) *shape { return &shape{build: build, texts: map[int]string{}} }

func (s *shape) sql(n int) string {
	if n > maxShape {
		return s.build(n)
	}
	s.mu.RLock()
	q, ok := s.texts[n]
	s.mu.RUnlock()
	if ok {
		return q
	}
	q = s.build(n)
	s.mu.Lock()
	s.texts[n] = q
	s.mu.Unlock()
	return q
}
