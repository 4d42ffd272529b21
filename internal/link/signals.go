package link

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// A burst is more than BurstClicks clicks from one client key within BurstWindow: one phone on
// one network opening links far faster than a person shares or reads them.
const (
	BurstClicks = 20
	BurstWindow = 10 * time.Minute
	// maxSignals bounds each list of signals a page or API call returns.
	maxSignals = 100
)

// SelfReferral is an order whose customer phone is the phone of a distributor who was credited
// for it, or who would have been but for self_purchase being off.
type SelfReferral struct {
	OrderID         int64     `json:"order_id"`
	OrderNo         string    `json:"order_no"`
	DistributorID   int64     `json:"distributor_id"`
	DistributorCode string    `json:"distributor_code"`
	DistributorName string    `json:"distributor_name"`
	TotalFen        int64     `json:"total_fen"`
	Credited        bool      `json:"credited" doc:"true: the distributor earns on it (self_purchase on)"`
	CreatedAt       time.Time `json:"created_at"`
}

// Burst is a run of clicks from one client key.
type Burst struct {
	ClientKey       string    `json:"client_key" doc:"a pseudonym of address and user agent (16 hex digits); no IP is stored"`
	Clicks          int       `json:"clicks" doc:"most clicks within the burst window"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	DistributorID   int64     `json:"distributor_id" doc:"the distributor most of the burst's clicks were for"`
	DistributorCode string    `json:"distributor_code"`
	DistributorName string    `json:"distributor_name"`
}

// Unclicked is an attributed order whose distributor had no credited click in the
// AttributionWindow before it. Many are honest — the customer's binding is older than the
// window, the distributor's code was typed or came in a ?ref= URL, or an external store sent the
// order — but a distributor with many such orders and few clicks deserves a look.
type Unclicked struct {
	OrderID         int64     `json:"order_id"`
	OrderNo         string    `json:"order_no"`
	DistributorID   int64     `json:"distributor_id"`
	DistributorCode string    `json:"distributor_code"`
	DistributorName string    `json:"distributor_name"`
	Source          string    `json:"source" enum:"ref,binding" doc:"how the order was attributed"`
	CreatedAt       time.Time `json:"created_at"`
}

// Signals are what a merchant should look at in a period, at most 100 of each, newest first.
type Signals struct {
	SelfReferrals []SelfReferral `json:"self_referrals" nullable:"false"`
	Bursts        []Burst        `json:"bursts" nullable:"false"`
	Unclicked     []Unclicked    `json:"unclicked" nullable:"false"`
}

// Signals finds self-referral orders, bursts of clicks and orders with no click in [from, to).
func (s *Service) Signals(ctx context.Context, from, to time.Time) (Signals, error) {
	out := Signals{SelfReferrals: []SelfReferral{}, Bursts: []Burst{}, Unclicked: []Unclicked{}}
	from, to = from.UTC(), to.UTC()
	rows, err := s.DB.R.QueryContext(ctx, qSelfReferrals, from, to, maxSignals)
	if err != nil {
		return out, fmt.Errorf("find self-referral orders: %w", err)
	}
	for rows.Next() {
		var r SelfReferral
		if err := rows.Scan(&r.OrderID, &r.OrderNo, &r.DistributorID, &r.DistributorCode, &r.DistributorName,
			&r.TotalFen, &r.Credited, &r.CreatedAt); err != nil {
			rows.Close()
			return out, fmt.Errorf("read self-referral order: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out.SelfReferrals = append(out.SelfReferrals, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if out.Bursts, err = s.bursts(ctx, from, to); err != nil {
		return out, err
	}
	n := names{s: s, links: map[int64]LinkRow{}, dists: map[int64][2]string{}, products: map[int64]string{}}
	err = s.attributedOrders(ctx, Filter{From: from, To: to}, func(o orderClick) error {
		if o.tied() {
			return nil
		}
		d, err := n.dist(ctx, o.distributorID)
		if err != nil {
			return err
		}
		out.Unclicked = append(out.Unclicked, Unclicked{OrderID: o.id, OrderNo: o.orderNo, DistributorID: o.distributorID,
			DistributorCode: d[0], DistributorName: d[1], Source: o.source, CreatedAt: o.createdAt})
		return nil
	})
	if err != nil {
		return out, err
	}
	// attributedOrders reads oldest first; the merchant wants the newest.
	for i, j := 0, len(out.Unclicked)-1; i < j; i, j = i+1, j-1 {
		out.Unclicked[i], out.Unclicked[j] = out.Unclicked[j], out.Unclicked[i]
	}
	if len(out.Unclicked) > maxSignals {
		out.Unclicked = out.Unclicked[:maxSignals]
	}
	return out, nil
}

// bursts reads the clicks of the keys with more than BurstClicks non-bot clicks in the period,
// then slides a BurstWindow over each one's clicks to find its densest run. The busiest keys come
// first.
func (s *Service) bursts(ctx context.Context, from, to time.Time) ([]Burst, error) {
	rows, err := s.DB.R.QueryContext(ctx, qBurstClicks, from, to, BurstClicks, maxSignals)
	if err != nil {
		return nil, fmt.Errorf("find bursts of clicks: %w", err)
	}
	type keyClicks struct {
		key  int64
		at   []time.Time
		dist []int64
	}
	var keys []*keyClicks
	for rows.Next() {
		var k, d int64
		var t time.Time
		if err := rows.Scan(&k, &t, &d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read click of a burst: %w", err)
		}
		if len(keys) == 0 || keys[len(keys)-1].key != k {
			keys = append(keys, &keyClicks{key: k})
		}
		kc := keys[len(keys)-1]
		kc.at, kc.dist = append(kc.at, t.UTC()), append(kc.dist, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(keys, func(a, b *keyClicks) int { return cmp.Compare(len(b.at), len(a.at)) })
	n := names{s: s, dists: map[int64][2]string{}}
	out := []Burst{}
	for _, kc := range keys {
		b, ok := densest(kc.key, kc.at, kc.dist)
		if !ok {
			continue
		}
		d, err := n.dist(ctx, b.DistributorID)
		if err != nil {
			return nil, err
		}
		b.DistributorCode, b.DistributorName = d[0], d[1]
		out = append(out, b)
	}
	return out, nil
}

// densest finds the run of one key's clicks (at in order, dist their distributors) with the most
// clicks within BurstWindow, and whether it is a burst.
func densest(key int64, at []time.Time, dist []int64) (Burst, bool) {
	best := Burst{ClientKey: KeyString(key)}
	for i, j := 0, 0; j < len(at); j++ {
		for at[j].Sub(at[i]) > BurstWindow {
			i++
		}
		if n := j - i + 1; n > best.Clicks {
			best.Clicks, best.Start, best.End = n, at[i], at[j]
			count := map[int64]int{}
			for _, d := range dist[i : j+1] {
				count[d]++
			}
			for d, c := range count {
				if c > count[best.DistributorID] || (c == count[best.DistributorID] && d < best.DistributorID) {
					best.DistributorID = d
				}
			}
		}
	}
	return best, best.Clicks > BurstClicks
}
