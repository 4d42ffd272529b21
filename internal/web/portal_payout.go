package web

import (
	"context"
	"strings"

	"github.com/fenxiao/fenxiao/internal/payout"
)

// PayoutWithdrawals adapts the payout service to what the portal asks of withdrawals.
type PayoutWithdrawals struct{ Svc *payout.Service }

func (p PayoutWithdrawals) Quote(ctx context.Context, distributorID, amountFen int64) (WithdrawalQuote, error) {
	q, err := p.Svc.Quote(ctx, distributorID, amountFen)
	if err != nil {
		return WithdrawalQuote{}, err
	}
	return WithdrawalQuote{AmountFen: q.AmountFen, FeeFen: q.FeeFen, NetFen: q.NetFen, AvailableFen: q.AvailableFen, RemainingToday: q.RemainingToday}, nil
}

func (p PayoutWithdrawals) Request(ctx context.Context, in WithdrawalInput) (WithdrawalView, error) {
	w, _, err := p.Svc.Request(ctx, payout.RequestInput{DistributorID: in.DistributorID, AmountFen: in.AmountFen,
		Method: payout.Method(in.Method), IdemKey: in.IdemKey, Account: payout.Account{BankName: in.Account.BankName,
			AccountName: in.Account.AccountName, CardNo: in.Account.CardNo, Account: in.Account.Account,
			OpenID: in.Account.OpenID, Phone: in.Account.Phone}})
	if err != nil {
		return WithdrawalView{}, err
	}
	return withdrawalView(w), nil
}

func (p PayoutWithdrawals) Withdrawals(ctx context.Context, distributorID int64, page, perPage int) ([]WithdrawalView, int, error) {
	pg, err := p.Svc.List(ctx, payout.Filter{DistributorID: distributorID, Page: page, PerPage: perPage})
	if err != nil {
		return nil, 0, err
	}
	out := make([]WithdrawalView, 0, len(pg.Items))
	for _, w := range pg.Items {
		out = append(out, withdrawalView(w))
	}
	return out, pg.Total, nil
}

// withdrawalView summarises a withdrawal's account the way the payout service masked it.
func withdrawalView(w payout.Withdrawal) WithdrawalView {
	a := w.Account
	parts := []string{}
	for _, s := range []string{a.BankName, a.AccountName, a.CardNo, a.Account, a.Phone} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return WithdrawalView{ID: w.ID, AmountFen: w.AmountFen, FeeFen: w.FeeFen, NetFen: w.NetFen, Method: string(w.Method),
		Account: strings.Join(parts, " "), Status: string(w.Status), Reason: w.Reason, RequestedAt: w.RequestedAt, FinishedAt: w.FinishedAt}
}
