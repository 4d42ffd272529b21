package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
)

// Withdrawing: the form asks for an amount and where to pay it, shows the fee (action "quote"),
// and the distributor confirms (action "confirm"). The payout service holds every rule: the
// minimum, the fee, the daily count, frozen distributors, the balance.

var portalMethods = []string{"bank_card", "alipay", "wechat", "wallet"}

type portalWithdrawData struct {
	Enabled bool
	Frozen  bool
	Balance ledger.Balance
	Methods []string
	Quote   *WithdrawalQuote // set on the confirmation step
	Items   []WithdrawalView
	Pager   portalPager
}

func (s *Server) portalWithdraw(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	ctx := r.Context()
	src := s.portalSources().withdrawals
	data := portalWithdrawData{Enabled: src != nil, Frozen: d.Status == network.Frozen, Methods: portalMethods}
	p := &Page{Title: "m.withdraw.title", Data: &data}
	if src == nil {
		s.portalRender(w, r, http.StatusOK, "m/withdraw", p)
		return
	}
	var err error
	if data.Balance, err = s.Orders.Ledger.Balance(ctx, s.DB.R, d.ID); err != nil {
		s.portalFail(w, r, err)
		return
	}
	page := portalPage(r)
	items, total, err := src.Withdrawals(ctx, d.ID, page, portalPerPage)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	data.Items, data.Pager = items, portalPagerFor(r, page, total)
	if r.Method != http.MethodPost {
		// A fresh key per form: a double tap on "confirm" makes one withdrawal.
		p.Form = url.Values{"key": {portalKey()}, "method": {"alipay"}}
		s.portalRender(w, r, http.StatusOK, "m/withdraw", p)
		return
	}
	_ = r.ParseForm()
	p.Form = r.PostForm
	in := WithdrawalInput{DistributorID: d.ID, Method: r.PostFormValue("method"), Account: PayoutAccount{
		BankName: r.PostFormValue("account.bank_name"), AccountName: r.PostFormValue("account.account_name"),
		CardNo: r.PostFormValue("account.card_no"), Account: r.PostFormValue("account.account"),
		OpenID: r.PostFormValue("account.openid"), Phone: r.PostFormValue("account.phone")}}
	refuse := func(err error) {
		var de *errs.Error
		shown := false
		if errors.As(err, &de) && de.Field == "amount_fen" {
			shown = portalFieldError(err, p, "amount")
		} else {
			shown = formError(err, p)
		}
		if !shown {
			s.portalFail(w, r, err)
			return
		}
		s.portalRender(w, r, http.StatusUnprocessableEntity, "m/withdraw", p)
	}
	if in.AmountFen, err = portalParseYuan(r.PostFormValue("amount")); err != nil {
		refuse(err)
		return
	}
	if r.PostFormValue("action") != "confirm" {
		q, err := src.Quote(ctx, d.ID, in.AmountFen)
		if err != nil {
			refuse(err)
			return
		}
		data.Quote = &q
		s.portalRender(w, r, http.StatusOK, "m/withdraw", p)
		return
	}
	in.IdemKey = fmt.Sprintf("portal:%d:%s", d.ID, r.PostFormValue("key"))
	if _, err := src.Request(ctx, in); err != nil {
		refuse(err)
		return
	}
	s.flash(r, s.portalT(w, r, "m.withdraw.requested"))
	http.Redirect(w, r, "/m/withdraw", http.StatusSeeOther)
}

// portalParseYuan reads an amount typed in yuan ("12", "12.3", "¥1,234.56") as fen, exactly:
// never through a float.
func portalParseYuan(s string) (int64, error) {
	bad := errs.Field("amount", "invalid_amount", "enter an amount in yuan, e.g. 100 or 100.50")
	s = strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(s), "¥"), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, bad
	}
	frac += strings.Repeat("0", 2-len(frac))
	y, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || y*100+f <= 0 {
		return 0, bad
	}
	return y*100 + f, nil
}

func portalKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
