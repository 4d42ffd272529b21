// Package demo fills an empty shop with a believable history — Chinese products, two dozen
// distributors in two levels, a few hundred orders over the last 60 days in every state,
// settlements and withdrawals — through the same services a real shop uses, so every figure
// obeys the same rules and `fenxiao verify` passes on it. It runs only when asked (serve --demo).
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Logins the demo creates; printed at start so a newcomer can sign in.
const (
	OwnerLogin     = "owner@demo.fenxiao"
	OperatorLogin  = "ops@demo.fenxiao"
	FinanceLogin   = "finance@demo.fenxiao"
	StaffPassword  = "demo-pass-2026"
	Level1Phone    = "13800000001"
	Level2Phone    = "13800000101"
	DistributorPwd = "demo-pass-2026"
)

// Deps are the services the demo drives.
type Deps struct {
	DB       *db.DB
	Accounts *account.Service
	Network  *network.Service
	Catalog  *catalog.Service
	Orders   *order.Service
	Payout   *payout.Service
	// Links makes tracked links for the demo's clicks; nil: no clicks.
	Links *link.Service
	// Settle runs a settlement for a cutoff; nil skips settlements.
	Settle func(ctx context.Context, cutoff time.Time) error
}

// State says what the database holds: nothing yet (the demo may fill it), the demo, or a real
// shop, which the demo never touches.
type State int

const (
	Empty State = iota
	DemoShop
	RealShop
)

// Check reports the database's State.
func Check(ctx context.Context, d Deps) (State, error) {
	var n int
	if err := d.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = 'demo'`).Scan(&n); err != nil {
		return Empty, err
	}
	if n > 0 {
		return DemoShop, nil
	}
	has, err := d.Accounts.HasOwner(ctx)
	if err != nil || !has {
		return Empty, err
	}
	return RealShop, nil
}

// Seed builds the demo shop. It moves the database clock through the last 60 days while it
// writes and puts the real clock back at the end.
func Seed(ctx context.Context, d Deps) error {
	real := d.DB.Clock
	now := real.Now()
	clk := clock.NewManual(now.Add(-61 * 24 * time.Hour))
	d.DB.Clock = clk
	defer func() { d.DB.Clock = real }()
	ctx = audit.WithActor(ctx, "system:demo")
	r := rand.New(rand.NewPCG(2026, 11))

	for _, st := range []struct{ login, name, role string }{
		{OwnerLogin, "王店长", "owner"}, {OperatorLogin, "李运营", "operator"}, {FinanceLogin, "赵财务", "finance"},
	} {
		if _, err := d.Accounts.CreateStaff(ctx, st.login, st.name, st.role, StaffPassword); err != nil {
			return fmt.Errorf("demo staff: %w", err)
		}
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		b := settings.DefaultBinding()
		b.Mode, b.BindingDays = settings.BindFirst, 30
		if err := settings.SaveBinding(ctx, tx, b); err != nil {
			return err
		}
		w := settings.DefaultWithdrawal()
		w.FeeBP, w.FeeMinFen = 60, 100
		return settings.SaveWithdrawal(ctx, tx, w)
	})
	if err != nil {
		return err
	}
	skus, err := products(ctx, d)
	if err != nil {
		return err
	}
	l1, l2, err := distributors(ctx, d, r)
	if err != nil {
		return err
	}
	if err := history(ctx, d, clk, now, r, skus, append(l1, l2...)); err != nil {
		return err
	}
	if err := clicks(ctx, d, r, now, append(l1, l2...)); err != nil {
		return err
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('demo', 'true', $1)`, tx.Now)
		return err
	})
}

type sku struct {
	id    int64
	price int64
}

func products(ctx context.Context, d Deps) ([]sku, error) {
	yes, no := true, false
	fixed := func(fen int64) *catalog.CommissionOverride { return &catalog.CommissionOverride{FixedFen: &fen} }
	rate := func(bp int64) *catalog.CommissionOverride { return &catalog.CommissionOverride{RateBP: &bp} }
	list := []struct {
		name, desc string
		dist       *bool
		c          *catalog.CommissionOverrides
		skus       []catalog.SKUInput
	}{
		{"西湖龙井 明前特级", "杭州西湖产区，明前手工炒制，豆香浓郁。", nil, nil,
			[]catalog.SKUInput{{Spec: "100g 罐装", PriceFen: 26800, Stock: 400, LowStockThreshold: 20}, {Spec: "250g 礼盒", PriceFen: 59800, Stock: 120, LowStockThreshold: 10}}},
		{"安溪铁观音 浓香型", "传统工艺，回甘持久。", nil, nil, []catalog.SKUInput{{Spec: "250g", PriceFen: 12800, Stock: 500}}},
		{"景德镇青瓷茶杯", "手工拉坯，一杯一色。", nil, &catalog.CommissionOverrides{L2Direct: rate(1200), L1Override: rate(400)},
			[]catalog.SKUInput{{Spec: "单只", PriceFen: 5800, Stock: 800}, {Spec: "四只套装", PriceFen: 19800, Stock: 150}}},
		{"云南古树普洱 生茶饼", "2019 年春茶，357g 饼。", nil, nil, []catalog.SKUInput{{Spec: "357g", PriceFen: 38800, Stock: 60, LowStockThreshold: 10}}},
		{"临安山核桃仁", "手剥山核桃，椒盐味。", nil, &catalog.CommissionOverrides{L1Direct: fixed(800), L2Direct: fixed(600), L1Override: fixed(200)},
			[]catalog.SKUInput{{Spec: "罐装 180g", PriceFen: 1234, Stock: 2000}}},
		{"秦岭土蜂蜜", "百花蜜，零添加。", nil, nil, []catalog.SKUInput{{Spec: "500g", PriceFen: 8800, Stock: 300}}},
		{"手工冷制皂 三块装", "植物油冷制，温和洁面。", nil, nil, []catalog.SKUInput{{Spec: "三块装", PriceFen: 9900, Stock: 250}}},
		{"宜兴紫砂壶 西施", "原矿紫泥，容量 220ml。", nil, &catalog.CommissionOverrides{L1Direct: rate(600), L2Direct: rate(500), L1Override: rate(200)},
			[]catalog.SKUInput{{Spec: "220ml", PriceFen: 128000, Stock: 25, LowStockThreshold: 5}}},
		{"茶具清洁布（不参与分销）", "超细纤维，吸水不掉毛。", &no, nil, []catalog.SKUInput{{Spec: "两条装", PriceFen: 1990, Stock: 1000}}},
		{"限量 大红袍 母树款", "限量发售，售完即止。", &yes, nil, []catalog.SKUInput{{Spec: "50g", PriceFen: 99900, Stock: 3}}},
	}
	var out []sku
	for _, p := range list {
		prod, err := d.Catalog.Create(ctx, catalog.ProductInput{Name: p.name, Description: p.desc, Distributable: p.dist, Commission: p.c, SKUs: p.skus})
		if err != nil {
			return nil, fmt.Errorf("demo product %s: %w", p.name, err)
		}
		for _, s := range prod.SKUs {
			out = append(out, sku{id: s.ID, price: s.PriceFen})
		}
	}
	return out, nil
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
var given = []string{"晓明", "丽华", "建国", "雪", "静", "磊", "敏", "婷婷", "强", "芳", "洋", "娜", "杰", "秀英", "涛", "桂英", "军", "霞"}

func name(r *rand.Rand) string {
	return string(surnames[r.IntN(len(surnames))]) + given[r.IntN(len(given))]
}

func distributors(ctx context.Context, d Deps, r *rand.Rand) (l1, l2 []network.Distributor, err error) {
	for i := range 6 {
		phone := fmt.Sprintf("138000000%02d", i+1)
		a, err := d.Network.Apply(ctx, network.Application{Name: name(r), Phone: phone})
		if err != nil {
			return nil, nil, fmt.Errorf("demo level 1: %w", err)
		}
		if a, err = d.Network.Approve(ctx, a.ID); err != nil {
			return nil, nil, err
		}
		l1 = append(l1, a)
	}
	for i := range 18 {
		parent := l1[i%len(l1)]
		phone := fmt.Sprintf("13800000%03d", 101+i)
		b, err := d.Network.Apply(ctx, network.Application{Name: name(r), Phone: phone, InviteCode: *parent.InviteCode})
		if err != nil {
			return nil, nil, fmt.Errorf("demo level 2: %w", err)
		}
		if b, err = d.Network.Approve(ctx, b.ID); err != nil {
			return nil, nil, err
		}
		l2 = append(l2, b)
	}
	for _, p := range []string{Level1Phone, Level2Phone} {
		var id int64
		if err := d.DB.R.QueryRowContext(ctx, `SELECT id FROM distributors WHERE phone = $1`, p).Scan(&id); err != nil {
			return nil, nil, err
		}
		if err := d.Accounts.SetDistributorPassword(ctx, id, DistributorPwd); err != nil {
			return nil, nil, err
		}
	}
	// Applications waiting for review, and one rejected.
	for i, n := range []string{"待审核的张三", "待审核的李四", "被拒绝的王五"} {
		a, err := d.Network.Apply(ctx, network.Application{Name: n, Phone: fmt.Sprintf("139000000%02d", i+1), InviteCode: *l1[0].InviteCode})
		if err != nil {
			return nil, nil, err
		}
		if i == 2 {
			if _, err := d.Network.Reject(ctx, a.ID, "资料不完整，请补充实名信息后重新申请"); err != nil {
				return nil, nil, err
			}
		}
	}
	return l1, l2, nil
}
