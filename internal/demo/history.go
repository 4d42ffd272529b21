package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
)

var cities = []string{"浙江省杭州市西湖区文三路 %d 号", "上海市浦东新区世纪大道 %d 号", "北京市海淀区中关村大街 %d 号",
	"广东省深圳市南山区科技园 %d 栋", "四川省成都市武侯区天府大道 %d 号", "江苏省南京市鼓楼区中山路 %d 号"}

// history places about 300 orders over the last 60 days and walks each as far as its age allows:
// old orders are mostly completed (some refunded or cancelled), recent ones paid or shipped, the
// newest waiting for payment. Then it settles and pays out.
func history(ctx context.Context, d Deps, clk *clock.Manual, now time.Time, r *rand.Rand, skus []sku, people []network.Distributor) error {
	day := func(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }
	for ago := 60; ago >= 0; ago-- {
		for k := range 3 + r.IntN(4) {
			at := day(ago).Add(-time.Duration(r.IntN(20*3600)) * time.Second)
			if ago == 0 {
				at = now.Add(-time.Duration(2+k) * time.Minute) // the newest wait for payment
			}
			clk.Set(at)
			o, err := place(ctx, d, r, skus, people)
			if err != nil {
				return err
			}
			if err := walk(ctx, d, clk, r, o, ago, at); err != nil {
				return err
			}
		}
	}
	if d.Settle != nil {
		for _, cut := range []time.Time{day(31), day(1)} {
			clk.Set(cut.Add(time.Hour))
			if err := d.Settle(ctx, cut); err != nil {
				return fmt.Errorf("demo settlement: %w", err)
			}
		}
	}
	clk.Set(day(0).Add(-2 * time.Hour))
	return withdrawals(ctx, d, r, people)
}

func place(ctx context.Context, d Deps, r *rand.Rand, skus []sku, people []network.Distributor) (order.Order, error) {
	in := order.Input{
		CustomerName:  name(r),
		CustomerPhone: fmt.Sprintf("1370000%04d", r.IntN(90)),
		ShipAddress:   fmt.Sprintf(cities[r.IntN(len(cities))], 1+r.IntN(300)),
	}
	if r.IntN(10) < 8 {
		in.Ref = people[r.IntN(len(people))].Code
	}
	var goods int64
	for _, i := range r.Perm(len(skus))[:1+r.IntN(3)] {
		q := int64(1 + r.IntN(3))
		if skus[i].price > 90000 {
			q = 1
		}
		in.Lines = append(in.Lines, order.LineInput{SKUID: skus[i].id, Quantity: q})
		goods += q * skus[i].price
	}
	if goods > 10000 && r.IntN(3) == 0 {
		in.DiscountFen = 1000
	}
	if goods < 9900 {
		in.ShippingFen = 800
	}
	o, _, err := d.Orders.Create(ctx, in)
	if err != nil {
		// The limited tea sells out during the history: buy something else instead.
		in.Lines = []order.LineInput{{SKUID: skus[0].id, Quantity: 1}}
		in.DiscountFen = 0
		o, _, err = d.Orders.Create(ctx, in)
	}
	return o, err
}

// walk moves an order through its life as far as its age says.
func walk(ctx context.Context, d Deps, clk *clock.Manual, r *rand.Rand, o order.Order, ago int, at time.Time) error {
	roll := r.IntN(100)
	step := func(days float64) { clk.Set(at.Add(time.Duration(days * 24 * float64(time.Hour)))) }
	switch {
	case ago == 0:
		return nil // waiting for payment
	case roll < 6:
		step(0.01)
		_, err := d.Orders.Cancel(ctx, o.ID, "顾客取消")
		return err
	}
	step(0.02)
	o, err := d.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "demo-" + o.OrderNo})
	if err != nil {
		return err
	}
	if ago < 2 {
		return nil
	}
	step(1)
	if o, err = d.Orders.Ship(ctx, o.ID, order.ShipInput{Carrier: []string{"顺丰速运", "中通快递", "圆通速递"}[r.IntN(3)], TrackingNo: fmt.Sprintf("SF%012d", r.Int64N(1e12))}); err != nil {
		return err
	}
	if ago < 5 {
		return nil
	}
	step(3)
	if o, err = d.Orders.Deliver(ctx, o.ID); err != nil {
		return err
	}
	if ago < 8 && roll < 50 {
		return nil
	}
	step(4)
	if o, err = d.Orders.Complete(ctx, o.ID); err != nil {
		return err
	}
	if roll >= 90 { // a return within the refund window
		step(5)
		l := o.Lines[0]
		q := int64(1)
		if roll >= 96 {
			q = l.Quantity
		}
		_, err = d.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "七天无理由退货", Restock: roll%2 == 0,
			Lines: []order.RefundLineInput{{LineID: l.ID, Quantity: q}}})
	}
	return err
}

func withdrawals(ctx context.Context, d Deps, r *rand.Rand, people []network.Distributor) error {
	if d.Payout == nil {
		return nil
	}
	n := 0
	for _, p := range people {
		b, err := d.Orders.Ledger.Balance(ctx, d.DB.R, p.ID)
		if err != nil {
			return err
		}
		if b.AvailableFen < 5000 {
			continue
		}
		amount := b.AvailableFen / 2 / 100 * 100
		acct := payout.Account{AccountName: p.Name, Account: p.Phone}
		w, _, err := d.Payout.Request(ctx, payout.RequestInput{DistributorID: p.ID, AmountFen: amount, Method: payout.Alipay, Account: acct})
		if err != nil {
			return fmt.Errorf("demo withdrawal: %w", err)
		}
		switch n % 4 {
		case 0, 1:
			if _, err = d.Payout.Approve(ctx, w.ID); err == nil {
				_, err = d.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: fmt.Sprintf("ALIPAY%010d", r.Int64N(1e10))})
			}
		case 2:
			_, err = d.Payout.Reject(ctx, w.ID, "收款账户与实名不符，请核对后重新申请")
		}
		if err != nil {
			return err
		}
		n++
	}
	return nil
}
