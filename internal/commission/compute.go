package commission

import "fmt"

// Line is one order line as priced at checkout.
type Line struct {
	UnitPriceFen int64
	Quantity     int64
	Rules        ProductRules
}

// Order carries what commission depends on. The beneficiaries come from the order's
// snapshot (DESIGN §3), never from the current tree, so later moves change nothing.
type Order struct {
	Lines       []Line
	DiscountFen int64 // order-level discount (coupon), split across lines
	// Beneficiaries, taken from the order's snapshot:
	DistributorID    int64 // 0 = no distributor: no commission
	DistributorLevel int   // 1 or 2
	ParentID         int64 // the level-1 parent that earns the override; 0 = none
}

// Commission is one beneficiary's earning on one line.
type Commission struct {
	LineIndex       int
	DistributorID   int64
	Role            Role
	BaseFen         int64 // base the amount was computed on
	RateBP          int64 // 0 when fixed
	FixedFenPerUnit int64 // 0 when a rate
	Quantity        int64 // units counted
	AmountFen       int64
}

// Compute returns every commission on the order at full quantities, in line order,
// RoleDirect before RoleOverride within a line. Commissions of 0 fen are omitted (an
// excluded product, a 0 bp rate, a base truncated to nothing): a zero row would post
// nothing to the ledger, and a caller looking for a (line, role) that is absent must
// treat it as 0 — which is also what a later ForLine returns after a full refund.
// An order without a distributor has no commissions.
//
// Errors, wrapping ErrInvalid: an invalid plan, product rule, line, discount or
// beneficiary snapshot (see ForLine).
func Compute(o Order, p Plan) ([]Commission, error) {
	bases, err := validate(o, p)
	if err != nil {
		return nil, err
	}
	var out []Commission
	for i, l := range o.Lines {
		cs, err := lineCommissions(o, i, bases[i], l.Quantity, p)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// ForLine computes line lineIndex's commissions when only remainingQty of its units are
// still paid, given the line's full base (as Bases returned it at checkout). The
// remaining base is RemainingBase(baseFen, quantity, remainingQty). After a refund the
// amount to reverse per (line, role) is the old amount minus the new one; an absent
// role counts as 0, as in Compute. Amounts never increase as remainingQty falls, so a
// reversal is never negative, and remainingQty = 0 reverses everything.
//
// Errors, wrapping ErrInvalid: everything Compute rejects, plus lineIndex out of range,
// baseFen outside 0..unit price × quantity, remainingQty outside 0..quantity.
func ForLine(o Order, lineIndex int, baseFen int64, remainingQty int64, p Plan) ([]Commission, error) {
	if _, err := validate(o, p); err != nil {
		return nil, err
	}
	if lineIndex < 0 || lineIndex >= len(o.Lines) {
		return nil, fmt.Errorf("line index %d outside 0..%d: %w", lineIndex, len(o.Lines)-1, ErrInvalid)
	}
	l := o.Lines[lineIndex]
	amount, _ := l.amount() // validated above
	if baseFen < 0 || baseFen > amount {
		return nil, fmt.Errorf("line %d: base %d fen outside 0..%d: %w", lineIndex, baseFen, amount, ErrInvalid)
	}
	if remainingQty < 0 || remainingQty > l.Quantity {
		return nil, fmt.Errorf("line %d: remaining quantity %d outside 0..%d: %w",
			lineIndex, remainingQty, l.Quantity, ErrInvalid)
	}
	return lineCommissions(o, lineIndex, RemainingBase(baseFen, l.Quantity, remainingQty), remainingQty, p)
}

// validate checks the plan, every line, the discount, every product rule against the
// plan and the beneficiary snapshot, and returns the full bases.
func validate(o Order, p Plan) ([]int64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	bases, err := Bases(o)
	if err != nil {
		return nil, err
	}
	for i, l := range o.Lines {
		if err := l.Rules.ValidateFor(p); err != nil {
			return nil, fmt.Errorf("line %d: %w", i, err)
		}
	}
	if err := validateBeneficiaries(o); err != nil {
		return nil, err
	}
	return bases, nil
}

// validateBeneficiaries rejects snapshots that cannot come from a two-level tree: a
// parent on a level-1 sale or on no sale would mean a bug upstream, and silently
// ignoring it could hide a misattributed order.
func validateBeneficiaries(o Order) error {
	switch {
	case o.DistributorID < 0 || o.ParentID < 0:
		return fmt.Errorf("distributor %d / parent %d: negative id: %w", o.DistributorID, o.ParentID, ErrInvalid)
	case o.DistributorID == 0 && o.ParentID != 0:
		return fmt.Errorf("parent %d without a distributor: %w", o.ParentID, ErrInvalid)
	case o.DistributorID == 0:
		return nil // no distributor: the level is irrelevant
	case o.DistributorLevel != 1 && o.DistributorLevel != 2:
		return fmt.Errorf("distributor level %d, want 1 or 2: %w", o.DistributorLevel, ErrInvalid)
	case o.DistributorLevel == 1 && o.ParentID != 0:
		return fmt.Errorf("level-1 distributor %d has parent %d: %w", o.DistributorID, o.ParentID, ErrInvalid)
	case o.ParentID == o.DistributorID:
		return fmt.Errorf("distributor %d is its own parent: %w", o.DistributorID, ErrInvalid)
	}
	return nil
}

// lineCommissions applies the rules to one validated line on base fen and qty units.
// Only two beneficiaries exist by construction: the seller and, for a level-2 seller,
// its parent. The direct amount is capped at base and the override at base − direct,
// so the line never pays out more than the customer paid for it.
func lineCommissions(o Order, i int, base, qty int64, p Plan) ([]Commission, error) {
	rules := o.Lines[i].Rules
	if o.DistributorID == 0 || rules.Excluded {
		return nil, nil
	}
	var out []Commission
	add := func(id int64, role Role, r Rule, limit int64) (int64, error) {
		c := Commission{LineIndex: i, DistributorID: id, Role: role, BaseFen: base, Quantity: qty}
		if r.IsFixed() {
			c.FixedFenPerUnit = r.FixedFenPerUnit
			c.AmountFen = mulCap(r.FixedFenPerUnit, qty, limit)
		} else {
			c.RateBP = r.BP
			amt, ok := mulDiv(base, r.BP, MaxBP)
			if !ok { // unreachable while bp <= 10000 (amt <= base), kept so it can never be silent
				return 0, fmt.Errorf("line %d: %d fen × %d bp not representable: %w", i, base, r.BP, ErrInvalid)
			}
			c.AmountFen = min(amt, limit)
		}
		if c.AmountFen > 0 {
			out = append(out, c)
		}
		return c.AmountFen, nil
	}
	if o.DistributorLevel == 1 {
		if _, err := add(o.DistributorID, RoleDirect, effective(rules.L1Direct, p.L1DirectBP), base); err != nil {
			return nil, err
		}
		return out, nil
	}
	direct, err := add(o.DistributorID, RoleDirect, effective(rules.L2Direct, p.L2DirectBP), base)
	if err != nil {
		return nil, err
	}
	if o.ParentID != 0 {
		if _, err := add(o.ParentID, RoleOverride, effective(rules.L1Override, p.L1OverrideBP), base-direct); err != nil {
			return nil, err
		}
	}
	return out, nil
}
