package settings

import (
	"context"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Settlement schedules (DESIGN.md §5): when settleable commission moves from frozen to available.
const (
	ScheduleMonthly   = "monthly"    // on Day of every month at Hour
	ScheduleQuarterly = "quarterly"  // on Day of January, April, July and October at Hour
	ScheduleDaily     = "daily"      // every day at Hour
	ScheduleOnRequest = "on_request" // never by itself: a distributor asks and is settled at once
)

// Shanghai is the zone settlement schedules are read in. Mainland China has kept UTC+8 without
// daylight saving since 1991, so the fixed zone is exact when the system has no tz database.
var Shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// Settlement is when settlement runs happen.
type Settlement struct {
	Schedule string `json:"schedule" enum:"monthly,quarterly,daily,on_request" doc:"monthly, quarterly or daily runs settle everyone; on_request settles a distributor when they ask"`
	// Day is capped at 28 so every month has it.
	Day  int `json:"day" minimum:"1" maximum:"28" doc:"day of the month (monthly) or of the quarter's first month (quarterly)"`
	Hour int `json:"hour" minimum:"0" maximum:"23" doc:"hour of the run, Asia/Shanghai"`
}

// DefaultSettlement settles once a month, on the 1st at 02:00 Beijing time.
func DefaultSettlement() Settlement {
	return Settlement{Schedule: ScheduleMonthly, Day: 1, Hour: 2}
}

// Validate reports the first wrong field.
func (s Settlement) Validate() error {
	switch s.Schedule {
	case ScheduleMonthly, ScheduleQuarterly, ScheduleDaily, ScheduleOnRequest:
	default:
		return errs.Field("settlement.schedule", "invalid_schedule", "schedule must be \"monthly\", \"quarterly\", \"daily\" or \"on_request\", not %q", s.Schedule)
	}
	if s.Day < 1 || s.Day > 28 {
		return errs.Field("settlement.day", "invalid_day", "day must be 1 to 28 (every month has it), not %d", s.Day)
	}
	if s.Hour < 0 || s.Hour > 23 {
		return errs.Field("settlement.hour", "invalid_hour", "hour must be 0 to 23 (Asia/Shanghai), not %d", s.Hour)
	}
	return nil
}

// Due returns the latest scheduled cutoff at or before now, and ok when it is after last (the
// cutoff of the last scheduled run; zero when there was none). A node that was down over several
// cutoffs gets only the latest: one run then settles everything that became settleable meanwhile.
// An on_request schedule is never due.
func (s Settlement) Due(last, now time.Time) (cutoff time.Time, ok bool) {
	n := now.In(Shanghai)
	var c time.Time
	switch s.Schedule {
	case ScheduleDaily:
		c = time.Date(n.Year(), n.Month(), n.Day(), s.Hour, 0, 0, 0, Shanghai)
		if c.After(n) {
			c = c.AddDate(0, 0, -1) // no daylight saving in Shanghai: always 24 hours earlier
		}
	case ScheduleMonthly:
		c = time.Date(n.Year(), n.Month(), s.Day, s.Hour, 0, 0, 0, Shanghai)
		if c.After(n) {
			c = time.Date(n.Year(), n.Month()-1, s.Day, s.Hour, 0, 0, 0, Shanghai)
		}
	case ScheduleQuarterly:
		first := time.Month((int(n.Month())-1)/3*3 + 1)
		c = time.Date(n.Year(), first, s.Day, s.Hour, 0, 0, 0, Shanghai)
		if c.After(n) {
			c = time.Date(n.Year(), first-3, s.Day, s.Hour, 0, 0, 0, Shanghai) // month ≤ 0 rolls back a year
		}
	default:
		return time.Time{}, false
	}
	if !c.After(last) {
		return time.Time{}, false
	}
	return c.UTC(), true
}

const keySettlement = "settlement"

// LoadSettlement returns the settlement settings, or the defaults when never saved.
func LoadSettlement(ctx context.Context, q db.Querier) (Settlement, error) {
	s := DefaultSettlement()
	err := load(ctx, q, keySettlement, &s)
	return s, err
}

// SaveSettlement validates and stores s inside tx, with an audit entry. The next scheduled run is
// judged by the new schedule; runs already made stay as they are.
func SaveSettlement(ctx context.Context, tx *db.Tx, s Settlement) error {
	if err := s.Validate(); err != nil {
		return err
	}
	before, err := LoadSettlement(ctx, tx)
	if err != nil {
		return err
	}
	return save(ctx, tx, keySettlement, before, s)
}
