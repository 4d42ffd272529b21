package web

import (
	"context"
	"time"
)

// Statements and withdrawals come from internal/settlement and internal/payout, which are being
// written alongside the portal. The portal depends only on the two interfaces below; the program
// plugs the real services in with UsePortalMoney through small adapters. Until then the two
// pages say the feature is not available — they never show made-up figures.

// PortalStatements is what the portal reads of settlement statements.
type PortalStatements interface {
	// Statements returns one page of distributorID's statements, newest first, without their
	// lines, and how many there are in all.
	Statements(ctx context.Context, distributorID int64, page, perPage int) ([]StatementView, int, error)
	// Statement returns statement id with its lines when it is distributorID's; for any other id
	// an errs.NotFound error, the same as for one that does not exist.
	Statement(ctx context.Context, distributorID, id int64) (StatementView, error)
}

// StatementView is one immutable settlement statement (DESIGN.md §5), in fen.
type StatementView struct {
	ID            int64
	PeriodStart   *time.Time // nil for the distributor's first statement
	PeriodEnd     time.Time
	OpeningFen    int64
	AccruedFen    int64
	ReversedFen   int64
	SettledFen    int64
	ClawedBackFen int64
	WithdrawnFen  int64
	ClosingFen    int64
	CreatedAt     time.Time
	Lines         []StatementLineView
}

// StatementLineView is one commission a statement settled.
type StatementLineView struct {
	CommissionID    int64
	OrderID         int64
	OrderNo         string
	ProductName     string
	Role            string // direct or override
	BaseFen         int64
	RateBP          int64
	FixedFenPerUnit int64
	AmountFen       int64
}

// PortalWithdrawals is what the portal asks of withdrawals. Errors are domain errors (package
// errs) with the fields amount_fen, method and account.<field> (bank_name, account_name,
// card_no, account, openid, phone), which the form shows next to its inputs.
type PortalWithdrawals interface {
	// Quote applies every rule of a withdrawal of amountFen and returns its fee, writing nothing.
	Quote(ctx context.Context, distributorID, amountFen int64) (WithdrawalQuote, error)
	// Request takes the amount from available at once. A repeat with the same IdemKey and
	// parameters returns the first withdrawal.
	Request(ctx context.Context, in WithdrawalInput) (WithdrawalView, error)
	// Withdrawals returns one page of distributorID's withdrawals, newest first, and the total.
	Withdrawals(ctx context.Context, distributorID int64, page, perPage int) ([]WithdrawalView, int, error)
}

// WithdrawalQuote is what a withdrawal would cost.
type WithdrawalQuote struct {
	AmountFen      int64
	FeeFen         int64
	NetFen         int64
	AvailableFen   int64
	RemainingToday int
}

// WithdrawalInput asks for a withdrawal.
type WithdrawalInput struct {
	DistributorID int64
	AmountFen     int64
	Method        string // bank_card, alipay, wechat or wallet
	Account       PayoutAccount
	IdemKey       string
}

// PayoutAccount is where the money goes; which fields a method needs is the payout service's rule.
type PayoutAccount struct {
	BankName, AccountName, CardNo, Account, OpenID, Phone string
}

// WithdrawalView is one withdrawal as its distributor sees it.
type WithdrawalView struct {
	ID          int64
	AmountFen   int64
	FeeFen      int64
	NetFen      int64
	Method      string
	Account     string // a masked summary, e.g. "招商银行 ****1234"
	Status      string // requested, approved, rejected, paid, failed
	Reason      string
	RequestedAt time.Time
	FinishedAt  *time.Time
}

// UsePortalMoney plugs statements and withdrawals into the portal; nil leaves a page off.
func (s *Server) UsePortalMoney(st PortalStatements, wd PortalWithdrawals) {
	s.money = portalMoneySources{statements: st, withdrawals: wd}
}

type portalMoneySources struct {
	statements  PortalStatements
	withdrawals PortalWithdrawals
}

func (s *Server) portalSources() portalMoneySources { return s.money }
