package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/network"
)

// clicks gives the demo's distributors visits on their tracked links over the last 60 days —
// phones and WeChat mostly, a few bots, and one burst from a single visitor that the promotion
// page flags — so the promotion page, the funnel and the conversion figures have something to show.
func clicks(ctx context.Context, d Deps, r *rand.Rand, now time.Time, people []network.Distributor) error {
	if d.Links == nil {
		return nil
	}
	yes := true
	page, err := d.Catalog.List(ctx, catalog.Filter{Status: catalog.OnShelf, Distributable: &yes, Page: 1, PerPage: 4})
	if err != nil {
		return err
	}
	rec := link.NewRecorder(d.DB, slog.New(slog.DiscardHandler), link.RecorderOptions{})
	classes := []string{link.UAWeChat, link.UAWeChat, link.UAMobile, link.UAMobile, link.UADesktop}
	referrers := []string{"", "", "mp.weixin.qq.com", "www.xiaohongshu.com", "weibo.com"}
	for _, p := range people {
		var links []link.Link
		if l, err := d.Links.ForShop(ctx, p.ID); err == nil {
			links = append(links, l)
		}
		for _, it := range page.Items {
			if l, err := d.Links.ForProduct(ctx, p.ID, it.ID); err == nil {
				links = append(links, l)
			}
		}
		if len(links) == 0 {
			continue // not approved: no links
		}
		credited := p.Status == network.Approved
		for ago := 60; ago >= 0; ago-- {
			for range r.IntN(5) {
				l := links[r.IntN(len(links))]
				c := link.Click{LinkID: l.ID, DistributorID: p.ID, At: now.Add(-time.Duration(ago*24*3600+r.IntN(20*3600)) * time.Second),
					ReferrerHost: referrers[r.IntN(len(referrers))], UAClass: classes[r.IntN(len(classes))],
					ClientKey: int64(r.Uint64() >> 1 % 400), Credited: credited}
				if l.ProductID != nil {
					c.ProductID = *l.ProductID
				}
				if r.IntN(20) == 0 {
					c.UAClass, c.Credited = link.UABot, false
				}
				rec.Record(c)
			}
		}
	}
	if len(people) > 0 { // a burst: one visitor opening the same link 40 times in ten minutes
		if l, err := d.Links.ForShop(ctx, people[0].ID); err == nil {
			start := now.Add(-3 * 24 * time.Hour)
			for i := range 40 {
				rec.Record(link.Click{LinkID: l.ID, DistributorID: l.DistributorID, At: start.Add(time.Duration(i*15) * time.Second),
					UAClass: link.UAMobile, ClientKey: 987654321, Credited: people[0].Status == network.Approved})
			}
		}
	}
	if err := rec.Close(ctx); err != nil {
		return fmt.Errorf("demo clicks: %w", err)
	}
	return nil
}
