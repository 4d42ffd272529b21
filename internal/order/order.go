// Package order holds the order lifecycle of DESIGN.md §5 and the money it moves: stock is
// reserved on creation, commissions are computed from the order's snapshot when it is paid and
// posted frozen to the ledger, refunds reverse exactly the difference, and a refund after
// settlement claws back. Every step is one short transaction.
package order

import (
	"time"

	"github.com/fenxiao/fenxiao/internal/commission"
)

// Status of an order.
type Status string

const (
	Created   Status = "created"
	Paid      Status = "paid"
	Shipped   Status = "shipped"
	Delivered Status = "delivered"
	Completed Status = "completed"
	Cancelled Status = "cancelled"
)

// Order is a customer's purchase with the attribution snapshot it was placed under.
type Order struct {
	ID            int64  `json:"id"`
	OrderNo       string `json:"order_no"`
	ExternalID    string `json:"external_id,omitempty"`
	CustomerID    int64  `json:"customer_id"`
	CustomerName  string `json:"customer_name"`
	CustomerPhone string `json:"customer_phone"`
	ShipAddress   string `json:"ship_address"`
	Status        Status `json:"status" enum:"created,paid,shipped,delivered,completed,cancelled"`
	ItemsFen      int64  `json:"items_fen" doc:"sum of unit price × quantity"`
	DiscountFen   int64  `json:"discount_fen"`
	ShippingFen   int64  `json:"shipping_fen"`
	TotalFen      int64  `json:"total_fen" doc:"items − discount + shipping: what the customer pays"`
	RefundedFen   int64  `json:"refunded_fen"`
	// The snapshot: who this order credits, and under which plan. Never changed by later moves.
	DistributorID    *int64 `json:"distributor_id"`
	DistributorLevel *int   `json:"distributor_level"`
	ParentID         *int64 `json:"parent_id" doc:"the level-1 that earns the override"`
	PlanVersion      int64  `json:"plan_version"`
	Attribution      string `json:"attribution" doc:"ref, binding or none"`
	AttributionNote  string `json:"attribution_note,omitempty" doc:"why a candidate distributor was not credited"`

	Payment  *Payment  `json:"payment,omitempty"`
	Shipment *Shipment `json:"shipment,omitempty"`

	CancelReason string     `json:"cancel_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ExpiresAt    time.Time  `json:"expires_at" doc:"an unpaid order is cancelled at this time"`
	PaidAt       *time.Time `json:"paid_at,omitempty"`
	DeliveredAt  *time.Time `json:"delivered_at,omitempty"`
	CompletedAt  *time.Time `json:"completed_at,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`

	Lines       []Line       `json:"lines"`
	Refunds     []Refund     `json:"refunds,omitempty"`
	Commissions []Commission `json:"commissions,omitempty"`
}

// Payment records how an order was paid.
type Payment struct {
	Provider  string    `json:"provider"`
	Reference string    `json:"reference"`
	AmountFen int64     `json:"amount_fen"`
	PaidAt    time.Time `json:"paid_at"`
}

// Shipment records the parcel.
type Shipment struct {
	Carrier    string    `json:"carrier"`
	TrackingNo string    `json:"tracking_no"`
	ShippedAt  time.Time `json:"shipped_at"`
}

// Line is one SKU of an order, with the price and commission rules of the moment it was placed.
type Line struct {
	ID           int64                   `json:"id"`
	LineNo       int                     `json:"line_no"`
	ProductID    int64                   `json:"product_id"`
	SKUID        int64                   `json:"sku_id"`
	ProductName  string                  `json:"product_name"`
	Spec         string                  `json:"spec"`
	UnitPriceFen int64                   `json:"unit_price_fen"`
	Quantity     int64                   `json:"quantity"`
	AmountFen    int64                   `json:"amount_fen" doc:"unit price × quantity"`
	DiscountFen  int64                   `json:"discount_fen" doc:"this line's share of the order discount"`
	BaseFen      int64                   `json:"base_fen" doc:"commission base: amount − discount share"`
	RefundedQty  int64                   `json:"refunded_qty"`
	Rules        commission.ProductRules `json:"-"`
}

// Refund returns some units of some lines.
type Refund struct {
	ID        int64        `json:"id"`
	AmountFen int64        `json:"amount_fen"`
	Reason    string       `json:"reason"`
	Restock   bool         `json:"restock"`
	CreatedAt time.Time    `json:"created_at"`
	Lines     []RefundLine `json:"lines"`
}

// RefundLine is the part of a refund on one order line.
type RefundLine struct {
	OrderLineID int64 `json:"order_line_id"`
	Quantity    int64 `json:"quantity"`
	AmountFen   int64 `json:"amount_fen"`
}

// Commission is what one distributor earns on one line.
type Commission struct {
	ID              int64      `json:"id"`
	OrderID         int64      `json:"order_id"`
	OrderLineID     int64      `json:"order_line_id"`
	DistributorID   int64      `json:"distributor_id"`
	Role            string     `json:"role" enum:"direct,override"`
	BaseFen         int64      `json:"base_fen"`
	RateBP          int64      `json:"rate_bp"`
	FixedFenPerUnit int64      `json:"fixed_fen_per_unit"`
	Quantity        int64      `json:"quantity"`
	AmountFen       int64      `json:"amount_fen" doc:"accrued when the order was paid"`
	ReversedFen     int64      `json:"reversed_fen" doc:"taken back by refunds"`
	NetFen          int64      `json:"net_fen" doc:"amount − reversed"`
	Status          string     `json:"status" enum:"frozen,available,reversed"`
	PlanVersion     int64      `json:"plan_version"`
	CreatedAt       time.Time  `json:"created_at"`
	SettleableAt    *time.Time `json:"settleable_at,omitempty"`
	SettledAt       *time.Time `json:"settled_at,omitempty"`
}
