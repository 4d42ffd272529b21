package commission

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// The worked-example plan from DESIGN §4.
var plan = Plan{Version: 1, L1DirectBP: 1000, L2DirectBP: 800, L1OverrideBP: 300}

const (
	alice int64 = 1 // level 1
	bob   int64 = 2 // level 2 under alice
)

func viaBob(lines ...Line) Order {
	return Order{Lines: lines, DistributorID: bob, DistributorLevel: 2, ParentID: alice}
}

func viaAlice(lines ...Line) Order {
	return Order{Lines: lines, DistributorID: alice, DistributorLevel: 1}
}

func TestCompute(t *testing.T) {
	excluded := ProductRules{Excluded: true}
	withDiscount := func(o Order, d int64) Order { o.DiscountFen = d; return o }
	tests := []struct {
		name  string
		order Order
		want  []Commission
	}{
		{
			// base 2×9990 = 19980; Bob 19980×800/10000 = 1598.4 → 1598;
			// Alice 19980×300/10000 = 599.4 → 599.
			name:  "worked: level 2 with parent",
			order: viaBob(Line{UnitPriceFen: 9990, Quantity: 2}),
			want: []Commission{
				{LineIndex: 0, DistributorID: bob, Role: RoleDirect, BaseFen: 19980, RateBP: 800, Quantity: 2, AmountFen: 1598},
				{LineIndex: 0, DistributorID: alice, Role: RoleOverride, BaseFen: 19980, RateBP: 300, Quantity: 2, AmountFen: 599},
			},
		},
		{
			// bases 5190 and 3312 (see TestBases); 5190×1000/10000 = 519;
			// 3312×1000/10000 = 331.2 → 331; total 850.
			name: "worked: level 1 with coupon",
			order: withDiscount(viaAlice(
				Line{UnitPriceFen: 5800, Quantity: 1},
				Line{UnitPriceFen: 1234, Quantity: 3}), 1000),
			want: []Commission{
				{LineIndex: 0, DistributorID: alice, Role: RoleDirect, BaseFen: 5190, RateBP: 1000, Quantity: 1, AmountFen: 519},
				{LineIndex: 1, DistributorID: alice, Role: RoleDirect, BaseFen: 3312, RateBP: 1000, Quantity: 3, AmountFen: 331},
			},
		},
		{
			// A level 2 without a parent earns its own rate only: 19980×800/10000 → 1598.
			name:  "level 2 without parent",
			order: Order{Lines: []Line{{UnitPriceFen: 9990, Quantity: 2}}, DistributorID: bob, DistributorLevel: 2},
			want: []Commission{
				{LineIndex: 0, DistributorID: bob, Role: RoleDirect, BaseFen: 19980, RateBP: 800, Quantity: 2, AmountFen: 1598},
			},
		},
		{
			name:  "no distributor",
			order: Order{Lines: []Line{{UnitPriceFen: 9990, Quantity: 2}}},
			want:  nil,
		},
		{
			// 999×2500/10000 = 249.75 → 249.
			name:  "product rate override",
			order: viaAlice(Line{UnitPriceFen: 999, Quantity: 1, Rules: ProductRules{L1Direct: &Rule{BP: 2500}}}),
			want: []Commission{
				{LineIndex: 0, DistributorID: alice, Role: RoleDirect, BaseFen: 999, RateBP: 2500, Quantity: 1, AmountFen: 249},
			},
		},
		{
			// Bob 150×3 = 450 fixed; Alice keeps the plan rate: 3000×300/10000 = 90.
			name: "fixed per unit direct, rate override",
			order: viaBob(Line{UnitPriceFen: 1000, Quantity: 3,
				Rules: ProductRules{L2Direct: &Rule{FixedFenPerUnit: 150}}}),
			want: []Commission{
				{LineIndex: 0, DistributorID: bob, Role: RoleDirect, BaseFen: 3000, FixedFenPerUnit: 150, Quantity: 3, AmountFen: 450},
				{LineIndex: 0, DistributorID: alice, Role: RoleOverride, BaseFen: 3000, RateBP: 300, Quantity: 3, AmountFen: 90},
			},
		},
		{
			// base 200; Bob 80×2 = 160; Alice 50×2 = 100 capped at 200−160 = 40.
			name: "fixed override capped at base minus direct",
			order: viaBob(Line{UnitPriceFen: 100, Quantity: 2, Rules: ProductRules{
				L2Direct: &Rule{Fixed: true, FixedFenPerUnit: 80}, L1Override: &Rule{Fixed: true, FixedFenPerUnit: 50}}}),
			want: []Commission{
				{LineIndex: 0, DistributorID: bob, Role: RoleDirect, BaseFen: 200, FixedFenPerUnit: 80, Quantity: 2, AmountFen: 160},
				{LineIndex: 0, DistributorID: alice, Role: RoleOverride, BaseFen: 200, FixedFenPerUnit: 50, Quantity: 2, AmountFen: 40},
			},
		},
		{
			// 150×1 = 150 capped at base 100.
			name: "fixed direct capped at base",
			order: viaAlice(Line{UnitPriceFen: 100, Quantity: 1,
				Rules: ProductRules{L1Direct: &Rule{FixedFenPerUnit: 150}}}),
			want: []Commission{
				{LineIndex: 0, DistributorID: alice, Role: RoleDirect, BaseFen: 100, FixedFenPerUnit: 150, Quantity: 1, AmountFen: 100},
			},
		},
		{
			// Bob 120 capped at 100; Alice 100×300/10000 = 3 capped at 100−100 = 0 → omitted.
			name: "direct takes the whole base, override omitted",
			order: viaBob(Line{UnitPriceFen: 100, Quantity: 1,
				Rules: ProductRules{L2Direct: &Rule{FixedFenPerUnit: 120}}}),
			want: []Commission{
				{LineIndex: 0, DistributorID: bob, Role: RoleDirect, BaseFen: 100, FixedFenPerUnit: 120, Quantity: 1, AmountFen: 100},
			},
		},
		{
			// 2^62 per unit × 4 overflows int64; the exact product is still above the
			// base 4×1000 = 4000, so the cap gives 4000.
			name: "fixed product beyond int64 is capped, not wrapped",
			order: viaAlice(Line{UnitPriceFen: 1000, Quantity: 4,
				Rules: ProductRules{L1Direct: &Rule{FixedFenPerUnit: 1 << 62}}}),
			want: []Commission{
				{LineIndex: 0, DistributorID: alice, Role: RoleDirect, BaseFen: 4000, FixedFenPerUnit: 1 << 62, Quantity: 4, AmountFen: 4000},
			},
		},
		{
			// discount 300 over 1000 and 2000: 300×1000/3000 = 100, last 200; bases 900
			// and 1800. The excluded line still absorbs its share but earns nothing.
			// Bob 1800×800/10000 = 144; Alice 1800×300/10000 = 54.
			name: "excluded product",
			order: withDiscount(viaBob(
				Line{UnitPriceFen: 1000, Quantity: 1, Rules: excluded},
				Line{UnitPriceFen: 2000, Quantity: 1}), 300),
			want: []Commission{
				{LineIndex: 1, DistributorID: bob, Role: RoleDirect, BaseFen: 1800, RateBP: 800, Quantity: 1, AmountFen: 144},
				{LineIndex: 1, DistributorID: alice, Role: RoleOverride, BaseFen: 1800, RateBP: 300, Quantity: 1, AmountFen: 54},
			},
		},
		{
			// 12×800/10000 = 0.96 → 0 and 12×300/10000 = 0.36 → 0: both omitted.
			name:  "amounts truncated to zero are omitted",
			order: viaBob(Line{UnitPriceFen: 12, Quantity: 1}),
			want:  nil,
		},
		{
			name: "fixed zero is omitted",
			order: viaAlice(Line{UnitPriceFen: 5000, Quantity: 1,
				Rules: ProductRules{L1Direct: &Rule{Fixed: true}}}),
			want: nil,
		},
		{
			// 1/1/1 with discount 2: shares 0, 1, 1 (see TestAllocateDiscount); bases
			// 1, 0, 0; 1×1000/10000 → 0. Nothing to pay.
			name: "uneven discount on tiny lines",
			order: withDiscount(viaAlice(
				Line{UnitPriceFen: 1, Quantity: 1}, Line{UnitPriceFen: 1, Quantity: 1}, Line{UnitPriceFen: 1, Quantity: 1}), 2),
			want: nil,
		},
		{
			// 1/1/1 at a fixed 1 fen per unit, discount 2: bases 1, 0, 0, so only line 0
			// pays: min(1×1, 1) = 1; the fixed amounts on lines 1 and 2 are capped to 0.
			name: "uneven discount caps fixed amounts",
			order: withDiscount(viaAlice(
				Line{UnitPriceFen: 1, Quantity: 1, Rules: ProductRules{L1Direct: &Rule{FixedFenPerUnit: 1}}},
				Line{UnitPriceFen: 1, Quantity: 1, Rules: ProductRules{L1Direct: &Rule{FixedFenPerUnit: 1}}},
				Line{UnitPriceFen: 1, Quantity: 1, Rules: ProductRules{L1Direct: &Rule{FixedFenPerUnit: 1}}}), 2),
			want: []Commission{
				{LineIndex: 0, DistributorID: alice, Role: RoleDirect, BaseFen: 1, FixedFenPerUnit: 1, Quantity: 1, AmountFen: 1},
			},
		},
		{
			// Everything discounted: bases 0, even a fixed amount is capped to 0.
			name: "discount = total",
			order: withDiscount(viaBob(Line{UnitPriceFen: 500, Quantity: 2,
				Rules: ProductRules{L2Direct: &Rule{FixedFenPerUnit: 100}}}), 1000),
			want: nil,
		},
		{
			// 2^62 × 1 line: 2^62×800/10000 = 368934881474191032.32 → 368934881474191032;
			// 2^62×300/10000 = 138350580552821637.12 → 138350580552821637. The product
			// base×bp exceeds int64, so this needs the 128-bit path.
			name:  "huge base",
			order: viaBob(Line{UnitPriceFen: 1 << 62, Quantity: 1}),
			want: []Commission{
				{LineIndex: 0, DistributorID: bob, Role: RoleDirect, BaseFen: 1 << 62, RateBP: 800, Quantity: 1, AmountFen: 368934881474191032},
				{LineIndex: 0, DistributorID: alice, Role: RoleOverride, BaseFen: 1 << 62, RateBP: 300, Quantity: 1, AmountFen: 138350580552821637},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(tt.order, plan)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Compute =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestComputeInvalid(t *testing.T) {
	ok := Line{UnitPriceFen: 100, Quantity: 1}
	tests := []struct {
		name  string
		order Order
		plan  Plan
	}{
		{"zero quantity", viaAlice(Line{UnitPriceFen: 100}), plan},
		{"negative quantity", viaAlice(Line{UnitPriceFen: 100, Quantity: -1}), plan},
		{"negative price", viaAlice(Line{UnitPriceFen: -1, Quantity: 1}), plan},
		{"negative discount", Order{Lines: []Line{ok}, DiscountFen: -1, DistributorID: alice, DistributorLevel: 1}, plan},
		{"discount above order amount", Order{Lines: []Line{ok}, DiscountFen: 101, DistributorID: alice, DistributorLevel: 1}, plan},
		{"level 0", Order{Lines: []Line{ok}, DistributorID: alice}, plan},
		{"level 3", Order{Lines: []Line{ok}, DistributorID: alice, DistributorLevel: 3}, plan},
		{"line amount overflows", viaAlice(Line{UnitPriceFen: math.MaxInt64, Quantity: 2}), plan},
		{"order amount overflows", viaAlice(Line{UnitPriceFen: math.MaxInt64/2 + 1, Quantity: 1},
			Line{UnitPriceFen: math.MaxInt64/2 + 1, Quantity: 1}), plan},
		{"invalid plan rate", viaAlice(ok), Plan{L1DirectBP: 10001}},
		{"invalid plan sum", viaAlice(ok), Plan{L2DirectBP: 9000, L1OverrideBP: 1001}},
		{"invalid product rule", viaAlice(Line{UnitPriceFen: 100, Quantity: 1,
			Rules: ProductRules{L1Direct: &Rule{BP: -1}}}), plan},
		// 9800 + plan 300 = 10100 bp: rejected even on a level-1 sale, because the
		// product is misconfigured for this plan whoever sells it.
		{"product rate plus plan rate above 100%", viaAlice(Line{UnitPriceFen: 100, Quantity: 1,
			Rules: ProductRules{L2Direct: &Rule{BP: 9800}}}), plan},
		{"invalid rule on excluded product", viaAlice(Line{UnitPriceFen: 100, Quantity: 1,
			Rules: ProductRules{Excluded: true, L1Direct: &Rule{FixedFenPerUnit: -1}}}), plan},
		{"level 1 with a parent", Order{Lines: []Line{ok}, DistributorID: alice, DistributorLevel: 1, ParentID: 9}, plan},
		{"parent without distributor", Order{Lines: []Line{ok}, ParentID: alice}, plan},
		{"own parent", Order{Lines: []Line{ok}, DistributorID: bob, DistributorLevel: 2, ParentID: bob}, plan},
		{"negative distributor", Order{Lines: []Line{ok}, DistributorID: -1, DistributorLevel: 1}, plan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(tt.order, tt.plan)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Compute = %v, %v; want ErrInvalid", got, err)
			}
			if got != nil {
				t.Fatalf("Compute returned commissions %v with an error", got)
			}
			// ForLine shares the validation.
			if len(tt.order.Lines) > 0 {
				if _, err := ForLine(tt.order, 0, 0, 0, tt.plan); !errors.Is(err, ErrInvalid) {
					t.Fatalf("ForLine err = %v, want ErrInvalid", err)
				}
			}
		})
	}
}

func TestForLineInvalid(t *testing.T) {
	o := viaBob(Line{UnitPriceFen: 9990, Quantity: 2})
	tests := []struct {
		name      string
		line      int
		base, qty int64
	}{
		{"negative line index", -1, 19980, 2},
		{"line index past the end", 1, 19980, 2},
		{"negative base", 0, -1, 2},
		{"base above line amount", 0, 19981, 2},
		{"negative remaining quantity", 0, 19980, -1},
		{"remaining above quantity", 0, 19980, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ForLine(o, tt.line, tt.base, tt.qty, plan); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
