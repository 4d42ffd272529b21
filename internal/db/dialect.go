package db

// The few places where the two engines' SQL differs. Everything else is the shared subset:
// $n placeholders, RETURNING, ON CONFLICT, CTEs.

// ForUpdate locks selected rows on PostgreSQL; SQLite's single writer already serialises writers.
func (tx *Tx) ForUpdate() string {
	if tx.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ILike is a case-insensitive LIKE: SQLite's LIKE already ignores ASCII case.
func ILike(d Dialect) string {
	if d == Postgres {
		return "ILIKE"
	}
	return "LIKE"
}
