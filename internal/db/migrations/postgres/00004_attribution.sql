-- +goose Up
-- A customer is known by a verified or checkout phone number; orders and bindings hang off it.
CREATE TABLE customers (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone      TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX customers_phone_uq ON customers (phone);

-- The current binding customer → distributor (DESIGN.md §3); its history is binding_events.
CREATE TABLE bindings (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id    BIGINT NOT NULL REFERENCES customers (id),
    distributor_id BIGINT NOT NULL REFERENCES distributors (id),
    source         TEXT NOT NULL CHECK (source IN ('ref', 'click')),
    bound_at       TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX bindings_customer_id_uq ON bindings (customer_id);
CREATE INDEX bindings_distributor_ix ON bindings (distributor_id, customer_id);

-- Every binding made or moved, append-only, so a merchant can see why an order went where it did.
CREATE TABLE binding_events (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id         BIGINT NOT NULL REFERENCES customers (id),
    from_distributor_id BIGINT REFERENCES distributors (id),
    to_distributor_id   BIGINT NOT NULL REFERENCES distributors (id),
    at                  TIMESTAMPTZ NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('ref', 'click'))
);
CREATE INDEX binding_events_customer_ix ON binding_events (customer_id, id);

-- +goose Down
DROP TABLE binding_events;
DROP TABLE bindings;
DROP TABLE customers;
