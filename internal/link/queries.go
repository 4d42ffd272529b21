package link

const (
	linkColumns = `id, code, distributor_id, kind, product_id, created_at`

	qInsertLink = `INSERT INTO links (code, distributor_id, kind, product_id, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`
	qSlotShop          = `SELECT ` + linkColumns + ` FROM links WHERE distributor_id = $1 AND kind = $2 AND product_id IS NULL`
	qSlotProduct       = `SELECT ` + linkColumns + ` FROM links WHERE distributor_id = $1 AND product_id = $2`
	qByCode            = `SELECT ` + linkColumns + ` FROM links WHERE code = $1`
	qListByDistributor = `SELECT ` + linkColumns + ` FROM links WHERE distributor_id = $1
		ORDER BY CASE kind WHEN 'shop' THEN 0 WHEN 'invite' THEN 1 ELSE 2 END, product_id, id`
	qProductExists = `SELECT count(*) FROM products WHERE id = $1`

	// What a visit needs to know about a code: the link and its distributor's code and invite code.
	qTarget = `SELECT l.id, l.distributor_id, l.kind, l.product_id, d.code, COALESCE(d.invite_code, ''), d.status
		FROM links l JOIN distributors d ON d.id = l.distributor_id WHERE l.code = $1`
	qStatus = `SELECT status FROM distributors WHERE id = $1`
)

// Figures. $1, $2: the period; $3: a distributor or 0; $4: a product or 0. Over every
// distributor the counts range-scan link_clicks_at_ix over the period; for one distributor (the
// portal) they range-scan that distributor's part of link_clicks_distributor_at_ix instead, which
// holds exactly the credited clicks the figures count.
var (
	clicksAll = clickQueries(` FROM link_clicks WHERE credited AND at >= $1 AND at < $2
		AND $3 = 0 AND ($4 = 0 OR product_id = $4)`)
	clicksOfDistributor = clickQueries(` FROM link_clicks WHERE distributor_id = $3 AND credited
		AND at >= $1 AND at < $2 AND ($4 = 0 OR product_id = $4)`)
)

type clickQuerySet struct{ total, byLink, byDistributor, byProduct, byDay string }

func clickQueries(where string) clickQuerySet {
	return clickQuerySet{
		total:         `SELECT 0, count(*), count(DISTINCT client_key)` + where,
		byLink:        `SELECT link_id, count(*), count(DISTINCT client_key)` + where + ` GROUP BY link_id`,
		byDistributor: `SELECT distributor_id, count(*), count(DISTINCT client_key)` + where + ` GROUP BY distributor_id`,
		byProduct:     `SELECT product_id, count(*), count(DISTINCT client_key)` + where + ` AND product_id IS NOT NULL GROUP BY product_id`,
		byDay:         `SELECT day, count(*), count(DISTINCT client_key)` + where + ` GROUP BY day`,
	}
}

const (
	// Attributed orders of the period with the last credited click of their distributor at or
	// before each; link_clicks_distributor_at_ix (partial: credited clicks only) makes each lookup
	// one index probe, and the join back to the click is by primary key.
	qOrdersLastClick = `WITH o AS (
		SELECT o.id, o.order_no, o.distributor_id, o.created_at, o.paid_at IS NOT NULL AS paid, o.attribution,
			(SELECT c.id FROM link_clicks c WHERE c.distributor_id = o.distributor_id AND c.credited
				AND c.at <= o.created_at ORDER BY c.at DESC, c.id DESC LIMIT 1) AS click_id
		FROM orders o WHERE o.distributor_id IS NOT NULL AND o.created_at >= $1 AND o.created_at < $2
			AND ($3 = 0 OR o.distributor_id = $3))
		SELECT o.id, o.order_no, o.distributor_id, o.created_at, o.paid, o.attribution, c.link_id, c.product_id, c.at
		FROM o LEFT JOIN link_clicks c ON c.id = o.click_id ORDER BY o.created_at, o.id`

	qLinkNames = `SELECT l.code, l.kind, l.distributor_id, d.code, d.name, l.product_id, COALESCE(p.name, '')
		FROM links l JOIN distributors d ON d.id = l.distributor_id LEFT JOIN products p ON p.id = l.product_id WHERE l.id = $1`
	qDistributorNames = `SELECT code, name FROM distributors WHERE id = $1`
	qProductName      = `SELECT name FROM products WHERE id = $1`
)

// Signals. $1, $2: the period.
const (
	// Self-referral: the order's phone is a distributor's phone, and that distributor was credited
	// or was passed over only because self_purchase is off.
	qSelfReferrals = `SELECT o.id, o.order_no, d.id, d.code, d.name, o.total_fen, o.distributor_id IS NOT NULL, o.created_at
		FROM orders o JOIN distributors d ON d.phone = o.customer_phone
		WHERE o.created_at >= $1 AND o.created_at < $2
			AND (o.distributor_id = d.id OR (o.distributor_id IS NULL AND o.attribution_note = 'self_purchase_off'))
		ORDER BY o.created_at DESC, o.id DESC LIMIT $3`
	// Every non-bot click in the period of the keys with more than $3 of them (at most $4 keys, the
	// busiest): two range scans of link_clicks_at_ix, no index on client_key needed.
	qBurstClicks = `SELECT client_key, at, distributor_id FROM link_clicks
		WHERE at >= $1 AND at < $2 AND ua_class <> 'bot' AND client_key IN (
			SELECT client_key FROM link_clicks WHERE at >= $1 AND at < $2 AND ua_class <> 'bot'
			GROUP BY client_key HAVING count(*) > $3 ORDER BY count(*) DESC, client_key LIMIT $4)
		ORDER BY client_key, at, id`
)
