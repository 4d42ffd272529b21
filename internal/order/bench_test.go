package order_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/order"
)

// BenchmarkCreateAndPay places and pays orders of 3 lines attributed to a level-2 (6 commissions,
// one 3-entry posting) from concurrent clients: the money path end to end below HTTP.
// Compare with BenchmarkRawInsert, which writes the same rows with bare INSERTs, in one run:
//
//	go test ./internal/order -run '^$' -bench 'CreateAndPay|RawInsert' -benchtime 3s
func BenchmarkCreateAndPay(b *testing.B) {
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { createAndPay(b, clients) })
	}
}

// benchClients are the concurrent clients each benchmark runs with: the shared commit grows
// with them.
var benchClients = []int{8, 32}

func createAndPay(b *testing.B, clients int) {
	s := newShop(b)
	alice := s.distributor("Alice", nil)
	bob := s.distributor("Bob", &alice)
	var skus [3]int64
	for i := range skus {
		skus[i] = s.product(fmt.Sprint("商品", i), 1990+int64(i)*100, 1e9, nil, true)
	}
	ordersInParallel(b, clients, func(i int64) error {
		o, _, err := s.Orders.Create(ctx, order.Input{CustomerName: "顾客", CustomerPhone: fmt.Sprintf("137%08d", i%100000), ShipAddress: "杭州",
			Ref: bob.Code, DiscountFen: 100, ShippingFen: 800,
			Lines: []order.LineInput{{SKUID: skus[0], Quantity: 1}, {SKUID: skus[1], Quantity: 2}, {SKUID: skus[2], Quantity: 3}}})
		if err != nil {
			return err
		}
		_, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "bench", Reference: o.OrderNo})
		return err
	})
	if c, n := s.DB.GroupStats(); c > 0 {
		b.ReportMetric(float64(n)/float64(c), "tx/commit")
	}
}

// BenchmarkRawInsert writes what one paid order writes — an order, 3 lines, 6 commissions, a
// ledger transaction with 3 entries — as bare INSERTs in one transaction: the floor the money
// path is measured against. Its create-then-pay runs add the writes the money path cannot
// skip (rawCreateThenPay).
func BenchmarkRawInsert(b *testing.B) {
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { rawInsert(b, clients, allIndexes) })
	}
	b.Run(fmt.Sprintf("clients=%d/unique-indexes-only", benchClients[1]), func(b *testing.B) { rawInsert(b, benchClients[1], uniqueOnly) })
	b.Run(fmt.Sprintf("clients=%d/no-secondary-indexes", benchClients[1]), func(b *testing.B) { rawInsert(b, benchClients[1], noIndexes) })
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d/create-then-pay", clients), func(b *testing.B) { rawCreateThenPay(b, clients) })
	}
}

// Which secondary indexes rawInsert keeps.
type indexes int

const (
	allIndexes indexes = iota
	// uniqueOnly keeps the unique indexes that make retries idempotent (order number, external
	// id, idempotency key, payment reference, ledger key, one commission per line and role)
	// and drops the ones that lists, portals and settlement read by.
	uniqueOnly
	// noIndexes drops them all, which no real shop can do: the ceiling of the engine and driver
	// on this machine for these rows, whatever the code around them.
	noIndexes
)

func rawInsert(b *testing.B, clients int, keep indexes) {
	s := newShop(b)
	r := openRawLedger(b, s)
	if keep != allIndexes {
		dropSecondaryIndexes(b, s.DB, keep == uniqueOnly, "orders", "order_lines", "commissions", "ledger_transactions", "ledger_entries")
	}
	ordersInParallel(b, clients, func(i int64) error {
		return s.DB.InTx(ctx, func(tx *db.Tx) error {
			id, lines, err := r.order(tx, i, "paid")
			if err != nil {
				return err
			}
			if err := r.commissions(tx, id, lines); err != nil {
				return err
			}
			return r.posting(tx, i)
		})
	})
}

// rawRows writes a paid order's rows with bare statements, for the baselines.
type rawRows struct{ owner, frozen, expense int64 }

// openRawLedger makes a distributor and posts once, so both ledger accounts exist.
func openRawLedger(b *testing.B, s *shop) rawRows {
	alice := s.distributor("Alice", nil)
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, _, err := s.Orders.Ledger.Post(ctx, tx, ledger.Posting{Key: "open", Cause: "bench",
			Entries: []ledger.Entry{{OwnerID: alice.ID, Kind: ledger.Frozen, AmountFen: 1}, {OwnerID: 0, Kind: ledger.CommissionExpense, AmountFen: -1}}})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	r := rawRows{owner: alice.ID}
	s.DB.R.QueryRow(`SELECT id FROM ledger_accounts WHERE owner_id = $1 AND kind = 'frozen'`, alice.ID).Scan(&r.frozen)
	s.DB.R.QueryRow(`SELECT id FROM ledger_accounts WHERE owner_id = 0 AND kind = 'commission_expense'`).Scan(&r.expense)
	return r
}

// order writes order i and its 3 lines.
func (r rawRows) order(tx *db.Tx, i int64, status string) (id int64, lines []int64, err error) {
	if err := tx.QueryRow(`INSERT INTO orders (order_no, customer_id, customer_name, customer_phone, ship_address, status,
		items_fen, discount_fen, shipping_fen, total_fen, plan_version, attribution, created_at, updated_at, expires_at)
		VALUES ($1, 1, 'c', '13700000000', 'a', $2, 1, 0, 0, 1, 1, 'ref', $3, $3, $3) RETURNING id`, fmt.Sprint("R", i), status, tx.Now).Scan(&id); err != nil {
		return 0, nil, err
	}
	for l := 1; l <= 3; l++ {
		var lid int64
		if err := tx.QueryRow(`INSERT INTO order_lines (order_id, line_no, product_id, sku_id, product_name, spec, unit_price_fen,
			quantity, amount_fen, discount_fen, base_fen, rules) VALUES ($1, $2, 1, 1, 'p', '', 100, 1, 100, 0, 100, '{}') RETURNING id`, id, l).Scan(&lid); err != nil {
			return 0, nil, err
		}
		lines = append(lines, lid)
	}
	return id, lines, nil
}

// commissions writes a direct and an override commission on each line.
func (r rawRows) commissions(tx *db.Tx, id int64, lines []int64) error {
	for _, lid := range lines {
		for _, role := range []string{"direct", "override"} {
			if _, err := tx.Exec(`INSERT INTO commissions (order_id, order_line_id, distributor_id, role, base_fen, rate_bp,
				fixed_fen_per_unit, quantity, amount_fen, status, plan_version, created_at) VALUES ($1, $2, 1, $3, 100, 800, 0, 1, 8, 'frozen', 1, $4)`,
				id, lid, role, tx.Now); err != nil {
				return err
			}
		}
	}
	return nil
}

// posting writes order i's ledger transaction with 3 entries.
func (r rawRows) posting(tx *db.Tx, i int64) error {
	var txID int64
	if err := tx.QueryRow(`INSERT INTO ledger_transactions (idem_key, cause, cause_id, memo, created_at) VALUES ($1, 'order_payment', '', '', $2) RETURNING id`,
		fmt.Sprint("raw:", i), tx.Now).Scan(&txID); err != nil {
		return err
	}
	for e, acct := range []int64{r.frozen, r.frozen, r.expense} {
		if _, err := tx.Exec(`INSERT INTO ledger_entries (transaction_id, account_id, owner_id, amount_fen, created_at) VALUES ($1, $2, $3, $4, $5)`,
			txID, acct, r.owner, []int64{1, 1, -2}[e], tx.Now); err != nil {
			return err
		}
	}
	return nil
}

func dropSecondaryIndexes(b *testing.B, d *db.DB, keepUnique bool, tables ...string) {
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = $1`
	if d.Dialect == db.Postgres {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 AND indexname NOT LIKE '%_pkey'`
	}
	if keepUnique {
		q += ` AND ` + map[db.Dialect]string{db.SQLite: "sql NOT LIKE 'CREATE UNIQUE%'", db.Postgres: "indexdef NOT LIKE 'CREATE UNIQUE%'"}[d.Dialect]
	}
	for _, t := range tables {
		rows, err := d.R.Query(q, t)
		if err != nil {
			b.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				b.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		for _, n := range names {
			if _, err := d.W.Exec("DROP INDEX " + n); err != nil {
				b.Fatalf("drop index %s: %v", n, err)
			}
		}
	}
}

// rawCreateThenPay is the floor of the money path as it must run: the rows of rawInsert in two
// transactions, placing then paying, plus the writes neither step can skip — the conditional
// stock update of each line at both steps, the order's status, the balances. No reads, no
// customer or binding, no report rollups: everything the money path does beyond this is what
// validation, attribution and the reports cost.
func rawCreateThenPay(b *testing.B, clients int) {
	s := newShop(b)
	r := openRawLedger(b, s)
	var skus [3]int64
	for i := range skus {
		skus[i] = s.product(fmt.Sprint("商品", i), 1990, 1e9, nil, true)
	}
	stock := func(tx *db.Tx, q string) error {
		for _, sku := range skus {
			if res, err := tx.Exec(q, sku, 2); err != nil {
				return err
			} else if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("stock of SKU %d did not move", sku)
			}
		}
		return nil
	}
	ordersInParallel(b, clients, func(i int64) error {
		var id int64
		var lines []int64
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			var err error
			if id, lines, err = r.order(tx, i, "created"); err != nil {
				return err
			}
			return stock(tx, `UPDATE skus SET stock = stock - $2, reserved = reserved + $2 WHERE id = $1 AND stock >= $2`)
		})
		if err == nil {
			err = s.DB.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(`UPDATE orders SET status = 'paid', payment_provider = 'bench', payment_ref = $2, paid_at = $3, updated_at = $3
					WHERE id = $1 AND status = 'created'`, id, fmt.Sprint("P", i), tx.Now); err != nil {
					return err
				}
				if err := stock(tx, `UPDATE skus SET reserved = reserved - $2, sold = sold + $2 WHERE id = $1 AND reserved >= $2`); err != nil {
					return err
				}
				if err := r.commissions(tx, id, lines); err != nil {
					return err
				}
				if err := r.posting(tx, i); err != nil {
					return err
				}
				_, err := tx.Exec(`UPDATE ledger_accounts SET balance_fen = balance_fen + CASE WHEN id = $1 THEN 2 ELSE -2 END WHERE id IN ($1, $2)`, r.frozen, r.expense)
				return err
			})
		}
		return err
	})
}

// ordersInParallel runs place(i) for i = 1..b.N from clients concurrent clients and reports the
// rate in orders/s.
func ordersInParallel(b *testing.B, clients int, place func(i int64) error) {
	var n atomic.Int64
	b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := place(n.Add(1)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}
