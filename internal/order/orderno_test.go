package order_test

import (
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/order"
)

// TestOrderNumberDrawnAgain: two orders of a day can draw the same random number; the second
// draws again instead of failing the customer's order.
func TestOrderNumberDrawnAgain(t *testing.T) {
	s := newShop(t)
	sku := s.product("茶", 1000, 10, nil, true)
	var mu sync.Mutex
	draws := []string{"FX202611260000000001", "FX202611260000000001", "FX202611260000000001", "FX202611260000000002"}
	order.DrawOrderNumbers(s.Orders, func(time.Time) string {
		mu.Lock()
		defer mu.Unlock()
		n := draws[0]
		draws = draws[1:]
		return n
	})
	first := s.order("13700000001", "", 0, 0, buy{sku, 1})
	second := s.order("13700000002", "", 0, 0, buy{sku, 1})
	if first.OrderNo != "FX202611260000000001" || second.OrderNo != "FX202611260000000002" {
		t.Fatalf("order numbers %s, %s; want the second drawn again", first.OrderNo, second.OrderNo)
	}
	if len(draws) != 0 {
		t.Fatalf("%d draws left: the second order should have drawn three times", len(draws))
	}
	var stock int64
	if err := s.DB.R.QueryRow(`SELECT stock FROM skus WHERE id = $1`, sku).Scan(&stock); err != nil || stock != 8 {
		t.Fatalf("stock %d (%v), want 8: a failed draw must reserve nothing", stock, err)
	}
}
