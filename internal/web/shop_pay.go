package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payment"
)

// shopSandbox is the sandbox provider's pay page: it shows the amount, and Pay makes this server
// post a signed notification to its own notify endpoint over HTTP, as a real gateway's server
// would. It exists only while the sandbox is the configured provider.
func (s *Server) shopSandbox(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.shopConfig(r.Context())
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	if cfg.Provider.Name() != (payment.Sandbox{}).Name() {
		s.shopFail(w, r, errs.E(errs.NotFound, "sandbox_off", "the sandbox is not the payment provider"))
		return
	}
	no := r.PathValue("no")
	back := "/s/o/" + url.PathEscape(no)
	if !s.ownsOrder(r.Context(), no) {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	o, err := s.orderByNo(r.Context(), no)
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	if o.Status != order.Created {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if r.Method != http.MethodPost {
		s.render(w, r, http.StatusOK, "s/sandbox", &Page{Title: "s.sandbox.title", Data: o})
		return
	}
	if r.PostFormValue("result") != "pay" {
		s.flash(r, s.shopT(w, r, "s.sandbox.failed"))
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	base, ok := baseURL(cfg, r)
	if !ok {
		http.Error(w, "bad Host header", http.StatusBadRequest)
		return
	}
	// One reference per order: pressing Pay twice is the same payment, not a second one.
	n := payment.Notification{OrderID: o.ID, OrderNo: o.OrderNo, AmountFen: o.TotalFen, Reference: "sandbox-" + o.OrderNo,
		Provider: cfg.Provider.Name(), Timestamp: s.DB.Now().Unix()}
	if err := payment.Notify(r.Context(), cfg.Client, base+"/s/pay/notify/"+n.Provider, cfg.Secret, n); err != nil {
		s.Log.ErrorContext(r.Context(), "sandbox notification", "order", o.OrderNo, "err", err)
		s.flash(r, s.shopT(w, r, "s.pay.unavailable"))
	} else {
		s.flash(r, s.shopT(w, r, "s.pay.done"))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// shopNotify receives a provider's signed payment notification. It answers 200 "success" when the
// order is paid by this payment (also for a repeat, which changes nothing), 400 for a bad or
// stale signature, and the order service's refusal (an amount that is not the total, a cancelled
// order, a payment reused) with its status; gateways retry until they read "success".
func (s *Server) shopNotify(w http.ResponseWriter, r *http.Request) {
	answer := func(status int, body string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
	cfg, err := s.shopConfig(r.Context())
	if err != nil {
		s.Log.ErrorContext(r.Context(), "shop config", "err", err)
		answer(http.StatusInternalServerError, "fail")
		return
	}
	provider := r.PathValue("provider")
	if provider != cfg.Provider.Name() {
		answer(http.StatusNotFound, "fail: unknown provider")
		return
	}
	if err := r.ParseForm(); err != nil {
		answer(http.StatusBadRequest, "fail: unreadable form")
		return
	}
	n, sig, err := payment.ParseForm(r.PostForm)
	if err == nil && n.Provider != provider {
		err = errs.E(errs.Unauthorized, "bad_signature", "the notification names another provider")
	}
	if err == nil {
		err = payment.Verify(cfg.Secret, n, sig, s.DB.Now())
	}
	if err != nil {
		s.Log.WarnContext(r.Context(), "payment notification refused", "notification", n.String(), "err", err)
		answer(http.StatusBadRequest, "fail: "+errs.CodeOf(err))
		return
	}
	o, err := s.Orders.Get(r.Context(), n.OrderID)
	if err == nil && o.OrderNo != n.OrderNo {
		err = errs.E(errs.NotFound, "order_not_found", "order %d is not %s", n.OrderID, n.OrderNo)
	}
	if err == nil {
		_, err = s.Orders.Pay(r.Context(), n.OrderID, order.PayInput{AmountFen: n.AmountFen, Provider: n.Provider, Reference: n.Reference})
	}
	if err != nil {
		var de *errs.Error
		status := http.StatusInternalServerError
		if errors.As(err, &de) {
			switch de.Kind {
			case errs.NotFound:
				status = http.StatusNotFound
			case errs.Conflict:
				status = http.StatusConflict
			case errs.Invalid:
				status = http.StatusBadRequest
			}
		}
		s.Log.WarnContext(r.Context(), "payment notification not applied", "notification", n.String(), "err", err)
		answer(status, "fail: "+errs.CodeOf(err))
		return
	}
	s.Log.InfoContext(r.Context(), "order paid", "notification", n.String())
	answer(http.StatusOK, payment.Success)
}
