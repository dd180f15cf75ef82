-- +goose Up
-- Sign-in attempts per client address in fixed one-minute windows, shared by
-- every node on the database (window_start in Unix milliseconds).
CREATE TABLE signin_attempts (
    client       text PRIMARY KEY,
    window_start bigint NOT NULL,
    attempts     integer NOT NULL
);
CREATE INDEX signin_attempts_window ON signin_attempts (window_start);

-- The register's lists ask for threats still found by the latest version
-- (NOT gone), so their indexes hold only those. Each index carries the
-- columns its filters test, so that a count reads the index alone (gone
-- too, which SQLite does not take from the index's WHERE):
--   one system's threats, by state and severity (the API's lists);
--   every system's, by state and severity (the register page);
--   every system's, by severity;
--   one owner's work;
--   the overdue list, by due date.
CREATE INDEX threats_live_system ON threats (system_id, status, severity_rank DESC, id, gone) WHERE NOT gone;
DROP INDEX threats_status_rank;
CREATE INDEX threats_live_status_rank ON threats (status, severity_rank DESC, system_id, id) WHERE NOT gone;
DROP INDEX threats_rank;
CREATE INDEX threats_live_rank ON threats (severity_rank DESC, system_id, id) WHERE NOT gone;
DROP INDEX threats_owner;
CREATE INDEX threats_live_owner ON threats (owner, status, severity_rank DESC, system_id, id) WHERE NOT gone;
DROP INDEX threats_due;
CREATE INDEX threats_live_due ON threats (due, system_id, id, status) WHERE NOT gone AND due IS NOT NULL;

-- +goose Down
DROP INDEX threats_live_due;
CREATE INDEX threats_due ON threats (due, system_id, id) WHERE due IS NOT NULL;
DROP INDEX threats_live_owner;
CREATE INDEX threats_owner ON threats (owner, status);
DROP INDEX threats_live_rank;
CREATE INDEX threats_rank ON threats (severity_rank DESC, system_id, id);
DROP INDEX threats_live_status_rank;
CREATE INDEX threats_status_rank ON threats (status, severity_rank DESC, system_id, id);
DROP INDEX threats_live_system;
DROP TABLE signin_attempts;
