// Package settlement moves settleable commission from frozen to available (DESIGN.md §5) and
// draws an immutable statement per distributor for every run.
//
// A commission is settleable from commissions.settleable_at (its order's completion plus
// freeze_days). A run for a cutoff settles every frozen commission settleable at or before the
// cutoff, distributor by distributor, in short batch transactions. Each commission is settled
// exactly once, whatever runs overlap: the update that settles it is conditional on its status
// still being frozen, and statement_lines has a unique index on the commission. A run is
// identified by its scope key (everyone or one distributor, and the cutoff), so asking again for
// the same scope returns the same run, and two nodes asking at once make one run.
package settlement

import (
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/ledger"
)

// Run statuses.
const (
	Running   = "running"
	Completed = "completed"
	Failed    = "failed"
)

// Run is one settlement run.
type Run struct {
	ID            int64      `json:"id"`
	ScopeKey      string     `json:"scope_key" doc:"all:<cutoff> or d:<distributor>:<cutoff>; one run per scope"`
	Cutoff        time.Time  `json:"cutoff" doc:"commission settleable at or before this time is settled"`
	DistributorID *int64     `json:"distributor_id,omitempty" doc:"set when only this distributor is settled (on request)"`
	Status        string     `json:"status" enum:"running,completed,failed"`
	Total         int64      `json:"total" doc:"distributors to visit: those with settleable commission or unstated balance movements"`
	Done          int64      `json:"done" doc:"distributors visited so far"`
	Distributors  int64      `json:"distributors" doc:"statements written"`
	Commissions   int64      `json:"commissions" doc:"commissions settled"`
	SettledFen    int64      `json:"settled_fen" doc:"moved from frozen to available"`
	Error         string     `json:"error,omitempty" doc:"why the run failed; asking for the same run again resumes it"`
	Actor         string     `json:"actor"`
	StartedAt     time.Time  `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
}

// Statement is what one run settled for one distributor, and how their settled money moved since
// the previous statement. The figures are defined in statement.go.
type Statement struct {
	ID            int64      `json:"id"`
	RunID         int64      `json:"run_id"`
	DistributorID int64      `json:"distributor_id"`
	PeriodStart   *time.Time `json:"period_start" doc:"the previous statement's period_end; null for the distributor's first"`
	PeriodEnd     time.Time  `json:"period_end" doc:"the run's cutoff"`
	OpeningFen    int64      `json:"opening_fen" doc:"the previous statement's closing; 0 for the first"`
	AccruedFen    int64      `json:"accrued_fen" doc:"commission accrued on paid orders since the previous statement (still frozen; for information)"`
	ReversedFen   int64      `json:"reversed_fen" doc:"frozen commission reversed by refunds since the previous statement (for information)"`
	SettledFen    int64      `json:"settled_fen" doc:"moved from frozen to available by this run"`
	ClawedBackFen int64      `json:"clawed_back_fen" doc:"taken back from available by refunds after settlement"`
	WithdrawnFen  int64      `json:"withdrawn_fen" doc:"withdrawals requested, less those rejected or failed"`
	ClosingFen    int64      `json:"closing_fen" doc:"opening + settled − clawed back − withdrawn: the available balance when the statement was drawn"`
	CreatedAt     time.Time  `json:"created_at" doc:"when the statement was drawn"`
	Lines         []Line     `json:"lines,omitempty"`
}

// Line is one commission a statement settled.
type Line struct {
	CommissionID    int64  `json:"commission_id"`
	OrderID         int64  `json:"order_id"`
	OrderNo         string `json:"order_no"`
	ProductName     string `json:"product_name"`
	Role            string `json:"role" enum:"direct,override"`
	BaseFen         int64  `json:"base_fen" doc:"the commission base when the order was paid"`
	RateBP          int64  `json:"rate_bp"`
	FixedFenPerUnit int64  `json:"fixed_fen_per_unit"`
	AmountFen       int64  `json:"amount_fen" doc:"net settled: accrued minus reversed before settlement"`
}

// Service runs settlements and reads runs and statements. Make one per database with New and
// share it; Start's background runs are counted so Wait can drain them.
type Service struct {
	DB     *db.DB
	Ledger *ledger.Ledger
	Log    *slog.Logger
	// BatchDistributors and BatchCommissions bound one transaction: it closes at whichever is
	// reached first (a distributor is never split). Zero means the defaults.
	BatchDistributors int
	BatchCommissions  int
	// Workers is how many batches run at once on PostgreSQL (SQLite has one writer: always one).
	// New sets 2.
	Workers int

	wg sync.WaitGroup
}

// New returns the settlement service of d, posting through l (share the ledger of the order
// service, so account ids are remembered once). A nil log discards.
func New(d *db.DB, l *ledger.Ledger, log *slog.Logger) *Service {
	if l == nil {
		l = ledger.New(d)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{DB: d, Ledger: l, Log: log, Workers: 2}
}

// Wait blocks until every run started with Start has ended.
func (s *Service) Wait() { s.wg.Wait() }
