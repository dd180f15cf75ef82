-- +goose Up
-- risk_counts keeps, beside the threats, how many current (not gone)
-- threats each system has in each status and residual rating, so that the
-- portfolio reads a few thousand counters rather than every threat. The
-- triggers below keep it exact in the same transaction as the change.
CREATE TABLE risk_counts (
    system_id  TEXT NOT NULL,
    severity   TEXT NOT NULL,
    status     TEXT NOT NULL,
    likelihood INTEGER NOT NULL,
    impact     INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (system_id, severity, status, likelihood, impact)
) WITHOUT ROWID;
-- The portfolio groups by system and severity in key order, and by
-- likelihood and impact in this index's order: neither sorts.
CREATE INDEX risk_counts_cells ON risk_counts (likelihood, impact, status, system_id, n);

INSERT INTO risk_counts (system_id, severity, status, likelihood, impact, n)
SELECT system_id, severity, status, likelihood, impact, COUNT(*) FROM threats WHERE NOT gone
GROUP BY system_id, severity, status, likelihood, impact;

-- +goose StatementBegin
CREATE TRIGGER risk_counts_insert AFTER INSERT ON threats WHEN NOT NEW.gone BEGIN
    INSERT INTO risk_counts (system_id, severity, status, likelihood, impact, n)
    VALUES (NEW.system_id, NEW.severity, NEW.status, NEW.likelihood, NEW.impact, 1)
    ON CONFLICT (system_id, severity, status, likelihood, impact) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_counts_delete AFTER DELETE ON threats WHEN NOT OLD.gone BEGIN
    UPDATE risk_counts SET n = n - 1 WHERE status = OLD.status AND system_id = OLD.system_id
        AND likelihood = OLD.likelihood AND impact = OLD.impact AND severity = OLD.severity;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER risk_counts_update AFTER UPDATE OF status, likelihood, impact, severity, gone ON threats
WHEN OLD.status IS NOT NEW.status OR OLD.likelihood IS NOT NEW.likelihood OR OLD.impact IS NOT NEW.impact
    OR OLD.severity IS NOT NEW.severity OR OLD.gone IS NOT NEW.gone BEGIN
    UPDATE risk_counts SET n = n - 1 WHERE NOT OLD.gone AND status = OLD.status AND system_id = OLD.system_id
        AND likelihood = OLD.likelihood AND impact = OLD.impact AND severity = OLD.severity;
    INSERT INTO risk_counts (system_id, severity, status, likelihood, impact, n)
    SELECT NEW.system_id, NEW.severity, NEW.status, NEW.likelihood, NEW.impact, 1 WHERE NOT NEW.gone
    ON CONFLICT (system_id, severity, status, likelihood, impact) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- Overdue treatments are counted through threats_live_due, and the
-- register's status and severity filters use threats_live_status_rank
-- (00002): an index led by status and due date would make SQLite, which
-- knows no value distribution, sort every overdue threat to show one page.
-- The register's screens filter by rule sorted by severity.
CREATE INDEX threats_rule_rank ON threats (rule, severity_rank DESC, system_id, id, gone);

-- +goose Down
DROP INDEX threats_rule_rank;
DROP TRIGGER risk_counts_update;
DROP TRIGGER risk_counts_delete;
DROP TRIGGER risk_counts_insert;
DROP INDEX risk_counts_cells;
DROP TABLE risk_counts;
