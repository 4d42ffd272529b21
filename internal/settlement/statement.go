package settlement

import (
	"fmt"

	"github.com/fenxiao/fenxiao/internal/ledger"
)

// The statement figures, defined once.
//
// A statement is of the distributor's settled money: their available account, plus what left it.
// It covers the distributor's ledger entries on their frozen and available accounts with ids in
// (prev.last_entry_id, last_entry_id], where prev is their previous statement (none: 0) and
// last_entry_id is their newest such entry when this statement is drawn. Consecutive statements
// therefore cover every entry exactly once, and:
//
//	opening     = prev.closing (0 for the first statement)
//	settled     =  Σ entries on available caused by "settlement" (this run's posting)
//	clawed_back = −Σ entries on available caused by "clawback" (refunds after settlement)
//	withdrawn   = −Σ entries on available caused by "withdrawal" or "withdrawal_return"
//	              (a request takes from available; a rejected or failed one gives it back)
//	closing     = opening + settled − clawed_back − withdrawn
//	accrued     =  Σ entries on frozen caused by "order_payment"     } frozen money, shown for
//	reversed    = −Σ entries on frozen caused by "refund" or "clawback" } information only
//
// Every entry on available has one of those causes, so closing is the sum of all of the
// distributor's available entries up to the statement: their available balance when it was
// drawn (the run checks this before writing, and `fenxiao verify` after). With nothing moving
// between the cutoff and the run, that is the balance at the cutoff. A cause not listed here fails
// the run rather than drawing a statement that does not add up.
//
// Ranges are by entry id, not by created_at: created_at is when the posting's transaction began,
// so a posting that commits after a statement was drawn can carry an earlier time and would fall
// between two statements. Entry ids cannot: the run holds the distributor's account rows while it
// draws the statement, and every posting takes those rows before it writes its entries, so entries
// written later get later ids.
const (
	causeOrderPayment     = "order_payment"
	causeRefund           = "refund"
	causeClawback         = "clawback"
	causeSettlement       = "settlement"
	causeWithdrawal       = "withdrawal"
	causeWithdrawalReturn = "withdrawal_return"
)

// figures are one distributor's movements in a statement's range.
type figures struct {
	accrued, reversed, settled, clawedBack, withdrawn int64
	lastEntryID                                       int64
	available                                         bool // some entry on available: activity worth a statement
}

// add classifies the sum of one account's entries of one cause.
func (f *figures) add(kind ledger.Kind, cause string, fen, maxID int64) error {
	f.lastEntryID = max(f.lastEntryID, maxID)
	switch {
	case kind == ledger.Available && cause == causeSettlement:
		f.settled += fen
	case kind == ledger.Available && cause == causeClawback:
		f.clawedBack -= fen
	case kind == ledger.Available && (cause == causeWithdrawal || cause == causeWithdrawalReturn):
		f.withdrawn -= fen
	case kind == ledger.Frozen && cause == causeOrderPayment:
		f.accrued += fen
	case kind == ledger.Frozen && (cause == causeRefund || cause == causeClawback):
		f.reversed -= fen
	case kind == ledger.Frozen && cause == causeSettlement:
		// the other side of settled
	default:
		return fmt.Errorf("%d fen on the %s account caused by %q: statements do not know that cause; teach internal/settlement/statement.go", fen, kind, cause)
	}
	if kind == ledger.Available {
		f.available = true
	}
	return nil
}
