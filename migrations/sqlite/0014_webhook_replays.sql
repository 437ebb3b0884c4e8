-- A captured signed body sent again under a new delivery id is a replay, not a new event:
-- each delivery keeps the SHA-256 of its body, and a body seen within the replay window is
-- not applied twice. Deliveries recorded before this migration have none.
ALTER TABLE webhook_deliveries ADD COLUMN body_sha256 TEXT;
CREATE INDEX webhook_deliveries_by_body ON webhook_deliveries (body_sha256, received_at);
