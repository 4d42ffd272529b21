// Package ledger is the double-entry ledger of DESIGN.md §6: every movement of money is a
// transaction whose entries sum to zero, in fen, and carries an idempotency key that a database
// unique index makes impossible to post twice.
//
// Sign convention. A distributor's account balance is what the merchant owes or has paid that
// distributor: positive is in the distributor's favour. The merchant's accounts (owner 0) carry
// the other side, so every transaction sums to zero. For example:
//
//	commission of 1598 fen accrued to Bob:  Bob.frozen +1598,    merchant.commission_expense −1598
//	settlement of x:                        Bob.frozen −x,       Bob.available +x
//	reversal of r while still frozen:       Bob.frozen −r,       merchant.commission_expense +r
//	clawback of r after settlement:         Bob.available −r,    merchant.commission_expense +r
//
// A clawback may take available below zero (DESIGN.md §5); nothing here forbids negative
// balances: whether a movement is allowed is the caller's rule, the ledger only records it.
package ledger

import (
	"fmt"
	"sync"

	"github.com/fenxiao/fenxiao/internal/db"
)

// Kind names an account of an owner. Distributors own the first four, the merchant the rest.
type Kind string

const (
	Frozen      Kind = "frozen"      // commission accrued while its refund window is open
	Available   Kind = "available"   // settled commission that may be withdrawn
	Withdrawing Kind = "withdrawing" // requested withdrawals not yet paid
	PaidOut     Kind = "paid_out"    // everything ever paid to the distributor

	CommissionExpense Kind = "commission_expense" // the merchant's side of accrued commission
	PayoutClearing    Kind = "payout_clearing"    // money on its way out through the payout provider
	Fees              Kind = "fees"               // withdrawal fees the merchant keeps
)

// distributorKinds and merchantKinds are in the order accounts are created, so concurrent
// creators on PostgreSQL take their index locks in the same order.
var (
	distributorKinds = []Kind{Frozen, Available, Withdrawing, PaidOut}
	merchantKinds    = []Kind{CommissionExpense, PayoutClearing, Fees}
)

// merchant reports whether k is one of the merchant's kinds, and ok whether k is a kind at all.
func (k Kind) merchant() (merchant, ok bool) {
	switch k {
	case Frozen, Available, Withdrawing, PaidOut:
		return false, true
	case CommissionExpense, PayoutClearing, Fees:
		return true, true
	}
	return false, false
}

// Entry moves AmountFen into (positive) or out of (negative) the account Kind of OwnerID, which
// is a distributor id, or 0 for the merchant.
type Entry struct {
	OwnerID   int64
	Kind      Kind
	AmountFen int64
}

// Posting is one ledger transaction. Key is its idempotency key (the same key never posts
// twice); Cause and CauseID name what caused it, e.g. "order_payment" and the order id.
type Posting struct {
	Key, Cause, CauseID, Memo string
	Entries                   []Entry
}

// Ledger posts to and reads the ledger of one database. It remembers account ids, which never
// change because accounts are never deleted; make one per *db.DB (the ids belong to it) and share
// it between goroutines.
type Ledger struct {
	d   *db.DB
	mu  sync.RWMutex
	ids map[account]int64
}

// New returns the ledger of d.
func New(d *db.DB) *Ledger {
	return &Ledger{d: d, ids: make(map[account]int64)}
}

// account identifies an account by what it is rather than by its row id.
type account struct {
	owner int64
	kind  Kind
}

func (a account) String() string {
	if a.owner == 0 {
		return "merchant." + string(a.kind)
	}
	return fmt.Sprintf("distributor %d.%s", a.owner, a.kind)
}

func (l *Ledger) cached(a account) (int64, bool) {
	l.mu.RLock()
	id, ok := l.ids[a]
	l.mu.RUnlock()
	return id, ok
}

func (l *Ledger) remember(a account, id int64) {
	l.mu.Lock()
	l.ids[a] = id
	l.mu.Unlock()
}

func (l *Ledger) forget(a account) {
	l.mu.Lock()
	delete(l.ids, a)
	l.mu.Unlock()
}
