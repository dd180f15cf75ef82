-- +goose Up
-- risk_counts keeps, beside the threats, how many current (not gone)
-- threats each system has in each status and residual rating, so that the
-- portfolio reads a few thousand counters rather than every threat. The
-- triggers below keep it exact in the same transaction as the change.
CREATE TABLE risk_counts (
    system_id  text NOT NULL,
    severity   text NOT NULL,
    status     text NOT NULL,
    likelihood integer NOT NULL,
    impact     integer NOT NULL,
    n          bigint NOT NULL,
    PRIMARY KEY (system_id, severity, status, likelihood, impact)
);
-- The portfolio groups by system and severity in key order, and by
-- likelihood and impact in this index's order: neither sorts.
CREATE INDEX risk_counts_cells ON risk_counts (likelihood, impact, status, system_id, n);

INSERT INTO risk_counts (system_id, severity, status, likelihood, impact, n)
SELECT system_id, severity, status, likelihood, impact, COUNT(*) FROM threats WHERE NOT gone
GROUP BY system_id, severity, status, likelihood, impact;

-- Inserts and deletes are counted once per statement over its transition
-- table, so that a push inserting thousands of threats moves each counter
-- once per statement (a row-level trigger would rewrite the same counter
-- row once per threat, and PostgreSQL keeps every version of it until the
-- commit). Updates are counted per row, and only those that change a
-- counted column (most change the owner, due date or last-seen version).
-- Counters are written in key order, so that concurrent changes touching
-- the same two counters queue rather than deadlock.
-- +goose StatementBegin
CREATE FUNCTION risk_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO risk_counts AS c (system_id, severity, status, likelihood, impact, n)
        SELECT system_id, severity, status, likelihood, impact, COUNT(*) FROM new_rows WHERE NOT gone
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (system_id, severity, status, likelihood, impact) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO risk_counts AS c (system_id, severity, status, likelihood, impact, n)
        SELECT system_id, severity, status, likelihood, impact, -COUNT(*) FROM old_rows WHERE NOT gone
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (system_id, severity, status, likelihood, impact) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION risk_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    dec boolean := NOT OLD.gone;
    inc boolean := NOT NEW.gone;
BEGIN
    IF inc AND dec AND (NEW.system_id, NEW.severity, NEW.status, NEW.likelihood, NEW.impact)
        < (OLD.system_id, OLD.severity, OLD.status, OLD.likelihood, OLD.impact) THEN
        INSERT INTO risk_counts AS c (system_id, severity, status, likelihood, impact, n)
        VALUES (NEW.system_id, NEW.severity, NEW.status, NEW.likelihood, NEW.impact, 1)
        ON CONFLICT (system_id, severity, status, likelihood, impact) DO UPDATE SET n = c.n + 1;
        inc := false;
    END IF;
    IF dec THEN
        UPDATE risk_counts SET n = n - 1 WHERE system_id = OLD.system_id AND severity = OLD.severity
            AND status = OLD.status AND likelihood = OLD.likelihood AND impact = OLD.impact;
    END IF;
    IF inc THEN
        INSERT INTO risk_counts AS c (system_id, severity, status, likelihood, impact, n)
        VALUES (NEW.system_id, NEW.severity, NEW.status, NEW.likelihood, NEW.impact, 1)
        ON CONFLICT (system_id, severity, status, likelihood, impact) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER risk_counts_insert AFTER INSERT ON threats REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION risk_counts_add();
CREATE TRIGGER risk_counts_delete AFTER DELETE ON threats REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION risk_counts_add();
CREATE TRIGGER risk_counts_update AFTER UPDATE OF status, likelihood, impact, severity, gone ON threats
    FOR EACH ROW WHEN ((OLD.status, OLD.likelihood, OLD.impact, OLD.severity, OLD.gone)
        IS DISTINCT FROM (NEW.status, NEW.likelihood, NEW.impact, NEW.severity, NEW.gone))
    EXECUTE FUNCTION risk_counts_move();

-- Overdue treatments are counted by status and due date.
CREATE INDEX threats_status_due ON threats (status, due, gone, system_id) WHERE due IS NOT NULL;
-- The register's screens filter by status and severity sorted by due date,
-- and by rule sorted by severity.
CREATE INDEX threats_status_severity_due ON threats (status, severity, (due IS NULL), due, system_id, id, gone);
CREATE INDEX threats_rule_rank ON threats (rule, severity_rank DESC, system_id, id, gone);

-- +goose Down
DROP INDEX threats_rule_rank;
DROP INDEX threats_status_severity_due;
DROP INDEX threats_status_due;
DROP TRIGGER risk_counts_delete ON threats;
DROP TRIGGER risk_counts_update ON threats;
DROP TRIGGER risk_counts_insert ON threats;
DROP FUNCTION risk_counts_move();
DROP FUNCTION risk_counts_add();
DROP TABLE risk_counts;
