package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// The owner's settings: network, commission (with the plan history) and binding, each its own
// form. Amounts are typed in yuan and rates in percent; the settings package validates, stores,
// versions the plan and audits.

type adminSettingsData struct {
	Plans        []settings.PlanRow
	BindingModes []string
	RateFields   []string // percent inputs of the plan
	DayFields    []string // whole-number inputs of the commission section
}

func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request) {
	s.adminSettingsPage(w, r, http.StatusOK, &Page{}, "")
}

// adminSettingsValues is the stored settings as form values.
func (s *Server) adminSettingsValues(ctx context.Context) (url.Values, error) {
	n, err := settings.LoadNetwork(ctx, s.DB.R)
	if err != nil {
		return nil, err
	}
	c, err := settings.LoadCommission(ctx, s.DB.R)
	if err != nil {
		return nil, err
	}
	b, err := settings.LoadBinding(ctx, s.DB.R)
	if err != nil {
		return nil, err
	}
	v := url.Values{}
	v.Set("network.review_mode", n.ReviewMode)
	adminCheck(v, "network.level1_can_invite", n.Level1CanInvite)
	adminCheck(v, "network.level1_sees_team_orders", n.Level1SeesTeamOrders)
	v.Set("network.spend_threshold", adminYuanInput(n.SpendThresholdFen))
	v.Set("commission.l1_direct", adminPercentInput(c.L1DirectBP))
	v.Set("commission.l2_direct", adminPercentInput(c.L2DirectBP))
	v.Set("commission.l1_override", adminPercentInput(c.L1OverrideBP))
	v.Set("commission.freeze_days", strconv.Itoa(c.FreezeDays))
	v.Set("commission.auto_complete_days", strconv.Itoa(c.AutoCompleteDays))
	v.Set("commission.unpaid_timeout_minutes", strconv.Itoa(c.UnpaidTimeoutMinutes))
	v.Set("commission.plan_version", strconv.FormatInt(c.PlanVersion, 10))
	v.Set("binding.mode", b.Mode)
	v.Set("binding.binding_days", strconv.Itoa(b.BindingDays))
	adminCheck(v, "binding.self_purchase", b.SelfPurchase)
	return v, nil
}

func adminCheck(v url.Values, key string, on bool) {
	if on {
		v.Set(key, "on")
	}
}

// adminSettingsPage renders the three forms from the stored values, except section, which shows
// what was typed into its refused form.
func (s *Server) adminSettingsPage(w http.ResponseWriter, r *http.Request, status int, p *Page, section string) {
	v, err := s.adminSettingsValues(r.Context())
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if section != "" {
		for k := range v {
			if strings.HasPrefix(k, section+".") && k != "commission.plan_version" {
				v.Del(k)
			}
		}
		for k, vals := range r.PostForm {
			if strings.HasPrefix(k, section+".") && k != "commission.plan_version" {
				v[k] = vals
			}
		}
	}
	plans, err := settings.PlanHistory(r.Context(), s.DB.R)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	p.Form, p.Title = v, "admin.nav.settings"
	p.Data = adminSettingsData{Plans: plans, BindingModes: []string{settings.BindFirst, settings.BindLast, settings.BindPermanent},
		RateFields: []string{"l1_direct", "l2_direct", "l1_override"},
		DayFields:  []string{"freeze_days", "auto_complete_days", "unpaid_timeout_minutes"}}
	s.render(w, r, status, "admin/settings", p)
}

// adminSaveSettings parses and saves one section; a refusal shows the page again with the
// messages under that section's fields.
func (s *Server) adminSaveSettings(w http.ResponseWriter, r *http.Request, section string, field func(string) string,
	save func(ctx context.Context, tx *db.Tx, form url.Values) error) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	err := s.DB.InTx(r.Context(), func(tx *db.Tx) error { return save(r.Context(), tx, r.PostForm) })
	if err != nil {
		p := &Page{}
		if !adminFormError(err, p, field) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminSettingsPage(w, r, http.StatusUnprocessableEntity, p, section)
		return
	}
	s.adminDone(w, r, "/admin/settings", "admin.s.saved")
}

func (s *Server) adminSaveNetwork(w http.ResponseWriter, r *http.Request) {
	rename := func(f string) string {
		if f == "network.spend_threshold_fen" {
			return "network.spend_threshold"
		}
		return adminSectionField("network")(f)
	}
	s.adminSaveSettings(w, r, "network", rename, func(ctx context.Context, tx *db.Tx, form url.Values) error {
		n := settings.Network{ReviewMode: form.Get("network.review_mode"),
			Level1CanInvite:      form.Get("network.level1_can_invite") != "",
			Level1SeesTeamOrders: form.Get("network.level1_sees_team_orders") != ""}
		if v := strings.TrimSpace(form.Get("network.spend_threshold")); v != "" {
			fen, err := parseYuan(v)
			if err != nil {
				return adminInField(err, "network.spend_threshold")
			}
			n.SpendThresholdFen = fen
		}
		return settings.SaveNetwork(ctx, tx, n)
	})
}

func (s *Server) adminSaveCommission(w http.ResponseWriter, r *http.Request) {
	s.adminSaveSettings(w, r, "commission", adminSectionField("commission"), func(ctx context.Context, tx *db.Tx, form url.Values) error {
		var c settings.Commission
		for _, rate := range []struct {
			field string
			dst   *int64
		}{{"commission.l1_direct", &c.L1DirectBP}, {"commission.l2_direct", &c.L2DirectBP}, {"commission.l1_override", &c.L1OverrideBP}} {
			bp, err := adminParsePercent(form.Get(rate.field))
			if err != nil {
				return adminInField(err, rate.field)
			}
			*rate.dst = bp
		}
		for _, days := range []struct {
			field string
			dst   *int
		}{{"commission.freeze_days", &c.FreezeDays}, {"commission.auto_complete_days", &c.AutoCompleteDays},
			{"commission.unpaid_timeout_minutes", &c.UnpaidTimeoutMinutes}} {
			n, err := adminWhole(form.Get(days.field), days.field)
			if err != nil {
				return err
			}
			*days.dst = n
		}
		_, err := settings.SaveCommission(ctx, tx, c)
		return err
	})
}

func (s *Server) adminSaveBinding(w http.ResponseWriter, r *http.Request) {
	s.adminSaveSettings(w, r, "binding", adminSectionField("binding"), func(ctx context.Context, tx *db.Tx, form url.Values) error {
		b := settings.Binding{Mode: form.Get("binding.mode"), SelfPurchase: form.Get("binding.self_purchase") != ""}
		n, err := adminWhole(form.Get("binding.binding_days"), "binding.binding_days")
		if err != nil {
			return err
		}
		b.BindingDays = n
		return settings.SaveBinding(ctx, tx, b)
	})
}

// adminSectionField keeps the settings package's field names, which are the form's, and puts a
// message without a field at the top of its section.
func adminSectionField(section string) func(string) string {
	return func(f string) string {
		if f == "" {
			return section
		}
		return f
	}
}

// adminWhole reads a whole number typed into a settings field; the range is the domain's to check.
func adminWhole(s, field string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errs.Field(field, "invalid_number", "%q is not a whole number", s)
	}
	return n, nil
}
