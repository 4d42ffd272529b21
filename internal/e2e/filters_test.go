package e2e_test

import "github.com/fenxiao/fenxiao/internal/order"

func orderFilterAll() order.Filter { return order.Filter{PerPage: 100} }
