package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/fenxiao/fenxiao/internal/rollup"
)

const rollupSummary = `Recomputes the report rollups from the raw rows (orders, lines, refunds, commissions, ledger
entries, withdrawals) in one transaction. Reports read the rollups, which every payment, refund,
posting and withdrawal keeps up to date as it commits, so a rebuild is needed only to change the
time zone the days are counted in, or to repair rollups that "fenxiao verify" found wrong.

The app may keep running: writes that touch the rollups wait until the rebuild commits, and
reports go on showing the old figures until then. A year of a million orders took 4 minutes
on SQLite and 6 on PostgreSQL (measured on a busy 2-core machine).

  fenxiao rollup rebuild                          same zone (Asia/Shanghai unless changed)
  fenxiao rollup rebuild --zone Asia/Urumqi       count days in another IANA time zone
  fenxiao rollup zone                             print the zone the rollups are drawn in`

func cmdRollup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("rollup rebuild|zone", rollupSummary, stderr)
	var c common
	c.register(fs)
	zone := fs.String("zone", "", "IANA time zone to draw days in, e.g. Asia/Shanghai (default: keep the current one)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if len(args) == 0 || (args[0] != "rebuild" && args[0] != "zone") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return fmt.Errorf("rollup needs a subcommand: rebuild or zone")
	}
	sub := args[0]
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *zone != "" {
		if _, err := rollup.LoadZone(*zone); err != nil {
			return fmt.Errorf("--zone: %w (use an IANA name such as Asia/Shanghai)", err)
		}
	}
	d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, nil); err != nil {
		return err
	}
	if sub == "zone" {
		loc, err := rollup.Zone(ctx, d.R, "")
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, loc.String())
		return nil
	}
	res, err := rollup.Rebuild(ctx, d, *zone)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintf(stdout, "rollups rebuilt in %s (days in %s):\n", res.Duration.Round(time.Millisecond), res.Zone)
	names := make([]string, 0, len(res.Rows))
	for n := range res.Rows {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(stdout, "  %-20s %d rows\n", n, res.Rows[n])
	}
	return nil
}
