package link

import (
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// The worked example. Period: 1 Mar 00:00 to 3 Mar 00:00 Beijing (28 Feb 16:00 to 2 Mar 16:00 UTC).
// Times below are UTC; Beijing is 8 hours ahead.
//
//	clicks  c1 Alice·tea  k1 1 Mar 02:00   c2 Alice·tea k1 02:05   c3 Alice·tea k2 03:00
//	        c4 Alice·shop k3 1 Mar 17:00 (2 Mar in Beijing)         c5 Bob·shop  k1 04:00
//	        c6 Alice·shop bot 05:00 and c7 Bob·shop k4 05:00 not credited: never counted
//	        c8 Dave·shop  k8 29 Jan 07:00, before the period: not counted, and too old for o5
//	orders  o1 Alice 1 Mar 02:30 paid    last click c2 → Alice·tea
//	        o2 Alice 1 Mar 18:00 unpaid  last click c4 → Alice·shop (2 Mar in Beijing)
//	        o3 Bob   1 Mar 06:00 paid    last click c5 (c7 is not credited) → Bob·shop
//	        o4 Carol 1 Mar 07:00 paid    no click at all → Carol and the day only
//	        o5 Dave  1 Mar 08:00 paid    Dave's only click is 31 days old → no link
//	        oX nobody credited (no ref) is in no figure
func TestStatsWorkedExample(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.distributor("Alice", nil), e.distributor("Bob", nil)
	carol, dave := e.distributor("Carol", nil), e.distributor("Dave", nil)
	tea, honey := e.product("龙井", 10000), e.product("蜂蜜", 5000)
	aTea, _ := e.Links.ForProduct(ctx, alice.ID, tea.ID)
	aShop, _ := e.Links.ForShop(ctx, alice.ID)
	bShop, _ := e.Links.ForShop(ctx, bob.ID)
	dShop, _ := e.Links.ForShop(ctx, dave.ID)
	bot := click(aShop, "kb", utc(1, 5, 0))
	bot.UAClass, bot.Credited = UABot, false
	frozen := click(bShop, "k4", utc(1, 5, 0))
	frozen.Credited = false
	e.clicks(click(aTea, "k1", utc(1, 2, 0)), click(aTea, "k1", utc(1, 2, 5)), click(aTea, "k2", utc(1, 3, 0)),
		click(aShop, "k3", utc(1, 17, 0)), click(bShop, "k1", utc(1, 4, 0)), bot, frozen,
		click(dShop, "k8", time.Date(2026, 1, 29, 7, 0, 0, 0, time.UTC)))
	e.order(utc(1, 2, 30), "13700000001", alice.Code, tea, true)
	e.order(utc(1, 18, 0), "13700000002", alice.Code, honey, false)
	e.order(utc(1, 6, 0), "13700000003", bob.Code, honey, true)
	e.order(utc(1, 7, 0), "13700000004", carol.Code, honey, true)
	e.order(utc(1, 8, 0), "13700000005", dave.Code, honey, true)
	e.order(utc(1, 9, 0), "13700000006", "", honey, true)

	from := time.Date(2026, 3, 1, 0, 0, 0, 0, zone)
	st, err := e.Links.Stats(ctx, Filter{From: from, To: from.AddDate(0, 0, 2)})
	if err != nil {
		t.Fatal(err)
	}
	want := func(name string, got, w Figures) {
		t.Helper()
		w.finish()
		if got != w {
			t.Errorf("%s: got %+v, want %+v", name, got, w)
		}
	}
	// Visitors k1, k2, k3; orders o1–o5, paid all but o2; conversion 5/3.
	want("total", st.Total, Figures{Clicks: 5, Visitors: 3, Orders: 5, PaidOrders: 4})
	links := map[string]Figures{}
	for _, l := range st.Links {
		links[l.Code] = l.Figures
	}
	if len(st.Links) != 3 || st.Links[0].Code != aTea.Code || st.Links[0].ProductName != "龙井" || st.Links[0].DistributorName != "Alice" {
		t.Fatalf("links %+v", st.Links)
	}
	want("Alice·tea", links[aTea.Code], Figures{Clicks: 3, Visitors: 2, Orders: 1, PaidOrders: 1})
	want("Alice·shop", links[aShop.Code], Figures{Clicks: 1, Visitors: 1, Orders: 1})
	want("Bob·shop", links[bShop.Code], Figures{Clicks: 1, Visitors: 1, Orders: 1, PaidOrders: 1})
	dists := map[int64]Figures{}
	for _, d := range st.Distributors {
		dists[d.DistributorID] = d.Figures
	}
	want("Alice", dists[alice.ID], Figures{Clicks: 4, Visitors: 3, Orders: 2, PaidOrders: 1})
	want("Bob", dists[bob.ID], Figures{Clicks: 1, Visitors: 1, Orders: 1, PaidOrders: 1})
	want("Carol", dists[carol.ID], Figures{Orders: 1, PaidOrders: 1})
	want("Dave", dists[dave.ID], Figures{Orders: 1, PaidOrders: 1})
	if len(st.Products) != 1 || st.Products[0].ProductID != tea.ID || st.Products[0].Name != "龙井" {
		t.Fatalf("products %+v", st.Products)
	}
	want("tea", st.Products[0].Figures, Figures{Clicks: 3, Visitors: 2, Orders: 1, PaidOrders: 1})
	if len(st.Days) != 2 || st.Days[0].Day != "2026-03-01" || st.Days[1].Day != "2026-03-02" {
		t.Fatalf("days %+v", st.Days)
	}
	want("1 Mar", st.Days[0].Figures, Figures{Clicks: 4, Visitors: 2, Orders: 4, PaidOrders: 4})
	want("2 Mar", st.Days[1].Figures, Figures{Clicks: 1, Visitors: 1, Orders: 1})

	// One product: only its links' clicks and the orders tied to them.
	st, err = e.Links.Stats(ctx, Filter{ProductID: tea.ID, From: from, To: from.AddDate(0, 0, 2)})
	if err != nil {
		t.Fatal(err)
	}
	want("tea only", st.Total, Figures{Clicks: 3, Visitors: 2, Orders: 1, PaidOrders: 1})
	// One distributor.
	st, err = e.Links.Stats(ctx, Filter{DistributorID: alice.ID, From: from, To: from.AddDate(0, 0, 2)})
	if err != nil {
		t.Fatal(err)
	}
	want("Alice only", st.Total, Figures{Clicks: 4, Visitors: 3, Orders: 2, PaidOrders: 1})
	if len(st.Links) != 2 {
		t.Fatalf("Alice's links %+v", st.Links)
	}
}

// Signals on a small example: Alice buys through her own link with self_purchase off and then
// on; key kb clicks 21 times in 10 minutes (a burst), key kc 20 times (not one); Carol's order has
// no click.
func TestSignals(t *testing.T) {
	e := newEnv(t)
	alice, carol := e.distributor("Alice", nil), e.distributor("Carol", nil)
	tea := e.product("龙井", 10000)
	aShop, _ := e.Links.ForShop(ctx, alice.ID)
	var cs []Click
	for i := range 21 {
		cs = append(cs, click(aShop, "kb", utc(1, 3, 0).Add(time.Duration(i)*29*time.Second)))
	}
	for i := range 20 {
		cs = append(cs, click(aShop, "kc", utc(1, 4, 0).Add(time.Duration(i)*time.Second)))
	}
	for i := range 30 { // 30 clicks, but never more than 20 within 10 minutes
		cs = append(cs, click(aShop, "kd", utc(1, 5, 0).Add(time.Duration(i)*time.Minute)))
	}
	e.clicks(cs...)
	self := e.order(utc(1, 6, 0), alice.Phone, alice.Code, tea, true)
	if self.DistributorID != nil {
		t.Fatalf("self purchase credited with self_purchase off: %v", *self.DistributorID)
	}
	if err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		b := settings.DefaultBinding()
		b.SelfPurchase = true
		return settings.SaveBinding(ctx, tx, b)
	}); err != nil {
		t.Fatal(err)
	}
	self2 := e.order(utc(1, 6, 30), alice.Phone, alice.Code, tea, true)
	fine := e.order(utc(1, 7, 0), "13700000001", alice.Code, tea, true)
	lone := e.order(utc(1, 8, 0), "13700000002", carol.Code, tea, true)

	sg, err := e.Links.Signals(ctx, utc(1, 0, 0), utc(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(sg.SelfReferrals) != 2 || sg.SelfReferrals[0].OrderNo != self2.OrderNo || !sg.SelfReferrals[0].Credited ||
		sg.SelfReferrals[1].OrderNo != self.OrderNo || sg.SelfReferrals[1].Credited || sg.SelfReferrals[1].DistributorID != alice.ID {
		t.Fatalf("self referrals %+v", sg.SelfReferrals)
	}
	if len(sg.Bursts) != 1 || sg.Bursts[0].Clicks != 21 || sg.Bursts[0].DistributorCode != alice.Code ||
		!sg.Bursts[0].Start.Equal(utc(1, 3, 0)) || !sg.Bursts[0].End.Equal(utc(1, 3, 0).Add(20*29*time.Second)) {
		t.Fatalf("bursts %+v", sg.Bursts)
	}
	if len(sg.Unclicked) != 1 || sg.Unclicked[0].OrderNo != lone.OrderNo || sg.Unclicked[0].Source != "ref" {
		t.Fatalf("unclicked %+v (the order through Alice, %s, has clicks)", sg.Unclicked, fine.OrderNo)
	}
}
