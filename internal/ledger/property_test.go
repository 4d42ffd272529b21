package ledger_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"pgregory.net/rapid"
)

var (
	distributorKinds = []ledger.Kind{ledger.Frozen, ledger.Available, ledger.Withdrawing, ledger.PaidOut}
	merchantKinds    = []ledger.Kind{ledger.CommissionExpense, ledger.PayoutClearing, ledger.Fees}
)

type acct struct {
	owner int64
	kind  ledger.Kind
}

// Random batches of postings, some repeating earlier keys, some unbalanced so that their whole
// transaction rolls back, keep every transaction summing to zero and every cached balance equal
// to the sum of its entries, and match a model kept in Go.
func TestPostingsKeepInvariants(t *testing.T) {
	d, l := open(t)
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		// Fresh distributors each run, so their first postings open accounts (sometimes in a
		// transaction that rolls back, leaving stale ids in the cache).
		owners := []int64{0, addDistributor(t, d, 0), addDistributor(t, d, 0), addDistributor(t, d, 0)}
		model := map[acct]int64{}
		for _, k := range merchantKinds {
			model[acct{0, k}] = merchantFen(t, d, k)
		}
		keys := map[string]int64{} // committed key → transaction id
		var used []string

		genEntry := func(label string, fen int64) ledger.Entry {
			o := rapid.SampledFrom(owners).Draw(rt, label+"_owner")
			kinds := distributorKinds
			if o == 0 {
				kinds = merchantKinds
			}
			return e(o, rapid.SampledFrom(kinds).Draw(rt, label+"_kind"), fen)
		}
		for step := range rapid.IntRange(1, 8).Draw(rt, "batches") {
			type planned struct {
				p        ledger.Posting
				balanced bool
			}
			var batch []planned
			for i := range rapid.IntRange(1, 3).Draw(rt, "postings") {
				var p ledger.Posting
				if len(used) > 0 && rapid.IntRange(0, 4).Draw(rt, "repeat") == 0 {
					p.Key = rapid.SampledFrom(used).Draw(rt, "repeated_key")
				} else {
					p.Key = fmt.Sprintf("run%d:step%d:%d", run, step, i)
				}
				p.Cause, p.CauseID = "test", p.Key
				var sum int64
				for range rapid.IntRange(1, 6).Draw(rt, "entries") {
					fen := rapid.Int64Range(-10_000, 10_000).Draw(rt, "fen")
					p.Entries = append(p.Entries, genEntry("entry", fen))
					sum += fen
				}
				p.Entries = append(p.Entries, genEntry("balancing", -sum))
				balanced := rapid.IntRange(0, 9).Draw(rt, "unbalanced") != 0
				if !balanced {
					j := rapid.IntRange(0, len(p.Entries)-1).Draw(rt, "skewed")
					p.Entries[j].AmountFen += rapid.SampledFrom([]int64{-1, 1, 7}).Draw(rt, "skew")
				}
				batch = append(batch, planned{p, balanced})
			}

			pending := map[string]int64{}
			next := maps(model)
			err := d.InTx(ctx, func(tx *db.Tx) error {
				for _, b := range batch {
					id, posted, err := l.Post(ctx, tx, b.p)
					if !b.balanced {
						if err == nil {
							return fmt.Errorf("unbalanced posting %s was accepted", b.p.Key)
						}
						return errRolledBack
					}
					if err != nil {
						return err
					}
					prev, seen := keys[b.p.Key]
					if !seen {
						prev, seen = pending[b.p.Key]
					}
					if posted == seen || (seen && id != prev) {
						return fmt.Errorf("key %s: id %d posted %v; earlier id %d (seen %v)", b.p.Key, id, posted, prev, seen)
					}
					if posted {
						pending[b.p.Key] = id
						for _, x := range b.p.Entries {
							next[acct{x.OwnerID, x.Kind}] += x.AmountFen
						}
					}
				}
				return nil
			})
			if errors.Is(err, errRolledBack) {
				continue // the model stays as it was
			}
			if err != nil {
				rt.Fatal(err)
			}
			model = next
			for k, id := range pending {
				keys[k] = id
				used = append(used, k)
			}
		}

		for _, o := range owners[1:] {
			want := ledger.Balance{FrozenFen: model[acct{o, ledger.Frozen}], AvailableFen: model[acct{o, ledger.Available}],
				WithdrawingFen: model[acct{o, ledger.Withdrawing}], PaidOutFen: model[acct{o, ledger.PaidOut}]}
			if got := balance(t, d, l, o); got != want {
				rt.Fatalf("distributor %d: %+v, model %+v", o, got, want)
			}
		}
		for _, k := range merchantKinds {
			if got, want := merchantFen(t, d, k), model[acct{0, k}]; got != want {
				rt.Fatalf("merchant %s: %d, model %d", k, got, want)
			}
		}
		if b := breaches(t, d); len(b) > 0 {
			rt.Fatalf("breaches: %+v", b)
		}
	})
}

var errRolledBack = errors.New("rolled back on purpose")

func maps(m map[acct]int64) map[acct]int64 {
	out := make(map[acct]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Hand-made corruption is reported by `fenxiao verify` under the check's name.
func TestVerifyFindsCorruption(t *testing.T) {
	const (
		sums    = "every ledger transaction's entries sum to zero"
		cached  = "every ledger account's cached balance equals the sum of its entries"
		owners  = "every ledger entry is on an account of its owner, of a kind that owner may hold"
		missing = "every distributor ledger account belongs to an existing distributor"
	)
	tests := []struct {
		name    string
		corrupt string // $1 is Bob, $2 is Alice; or $1 alone an id no distributor has
		want    []string
	}{
		{"cached balance off by one fen", `UPDATE ledger_accounts SET balance_fen = balance_fen + 1 WHERE owner_id = $1 AND kind = 'frozen' AND $2 <> 0`,
			[]string{cached}},
		{"an entry changed after the fact", `UPDATE ledger_entries SET amount_fen = amount_fen + 1 WHERE owner_id = $1 AND $2 <> 0`,
			[]string{cached, sums}},
		{"an entry credited to another owner", `UPDATE ledger_entries SET owner_id = $2 WHERE owner_id = $1`,
			[]string{owners}},
		{"an account for nobody", `INSERT INTO ledger_accounts (owner_id, kind) VALUES ($1, 'frozen')`,
			[]string{missing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, l := open(t)
			alice := addDistributor(t, d, 0)
			bob := addDistributor(t, d, alice)
			mustPost(t, d, l, ledger.Posting{Key: "order:1", Cause: "order_payment", CauseID: "1",
				Entries: []ledger.Entry{e(bob, frozen, 1598), e(alice, frozen, 599), e(0, expense, -2197)}})
			if b := breaches(t, d); len(b) > 0 {
				t.Fatalf("breaches before corruption: %+v", b)
			}
			args := []any{bob, alice}
			if strings.Count(tt.corrupt, "$") == 1 {
				args = []any{bob + alice + 1000}
			}
			if _, err := d.W.ExecContext(ctx, tt.corrupt, args...); err != nil {
				t.Fatal(err)
			}
			got := breaches(t, d)
			if names := checkNames(got); !slices.Equal(names, tt.want) {
				t.Fatalf("breaches %v, want %v (%+v)", names, tt.want, got)
			}
			t.Log(got)
		})
	}
}
