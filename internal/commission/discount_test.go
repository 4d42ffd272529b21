package commission

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestAllocateDiscount(t *testing.T) {
	const half = math.MaxInt64 / 2 // 4611686018427387903
	tests := []struct {
		name     string
		amounts  []int64
		discount int64
		want     []int64
	}{
		// 1000×5800/9502 = 610.39 → 610; last line 1000−610 = 390.
		{"worked example", []int64{5800, 3702}, 1000, []int64{610, 390}},
		{"no discount", []int64{5800, 3702}, 0, []int64{0, 0}},
		{"no lines, no discount", []int64{}, 0, []int64{}},
		{"single line takes all", []int64{999}, 123, []int64{123}},
		// 2×1/3 = 0.67 → 0 twice; remainder 2 exceeds the last line's 1 fen, so 1 stays
		// there and 1 spills onto line 1.
		{"1/1/1 discount 2", []int64{1, 1, 1}, 2, []int64{0, 1, 1}},
		// 3×1/3 = 1 twice; remainder 1.
		{"1/1/1 discount = total", []int64{1, 1, 1}, 3, []int64{1, 1, 1}},
		// 6×3/7 = 2.57 → 2 twice; remainder 2 > last line's 1: 1 there, 1 spills to line 1.
		{"remainder larger than last line", []int64{3, 3, 1}, 6, []int64{2, 3, 1}},
		// 50×100/100 = 50; remainder 0 on the free last line.
		{"free last line", []int64{100, 0}, 50, []int64{50, 0}},
		// 50×0/100 = 0; remainder 50 on the last line.
		{"free first line", []int64{0, 100}, 50, []int64{0, 50}},
		// 10×3333/9999 = 3.33 → 3 twice; remainder 4.
		{"uneven thirds", []int64{3333, 3333, 3333}, 10, []int64{3, 3, 4}},
		// 1000×half/(2×half) = 500 exactly: needs the 128-bit product.
		{"huge amounts", []int64{half, half}, 1000, []int64{500, 500}},
		{"discount = total, huge", []int64{half, half}, 2 * half, []int64{half, half}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AllocateDiscount(tt.amounts, tt.discount)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("AllocateDiscount(%v, %d) = %v, want %v", tt.amounts, tt.discount, got, tt.want)
			}
		})
	}
}

func TestAllocateDiscountInvalid(t *testing.T) {
	tests := []struct {
		name     string
		amounts  []int64
		discount int64
	}{
		{"negative discount", []int64{100}, -1},
		{"negative amount", []int64{100, -1}, 0},
		{"discount above total", []int64{100, 200}, 301},
		{"discount with no lines", nil, 1},
		{"sum overflows", []int64{math.MaxInt64, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := AllocateDiscount(tt.amounts, tt.discount); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestBases(t *testing.T) {
	tests := []struct {
		name  string
		order Order
		want  []int64
	}{
		// 2×9990 = 19980; no discount; shipping is not an input.
		{"worked level 2", Order{Lines: []Line{{UnitPriceFen: 9990, Quantity: 2}}}, []int64{19980}},
		// 5800−610 = 5190; 3×1234 = 3702, 3702−390 = 3312.
		{"worked level 1 with coupon", Order{
			Lines:       []Line{{UnitPriceFen: 5800, Quantity: 1}, {UnitPriceFen: 1234, Quantity: 3}},
			DiscountFen: 1000,
		}, []int64{5190, 3312}},
		// Everything discounted away.
		{"discount = total", Order{
			Lines:       []Line{{UnitPriceFen: 1, Quantity: 1}, {UnitPriceFen: 1, Quantity: 2}},
			DiscountFen: 3,
		}, []int64{0, 0}},
		{"free line", Order{Lines: []Line{{UnitPriceFen: 0, Quantity: 5}}}, []int64{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Bases(tt.order)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Bases = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRemainingBase(t *testing.T) {
	tests := []struct {
		name                 string
		base, qty, remaining int64
		want                 int64
	}{
		{"worked refund of one unit", 19980, 2, 1, 9990}, // 19980×1/2
		{"nothing refunded", 19980, 2, 2, 19980},
		{"all refunded", 19980, 2, 0, 0},
		{"truncates", 10, 3, 2, 6},       // 20/3 = 6.67
		{"truncates again", 10, 3, 1, 3}, // 10/3 = 3.33
		{"huge, needs 128 bits", math.MaxInt64, math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 - 1},
		{"clamp: remaining above quantity", 10, 3, 5, 10},
		{"clamp: zero quantity", 10, 0, 1, 0},
		{"clamp: negative remaining", 10, 3, -1, 0},
		{"clamp: negative base", -10, 3, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RemainingBase(tt.base, tt.qty, tt.remaining); got != tt.want {
				t.Fatalf("RemainingBase(%d, %d, %d) = %d, want %d", tt.base, tt.qty, tt.remaining, got, tt.want)
			}
		})
	}
}
