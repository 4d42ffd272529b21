package payout

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/rollup"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// RequestInput asks for a withdrawal.
type RequestInput struct {
	DistributorID int64   `json:"distributor_id" minimum:"1"`
	AmountFen     int64   `json:"amount_fen" minimum:"1" doc:"taken from available at once; the fee comes out of it"`
	Method        Method  `json:"method" enum:"bank_card,alipay,wechat,wallet"`
	Account       Account `json:"account,omitempty" doc:"what the method needs; nothing for wallet"`
	// IdemKey makes the request naturally idempotent: a repeat with the same key and parameters
	// returns the first withdrawal.
	IdemKey string `json:"-"`
}

// Quote is what a withdrawal of an amount would cost, for the distributor to confirm.
type Quote struct {
	DistributorID  int64 `json:"distributor_id"`
	AmountFen      int64 `json:"amount_fen"`
	FeeFen         int64 `json:"fee_fen" doc:"max(amount × fee_bp / 10000 truncated, fee_min_fen)"`
	NetFen         int64 `json:"net_fen" doc:"amount − fee: what the distributor would receive"`
	AvailableFen   int64 `json:"available_fen" doc:"available now, before this withdrawal"`
	FeeBP          int64 `json:"fee_bp"`
	FeeMinFen      int64 `json:"fee_min_fen"`
	RemainingToday int   `json:"remaining_today" doc:"withdrawals still allowed today, this one included"`
}

// Quote applies every rule Request applies to a withdrawal of amountFen and returns its fee and
// net, writing nothing. Errors: as Request, except those about the account.
func (s *Service) Quote(ctx context.Context, distributorID, amountFen int64) (Quote, error) {
	if err := checkAmount(amountFen); err != nil {
		return Quote{}, err
	}
	var q Quote
	d, err := distributor(ctx, s.DB.R, distributorID, "")
	if err != nil {
		return q, err
	}
	cfg, err := settings.LoadWithdrawal(ctx, s.DB.R)
	if err != nil {
		return q, err
	}
	bal, err := s.Ledger.Balance(ctx, s.DB.R, distributorID)
	if err != nil {
		return q, err
	}
	today, err := countToday(ctx, s.DB.R, distributorID, s.DB.Now())
	if err != nil {
		return q, err
	}
	fee, err := allowed(cfg, d, amountFen, bal.AvailableFen, today)
	if err != nil {
		return q, err
	}
	return Quote{DistributorID: distributorID, AmountFen: amountFen, FeeFen: fee, NetFen: amountFen - fee,
		AvailableFen: bal.AvailableFen, FeeBP: cfg.FeeBP, FeeMinFen: cfg.FeeMinFen, RemainingToday: cfg.DailyCount - today}, nil
}

// Request records a withdrawal and takes its amount from available into withdrawing, in one
// transaction that reads available under a lock, so concurrent requests can never together take
// more than there is. A repeat with the same IdemKey and parameters returns the first withdrawal
// (replayed true), whatever has happened since. Callers: operators and finance for a distributor,
// and the distributor portal. Errors: Invalid (invalid_amount, below_minimum, above_maximum,
// fee_exceeds_amount, invalid_method, invalid_account, distributor_not_found,
// invalid_idempotency_key), Conflict (not_approved, distributor_frozen, negative_balance,
// insufficient_balance, daily_limit, idempotency_key_reused).
func (s *Service) Request(ctx context.Context, in RequestInput) (w Withdrawal, replayed bool, err error) {
	if err := checkAmount(in.AmountFen); err != nil {
		return w, false, err
	}
	acct, err := in.Account.normalize(in.Method)
	if err != nil {
		return w, false, err
	}
	raw, err := json.Marshal(acct)
	if err != nil {
		return w, false, err
	}
	key := strings.TrimSpace(in.IdemKey)
	if len(key) > 200 {
		return w, false, errs.Field("idempotency_key", "invalid_idempotency_key", "the idempotency key must be at most 200 characters")
	}
	in.Account = acct
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		d, err := distributor(ctx, tx, in.DistributorID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if key != "" {
			if w, replayed, err = byKey(ctx, tx, key, in); replayed || err != nil {
				return err
			}
		}
		cfg, err := settings.LoadWithdrawal(ctx, tx)
		if err != nil {
			return err
		}
		bal, err := s.Ledger.BalanceForUpdate(ctx, tx, in.DistributorID)
		if err != nil {
			return err
		}
		today, err := countToday(ctx, tx, in.DistributorID, tx.Now)
		if err != nil {
			return err
		}
		fee, err := allowed(cfg, d, in.AmountFen, bal.AvailableFen, today)
		if err != nil {
			return err
		}
		if w, err = scan(tx.QueryRowContext(ctx, qInsert, in.DistributorID, nullStr(key), in.AmountFen, fee, string(in.Method), string(raw), tx.Now)); err != nil {
			return fmt.Errorf("store withdrawal: %w", err)
		}
		_, _, err = s.Ledger.Post(ctx, tx, ledger.Posting{
			Key: fmt.Sprintf("withdrawal:%d:request", w.ID), Cause: "withdrawal", CauseID: fmt.Sprint(w.ID),
			Memo: fmt.Sprintf("withdrawal of ¥%s requested to %s", yuan(w.AmountFen), w.Method),
			Entries: []ledger.Entry{
				{OwnerID: w.DistributorID, Kind: ledger.Available, AmountFen: -w.AmountFen},
				{OwnerID: w.DistributorID, Kind: ledger.Withdrawing, AmountFen: w.AmountFen},
			},
		})
		if err != nil {
			return err
		}
		if err := rollup.AddWithdrawal(ctx, tx, event(w)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "withdrawal.request", Entity: "withdrawal", EntityID: fmt.Sprint(w.ID), After: w.masked()})
	})
	if err != nil && key != "" && db.IsDuplicate(err, "withdrawals", "idem_key") {
		// The same key raced in for another distributor (the same distributor's requests queue on
		// its lock): answer as the winner did, or refuse the reuse.
		dup := err
		err = s.DB.InTx(ctx, func(tx *db.Tx) error {
			w, replayed, err = byKey(ctx, tx, key, in)
			if err == nil && !replayed {
				return dup // cannot happen: the index saw a row with the key
			}
			return err
		})
	}
	if err != nil {
		return Withdrawal{}, false, err
	}
	return w.masked(), replayed, nil
}

// byKey returns the withdrawal already requested with key, if any; the same key with other
// parameters is refused.
func byKey(ctx context.Context, tx *db.Tx, key string, in RequestInput) (Withdrawal, bool, error) {
	w, err := scan(tx.QueryRowContext(ctx, qByIdemKey, key))
	if errs.KindOf(err) == errs.NotFound {
		return Withdrawal{}, false, nil
	}
	if err != nil {
		return Withdrawal{}, false, err
	}
	if w.DistributorID != in.DistributorID || w.AmountFen != in.AmountFen || w.Method != in.Method || w.Account != in.Account {
		return Withdrawal{}, false, errs.E(errs.Conflict, "idempotency_key_reused",
			"idempotency key %q was already used for withdrawal %d with different parameters; use a new key for a new withdrawal", key, w.ID)
	}
	return w, true, nil
}

func checkAmount(fen int64) error {
	if fen <= 0 || fen > settings.MaxWithdrawalFen {
		return errs.Field("amount_fen", "invalid_amount", "amount_fen must be a positive number of fen up to %d", int64(settings.MaxWithdrawalFen))
	}
	return nil
}

// who is the distributor asking, as the rules need it.
type who struct{ code, status, reason string }

// distributor reads the distributor's status; lock is tx.ForUpdate() inside a request.
func distributor(ctx context.Context, q db.Querier, id int64, lock string) (who, error) {
	var d who
	err := q.QueryRowContext(ctx, qDistributor+lock, id).Scan(&d.code, &d.status, &d.reason)
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.Field("distributor_id", "distributor_not_found", "distributor %d does not exist", id)
	}
	if err != nil {
		return d, fmt.Errorf("read distributor %d: %w", id, err)
	}
	return d, nil
}

func countToday(ctx context.Context, q db.Querier, distributorID int64, now time.Time) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, qCountSince, distributorID, dayStart(now)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count today's withdrawals of distributor %d: %w", distributorID, err)
	}
	return n, nil
}

// mayWithdraw refuses a distributor who is not approved: pending, rejected, or frozen.
func (d who) mayWithdraw() error {
	switch d.status {
	case "approved":
		return nil
	case "frozen":
		why := ""
		if d.reason != "" {
			why = " (" + d.reason + ")"
		}
		return errs.E(errs.Conflict, "distributor_frozen", "distributor %s is frozen%s: withdrawals are blocked until it is unfrozen", d.code, why)
	}
	return errs.E(errs.Conflict, "not_approved", "distributor %s is %s: only approved distributors can withdraw", d.code, d.status)
}

// allowed applies the withdrawal rules, in the order a person would fix them, and returns the fee.
func allowed(cfg settings.Withdrawal, d who, amount, available int64, today int) (int64, error) {
	if err := d.mayWithdraw(); err != nil {
		return 0, err
	}
	if amount < cfg.MinFen {
		return 0, errs.Field("amount_fen", "below_minimum", "the smallest withdrawal is ¥%s; ¥%s is below it", yuan(cfg.MinFen), yuan(amount))
	}
	if cfg.MaxFen > 0 && amount > cfg.MaxFen {
		return 0, errs.Field("amount_fen", "above_maximum", "the largest withdrawal is ¥%s; ¥%s is above it: split it over several withdrawals", yuan(cfg.MaxFen), yuan(amount))
	}
	fee := Fee(amount, cfg)
	if fee >= amount {
		return 0, errs.Field("amount_fen", "fee_exceeds_amount", "the fee on ¥%s is ¥%s, which leaves nothing to pay out; withdraw more", yuan(amount), yuan(fee))
	}
	if available < 0 {
		return 0, errs.E(errs.Conflict, "negative_balance",
			"available is -¥%s after a refund clawed back settled commission: withdrawals resume once newly settled commission has covered the ¥%s and the balance is positive",
			yuan(-available), yuan(-available))
	}
	if amount > available {
		return 0, errs.E(errs.Conflict, "insufficient_balance", "cannot withdraw ¥%s: available ¥%s", yuan(amount), yuan(available))
	}
	if today >= cfg.DailyCount {
		return 0, errs.E(errs.Conflict, "daily_limit", "%d withdrawals have been requested today, the daily limit; try again after midnight (Beijing time)", today)
	}
	return fee, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
