package settings

import (
	"context"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Bounds of the withdrawal settings: far inside int64 for every fee computation, and a daily
// count that still lets a test or a busy merchant raise it well above the default.
const (
	MaxWithdrawalFen   = 1_000_000_000_000 // ¥10,000,000,000: no real withdrawal comes near
	MaxWithdrawalDaily = 1000
)

// Withdrawal is how distributors take money out (DESIGN.md §5). The fee is fixed when a
// withdrawal is requested, so a later change of these settings never changes a fee already shown.
type Withdrawal struct {
	// MinFen is the smallest amount a distributor may request.
	MinFen int64 `json:"min_fen" minimum:"1" doc:"smallest amount a distributor may request, in fen"`
	// MaxFen is the largest amount of one request; 0 means no maximum beyond the balance.
	MaxFen int64 `json:"max_fen" minimum:"0" doc:"largest amount of one request, in fen; 0 = no maximum"`
	// DailyCount is how many withdrawals a distributor may request per day (Asia/Shanghai);
	// rejected and failed ones do not count.
	DailyCount int `json:"daily_count" minimum:"1" maximum:"1000" doc:"withdrawals per distributor per day (Asia/Shanghai); rejected and failed ones do not count"`
	// FeeBP is the fee rate in basis points; payout.Fee has the rounding rule.
	FeeBP int64 `json:"fee_bp" minimum:"0" maximum:"9999" doc:"fee rate in basis points of the amount, truncated to the fen"`
	// FeeMinFen is the least fee charged, whatever the rate gives.
	FeeMinFen int64 `json:"fee_min_fen" minimum:"0" doc:"the least fee of one withdrawal, in fen; must be below min_fen"`
}

// DefaultWithdrawal is what a new shop starts with: at least ¥10, three a day, no fee.
func DefaultWithdrawal() Withdrawal {
	return Withdrawal{MinFen: 1000, MaxFen: 0, DailyCount: 3, FeeBP: 0, FeeMinFen: 0}
}

// Validate reports the first wrong field.
func (w Withdrawal) Validate() error {
	if w.MinFen < 1 || w.MinFen > MaxWithdrawalFen {
		return errs.Field("withdrawal.min_fen", "invalid_min_fen", "min_fen must be 1 to %d fen, not %d", int64(MaxWithdrawalFen), w.MinFen)
	}
	if w.MaxFen != 0 && (w.MaxFen < w.MinFen || w.MaxFen > MaxWithdrawalFen) {
		return errs.Field("withdrawal.max_fen", "invalid_max_fen", "max_fen must be 0 (no maximum) or between min_fen (%d) and %d fen, not %d",
			w.MinFen, int64(MaxWithdrawalFen), w.MaxFen)
	}
	if w.DailyCount < 1 || w.DailyCount > MaxWithdrawalDaily {
		return errs.Field("withdrawal.daily_count", "invalid_daily_count", "daily_count must be 1 to %d, not %d", MaxWithdrawalDaily, w.DailyCount)
	}
	if w.FeeBP < 0 || w.FeeBP >= 10000 {
		return errs.Field("withdrawal.fee_bp", "invalid_fee_bp", "fee_bp must be 0 to 9999 basis points (a fee of 100%% leaves nothing to pay out), not %d", w.FeeBP)
	}
	if w.FeeMinFen < 0 || w.FeeMinFen >= w.MinFen {
		return errs.Field("withdrawal.fee_min_fen", "invalid_fee_min_fen",
			"fee_min_fen must be 0 or more and below min_fen (%d), or a withdrawal of the minimum would pay out nothing; not %d", w.MinFen, w.FeeMinFen)
	}
	return nil
}

const keyWithdrawal = "withdrawal"

// LoadWithdrawal returns the withdrawal settings, or the defaults when never saved.
func LoadWithdrawal(ctx context.Context, q db.Querier) (Withdrawal, error) {
	w := DefaultWithdrawal()
	err := load(ctx, q, keyWithdrawal, &w)
	return w, err
}

// SaveWithdrawal validates and stores w inside tx, with an audit entry. Withdrawals already
// requested keep the fee they were quoted.
func SaveWithdrawal(ctx context.Context, tx *db.Tx, w Withdrawal) error {
	if err := w.Validate(); err != nil {
		return err
	}
	before, err := LoadWithdrawal(ctx, tx)
	if err != nil {
		return err
	}
	return save(ctx, tx, keyWithdrawal, before, w)
}
