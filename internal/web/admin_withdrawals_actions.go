package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/fenxiao/fenxiao/internal/payout"
)

// Finance's actions on a withdrawal: approve, reject (with a reason), pay (with the transfer's
// reference, for the manual provider) and fail (with a reason). The payout service checks each
// transition, posts to the ledger and writes the audit entry; a handler only translates.

// adminWithdrawalAction runs act. On success the message names the state the withdrawal is in now
// (a provider that refuses a payout leaves it failed, not paid). A refusal shows the withdrawal
// again with the message next to the action's field ("<action>.<field>"), or at the top when it
// is about no field (a withdrawal that changed state meanwhile, a frozen distributor).
func (s *Server) adminWithdrawalAction(w http.ResponseWriter, r *http.Request, action string,
	act func(ctx context.Context, svc *payout.Service, id int64) (payout.Withdrawal, error)) {
	svc := s.adminPayout(w, r)
	if svc == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	id := pathID(r)
	wd, err := act(r.Context(), svc, id)
	if err != nil {
		p := &Page{Form: r.PostForm}
		if !adminFormError(err, p, func(f string) string {
			if f == "" {
				return "_"
			}
			return action + "." + f
		}) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminWithdrawalPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.adminDone(w, r, fmt.Sprintf("/admin/withdrawals/%d", id), "admin.w.done."+string(wd.Status), "ID", id)
}

func (s *Server) adminWithdrawalApprove(w http.ResponseWriter, r *http.Request) {
	s.adminWithdrawalAction(w, r, "approve", func(ctx context.Context, svc *payout.Service, id int64) (payout.Withdrawal, error) {
		return svc.Approve(ctx, id)
	})
}

func (s *Server) adminWithdrawalReject(w http.ResponseWriter, r *http.Request) {
	s.adminWithdrawalAction(w, r, "reject", func(ctx context.Context, svc *payout.Service, id int64) (payout.Withdrawal, error) {
		return svc.Reject(ctx, id, r.PostFormValue("reason"))
	})
}

func (s *Server) adminWithdrawalPay(w http.ResponseWriter, r *http.Request) {
	s.adminWithdrawalAction(w, r, "pay", func(ctx context.Context, svc *payout.Service, id int64) (payout.Withdrawal, error) {
		return svc.Pay(ctx, id, payout.PayInput{Reference: r.PostFormValue("reference")})
	})
}

func (s *Server) adminWithdrawalFail(w http.ResponseWriter, r *http.Request) {
	s.adminWithdrawalAction(w, r, "fail", func(ctx context.Context, svc *payout.Service, id int64) (payout.Withdrawal, error) {
		return svc.Fail(ctx, id, r.PostFormValue("reason"))
	})
}
