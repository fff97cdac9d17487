-- What every backend compares alike, folded by the server (Unicode-aware, defined once in
-- the domain): the database stores and compares folded text, it never folds itself.

-- User names are unique without regard to case: "Ann" and "ann" are one person.
ALTER TABLE users ADD COLUMN name_key TEXT;
UPDATE users SET name_key = lower(name);
DROP INDEX users_name_key;
CREATE UNIQUE INDEX users_name_key ON users (name_key);

-- Search matches title, slug and body without regard to case.
ALTER TABLE documents ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE documents SET search_text = lower(title || char(10) || slug || char(10) || body);

-- A create's claim on its idempotency key says outright that it is in flight (it was
-- status 0 before).
ALTER TABLE idempotency_keys ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0;
UPDATE idempotency_keys SET in_flight = 1 WHERE status = 0;
