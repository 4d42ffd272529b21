// Package payout holds withdrawals (DESIGN.md §5): a distributor asks for part of its available
// balance, finance approves or rejects, and an approved withdrawal is paid through a payout
// provider and ends paid or failed. Every step is one short transaction with its ledger posting
// and audit entry.
//
// Ledger convention (see package ledger: a distributor's balances are in the distributor's
// favour; the merchant's accounts carry the other side). For a withdrawal of amount A with fee F:
//
//	request  (cause "withdrawal", key withdrawal:<id>:request):
//	         distributor.available −A, distributor.withdrawing +A
//	reject or fail  (cause "withdrawal_return", key withdrawal:<id>:return):
//	         distributor.withdrawing −A, distributor.available +A
//	pay      (cause "withdrawal_paid", key withdrawal:<id>:paid):
//	         distributor.withdrawing −A, distributor.paid_out +(A−F), merchant.fees +F
//
// So paid_out is exactly the money sent to the distributor, and merchant.fees (positive) is
// what the merchant kept from withdrawals: it gives back part of merchant.commission_expense.
// Each distributor's accounts therefore sum to commission accrued − reversed − fees of its paid
// withdrawals, which `fenxiao verify` checks. merchant.payout_clearing is not used: the payout
// is confirmed in the same step that sends it; a provider that confirms later would park A−F
// there between sending and confirmation.
package payout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/rollup"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Status of a withdrawal: requested → approved → paid | failed; requested → rejected.
type Status string

const (
	Requested Status = "requested"
	Approved  Status = "approved"
	Rejected  Status = "rejected" // by finance, with a reason; the amount returned to available
	Paid      Status = "paid"     // with the provider's reference
	Failed    Status = "failed"   // the payout did not happen; the amount returned to available
)

// Method is where the money goes.
type Method string

const (
	BankCard Method = "bank_card" // a debit card: bank_name, account_name, card_no
	Alipay   Method = "alipay"    // an Alipay account (phone or email) and its holder's name
	WeChat   Method = "wechat"    // a WeChat openid or phone, and the holder's name
	Wallet   Method = "wallet"    // cash handed over offline; no account details
)

// Withdrawal is one request to take money out.
type Withdrawal struct {
	ID            int64   `json:"id"`
	DistributorID int64   `json:"distributor_id"`
	AmountFen     int64   `json:"amount_fen" doc:"taken from available when requested"`
	FeeFen        int64   `json:"fee_fen" doc:"fixed when requested; kept by the merchant"`
	NetFen        int64   `json:"net_fen" doc:"amount − fee: what the distributor receives"`
	Method        Method  `json:"method" enum:"bank_card,alipay,wechat,wallet"`
	Account       Account `json:"account" doc:"payout details; card numbers are masked to the last 4 digits"`
	Status        Status  `json:"status" enum:"requested,approved,rejected,paid,failed"`
	Reason        string  `json:"reason,omitempty" doc:"why it was rejected or failed"`
	Provider      string  `json:"provider,omitempty" doc:"the payout provider that paid or failed it"`
	Reference     string  `json:"reference,omitempty" doc:"the provider's transfer reference"`
	// IdemKey is the caller's idempotency key; never shown.
	IdemKey     string     `json:"-"`
	RequestedAt time.Time  `json:"requested_at"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	FinishedAt  *time.Time `json:"finished_at,omitempty" doc:"when it was paid, rejected or failed"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// masked is w as it may be shown: with the card number cut to its last 4 digits.
func (w Withdrawal) masked() Withdrawal {
	w.Account = w.Account.masked()
	return w
}

// Fee is the fee on a withdrawal of amountFen under cfg, the one place the rule lives:
//
//	fee = max(amount × fee_bp / 10000, truncated to the fen, fee_min_fen)
//
// The rate is never rounded up, so only the floor ever charges more than the rate. At 100 bp
// with a 200 fen floor: 3000 → 3000×100/10000 = 30 < 200 → 200 (net 2800); 25050 → 250.5 → 250
// (net 24800). A fee that is not below the amount leaves nothing to pay; Request and Quote refuse
// such an amount. amountFen must be within [0, settings.MaxWithdrawalFen] so nothing overflows.
func Fee(amountFen int64, cfg settings.Withdrawal) int64 {
	return max(amountFen*cfg.FeeBP/10000, cfg.FeeMinFen)
}

// Provider sends money. Pay must be idempotent on w.ID (pass it as the provider's own request id)
// because a retried or concurrent pay of one withdrawal may call it twice, and must return an
// error only when it knows no money moved: such an error fails the withdrawal and returns its
// amount to available. An outcome it cannot know yet (a timeout) must be an error wrapping
// ErrOutcomeUnknown, which leaves the withdrawal approved for a later pay to settle.
type Provider interface {
	Name() string
	Pay(ctx context.Context, w Withdrawal) (reference string, err error)
}

// ErrOutcomeUnknown marks a provider error after which the money may or may not have moved.
var ErrOutcomeUnknown = errors.New("payout outcome unknown")

// Manual is the built-in provider: a person pays by hand (bank transfer, Alipay, cash) and enters
// the transfer reference, which arrives as w.Reference.
type Manual struct{}

// Name is "manual".
func (Manual) Name() string { return "manual" }

// Pay returns the reference the finance person entered.
func (Manual) Pay(_ context.Context, w Withdrawal) (string, error) {
	if strings.TrimSpace(w.Reference) == "" {
		return "", errReferenceRequired
	}
	return w.Reference, nil
}

var errReferenceRequired = errs.Field("reference", "reference_required",
	"enter the reference of the transfer you made (bank or Alipay transaction number, or a cash receipt number)")

// Service runs withdrawals. Every method that changes state writes an audit entry in the same
// transaction; callers name the actor with audit.WithActor.
type Service struct {
	DB       *db.DB
	Ledger   *ledger.Ledger
	Provider Provider // Manual{} when nil
}

// New wires a Service on d posting to l (share the ledger of the other services: it caches
// account ids), paying with the manual provider.
func New(d *db.DB, l *ledger.Ledger) *Service {
	if l == nil {
		l = ledger.New(d)
	}
	return &Service{DB: d, Ledger: l, Provider: Manual{}}
}

func (s *Service) provider() Provider {
	if s.Provider == nil {
		return Manual{}
	}
	return s.Provider
}

// merchantZone is where a distributor's day begins for the daily limit.
var merchantZone = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// dayStart is the start of the Asia/Shanghai day that t falls in, in UTC.
func dayStart(t time.Time) time.Time {
	l := t.In(merchantZone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, merchantZone).UTC()
}

// yuan formats fen as 12.34 (or -12.34) for messages.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// event is w's current state for the report rollups (package rollup).
func event(w Withdrawal) rollup.WithdrawalEvent {
	return rollup.WithdrawalEvent{Event: string(w.Status), DistributorID: w.DistributorID,
		AmountFen: w.AmountFen, FeeFen: w.FeeFen, RequestedAt: w.RequestedAt}
}
