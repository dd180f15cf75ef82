-- +goose Up
-- The audit trail's page lists it oldest first by seq, filtered by actor
-- or by a time range: each filter has an index that keeps seq order.
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq);

-- +goose Down
DROP INDEX audit_log_at;
DROP INDEX audit_log_actor;
