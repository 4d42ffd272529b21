-- +goose Up
CREATE TABLE commission_plans (
    version        BIGINT PRIMARY KEY,
    l1_direct_bp   BIGINT NOT NULL CHECK (l1_direct_bp BETWEEN 0 AND 10000),
    l2_direct_bp   BIGINT NOT NULL CHECK (l2_direct_bp BETWEEN 0 AND 10000),
    l1_override_bp BIGINT NOT NULL CHECK (l1_override_bp BETWEEN 0 AND 10000),
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     TEXT NOT NULL,
    CHECK (l2_direct_bp + l1_override_bp <= 10000)
);

CREATE TABLE orders (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_no           TEXT NOT NULL,
    external_id        TEXT,
    idem_key           TEXT,
    customer_id BIGINT NOT NULL,
    customer_name      TEXT NOT NULL,
    customer_phone     TEXT NOT NULL,
    ship_address       TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('created', 'paid', 'shipped', 'delivered', 'completed', 'cancelled')),
    items_fen BIGINT NOT NULL CHECK (items_fen >= 0),
    discount_fen BIGINT NOT NULL CHECK (discount_fen >= 0),
    shipping_fen BIGINT NOT NULL CHECK (shipping_fen >= 0),
    total_fen BIGINT NOT NULL CHECK (total_fen >= 0),
    refunded_fen BIGINT NOT NULL DEFAULT 0,
    distributor_id BIGINT,
    distributor_level  BIGINT,
    parent_id BIGINT,
    plan_version BIGINT NOT NULL,
    attribution        TEXT NOT NULL,
    attribution_note   TEXT,
    payment_provider   TEXT,
    payment_ref        TEXT,
    carrier            TEXT,
    tracking_no        TEXT,
    cancel_reason      TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL,
    paid_at            TIMESTAMPTZ,
    shipped_at         TIMESTAMPTZ,
    delivered_at       TIMESTAMPTZ,
    completed_at       TIMESTAMPTZ,
    cancelled_at       TIMESTAMPTZ
);
CREATE UNIQUE INDEX orders_order_no_uq ON orders (order_no);
CREATE UNIQUE INDEX orders_external_id_uq ON orders (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX orders_idem_key_uq ON orders (idem_key) WHERE idem_key IS NOT NULL;
CREATE UNIQUE INDEX orders_payment_uq ON orders (payment_provider, payment_ref) WHERE payment_ref IS NOT NULL;
CREATE INDEX orders_distributor_ix ON orders (distributor_id, created_at);
CREATE INDEX orders_parent_ix ON orders (parent_id, created_at);
CREATE INDEX orders_status_ix ON orders (status, created_at);
CREATE INDEX orders_created_ix ON orders (created_at);
CREATE INDEX orders_customer_ix ON orders (customer_id);

CREATE TABLE order_lines (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    line_no        BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    sku_id BIGINT NOT NULL,
    product_name   TEXT NOT NULL,
    spec           TEXT NOT NULL,
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    quantity       BIGINT NOT NULL CHECK (quantity > 0),
    amount_fen BIGINT NOT NULL,
    discount_fen BIGINT NOT NULL,
    base_fen BIGINT NOT NULL CHECK (base_fen >= 0),
    refunded_qty BIGINT NOT NULL DEFAULT 0 CHECK (refunded_qty >= 0 AND refunded_qty <= quantity),
    rules          TEXT NOT NULL
);
CREATE UNIQUE INDEX order_lines_order_line_uq ON order_lines (order_id, line_no);
CREATE INDEX order_lines_product_ix ON order_lines (product_id);

CREATE TABLE refunds (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    idem_key   TEXT,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    reason     TEXT NOT NULL,
    restock    BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX refunds_idem_key_uq ON refunds (idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX refunds_order_ix ON refunds (order_id);

CREATE TABLE refund_lines (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    refund_id     BIGINT NOT NULL REFERENCES refunds (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    amount_fen BIGINT NOT NULL
);
CREATE INDEX refund_lines_refund_ix ON refund_lines (refund_id);

CREATE TABLE commissions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id           BIGINT NOT NULL REFERENCES orders (id),
    order_line_id      BIGINT NOT NULL REFERENCES order_lines (id),
    distributor_id BIGINT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('direct', 'override')),
    base_fen BIGINT NOT NULL,
    rate_bp BIGINT NOT NULL,
    fixed_fen_per_unit BIGINT NOT NULL,
    quantity           BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    reversed_fen BIGINT NOT NULL DEFAULT 0 CHECK (reversed_fen >= 0 AND reversed_fen <= amount_fen),
    status             TEXT NOT NULL CHECK (status IN ('frozen', 'available', 'reversed')),
    plan_version BIGINT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    settleable_at      TIMESTAMPTZ,
    settled_at         TIMESTAMPTZ
);
CREATE UNIQUE INDEX commissions_line_role_uq ON commissions (order_line_id, role);
CREATE INDEX commissions_distributor_ix ON commissions (distributor_id, created_at);
CREATE INDEX commissions_order_ix ON commissions (order_id);
CREATE INDEX commissions_settle_ix ON commissions (status, settleable_at);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT,
    body         TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE commissions;
DROP TABLE refund_lines;
DROP TABLE refunds;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE commission_plans;
