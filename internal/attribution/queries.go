package attribution

// All SQL of attribution, in one place.

const (
	// The name is filled in when the customer was first seen without one, never overwritten: the
	// name on a later order may be a gift's recipient. DO UPDATE (not DO NOTHING) so RETURNING
	// yields the id of an existing row too.
	qUpsertCustomer = `INSERT INTO customers (phone, name, created_at, updated_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (phone) DO UPDATE SET
			name = CASE WHEN customers.name = '' THEN excluded.name ELSE customers.name END,
			updated_at = CASE WHEN customers.name = '' AND excluded.name <> '' THEN excluded.updated_at ELSE customers.updated_at END
		RETURNING id`

	// Locking the customer serialises everything that decides its binding, including the first
	// binding, for which there is no bindings row to lock yet.
	qCustomerPhone = `SELECT phone FROM customers WHERE id = $1`

	candidateColumns = `d.id, d.phone, d.level, COALESCE(d.parent_id, 0), d.status, COALESCE(p.status, '')`
	qCandidateByCode = `SELECT ` + candidateColumns + ` FROM distributors d
		LEFT JOIN distributors p ON p.id = d.parent_id WHERE d.code = $1`
	qCandidateByID = `SELECT ` + candidateColumns + ` FROM distributors d
		LEFT JOIN distributors p ON p.id = d.parent_id WHERE d.id = $1`
	qDistributorIDByPhone = `SELECT id FROM distributors WHERE phone = $1`

	bindingColumns = `customer_id, distributor_id, source, bound_at, expires_at, updated_at`
	qBinding       = `SELECT ` + bindingColumns + ` FROM bindings WHERE customer_id = $1`
	qInsertBinding = `INSERT INTO bindings (customer_id, distributor_id, source, bound_at, expires_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $4)`
	qUpdateBinding = `UPDATE bindings SET distributor_id = $2, source = $3, bound_at = $4, expires_at = $5, updated_at = $4
		WHERE customer_id = $1`
	qInsertEvent = `INSERT INTO binding_events (customer_id, from_distributor_id, to_distributor_id, at, source)
		VALUES ($1, $2, $3, $4, $5)`
	qEvents = `SELECT id, customer_id, COALESCE(from_distributor_id, 0), to_distributor_id, at, source
		FROM binding_events WHERE customer_id = $1 ORDER BY id`

	// The binding of the customer who has a distributor's phone, with the bound distributor's
	// phone: one step of the loop walk.
	qBindingOfPhone = `SELECT d.id, d.phone, b.expires_at FROM customers c
		JOIN bindings b ON b.customer_id = c.id JOIN distributors d ON d.id = b.distributor_id
		WHERE c.phone = $1`
)
