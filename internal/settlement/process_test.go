package settlement_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// Two app processes settle one PostgreSQL database at the same moment (`fenxiao settle`, as a
// cron job on two nodes would): each commission is settled once. With the same cutoff they share
// one run; with different cutoffs each settles what the other did not take.
func TestTwoProcessesSettleOnce(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("several app nodes need PostgreSQL: set " + dbtest.EnvURL)
	}
	bin := filepath.Join(t.TempDir(), "fenxiao")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/fenxiao/fenxiao/cmd/fenxiao").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cutoff := time.Now().UTC().Truncate(time.Second).Add(-time.Minute)
	for _, c := range []struct {
		name    string
		cutoffs [2]time.Time
	}{
		{"same cutoff", [2]time.Time{cutoff, cutoff}},
		{"different cutoffs", [2]time.Time{cutoff, cutoff.Add(-time.Second)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newShop(t)
			bulk(t, s.DB, 2000, 2, 3, s.DB.Now()) // 12,000 commissions, settleable long before the cutoffs
			var cmds [2]*exec.Cmd
			var outs [2]bytes.Buffer
			for i, at := range c.cutoffs {
				cmds[i] = exec.Command(bin, "settle", "--database-url", s.DB.URL, "--cutoff", at.Format(time.RFC3339), "--json", "--log-level", "warn")
				cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
			}
			for _, cmd := range cmds {
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
			}
			var runs []settlement.Run
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Fatalf("process %d: %v\n%s", i, err, outs[i].String())
				}
				var r settlement.Run
				if err := json.Unmarshal(outs[i].Bytes(), &r); err != nil || r.Status != settlement.Completed {
					t.Fatalf("process %d: %v %s", i, err, outs[i].String())
				}
				runs = append(runs, r)
			}
			if runs[0].ID == runs[1].ID {
				runs = runs[:1]
			} else if c.cutoffs[0] == c.cutoffs[1] {
				t.Fatalf("one cutoff made two runs: %+v", runs)
			}
			t.Logf("runs: %+v", runs)
			settledOnce(t, s, runs...)
		})
	}
}

// Two `fenxiao serve` nodes start against one PostgreSQL database while a scheduled settlement is
// due: the lease table lets one node run the settlement job and the run's scope key would stop a
// second run anyway. Each commission is settled exactly once.
func TestTwoServeNodesSettleOnce(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("several app nodes need PostgreSQL: set " + dbtest.EnvURL)
	}
	bin := filepath.Join(t.TempDir(), "fenxiao")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/fenxiao/fenxiao/cmd/fenxiao").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := newShop(t)
	bulk(t, s.DB, 2000, 2, 3, s.DB.Now()) // settleable months before today's scheduled cutoff
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		return settings.SaveSettlement(ctx, tx, settings.Settlement{Schedule: settings.ScheduleDaily, Day: 1, Hour: 0})
	})
	if err != nil {
		t.Fatal(err)
	}
	var nodes [2]*exec.Cmd
	var outs [2]bytes.Buffer
	for i := range nodes {
		nodes[i] = exec.Command(bin, "serve", "--database-url", s.DB.URL, "--addr", "127.0.0.1:0", "--log-level", "warn")
		nodes[i].Stdout, nodes[i].Stderr = &outs[i], &outs[i]
		if err := nodes[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	stop := func() {
		for i, n := range nodes {
			_ = n.Process.Signal(syscall.SIGTERM)
			if err := n.Wait(); err != nil {
				t.Errorf("node %d: %v\n%s", i, err, outs[i].String())
			}
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		p, err := s.Settlement.ListRuns(ctx, 1, 10)
		if err != nil {
			stop()
			t.Fatal(err)
		}
		if len(p.Items) > 0 && p.Items[0].Status == settlement.Completed {
			break
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("no completed settlement run from the two nodes: %+v\n%s\n%s", p.Items, outs[0].String(), outs[1].String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // let a second node's attempt, if any, finish before stopping
	stop()
	p, err := s.Settlement.ListRuns(ctx, 1, 10)
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("runs: %+v %v (want exactly one)", p.Items, err)
	}
	settledOnce(t, s, p.Items[0])
}
