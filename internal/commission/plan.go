package commission

import "fmt"

// Role says why a beneficiary earns on a line.
type Role string

const (
	// RoleDirect is the attributed distributor selling: l1_direct if it is level 1,
	// l2_direct if it is level 2.
	RoleDirect Role = "direct"
	// RoleOverride is the level-1 parent earning on its level-2's sale (l1_override).
	RoleOverride Role = "override"
)

// Plan is a versioned set of the three rates. Orders snapshot the version they were
// priced with, so a plan is never edited in place: a change is a new Version.
type Plan struct {
	Version      int64 `json:"version"`
	L1DirectBP   int64 `json:"l1_direct_bp"`
	L2DirectBP   int64 `json:"l2_direct_bp"`
	L1OverrideBP int64 `json:"l1_override_bp"`
}

// Validate reports, wrapping ErrInvalid, a rate outside 0..10000 bp or a level-2 sale
// whose two rates together would exceed 100% of the base.
func (p Plan) Validate() error {
	for _, r := range []struct {
		name string
		bp   int64
	}{{"l1_direct", p.L1DirectBP}, {"l2_direct", p.L2DirectBP}, {"l1_override", p.L1OverrideBP}} {
		if err := checkBP("plan "+r.name, r.bp); err != nil {
			return err
		}
	}
	if p.L2DirectBP+p.L1OverrideBP > MaxBP {
		return fmt.Errorf("plan: l2_direct %d bp + l1_override %d bp exceeds %d bp: %w",
			p.L2DirectBP, p.L1OverrideBP, MaxBP, ErrInvalid)
	}
	return nil
}

// Rule overrides one plan rate for one product: either a rate or a fixed fen per unit.
// A rule is fixed when Fixed is set or FixedFenPerUnit is non-zero; then BP is ignored.
// Fixed with FixedFenPerUnit 0 therefore means "no commission for this role".
type Rule struct {
	BP              int64 // used when FixedFenPerUnit == 0 and Fixed == false
	Fixed           bool
	FixedFenPerUnit int64
}

// IsFixed reports whether the rule pays a fixed amount per unit rather than a rate.
func (r Rule) IsFixed() bool { return r.Fixed || r.FixedFenPerUnit != 0 }

// Validate reports, wrapping ErrInvalid, a rate outside 0..10000 bp or a negative
// fixed amount. BP is checked even on a fixed rule so a bad value never lies dormant.
func (r Rule) Validate() error {
	if err := checkBP("rule", r.BP); err != nil {
		return err
	}
	if r.FixedFenPerUnit < 0 {
		return fmt.Errorf("rule: fixed %d fen per unit is negative: %w", r.FixedFenPerUnit, ErrInvalid)
	}
	return nil
}

// ProductRules holds one product's overrides; a nil rule means "use the plan's rate".
type ProductRules struct {
	Excluded   bool // product excluded from distribution: no commission at all on its lines
	L1Direct   *Rule
	L2Direct   *Rule
	L1Override *Rule
}

// Validate checks each rule and, when both level-2 rules are rates, that they do not
// exceed 10000 bp together. A sum that mixes an override with a plan rate can only be
// checked against a plan: see ValidateFor.
func (r ProductRules) Validate() error {
	for _, x := range []struct {
		name string
		rule *Rule
	}{{"l1_direct", r.L1Direct}, {"l2_direct", r.L2Direct}, {"l1_override", r.L1Override}} {
		if x.rule == nil {
			continue
		}
		if err := x.rule.Validate(); err != nil {
			return fmt.Errorf("product %s: %w", x.name, err)
		}
	}
	if r.L2Direct != nil && r.L1Override != nil {
		return checkLevel2Sum(*r.L2Direct, *r.L1Override)
	}
	return nil
}

// ValidateFor is Validate plus the rule that matters at sale time: the rates a level-2
// sale would actually use under p (product override or plan rate) must not exceed
// 10000 bp together. Call it when saving a product override against the current plan;
// ForLine and Compute call it on every line.
func (r ProductRules) ValidateFor(p Plan) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return checkLevel2Sum(effective(r.L2Direct, p.L2DirectBP), effective(r.L1Override, p.L1OverrideBP))
}

// effective returns the product's rule, or the plan rate as a rate rule when there is none.
func effective(r *Rule, planBP int64) Rule {
	if r != nil {
		return *r
	}
	return Rule{BP: planBP}
}

func checkLevel2Sum(direct, override Rule) error {
	if direct.IsFixed() || override.IsFixed() {
		return nil // fixed amounts are bounded by the cap at compute time instead
	}
	if direct.BP+override.BP > MaxBP {
		return fmt.Errorf("product: l2_direct %d bp + l1_override %d bp exceeds %d bp: %w",
			direct.BP, override.BP, MaxBP, ErrInvalid)
	}
	return nil
}

func checkBP(what string, bp int64) error {
	if bp < 0 || bp > MaxBP {
		return fmt.Errorf("%s: rate %d bp outside 0..%d: %w", what, bp, MaxBP, ErrInvalid)
	}
	return nil
}
