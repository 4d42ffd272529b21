package settings_test

import (
	"context"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settings"
)

func TestWithdrawalValidate(t *testing.T) {
	ok := settings.Withdrawal{MinFen: 1000, MaxFen: 0, DailyCount: 3, FeeBP: 100, FeeMinFen: 200}
	if err := settings.DefaultWithdrawal().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("%+v: %v", ok, err)
	}
	for _, c := range []struct {
		change func(*settings.Withdrawal)
		code   string
	}{
		{func(w *settings.Withdrawal) { w.MinFen = 0 }, "invalid_min_fen"},
		{func(w *settings.Withdrawal) { w.MinFen = settings.MaxWithdrawalFen + 1 }, "invalid_min_fen"},
		{func(w *settings.Withdrawal) { w.MaxFen = 999 }, "invalid_max_fen"}, // below min_fen
		{func(w *settings.Withdrawal) { w.MaxFen = -1 }, "invalid_max_fen"},
		{func(w *settings.Withdrawal) { w.DailyCount = 0 }, "invalid_daily_count"},
		{func(w *settings.Withdrawal) { w.DailyCount = settings.MaxWithdrawalDaily + 1 }, "invalid_daily_count"},
		{func(w *settings.Withdrawal) { w.FeeBP = -1 }, "invalid_fee_bp"},
		{func(w *settings.Withdrawal) { w.FeeBP = 10000 }, "invalid_fee_bp"},
		{func(w *settings.Withdrawal) { w.FeeMinFen = -1 }, "invalid_fee_min_fen"},
		{func(w *settings.Withdrawal) { w.FeeMinFen = 1000 }, "invalid_fee_min_fen"}, // a minimum withdrawal would net 0
	} {
		w := ok
		c.change(&w)
		if err := w.Validate(); !errs.Is(err, c.code) {
			t.Errorf("%+v: want %s, got %v", w, c.code, err)
		}
	}
}

func TestWithdrawalRoundTrip(t *testing.T) {
	d, _ := dbtest.Open(t)
	ctx := context.Background()
	if w, err := settings.LoadWithdrawal(ctx, d.R); err != nil || w != settings.DefaultWithdrawal() {
		t.Fatalf("never saved: %+v %v", w, err)
	}
	want := settings.Withdrawal{MinFen: 500, MaxFen: 500000, DailyCount: 5, FeeBP: 60, FeeMinFen: 100}
	if err := d.InTx(ctx, func(tx *db.Tx) error { return settings.SaveWithdrawal(ctx, tx, want) }); err != nil {
		t.Fatal(err)
	}
	bad := want
	bad.FeeMinFen = 500
	if err := d.InTx(ctx, func(tx *db.Tx) error { return settings.SaveWithdrawal(ctx, tx, bad) }); !errs.Is(err, "invalid_fee_min_fen") {
		t.Fatalf("saved an invalid section: %v", err)
	}
	if w, err := settings.LoadWithdrawal(ctx, d.R); err != nil || w != want {
		t.Fatalf("loaded %+v %v, want %+v", w, err, want)
	}
}
