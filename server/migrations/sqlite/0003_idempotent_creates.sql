-- Creates record their Location too. A create claims its key first (status 0 = in
-- flight), so a second request with the key while the first runs gets 409.
ALTER TABLE idempotency_keys ADD COLUMN location TEXT;
