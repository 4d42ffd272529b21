package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/order"
)

// The shop's own SQL: the order service finds orders by id, customers know them by number.

const qOrderIDByNo = `SELECT id FROM orders WHERE order_no = $1`

// orderByNo returns the order with a number. Errors: NotFound.
func (s *Server) orderByNo(ctx context.Context, no string) (order.Order, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, qOrderIDByNo, no).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return order.Order{}, errs.E(errs.NotFound, "order_not_found", "order not found")
	}
	if err != nil {
		return order.Order{}, fmt.Errorf("find order %q: %w", no, err)
	}
	return s.Orders.Get(ctx, id)
}
