package order

import "time"

// DrawOrderNumbers makes s draw its order numbers from f.
func DrawOrderNumbers(s *Service, f func(time.Time) string) { s.orderNo = f }
