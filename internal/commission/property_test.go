package commission

import (
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// Generators produce only valid inputs: the properties are about what valid orders
// pay, and invalid inputs have their own table tests.

// fen draws mostly shop-sized amounts, sometimes huge ones to reach the 128-bit paths.
func fen(t *rapid.T, label string) int64 {
	if rapid.IntRange(0, 9).Draw(t, label+"_huge") == 0 {
		return rapid.Int64Range(0, 1<<50).Draw(t, label)
	}
	return rapid.Int64Range(0, 100_000).Draw(t, label)
}

func genRule(t *rapid.T, label string) *Rule {
	switch rapid.IntRange(0, 3).Draw(t, label+"_kind") {
	case 0:
		return nil
	case 1:
		return &Rule{Fixed: true, FixedFenPerUnit: fen(t, label+"_fixed")}
	default:
		return &Rule{BP: rapid.Int64Range(0, MaxBP).Draw(t, label+"_bp")}
	}
}

func genPlan(t *rapid.T) Plan {
	l2 := rapid.Int64Range(0, MaxBP).Draw(t, "l2_bp")
	return Plan{
		Version:      1,
		L1DirectBP:   rapid.Int64Range(0, MaxBP).Draw(t, "l1_bp"),
		L2DirectBP:   l2,
		L1OverrideBP: rapid.Int64Range(0, MaxBP-l2).Draw(t, "override_bp"),
	}
}

func genRules(t *rapid.T, p Plan) ProductRules {
	r := ProductRules{
		Excluded:   rapid.IntRange(0, 9).Draw(t, "excluded") == 0,
		L1Direct:   genRule(t, "l1"),
		L2Direct:   genRule(t, "l2"),
		L1Override: genRule(t, "override"),
	}
	// Repair a level-2 rate sum above 100% into the largest valid override.
	d, o := effective(r.L2Direct, p.L2DirectBP), effective(r.L1Override, p.L1OverrideBP)
	if !d.IsFixed() && !o.IsFixed() && d.BP+o.BP > MaxBP {
		r.L1Override = &Rule{BP: MaxBP - d.BP}
	}
	return r
}

func genOrder(t *rapid.T, p Plan) Order {
	n := rapid.IntRange(1, 5).Draw(t, "lines")
	o := Order{}
	var total int64
	for range n {
		l := Line{UnitPriceFen: fen(t, "price"), Quantity: rapid.Int64Range(1, 20).Draw(t, "qty"), Rules: genRules(t, p)}
		total += l.UnitPriceFen * l.Quantity // at most 5 × 2^50 × 20: no overflow
		o.Lines = append(o.Lines, l)
	}
	o.DiscountFen = rapid.Int64Range(0, total).Draw(t, "discount")
	switch rapid.IntRange(0, 3).Draw(t, "seller") {
	case 0: // no distributor
	case 1:
		o.DistributorID, o.DistributorLevel = 1, 1
	case 2:
		o.DistributorID, o.DistributorLevel = 2, 2
	case 3:
		o.DistributorID, o.DistributorLevel, o.ParentID = 2, 2, 1
	}
	return o
}

// bigFloorBP is base × bp / 10000 truncated, computed independently with math/big.
func bigFloorBP(base, bp int64) int64 {
	x := new(big.Int).Mul(big.NewInt(base), big.NewInt(bp))
	return x.Quo(x, big.NewInt(MaxBP)).Int64()
}

// Properties (1) and (2): at most the seller and its parent earn, each line pays at
// most its base, no zero rows, and rates are never exceeded.
func TestPropertyBeneficiariesAndBase(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPlan(t)
		o := genOrder(t, p)
		cs, err := Compute(o, p)
		if err != nil {
			t.Fatalf("valid order rejected: %v", err)
		}
		bases, err := Bases(o)
		if err != nil {
			t.Fatal(err)
		}
		allowed := map[int64]bool{o.DistributorID: o.DistributorID != 0, o.ParentID: o.ParentID != 0 && o.DistributorLevel == 2}
		people := map[int64]bool{}
		perLine := map[int][]Commission{}
		for _, c := range cs {
			if !allowed[c.DistributorID] {
				t.Fatalf("commission to %d, not the seller or its parent: %+v", c.DistributorID, c)
			}
			if c.Role == RoleOverride && (c.DistributorID != o.ParentID || o.DistributorLevel != 2) {
				t.Fatalf("override not to a level-2's parent: %+v", c)
			}
			if c.Role == RoleDirect && c.DistributorID != o.DistributorID {
				t.Fatalf("direct not to the seller: %+v", c)
			}
			if c.AmountFen <= 0 {
				t.Fatalf("non-positive commission returned: %+v", c)
			}
			if c.RateBP > 0 && c.AmountFen > bigFloorBP(c.BaseFen, c.RateBP) {
				t.Fatalf("amount above rate: %+v", c)
			}
			if o.Lines[c.LineIndex].Rules.Excluded {
				t.Fatalf("commission on excluded line: %+v", c)
			}
			people[c.DistributorID] = true
			perLine[c.LineIndex] = append(perLine[c.LineIndex], c)
		}
		if len(people) > 2 {
			t.Fatalf("%d distinct beneficiaries on one order", len(people))
		}
		for i, lcs := range perLine {
			if len(lcs) > 2 || (len(lcs) == 2 && lcs[0].Role == lcs[1].Role) {
				t.Fatalf("line %d: bad beneficiaries %+v", i, lcs)
			}
			var sum int64
			for _, c := range lcs {
				sum += c.AmountFen
				if c.BaseFen != bases[i] {
					t.Fatalf("line %d: base %d, want %d", i, c.BaseFen, bases[i])
				}
			}
			if sum > bases[i] {
				t.Fatalf("line %d: commissions %d exceed base %d", i, sum, bases[i])
			}
		}
	})
}

// Property (3): discount shares sum to the discount and each fits in its line.
func TestPropertyDiscountShares(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		amounts := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) int64 { return fen(t, "amount") }), 0, 8).Draw(t, "amounts")
		var total int64
		for _, a := range amounts {
			total += a
		}
		discount := rapid.Int64Range(0, total).Draw(t, "discount")
		shares, err := AllocateDiscount(amounts, discount)
		if err != nil {
			t.Fatalf("valid input rejected: %v", err)
		}
		var sum int64
		for i, s := range shares {
			if s < 0 || s > amounts[i] {
				t.Fatalf("share %d = %d outside 0..%d", i, s, amounts[i])
			}
			sum += s
		}
		if sum != discount {
			t.Fatalf("shares %v sum to %d, want %d", shares, sum, discount)
		}
	})
}

// Property (4): for any sequence of refunds on any line, every reversal is >= 0, the
// remaining commission never grows, and reversals + remaining = original, per
// beneficiary. Also checks ForLine at full quantity agrees with Compute.
func TestPropertyRefunds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPlan(t)
		o := genOrder(t, p)
		bases, err := Bases(o)
		if err != nil {
			t.Fatal(err)
		}
		all, err := Compute(o, p)
		if err != nil {
			t.Fatal(err)
		}
		line := rapid.IntRange(0, len(o.Lines)-1).Draw(t, "line")
		qty := o.Lines[line].Quantity
		full, err := ForLine(o, line, bases[line], qty, p)
		if err != nil {
			t.Fatal(err)
		}
		var fromCompute []Commission
		for _, c := range all {
			if c.LineIndex == line {
				fromCompute = append(fromCompute, c)
			}
		}
		if len(full) != len(fromCompute) {
			t.Fatalf("ForLine %+v, Compute %+v", full, fromCompute)
		}
		for i := range full {
			if full[i] != fromCompute[i] {
				t.Fatalf("ForLine %+v, Compute %+v", full, fromCompute)
			}
		}
		original := amounts(full)
		prev := original
		reversed := map[roleKey]int64{}
		for remaining := qty; remaining > 0 && rapid.Bool().Draw(t, "refund_more"); {
			remaining -= rapid.Int64Range(1, remaining).Draw(t, "refund_qty")
			cs, err := ForLine(o, line, bases[line], remaining, p)
			if err != nil {
				t.Fatal(err)
			}
			cur := amounts(cs)
			for k := range cur {
				if _, ok := original[k]; !ok {
					t.Fatalf("new beneficiary %+v appeared after a refund", k)
				}
			}
			for k := range prev {
				r := prev[k] - cur[k]
				if r < 0 {
					t.Fatalf("%+v grew from %d to %d at remaining %d", k, prev[k], cur[k], remaining)
				}
				reversed[k] += r
			}
			if remaining == 0 && len(cur) != 0 {
				t.Fatalf("full refund leaves %v", cur)
			}
			prev = cur
		}
		for k, amt := range original {
			if reversed[k]+prev[k] != amt {
				t.Fatalf("%+v: reversed %d + remaining %d != original %d", k, reversed[k], prev[k], amt)
			}
		}
	})
}
