package commission

import "testing"

type roleKey struct {
	id   int64
	role Role
}

// amounts indexes one line's commissions by beneficiary and role; an omitted
// commission reads as 0, exactly as ForLine's contract says.
func amounts(cs []Commission) map[roleKey]int64 {
	m := map[roleKey]int64{}
	for _, c := range cs {
		m[roleKey{c.DistributorID, c.Role}] += c.AmountFen
	}
	return m
}

// TestRefundSteps refunds a line step by step down to the steps' last remaining
// quantity and checks each reversal (old − new) and that the reversals add up to the
// original commission when everything is refunded.
func TestRefundSteps(t *testing.T) {
	bobD, aliceO, aliceD := roleKey{bob, RoleDirect}, roleKey{alice, RoleOverride}, roleKey{alice, RoleDirect}
	type step struct {
		remaining int64
		reversal  map[roleKey]int64
	}
	tests := []struct {
		name     string
		order    Order
		line     int
		original map[roleKey]int64
		steps    []step
	}{
		{
			// DESIGN §4: remaining base 19980×1/2 = 9990; Bob 9990×800/10000 = 799.2 → 799,
			// reversal 1598−799 = 799; Alice 9990×300/10000 = 299.7 → 299, reversal
			// 599−299 = 300. Then the last unit: reversals 799 and 299; totals 1598, 599.
			name:     "worked: Bob's line, one unit then the other",
			order:    viaBob(Line{UnitPriceFen: 9990, Quantity: 2}),
			original: map[roleKey]int64{bobD: 1598, aliceO: 599},
			steps: []step{
				{1, map[roleKey]int64{bobD: 799, aliceO: 300}},
				{0, map[roleKey]int64{bobD: 799, aliceO: 299}},
			},
		},
		{
			// base 9999: Bob 799.92 → 799, Alice 299.97 → 299.
			// 2 left: base 6666: Bob 533.28 → 533 (rev 266), Alice 199.98 → 199 (rev 100).
			// 1 left: base 3333: Bob 266.64 → 266 (rev 267), Alice 99.99 → 99 (rev 100).
			// 0 left: Bob rev 266, Alice rev 99. Totals 266+267+266 = 799, 100+100+99 = 299.
			name:     "three units refunded one by one",
			order:    viaBob(Line{UnitPriceFen: 3333, Quantity: 3}),
			original: map[roleKey]int64{bobD: 799, aliceO: 299},
			steps: []step{
				{2, map[roleKey]int64{bobD: 266, aliceO: 100}},
				{1, map[roleKey]int64{bobD: 267, aliceO: 100}},
				{0, map[roleKey]int64{bobD: 266, aliceO: 99}},
			},
		},
		{
			// Worked level-1 order, line 1: base 3312, Alice 331.
			// 2 left: base 3312×2/3 = 2208 → 220 (rev 111); 1 left: 1104 → 110 (rev 110);
			// 0 left: rev 110. Total 111+110+110 = 331.
			name: "discounted line",
			order: Order{Lines: []Line{{UnitPriceFen: 5800, Quantity: 1}, {UnitPriceFen: 1234, Quantity: 3}},
				DiscountFen: 1000, DistributorID: alice, DistributorLevel: 1},
			line:     1,
			original: map[roleKey]int64{aliceD: 331},
			steps: []step{
				{2, map[roleKey]int64{aliceD: 111}},
				{1, map[roleKey]int64{aliceD: 110}},
				{0, map[roleKey]int64{aliceD: 110}},
			},
		},
		{
			// Fixed 80 and 50 per unit on 2 × 100: Bob 160, Alice 50×2 = 100 capped at 40.
			// 1 left: base 100, Bob 80 (rev 80), Alice 50 capped at 100−80 = 20 (rev 20).
			// 0 left: rev 80 and 20. Totals 160, 40.
			name: "fixed amounts with the cap",
			order: viaBob(Line{UnitPriceFen: 100, Quantity: 2, Rules: ProductRules{
				L2Direct: &Rule{FixedFenPerUnit: 80}, L1Override: &Rule{FixedFenPerUnit: 50}}}),
			original: map[roleKey]int64{bobD: 160, aliceO: 40},
			steps: []step{
				{1, map[roleKey]int64{bobD: 80, aliceO: 20}},
				{0, map[roleKey]int64{bobD: 80, aliceO: 20}},
			},
		},
		{
			// 5 × 2000 = 10000: Bob 800, Alice 300. Refund 3 at once: base 4000, Bob 320
			// (rev 480), Alice 120 (rev 180). Then the rest: rev 320 and 120.
			name:     "two uneven steps",
			order:    viaBob(Line{UnitPriceFen: 2000, Quantity: 5}),
			original: map[roleKey]int64{bobD: 800, aliceO: 300},
			steps: []step{
				{2, map[roleKey]int64{bobD: 480, aliceO: 180}},
				{0, map[roleKey]int64{bobD: 320, aliceO: 120}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bases, err := Bases(tt.order)
			if err != nil {
				t.Fatal(err)
			}
			base, qty := bases[tt.line], tt.order.Lines[tt.line].Quantity
			full, err := ForLine(tt.order, tt.line, base, qty, plan)
			if err != nil {
				t.Fatal(err)
			}
			prev := amounts(full)
			assertAmounts(t, "original", prev, tt.original)
			reversed := map[roleKey]int64{}
			for _, s := range tt.steps {
				cs, err := ForLine(tt.order, tt.line, base, s.remaining, plan)
				if err != nil {
					t.Fatal(err)
				}
				cur := amounts(cs)
				got := map[roleKey]int64{}
				for k := range prev {
					got[k] = prev[k] - cur[k]
					reversed[k] += got[k]
				}
				assertAmounts(t, "reversal", got, s.reversal)
				prev = cur
			}
			if len(prev) != 0 {
				t.Fatalf("after a full refund commissions remain: %v", prev)
			}
			assertAmounts(t, "total reversed", reversed, tt.original)
		})
	}
}

func assertAmounts(t *testing.T, what string, got, want map[roleKey]int64) {
	t.Helper()
	for k := range got {
		if got[k] != want[k] {
			t.Fatalf("%s: %+v = %d, want %d (got %v, want %v)", what, k, got[k], want[k], got, want)
		}
	}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("%s: %+v = %d, want %d (got %v, want %v)", what, k, got[k], want[k], got, want)
		}
	}
}
