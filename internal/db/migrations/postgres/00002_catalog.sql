-- +goose Up
-- Products and their SKUs (DESIGN.md §4, §7). A SKU's units are in exactly one of three
-- counters: stock (for sale), reserved (held by unpaid orders), sold (paid, not refunded);
-- the CHECKs keep each at zero or above whatever the code does.
CREATE TABLE products (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL,
    images           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('on_shelf', 'off_shelf', 'archived')),
    distributable    BOOLEAN NOT NULL,
    commission_rules TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX products_status_ix ON products (status, id);

CREATE TABLE skus (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id          BIGINT NOT NULL REFERENCES products (id),
    sku_code            TEXT,
    spec                TEXT NOT NULL,
    price_fen           BIGINT NOT NULL CHECK (price_fen BETWEEN 1 AND 10000000000),
    stock               BIGINT NOT NULL CHECK (stock >= 0),
    reserved            BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    sold                BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0),
    low_stock_threshold BIGINT NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0)
);
CREATE UNIQUE INDEX skus_sku_code_uq ON skus (sku_code) WHERE sku_code IS NOT NULL;
CREATE INDEX skus_product_ix ON skus (product_id, id);

CREATE TABLE stock_movements (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku_id BIGINT NOT NULL REFERENCES skus (id),
    delta  BIGINT NOT NULL,
    reason TEXT NOT NULL,
    actor  TEXT NOT NULL,
    at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX stock_movements_sku_ix ON stock_movements (sku_id, id);

-- +goose Down
DROP TABLE stock_movements;
DROP TABLE skus;
DROP TABLE products;
