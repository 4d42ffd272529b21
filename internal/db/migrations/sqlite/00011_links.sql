-- +goose Up
-- Tracked links (DESIGN.md §3, §8): one short code per distributor for the shop, one per product,
-- and a level 1's invite link, made on first ask. product_id is set exactly for product links.
CREATE TABLE links (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL,
    distributor_id INTEGER NOT NULL REFERENCES distributors (id),
    kind           TEXT NOT NULL CHECK (kind IN ('shop', 'product', 'invite')),
    product_id     INTEGER REFERENCES products (id),
    created_at     TIMESTAMP NOT NULL,
    CHECK ((kind = 'product') = (product_id IS NOT NULL))
);
CREATE UNIQUE INDEX links_code_uq ON links (code);
CREATE UNIQUE INDEX links_distributor_kind_uq ON links (distributor_id, kind) WHERE product_id IS NULL;
CREATE UNIQUE INDEX links_distributor_product_uq ON links (distributor_id, product_id) WHERE product_id IS NOT NULL;

-- One row per visit of /r/{code}, written in batches off the request path. No raw IP: client_key
-- is the first 8 bytes of an HMAC of address and user agent, as a signed 64-bit integer (a
-- pseudonym for counting distinct visitors; see link.ClientKey). credited is false for bots and for
-- distributors who could not earn at the time (frozen, pending, rejected); figures count only
-- credited clicks. day is the merchant-zone date, so per-day figures need no dialect-specific date
-- functions.
--
-- Every visit is a row, so every index here is paid on the busiest path there is. Two are kept,
-- each for a query in internal/link (queries.go says which uses which):
--   link_clicks_at_ix              the period scans: figures by link, distributor, product and
--                                  day, and the signals' bursts;
--   link_clicks_distributor_at_ix  the last credited click of a distributor before an order, one
--                                  probe per order; partial, since only credited clicks qualify.
-- link_id has no foreign key: the recorder writes only links it has just resolved, links are never
-- deleted, and the check would be one more B-tree probe per row for no case that can happen.
CREATE TABLE link_clicks (
    id             INTEGER PRIMARY KEY,
    link_id        INTEGER NOT NULL,
    distributor_id INTEGER NOT NULL,
    product_id     INTEGER,
    at             TIMESTAMP NOT NULL,
    day            TEXT NOT NULL,
    referrer_host  TEXT NOT NULL,
    ua_class       TEXT NOT NULL CHECK (ua_class IN ('wechat', 'mobile', 'desktop', 'bot')),
    client_key     BIGINT NOT NULL,
    credited       BOOLEAN NOT NULL
);
CREATE INDEX link_clicks_at_ix ON link_clicks (at);
CREATE INDEX link_clicks_distributor_at_ix ON link_clicks (distributor_id, at, id) WHERE credited;

-- +goose Down
DROP TABLE link_clicks;
DROP TABLE links;
