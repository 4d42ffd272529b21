-- +goose Up
-- A customer is known by a verified or checkout phone number; orders and bindings hang off it.
CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX customers_phone_uq ON customers (phone);

-- The current binding customer → distributor (DESIGN.md §3); its history is binding_events.
CREATE TABLE bindings (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    distributor_id INTEGER NOT NULL REFERENCES distributors (id),
    source         TEXT NOT NULL CHECK (source IN ('ref', 'click')),
    bound_at       TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX bindings_customer_id_uq ON bindings (customer_id);
CREATE INDEX bindings_distributor_ix ON bindings (distributor_id, customer_id);

-- Every binding made or moved, append-only, so a merchant can see why an order went where it did.
CREATE TABLE binding_events (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers (id),
    from_distributor_id INTEGER REFERENCES distributors (id),
    to_distributor_id   INTEGER NOT NULL REFERENCES distributors (id),
    at                  TIMESTAMP NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('ref', 'click'))
);
CREATE INDEX binding_events_customer_ix ON binding_events (customer_id, id);

-- +goose Down
DROP TABLE binding_events;
DROP TABLE bindings;
DROP TABLE customers;
