package main

import (
	"strings"
	"testing"
)

func TestSettleCommand(t *testing.T) {
	flags := dbFlags(t)
	out, err := runCmd(t, append([]string{"settle"}, flags...)...)
	if err != nil || !strings.Contains(out, "completed, 0 of 0 distributors") {
		t.Fatalf("settle: %v\n%s", err, out)
	}
	// That run for everyone, at now, is later than the schedule's latest cutoff: nothing is due.
	out, err = runCmd(t, append([]string{"settle", "--due"}, flags...)...)
	if err != nil || !strings.Contains(out, "no settlement is due") {
		t.Fatalf("settle --due: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{"--cutoff", "tomorrow"}, {"--due", "--distributor-id", "3"}, {"--distributor-id", "999"}} {
		if out, err := runCmd(t, append(append([]string{"settle"}, bad...), flags...)...); err == nil {
			t.Errorf("settle %v accepted:\n%s", bad, out)
		}
	}
	if out, err := runCmd(t, "settle", "--help"); err != exitError(0) || !strings.Contains(out, "--due") {
		t.Errorf("settle --help: %v\n%s", err, out)
	}
}
