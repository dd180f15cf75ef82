-- +goose Up
-- Detection alerts: one row per group (system, rule, components, threats,
-- correlation group) with its count and first and last times; one row per
-- occurrence, whose fingerprint is unique, so that an event delivered twice
-- counts once; and the components and threats of each group, for filters.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    system_id   TEXT NOT NULL REFERENCES systems (id),
    group_key   TEXT NOT NULL UNIQUE,
    rule_id     TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    level       TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    techniques  TEXT NOT NULL,
    components  TEXT NOT NULL,
    threats     TEXT NOT NULL,
    grp         TEXT NOT NULL,
    count       INTEGER NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    source      TEXT NOT NULL,
    event       TEXT NOT NULL
);
CREATE INDEX alerts_system_seen ON alerts (system_id, last_seen);
CREATE INDEX alerts_seen ON alerts (last_seen);

CREATE TABLE alert_targets (
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    kind     TEXT NOT NULL,
    ref      TEXT NOT NULL,
    PRIMARY KEY (alert_id, kind, ref)
);
CREATE INDEX alert_targets_ref ON alert_targets (kind, ref);

CREATE TABLE alert_occurrences (
    fingerprint TEXT PRIMARY KEY,
    alert_id    INTEGER NOT NULL REFERENCES alerts (id),
    at          TEXT NOT NULL,
    stored_at   TEXT NOT NULL
);
CREATE INDEX alert_occurrences_stored ON alert_occurrences (stored_at);

-- +goose Down
DROP TABLE alert_occurrences;
DROP TABLE alert_targets;
DROP TABLE alerts;
