package order

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/attribution"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/rollup"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Limits that keep every sum far inside int64 and refuse absurd input early.
const (
	maxLines       = 50
	maxQuantity    = 9999
	maxShippingFen = 100_000_000 // ¥1,000,000
	maxAddressLen  = 300
)

// Service runs orders. Plans caches plan versions; Ledger caches account ids.
type Service struct {
	DB          *db.DB
	Ledger      *ledger.Ledger
	Attribution *attribution.Service
	Plans       settings.Plans

	orderNo func(time.Time) string // tests draw order numbers here; nil: newOrderNo
}

// New wires a Service.
func New(d *db.DB) *Service {
	return &Service{DB: d, Ledger: ledger.New(d), Attribution: &attribution.Service{DB: d}}
}

// LineInput is one SKU and quantity to buy.
type LineInput struct {
	SKUID    int64 `json:"sku_id" minimum:"1"`
	Quantity int64 `json:"quantity" doc:"1 to 9999"`
}

// Input places an order.
type Input struct {
	CustomerName  string      `json:"customer_name" maxLength:"256"`
	CustomerPhone string      `json:"customer_phone" maxLength:"32"`
	ShipAddress   string      `json:"ship_address" maxLength:"2000"`
	Lines         []LineInput `json:"lines" minItems:"1" maxItems:"50"`
	ShippingFen   int64       `json:"shipping_fen,omitempty" doc:"never part of a commission base"`
	DiscountFen   int64       `json:"discount_fen,omitempty" doc:"order-level discount (coupon), split across lines by amount"`
	Ref           string      `json:"ref,omitempty" maxLength:"32" doc:"a distributor's code; without it the customer's binding decides"`
	ExternalID    string      `json:"external_id,omitempty" maxLength:"100" doc:"your system's order id; unique: a repeat returns the first order"`
	IdemKey       string      `json:"-"`
}

// Create places an order: validates, attributes, reserves stock and stores the snapshot.
// A repeat with the same external_id or idempotency key returns the first order (replayed=true).
// Errors: Invalid (bad input, unknown SKU or ref, off-shelf), Conflict (sold out, not enough stock).
func (s *Service) Create(ctx context.Context, in Input) (o Order, replayed bool, err error) {
	name, err := identity.Name(in.CustomerName, 64)
	if err != nil {
		return o, false, identity.AsField("customer_name", err)
	}
	phone, err := identity.NormalizePhone(in.CustomerPhone)
	if err != nil {
		return o, false, identity.AsField("customer_phone", err)
	}
	addr := strings.TrimSpace(in.ShipAddress)
	if addr == "" || len([]rune(addr)) > maxAddressLen {
		return o, false, errs.Field("ship_address", "invalid_address", "ship_address is required, at most %d characters", maxAddressLen)
	}
	if err := checkLines(in); err != nil {
		return o, false, err
	}
	if o, ok, err := s.existing(ctx, in); ok || err != nil {
		return o, ok, err
	}
	var id int64
	for attempt := 0; ; attempt++ {
		err = s.DB.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = s.create(ctx, tx, in, name, phone, addr)
			return err
		})
		// Order numbers are random, so two orders of a day can draw the same one (a 2% chance
		// among 20,000 orders, about 50 a day at a million): draw again.
		if attempt < 5 && db.IsDuplicate(err, "orders", "order_no") {
			continue
		}
		break
	}
	if err != nil {
		// A concurrent repeat of the same external id or key won the race: answer as it did.
		if db.IsDuplicate(err, "orders", "external_id") || db.IsDuplicate(err, "orders", "idem_key") {
			if o, ok, err2 := s.existing(ctx, in); ok && err2 == nil {
				return o, true, nil
			}
		}
		return o, false, err
	}
	// A new order has no refunds or commissions yet: read only what it has.
	o, err = s.load(ctx, s.DB.R, id, false)
	return o, false, err
}

func checkLines(in Input) error {
	if len(in.Lines) == 0 || len(in.Lines) > maxLines {
		return errs.Field("lines", "invalid_lines", "an order needs 1 to %d lines", maxLines)
	}
	seen := map[int64]bool{}
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.SKUID <= 0 {
			return errs.Field(f+".sku_id", "invalid_sku", "sku_id must be a positive id")
		}
		if l.Quantity <= 0 || l.Quantity > maxQuantity {
			return errs.Field(f+".quantity", "invalid_quantity", "quantity must be 1 to %d, not %d", maxQuantity, l.Quantity)
		}
		if seen[l.SKUID] {
			return errs.Field(f+".sku_id", "duplicate_sku", "SKU %d appears twice; put the whole quantity on one line", l.SKUID)
		}
		seen[l.SKUID] = true
	}
	if in.ShippingFen < 0 || in.ShippingFen > maxShippingFen {
		return errs.Field("shipping_fen", "invalid_shipping", "shipping_fen must be 0 to %d", maxShippingFen)
	}
	if in.DiscountFen < 0 {
		return errs.Field("discount_fen", "invalid_discount", "discount_fen cannot be negative")
	}
	return nil
}

func (s *Service) existing(ctx context.Context, in Input) (Order, bool, error) {
	var id int64
	var err error
	switch {
	case in.ExternalID != "":
		err = s.DB.R.QueryRowContext(ctx, qIDByExternal, in.ExternalID).Scan(&id)
	case in.IdemKey != "":
		err = s.DB.R.QueryRowContext(ctx, qIDByIdemKey, in.IdemKey).Scan(&id)
	default:
		return Order{}, false, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, false, nil // no earlier order with this id or key: the common case
	}
	if err != nil {
		return Order{}, false, fmt.Errorf("look up an earlier order with the same id or key: %w", err)
	}
	o, err := s.Get(ctx, id)
	return o, err == nil, err
}

func (s *Service) create(ctx context.Context, tx *db.Tx, in Input, name, phone, addr string) (int64, error) {
	skuIDs := make([]int64, len(in.Lines))
	for i, l := range in.Lines {
		skuIDs[i] = l.SKUID
	}
	items, err := catalog.ItemsForSale(ctx, tx, skuIDs)
	if err != nil {
		return 0, err
	}
	co := commission.Order{DiscountFen: in.DiscountFen}
	var itemsFen int64
	for i, l := range in.Lines {
		it, ok := items[l.SKUID]
		f := fmt.Sprintf("lines[%d].sku_id", i)
		if !ok {
			return 0, errs.Field(f, "sku_not_found", "SKU %d does not exist", l.SKUID)
		}
		if !it.OnShelf {
			return 0, errs.Field(f, "off_shelf", "%s %s is not on sale", it.ProductName, it.Spec)
		}
		rules := it.Rules
		rules.Excluded = rules.Excluded || !it.Distributable
		co.Lines = append(co.Lines, commission.Line{UnitPriceFen: it.PriceFen, Quantity: l.Quantity, Rules: rules})
		itemsFen += it.PriceFen * l.Quantity
	}
	if in.DiscountFen > itemsFen {
		return 0, errs.Field("discount_fen", "invalid_discount", "discount ¥%s is more than the goods ¥%s", yuan(in.DiscountFen), yuan(itemsFen))
	}
	bases, err := commission.Bases(co)
	if err != nil {
		return 0, errs.Field("lines", "invalid_lines", "%v", err)
	}
	customerID, err := s.Attribution.UpsertCustomer(ctx, tx, phone, name)
	if err != nil {
		return 0, err
	}
	attr, err := s.Attribution.Attribute(ctx, tx, customerID, strings.ToUpper(strings.TrimSpace(in.Ref)))
	if err != nil {
		return 0, err
	}
	plan, err := settings.CurrentPlan(ctx, tx)
	if err != nil {
		return 0, err
	}
	cs, err := settings.LoadCommission(ctx, tx)
	if err != nil {
		return 0, err
	}
	var distID, parentID, level any
	if attr.DistributorID != 0 {
		distID, level = attr.DistributorID, attr.DistributorLevel
		if attr.ParentID != 0 {
			parentID = attr.ParentID
		}
	}
	total := itemsFen - in.DiscountFen + in.ShippingFen
	expires := tx.Now.Add(time.Duration(cs.UnpaidTimeoutMinutes) * time.Minute)
	var id int64
	err = tx.QueryRowContext(ctx, qInsertOrder, s.newOrderNo(tx.Now), nullStr(in.ExternalID), nullStr(in.IdemKey), customerID, name, phone, addr,
		itemsFen, in.DiscountFen, in.ShippingFen, total, distID, level, parentID, plan.Version, attr.Source, nullStr(attr.Reason),
		tx.Now, expires).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store order: %w", err)
	}
	if err := rollup.AddFunnel(ctx, tx, rollup.FunnelDelta{CreatedAt: tx.Now, DistributorID: attr.DistributorID, Orders: 1}); err != nil {
		return 0, err
	}
	if err := rollup.ReadZoneEarly(ctx, tx); err != nil { // before the stock rows, not after
		return 0, err
	}
	args := make([]any, 0, len(in.Lines)*12)
	values := make([]string, 0, len(in.Lines))
	for i, l := range in.Lines {
		it := items[l.SKUID]
		rules, err := json.Marshal(co.Lines[i].Rules)
		if err != nil {
			return 0, err
		}
		amount := it.PriceFen * l.Quantity
		n := len(args)
		values = append(values, fmt.Sprintf("($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12))
		args = append(args, id, i+1, it.ProductID, l.SKUID, it.ProductName, it.Spec, it.PriceFen, l.Quantity, amount, amount-bases[i], bases[i], string(rules))
	}
	if _, err := tx.ExecContext(ctx, qInsertLines+strings.Join(values, ","), args...); err != nil {
		return 0, fmt.Errorf("store order lines: %w", err)
	}
	// Stock rows are the hottest rows of a sale: take them last, in SKU order (stock.go), so
	// their locks (on PostgreSQL) are held only through the funnel rollup and the commit.
	lines := make([]stockLine, len(in.Lines))
	for i, l := range in.Lines {
		lines[i] = stockLine{l.SKUID, l.Quantity}
	}
	return id, moveStock(ctx, tx, catalog.Reserve, lines)
}

// newOrderNo is a date plus 10 random digits: readable on the phone, unguessable enough that
// order pages cannot be walked by counting.
func (s *Service) newOrderNo(now time.Time) string {
	if s.orderNo != nil {
		return s.orderNo(now)
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1e10))
	return fmt.Sprintf("FX%s%010d", now.Format("20060102"), n.Int64())
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// yuan formats fen as 12.34 for messages.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
