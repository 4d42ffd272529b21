-- +goose Up
-- Tracked links (DESIGN.md §3, §8): one short code per distributor for the shop, one per product,
-- and a level 1's invite link, made on first ask. product_id is set exactly for product links.
CREATE TABLE links (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           TEXT NOT NULL,
    distributor_id BIGINT NOT NULL REFERENCES distributors (id),
    kind           TEXT NOT NULL CHECK (kind IN ('shop', 'product', 'invite')),
    product_id     BIGINT REFERENCES products (id),
    created_at     TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'product') = (product_id IS NOT NULL))
);
CREATE UNIQUE INDEX links_code_uq ON links (code);
CREATE UNIQUE INDEX links_distributor_kind_uq ON links (distributor_id, kind) WHERE product_id IS NULL;
CREATE UNIQUE INDEX links_distributor_product_uq ON links (distributor_id, product_id) WHERE product_id IS NOT NULL;

-- One row per visit of /r/{code}, written in batches off the request path. No raw IP: client_key
-- is an HMAC of address and user agent. credited is false for bots and for distributors who could
-- not earn at the time (frozen, pending, rejected); figures count only credited clicks. day is the
-- merchant-zone date, so per-day figures need no dialect-specific date functions.
CREATE TABLE link_clicks (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id        BIGINT NOT NULL REFERENCES links (id),
    distributor_id BIGINT NOT NULL,
    product_id     BIGINT,
    at             TIMESTAMPTZ NOT NULL,
    day            TEXT NOT NULL,
    referrer_host  TEXT NOT NULL,
    ua_class       TEXT NOT NULL CHECK (ua_class IN ('wechat', 'mobile', 'desktop', 'bot')),
    client_key     TEXT NOT NULL,
    credited       BOOLEAN NOT NULL
);
CREATE INDEX link_clicks_distributor_at_ix ON link_clicks (distributor_id, at);
CREATE INDEX link_clicks_link_at_ix ON link_clicks (link_id, at);
CREATE INDEX link_clicks_at_ix ON link_clicks (at);
CREATE INDEX link_clicks_key_at_ix ON link_clicks (client_key, at);

-- +goose Down
DROP TABLE link_clicks;
DROP TABLE links;
