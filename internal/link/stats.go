package link

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// AttributionWindow is how long after a click an order may still be tied to it: the life of the
// attribution cookie the click sets.
const AttributionWindow = 30 * 24 * time.Hour

// Filter narrows the figures; zero fields do not filter. The period is [From, To).
type Filter struct {
	DistributorID int64
	ProductID     int64
	From, To      time.Time
}

// Figures are the counts of one row. Conversion is Orders / Visitors (0 without visitors); it is
// a display ratio, never money.
type Figures struct {
	Clicks     int64   `json:"clicks" doc:"credited clicks: people (not bots) while the distributor could earn"`
	Visitors   int64   `json:"visitors" doc:"distinct client keys among the clicks"`
	Orders     int64   `json:"orders"`
	PaidOrders int64   `json:"paid_orders"`
	Conversion float64 `json:"conversion" doc:"orders / visitors; 0 with no visitors"`
}

func (f *Figures) finish() {
	f.Conversion = 0
	if f.Visitors > 0 {
		f.Conversion = float64(f.Orders) / float64(f.Visitors)
	}
}

// LinkRow are one link's figures.
type LinkRow struct {
	LinkID          int64  `json:"link_id"`
	Code            string `json:"code"`
	Kind            Kind   `json:"kind" enum:"shop,product,invite"`
	DistributorID   int64  `json:"distributor_id"`
	DistributorCode string `json:"distributor_code"`
	DistributorName string `json:"distributor_name"`
	ProductID       int64  `json:"product_id" doc:"0 unless a product link"`
	ProductName     string `json:"product_name"`
	Figures
}

// DistributorRow are one distributor's figures over all its links.
type DistributorRow struct {
	DistributorID int64  `json:"distributor_id"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Figures
}

// ProductRow are one product's figures over every distributor's link to it.
type ProductRow struct {
	ProductID int64  `json:"product_id"`
	Name      string `json:"name"`
	Figures
}

// DayRow are one merchant-zone day's figures.
type DayRow struct {
	Day string `json:"day" doc:"YYYY-MM-DD in the merchant's zone (Asia/Shanghai)"`
	Figures
}

// Stats are the figures of a period by distributor, link, product and day, each sorted by clicks
// (days by date).
type Stats struct {
	From         time.Time        `json:"from"`
	To           time.Time        `json:"to"`
	Total        Figures          `json:"total"`
	Distributors []DistributorRow `json:"distributors" nullable:"false"`
	Links        []LinkRow        `json:"links" nullable:"false"`
	Products     []ProductRow     `json:"products" nullable:"false"`
	Days         []DayRow         `json:"days" nullable:"false"`
}

// Stats computes the figures of f's period. The definitions, kept simple on purpose:
//   - Clicks and visitors count credited clicks in the period (bots and clicks while the
//     distributor could not earn are stored but not counted); visitors are distinct client keys,
//     within each row and over the whole (so rows do not add up to the total's visitors).
//   - An order counts for its attributed distributor (orders.distributor_id) when it was placed
//     in the period. It is tied to a link by last click: the most recent credited click on any of
//     that distributor's links at or before the order, if that click is at most AttributionWindow
//     old. The link's product, if any, is the order's product in these figures. An order with no
//     such click counts for its distributor and its day but for no link or product (see
//     Signals: orders with no click). The cookie names the distributor, not the link, so this is
//     an estimate when one distributor shares several links at once.
//   - Paid orders are those orders that were paid, whatever happened later.
//   - With a ProductID, only clicks on that product's links and orders tied to them count.
func (s *Service) Stats(ctx context.Context, f Filter) (Stats, error) {
	st := Stats{From: f.From.UTC(), To: f.To.UTC(), Distributors: []DistributorRow{}, Links: []LinkRow{},
		Products: []ProductRow{}, Days: []DayRow{}}
	args := []any{f.From.UTC(), f.To.UTC(), f.DistributorID, f.ProductID}
	n := names{s: s, links: map[int64]LinkRow{}, dists: map[int64][2]string{}, products: map[int64]string{}}

	links := map[int64]*LinkRow{}
	dists := map[int64]*DistributorRow{}
	products := map[int64]*ProductRow{}
	days := map[string]*DayRow{}
	link := func(id int64) (*LinkRow, error) {
		if l, ok := links[id]; ok {
			return l, nil
		}
		m, err := n.link(ctx, id)
		if err != nil {
			return nil, err
		}
		links[id] = &m
		return &m, nil
	}
	dist := func(id int64) (*DistributorRow, error) {
		if d, ok := dists[id]; ok {
			return d, nil
		}
		cn, err := n.dist(ctx, id)
		if err != nil {
			return nil, err
		}
		d := &DistributorRow{DistributorID: id, Code: cn[0], Name: cn[1]}
		dists[id] = d
		return d, nil
	}
	product := func(id int64) (*ProductRow, error) {
		if p, ok := products[id]; ok {
			return p, nil
		}
		name, err := n.product(ctx, id)
		if err != nil {
			return nil, err
		}
		p := &ProductRow{ProductID: id, Name: name}
		products[id] = p
		return p, nil
	}
	day := func(d string) *DayRow {
		if x, ok := days[d]; ok {
			return x
		}
		x := &DayRow{Day: d}
		days[d] = x
		return x
	}

	// Clicks and visitors, one grouping per dimension.
	q := clicksAll
	if f.DistributorID != 0 {
		q = clicksOfDistributor
	}
	err := s.clickGroups(ctx, q.total, args, func(_ any, c, v int64) error {
		st.Total.Clicks, st.Total.Visitors = c, v
		return nil
	})
	if err == nil {
		err = s.clickGroups(ctx, q.byLink, args, func(k any, c, v int64) error {
			l, err := link(k.(int64))
			if err != nil {
				return err
			}
			l.Clicks, l.Visitors = c, v
			return nil
		})
	}
	if err == nil {
		err = s.clickGroups(ctx, q.byDistributor, args, func(k any, c, v int64) error {
			d, err := dist(k.(int64))
			if err != nil {
				return err
			}
			d.Clicks, d.Visitors = c, v
			return nil
		})
	}
	if err == nil {
		err = s.clickGroups(ctx, q.byProduct, args, func(k any, c, v int64) error {
			p, err := product(k.(int64))
			if err != nil {
				return err
			}
			p.Clicks, p.Visitors = c, v
			return nil
		})
	}
	if err == nil {
		err = s.clickGroups(ctx, q.byDay, args, func(k any, c, v int64) error {
			d := day(k.(string))
			d.Clicks, d.Visitors = c, v
			return nil
		})
	}
	if err != nil {
		return Stats{}, err
	}

	// Orders, each tied to at most one link by last click.
	err = s.attributedOrders(ctx, f, func(o orderClick) error {
		if f.ProductID != 0 && (!o.tied() || o.productID != f.ProductID) {
			return nil
		}
		paid := int64(0)
		if o.paid {
			paid = 1
		}
		st.Total.Orders++
		st.Total.PaidOrders += paid
		d, err := dist(o.distributorID)
		if err != nil {
			return err
		}
		d.Orders++
		d.PaidOrders += paid
		dy := day(o.createdAt.In(zone).Format("2006-01-02"))
		dy.Orders++
		dy.PaidOrders += paid
		if !o.tied() {
			return nil
		}
		l, err := link(o.linkID)
		if err != nil {
			return err
		}
		l.Orders++
		l.PaidOrders += paid
		if o.productID != 0 {
			p, err := product(o.productID)
			if err != nil {
				return err
			}
			p.Orders++
			p.PaidOrders += paid
		}
		return nil
	})
	if err != nil {
		return Stats{}, err
	}

	st.Total.finish()
	for _, l := range links {
		l.finish()
		st.Links = append(st.Links, *l)
	}
	for _, d := range dists {
		d.finish()
		st.Distributors = append(st.Distributors, *d)
	}
	for _, p := range products {
		p.finish()
		st.Products = append(st.Products, *p)
	}
	for _, d := range days {
		d.finish()
		st.Days = append(st.Days, *d)
	}
	slices.SortFunc(st.Links, func(a, b LinkRow) int { return byClicks(a.Figures, b.Figures, a.LinkID, b.LinkID) })
	slices.SortFunc(st.Distributors, func(a, b DistributorRow) int {
		return byClicks(a.Figures, b.Figures, a.DistributorID, b.DistributorID)
	})
	slices.SortFunc(st.Products, func(a, b ProductRow) int { return byClicks(a.Figures, b.Figures, a.ProductID, b.ProductID) })
	slices.SortFunc(st.Days, func(a, b DayRow) int { return cmp.Compare(a.Day, b.Day) })
	return st, nil
}

// byClicks orders rows by clicks, then orders, both descending, then by id for a stable page.
func byClicks(a, b Figures, ida, idb int64) int {
	return cmp.Or(cmp.Compare(b.Clicks, a.Clicks), cmp.Compare(b.Orders, a.Orders), cmp.Compare(ida, idb))
}

func (s *Service) clickGroups(ctx context.Context, q string, args []any, row func(key any, clicks, visitors int64) error) error {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("count link clicks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key any
		var c, v int64
		if err := rows.Scan(&key, &c, &v); err != nil {
			return fmt.Errorf("read link clicks: %w", err)
		}
		if b, ok := key.([]byte); ok {
			key = string(b)
		}
		if err := row(key, c, v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// orderClick is an attributed order with the last credited click of its distributor before it.
type orderClick struct {
	id, distributorID int64
	orderNo           string
	createdAt         time.Time
	paid              bool
	source            string
	linkID, productID int64
	clickAt           *time.Time
}

// tied reports whether the order's last click is within the attribution window.
func (o orderClick) tied() bool {
	return o.clickAt != nil && o.createdAt.Sub(*o.clickAt) <= AttributionWindow
}

func (s *Service) attributedOrders(ctx context.Context, f Filter, row func(orderClick) error) error {
	rows, err := s.DB.R.QueryContext(ctx, qOrdersLastClick, f.From.UTC(), f.To.UTC(), f.DistributorID)
	if err != nil {
		return fmt.Errorf("read attributed orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o orderClick
		var linkID, productID sql.NullInt64
		var at sql.NullTime
		if err := rows.Scan(&o.id, &o.orderNo, &o.distributorID, &o.createdAt, &o.paid, &o.source, &linkID, &productID, &at); err != nil {
			return fmt.Errorf("read attributed order: %w", err)
		}
		o.linkID, o.productID = linkID.Int64, productID.Int64
		if at.Valid {
			t := at.Time.UTC()
			o.clickAt = &t
		}
		o.createdAt = o.createdAt.UTC()
		if err := row(o); err != nil {
			return err
		}
	}
	return rows.Err()
}

// names looks up what the rows show beside their ids, once per id.
type names struct {
	s        *Service
	links    map[int64]LinkRow
	dists    map[int64][2]string
	products map[int64]string
}

func (n *names) link(ctx context.Context, id int64) (LinkRow, error) {
	if l, ok := n.links[id]; ok {
		return l, nil
	}
	l := LinkRow{LinkID: id}
	var pid sql.NullInt64
	err := n.s.DB.R.QueryRowContext(ctx, qLinkNames, id).Scan(&l.Code, &l.Kind, &l.DistributorID, &l.DistributorCode,
		&l.DistributorName, &pid, &l.ProductName)
	if err != nil {
		return l, fmt.Errorf("read link %d: %w", id, err)
	}
	l.ProductID = pid.Int64
	n.links[id] = l
	return l, nil
}

func (n *names) dist(ctx context.Context, id int64) ([2]string, error) {
	if d, ok := n.dists[id]; ok {
		return d, nil
	}
	var d [2]string
	if err := n.s.DB.R.QueryRowContext(ctx, qDistributorNames, id).Scan(&d[0], &d[1]); err != nil {
		return d, fmt.Errorf("read distributor %d: %w", id, err)
	}
	n.dists[id] = d
	return d, nil
}

func (n *names) product(ctx context.Context, id int64) (string, error) {
	if p, ok := n.products[id]; ok {
		return p, nil
	}
	var p string
	if err := n.s.DB.R.QueryRowContext(ctx, qProductName, id).Scan(&p); err != nil {
		return p, fmt.Errorf("read product %d: %w", id, err)
	}
	n.products[id] = p
	return p, nil
}
