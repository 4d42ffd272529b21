package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/order"
)

// The operator's actions on an order: ship, deliver, complete, cancel (unpaid) and refund. The
// order service checks each transition and writes the audit entry.

// adminOrderAction runs act; a refusal shows the order page again with the message next to the
// action's field ("<action>.<field>"), or at the top when it is about no field: the form may be
// gone in the order's present state.
func (s *Server) adminOrderAction(w http.ResponseWriter, r *http.Request, action, msgID string,
	field func(string) string, act func(ctx context.Context, id int64) error) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	id := pathID(r)
	if field == nil {
		field = func(f string) string {
			if f == "" {
				return "_"
			}
			return action + "." + f
		}
	}
	if err := act(r.Context(), id); err != nil {
		p := &Page{Form: r.PostForm}
		if !adminFormError(err, p, field) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminOrderPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.adminDone(w, r, fmt.Sprintf("/admin/orders/%d", id), msgID)
}

func (s *Server) adminShip(w http.ResponseWriter, r *http.Request) {
	s.adminOrderAction(w, r, "ship", "admin.o.shipped", nil, func(ctx context.Context, id int64) error {
		_, err := s.Orders.Ship(ctx, id, order.ShipInput{Carrier: r.PostFormValue("carrier"), TrackingNo: r.PostFormValue("tracking_no")})
		return err
	})
}

func (s *Server) adminDeliver(w http.ResponseWriter, r *http.Request) {
	s.adminOrderAction(w, r, "deliver", "admin.o.delivered", nil, func(ctx context.Context, id int64) error {
		_, err := s.Orders.Deliver(ctx, id)
		return err
	})
}

func (s *Server) adminComplete(w http.ResponseWriter, r *http.Request) {
	s.adminOrderAction(w, r, "complete", "admin.o.completed", nil, func(ctx context.Context, id int64) error {
		_, err := s.Orders.Complete(ctx, id)
		return err
	})
}

func (s *Server) adminCancel(w http.ResponseWriter, r *http.Request) {
	s.adminOrderAction(w, r, "cancel", "admin.o.cancelled", nil, func(ctx context.Context, id int64) error {
		_, err := s.Orders.Cancel(ctx, id, r.PostFormValue("reason"))
		return err
	})
}

// adminRefund refunds the quantities typed per line ("qty.<line id>"), with an optional shipping
// amount in yuan. The order service computes the money and reverses the commissions.
func (s *Server) adminRefund(w http.ResponseWriter, r *http.Request) {
	var lineIDs []int64 // the refund's lines in request order, to put messages on the right row
	s.adminOrderAction(w, r, "refund", "admin.o.refunded_msg", adminRefundField(&lineIDs), func(ctx context.Context, id int64) error {
		o, err := s.Orders.Get(ctx, id)
		if err != nil {
			return err
		}
		in := order.RefundInput{Reason: r.PostFormValue("reason"), Restock: r.PostFormValue("restock") != ""}
		for _, l := range o.Lines {
			v := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("qty.%d", l.ID)))
			if v == "" || v == "0" {
				continue
			}
			q, err := strconv.ParseInt(v, 10, 64)
			if err != nil || q < 0 {
				return errs.Field(fmt.Sprintf("qty.%d", l.ID), "invalid_quantity", "%q is not a number of units", v)
			}
			in.Lines = append(in.Lines, order.RefundLineInput{LineID: l.ID, Quantity: q})
			lineIDs = append(lineIDs, l.ID)
		}
		if v := strings.TrimSpace(r.PostFormValue("shipping")); v != "" {
			if in.ShippingFen, err = parseYuan(v); err != nil {
				return adminInField(err, "shipping_fen")
			}
		}
		if len(in.Lines) == 0 {
			return errs.Field("lines", "refund_no_lines", "enter how many units of which lines to refund")
		}
		_, err = s.Orders.Refund(ctx, id, in)
		return err
	})
}

var adminRefundLineField = regexp.MustCompile(`^lines\[(\d+)\]`)

// adminRefundField names the refund service's fields as the form's: lines[i] is the row of the
// i-th line sent, shipping_fen the shipping amount.
func adminRefundField(lineIDs *[]int64) func(string) string {
	return func(f string) string {
		if m := adminRefundLineField.FindStringSubmatch(f); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(*lineIDs) {
				return fmt.Sprintf("qty.%d", (*lineIDs)[i])
			}
		}
		switch {
		case strings.HasPrefix(f, "qty."):
			return f
		case f == "reason":
			return "refund.reason"
		case f == "shipping_fen":
			return "refund.shipping"
		case f == "lines":
			return "refund"
		}
		return "_"
	}
}
