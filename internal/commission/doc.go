// Package commission computes two-level distribution commissions exactly to the fen
// (DESIGN §4). It is pure: no database, no I/O, no floats. Amounts are int64 fen and
// rates are int64 basis points (1% = 100 bp); every product that could overflow
// int64 is computed in 128 bits, and rounding is always truncation so the merchant
// never pays more than the rate.
//
// At most two beneficiaries ever earn on an order: the attributed distributor
// (RoleDirect) and, when that distributor is level 2, its level-1 parent
// (RoleOverride). A third level is structurally impossible here because Chinese
// anti-pyramid law forbids it; nothing in the input can add one.
package commission

import (
	"errors"
	"math"
	"math/bits"
)

// ErrInvalid is wrapped by every error this package returns, so callers can map
// all of them to one "invalid input" code with errors.Is.
var ErrInvalid = errors.New("commission: invalid input")

// MaxBP is 100% in basis points.
const MaxBP int64 = 10000

// mulDiv returns a×b/d truncated. The product is taken in 128 bits so it never
// overflows silently; ok is false when the quotient does not fit in int64.
// Callers guarantee a, b >= 0 and d > 0.
func mulDiv(a, b, d int64) (q int64, ok bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(d) { // Div64 would panic: the quotient needs more than 64 bits
		return 0, false
	}
	uq, _ := bits.Div64(hi, lo, uint64(d))
	if uq > math.MaxInt64 {
		return 0, false
	}
	return int64(uq), true
}

// mulCap returns min(a×b, limit) exactly, even when a×b itself overflows int64:
// a fixed per-unit amount is capped by the line's base anyway, so an overflowing
// product simply means "more than the cap". Callers guarantee a, b, limit >= 0.
func mulCap(a, b, limit int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > uint64(limit) {
		return limit
	}
	return int64(lo)
}
