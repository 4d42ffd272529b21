-- +goose Up
-- Marketing materials (DESIGN.md §8): images, short videos and copy texts the merchant uploads
-- for distributors to share. A file's bytes live in the media storage under storage_key (a
-- generated name, never the uploader's); original_name is display text only.
CREATE TABLE materials (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('image', 'video', 'text')),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    product_id    INTEGER REFERENCES products (id),
    campaign      TEXT NOT NULL,
    storage_key   TEXT,
    content_type  TEXT,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256        TEXT,
    original_name TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CHECK ((kind = 'text') = (storage_key IS NULL))
);
CREATE UNIQUE INDEX materials_storage_key_uq ON materials (storage_key) WHERE storage_key IS NOT NULL;
CREATE INDEX materials_product_ix ON materials (product_id, id);
CREATE INDEX materials_campaign_ix ON materials (campaign, id);

-- +goose Down
DROP TABLE materials;
