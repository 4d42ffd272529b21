package commission

import (
	"fmt"
	"math"
)

// AllocateDiscount splits an order-level discount across lines in proportion to their
// amounts (DESIGN §4): each line but the last gets discount × amount / total rounded
// down, and the last line takes the remainder, so the shares always sum to discount.
//
// Rounding down can leave a remainder larger than a small (or free) last line. A share
// above its line's amount would make that line's base negative, so the excess spills
// onto the preceding lines, from last to first, each up to its own amount. It always
// fits because discount <= total. The worked examples never need the spill.
//
// Errors, wrapping ErrInvalid: a negative amount or discount, amounts whose sum
// overflows int64, a discount larger than the sum.
func AllocateDiscount(lineAmounts []int64, discount int64) ([]int64, error) {
	if discount < 0 {
		return nil, fmt.Errorf("discount %d fen is negative: %w", discount, ErrInvalid)
	}
	var total int64
	for i, a := range lineAmounts {
		if a < 0 {
			return nil, fmt.Errorf("line %d: amount %d fen is negative: %w", i, a, ErrInvalid)
		}
		if a > math.MaxInt64-total {
			return nil, fmt.Errorf("line amounts overflow int64: %w", ErrInvalid)
		}
		total += a
	}
	if discount > total {
		return nil, fmt.Errorf("discount %d fen exceeds order amount %d fen: %w", discount, total, ErrInvalid)
	}
	shares := make([]int64, len(lineAmounts))
	if discount == 0 {
		return shares, nil
	}
	// From here total >= discount > 0, so there is at least one line.
	rest := discount
	for i := 0; i < len(lineAmounts)-1; i++ {
		s, _ := mulDiv(discount, lineAmounts[i], total) // <= amount, always fits
		shares[i] = s
		rest -= s
	}
	for i := len(lineAmounts) - 1; i >= 0 && rest > 0; i-- {
		take := min(lineAmounts[i]-shares[i], rest)
		shares[i] += take
		rest -= take
	}
	return shares, nil
}

// Bases returns each line's commission base: unit price × quantity minus the line's
// share of o.DiscountFen. Shipping is not an input at all, so it can never enter a
// base. Only the lines and the discount are checked; beneficiaries do not affect bases.
func Bases(o Order) ([]int64, error) {
	amounts, err := lineAmounts(o.Lines)
	if err != nil {
		return nil, err
	}
	shares, err := AllocateDiscount(amounts, o.DiscountFen)
	if err != nil {
		return nil, err
	}
	for i := range amounts {
		amounts[i] -= shares[i]
	}
	return amounts, nil
}

// RemainingBase is the part of a line's base that stays paid after refunds: base ×
// remainingQty / quantity, truncated, computed in 128 bits. Truncation makes the
// remaining commission never exceed the rate on what is still paid, and
// remainingQty = quantity gives back exactly baseFen.
//
// It has no error result, so out-of-range inputs are clamped to the safe side rather
// than trusted: quantity <= 0, remainingQty <= 0 or baseFen <= 0 give 0, and
// remainingQty >= quantity gives baseFen. ForLine rejects such inputs before calling it.
func RemainingBase(baseFen, quantity, remainingQty int64) int64 {
	if quantity <= 0 || remainingQty <= 0 || baseFen <= 0 {
		return 0
	}
	if remainingQty >= quantity {
		return baseFen
	}
	b, _ := mulDiv(baseFen, remainingQty, quantity) // < baseFen, always fits
	return b
}

// lineAmounts validates every line and returns unit price × quantity for each; it
// also rejects an order total that overflows int64, so later sums are safe.
func lineAmounts(lines []Line) ([]int64, error) {
	amounts := make([]int64, len(lines))
	var total int64
	for i, l := range lines {
		a, err := l.amount()
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i, err)
		}
		if a > math.MaxInt64-total {
			return nil, fmt.Errorf("order amount overflows int64: %w", ErrInvalid)
		}
		total += a
		amounts[i] = a
	}
	return amounts, nil
}

// amount checks one line and returns unit price × quantity.
func (l Line) amount() (int64, error) {
	if l.Quantity <= 0 {
		return 0, fmt.Errorf("quantity %d must be positive: %w", l.Quantity, ErrInvalid)
	}
	if l.UnitPriceFen < 0 {
		return 0, fmt.Errorf("unit price %d fen is negative: %w", l.UnitPriceFen, ErrInvalid)
	}
	a, ok := mulDiv(l.UnitPriceFen, l.Quantity, 1)
	if !ok {
		return 0, fmt.Errorf("unit price %d fen × quantity %d overflows int64: %w",
			l.UnitPriceFen, l.Quantity, ErrInvalid)
	}
	return a, nil
}
