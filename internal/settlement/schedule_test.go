package settlement_test

import (
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Due finds the latest scheduled cutoff at or before now, if it is after the last run's; all
// times are Beijing time.
func TestScheduleDue(t *testing.T) {
	monthly := settings.Settlement{Schedule: settings.ScheduleMonthly, Day: 1, Hour: 2}
	for _, c := range []struct {
		name      string
		s         settings.Settlement
		last, now string // "" last: no run yet
		want      string // "" means not due
	}{
		{"first run ever", monthly, "", "2026-03-15 10:00", "2026-03-01 02:00"},
		{"nothing new within the month", monthly, "2026-03-01 02:00", "2026-03-31 23:59", ""},
		{"a minute early", monthly, "2026-03-01 02:00", "2026-04-01 01:59", ""},
		{"on the hour", monthly, "2026-03-01 02:00", "2026-04-01 02:00", "2026-04-01 02:00"},
		{"a manual run mid-month does not delay the next", monthly, "2026-03-20 15:00", "2026-04-01 03:00", "2026-04-01 02:00"},
		{"already run", monthly, "2026-04-01 02:00", "2026-04-01 05:00", ""},
		{"down for months: only the latest", monthly, "2026-01-01 02:00", "2026-04-10 00:00", "2026-04-01 02:00"},
		{"before New Year's run: December", monthly, "2025-11-01 02:00", "2026-01-01 01:00", "2025-12-01 02:00"},
		{"day 28 at 23:00 in February", settings.Settlement{Schedule: "monthly", Day: 28, Hour: 23}, "2026-01-28 23:00", "2026-02-28 22:59", ""},
		{"day 28 at 23:00 on time", settings.Settlement{Schedule: "monthly", Day: 28, Hour: 23}, "2026-01-28 23:00", "2026-02-28 23:00", "2026-02-28 23:00"},
		{"quarterly within Q2", settings.Settlement{Schedule: "quarterly", Day: 5, Hour: 0}, "2026-01-05 00:00", "2026-05-20 12:00", "2026-04-05 00:00"},
		{"quarterly before Q2's day", settings.Settlement{Schedule: "quarterly", Day: 5, Hour: 0}, "2025-10-05 00:00", "2026-04-04 23:00", "2026-01-05 00:00"},
		{"quarterly across the year", settings.Settlement{Schedule: "quarterly", Day: 5, Hour: 0}, "", "2026-01-04 00:00", "2025-10-05 00:00"},
		{"quarterly not again", settings.Settlement{Schedule: "quarterly", Day: 5, Hour: 0}, "2026-10-05 00:00", "2026-12-31 23:00", ""},
		{"daily before the hour: yesterday", settings.Settlement{Schedule: "daily", Day: 1, Hour: 2}, "2026-03-08 02:00", "2026-03-10 01:00", "2026-03-09 02:00"},
		{"daily at the hour", settings.Settlement{Schedule: "daily", Day: 1, Hour: 2}, "2026-03-09 02:00", "2026-03-10 02:00", "2026-03-10 02:00"},
		{"daily done", settings.Settlement{Schedule: "daily", Day: 1, Hour: 2}, "2026-03-10 02:00", "2026-03-10 23:59", ""},
		// Midnight in Beijing is 16:00 UTC the day before: the day is Beijing's.
		{"daily at midnight Beijing", settings.Settlement{Schedule: "daily", Day: 1, Hour: 0}, "2026-03-09 00:00", "2026-03-10 00:30", "2026-03-10 00:00"},
		{"on request is never due", settings.Settlement{Schedule: "on_request", Day: 1, Hour: 2}, "", "2026-03-10 02:00", ""},
	} {
		var last time.Time
		if c.last != "" {
			last = cst(t, c.last)
		}
		got, ok := c.s.Due(last, cst(t, c.now))
		switch {
		case c.want == "" && ok:
			t.Errorf("%s: due at %s, want not due", c.name, got.In(settings.Shanghai).Format("2006-01-02 15:04"))
		case c.want != "" && (!ok || !got.Equal(cst(t, c.want))):
			t.Errorf("%s: %v %s, want %s", c.name, ok, got.In(settings.Shanghai).Format("2006-01-02 15:04"), c.want)
		case ok && got.Location() != time.UTC:
			t.Errorf("%s: cutoff in %v, want UTC", c.name, got.Location())
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	for _, c := range []struct {
		s    settings.Settlement
		code string
	}{
		{settings.DefaultSettlement(), ""},
		{settings.Settlement{Schedule: "quarterly", Day: 28, Hour: 23}, ""},
		{settings.Settlement{Schedule: "weekly", Day: 1, Hour: 2}, "invalid_schedule"},
		{settings.Settlement{Schedule: "monthly", Day: 29, Hour: 2}, "invalid_day"},
		{settings.Settlement{Schedule: "monthly", Day: 0, Hour: 2}, "invalid_day"},
		{settings.Settlement{Schedule: "daily", Day: 1, Hour: 24}, "invalid_hour"},
		{settings.Settlement{Schedule: "daily", Day: 1, Hour: -1}, "invalid_hour"},
	} {
		err := c.s.Validate()
		if (c.code == "" && err != nil) || (c.code != "" && !errs.Is(err, c.code)) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.code)
		}
	}
	if d := settings.DefaultSettlement(); d.Schedule != "monthly" || d.Day != 1 || d.Hour != 2 {
		t.Errorf("default %+v", d)
	}
}
