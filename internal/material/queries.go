package material

const (
	columns = `id, kind, title, body, product_id, campaign, storage_key, content_type, size_bytes, sha256, original_name, created_at, updated_at`

	qInsert = `INSERT INTO materials (kind, title, body, product_id, campaign, storage_key, content_type, size_bytes, sha256, original_name, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING ` + columns
	qByID        = `SELECT ` + columns + ` FROM materials WHERE id = $1`
	qUpdate      = `UPDATE materials SET title = $2, body = $3, product_id = $4, campaign = $5, updated_at = $6 WHERE id = $1 RETURNING ` + columns
	qDelete      = `DELETE FROM materials WHERE id = $1`
	qProductSeen = `SELECT count(*) FROM products WHERE id = $1`
	qProducts    = `SELECT DISTINCT p.id, p.name FROM materials m JOIN products p ON p.id = m.product_id ORDER BY p.name, p.id LIMIT 200`
	qCampaigns   = `SELECT DISTINCT campaign FROM materials WHERE campaign <> '' ORDER BY campaign LIMIT 200`

	// %[1]s is the dialect's case-insensitive LIKE.
	qFilter = ` FROM materials WHERE ($1 = '' OR kind = $1) AND ($2 = 0 OR product_id = $2) AND ($3 = '' OR campaign = $3)
		AND ($4 = '' OR title %[1]s $4 ESCAPE '\' OR body %[1]s $4 ESCAPE '\')`
)
