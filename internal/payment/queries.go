package payment

// All SQL of payments, in one place.

const (
	qInsertSecret = `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`
	qSecret       = `SELECT value FROM settings WHERE key = $1`
)
