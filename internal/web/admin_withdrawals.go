package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/payout"
)

// The withdrawals list: filtered by status and distributor, the work waiting first, paged on
// the server and exported to CSV. The page of one withdrawal and its actions are in
// admin_withdrawals_detail.go and admin_withdrawals_actions.go.

type adminWithdrawalRow struct {
	ID            int64
	DistributorID int64
	DistCode      string
	DistName      string
	AmountFen     int64
	FeeFen        int64
	Method        string
	Status        string
	Reason        string
	Reference     string
	RequestedAt   time.Time
	FinishedAt    *time.Time
}

// NetFen is what the distributor receives.
func (w adminWithdrawalRow) NetFen() int64 { return w.AmountFen - w.FeeFen }

type adminWithdrawalFilter struct {
	Status        string
	DistributorID int64
	OrderBy       string
}

var adminWithdrawalStatuses = []string{string(payout.Requested), string(payout.Approved), string(payout.Rejected),
	string(payout.Paid), string(payout.Failed)}

var adminWithdrawalMethods = []string{string(payout.BankCard), string(payout.Alipay), string(payout.WeChat), string(payout.Wallet)}

// adminWithdrawalRows calls each for the withdrawals matching f, limit at a time from off
// (limit 0: all); with count it also returns how many match and their amount.
func (s *Server) adminWithdrawalRows(ctx context.Context, f adminWithdrawalFilter, limit, off int, count bool,
	each func(adminWithdrawalRow) error) (total int, sumFen int64, err error) {
	var w adminWhere
	if f.Status != "" {
		w.add("w.status = ?", f.Status)
	}
	if f.DistributorID != 0 {
		w.add("w.distributor_id = ?", f.DistributorID)
	}
	if count {
		if err := s.DB.R.QueryRowContext(ctx, adminWithdrawalTotals+w.sql(), w.args...).Scan(&total, &sumFen); err != nil {
			return 0, 0, fmt.Errorf("count withdrawals: %w", err)
		}
	}
	query := `SELECT ` + adminWithdrawalColumns + adminWithdrawalFrom + w.sql() + ` ORDER BY ` + f.OrderBy
	if limit > 0 {
		query += w.limit(limit, off)
	}
	rows, err := s.DB.R.QueryContext(ctx, query, w.args...)
	if err != nil {
		return 0, 0, fmt.Errorf("list withdrawals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x adminWithdrawalRow
		if err := rows.Scan(&x.ID, &x.DistributorID, &x.DistCode, &x.DistName, &x.AmountFen, &x.FeeFen, &x.Method, &x.Status,
			&x.Reason, &x.Reference, &x.RequestedAt, &x.FinishedAt); err != nil {
			return 0, 0, fmt.Errorf("read withdrawal: %w", err)
		}
		if err := each(x); err != nil {
			return 0, 0, err
		}
	}
	return total, sumFen, rows.Err()
}

type adminWithdrawalsData struct {
	Items    []adminWithdrawalRow
	Pager    adminPager
	SumFen   int64
	Sort     string
	Statuses []string
}

// adminWithdrawalFilterOf reads the list's filters; a distributor is named by share code or id.
// An unknown distributor is a message next to its field and an empty list.
func (s *Server) adminWithdrawalFilterOf(r *http.Request, p *Page) (adminWithdrawalFilter, string, bool) {
	q := r.URL.Query()
	var f adminWithdrawalFilter
	for _, st := range adminWithdrawalStatuses {
		if q.Get("status") == st {
			f.Status = st
		}
	}
	ok := true
	p.Errors = map[string]string{}
	if v := strings.TrimSpace(q.Get("distributor")); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			f.DistributorID = id
		} else if d, err := s.Network.ByCode(r.Context(), v); err == nil {
			f.DistributorID = d.ID
		} else {
			p.Errors["distributor"], ok = p.T("admin.w.no_distributor"), false
		}
	}
	key, orderBy := adminSort(r, adminWithdrawalSorts)
	f.OrderBy = orderBy
	return f, key, ok
}

func (s *Server) adminWithdrawals(w http.ResponseWriter, r *http.Request) {
	if s.adminPayout(w, r) == nil {
		return
	}
	p := s.adminPage(w, r, "admin.nav.withdrawals", nil)
	f, sortKey, ok := s.adminWithdrawalFilterOf(r, p)
	if adminWantsExport(r) && ok {
		s.adminWithdrawalsExport(w, r, p, f)
		return
	}
	page := adminPageParam(r)
	d := adminWithdrawalsData{Items: []adminWithdrawalRow{}, Sort: sortKey, Statuses: adminWithdrawalStatuses}
	total := 0
	if ok {
		var err error
		total, d.SumFen, err = s.adminWithdrawalRows(r.Context(), f, adminPerPage, adminOffset(page), true, func(x adminWithdrawalRow) error {
			d.Items = append(d.Items, x)
			return nil
		})
		if err != nil {
			s.fail(w, r, "admin", err)
			return
		}
	}
	d.Pager = newAdminPager(r.URL, page, total)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin/withdrawals", p)
}

// adminWithdrawalsExport streams the whole filtered list; amounts are plain yuan ("1234.50") so a
// spreadsheet reads them as numbers.
func (s *Server) adminWithdrawalsExport(w http.ResponseWriter, r *http.Request, p *Page, f adminWithdrawalFilter) {
	cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: p.T("admin.w.requested_at"), Kind: export.Time},
		{Header: p.T("admin.d.code")}, {Header: p.T("admin.w.distributor")}, {Header: p.T("admin.w.amount"), Kind: export.Money},
		{Header: p.T("admin.w.fee"), Kind: export.Money}, {Header: p.T("admin.w.net"), Kind: export.Money}, {Header: p.T("admin.w.method")},
		{Header: p.T("admin.w.status")}, {Header: p.T("admin.w.reference")}, {Header: p.T("admin.w.reason")},
		{Header: p.T("admin.w.finished_at"), Kind: export.Time}}
	s.adminExport(w, r, "withdrawals", p.T("admin.nav.withdrawals"), cols, func(ctx context.Context, emit func([]any) error) error {
		_, _, err := s.adminWithdrawalRows(ctx, f, 0, 0, false, func(x adminWithdrawalRow) error {
			return emit([]any{x.ID, x.RequestedAt, x.DistCode, x.DistName, x.AmountFen, x.FeeFen, x.NetFen(),
				p.T("admin.w.method." + x.Method), p.T("admin.w.status." + x.Status), x.Reference, x.Reason, x.FinishedAt})
		})
		return err
	})
}
