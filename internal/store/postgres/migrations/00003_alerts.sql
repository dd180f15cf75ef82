-- +goose Up
-- Detection alerts: one row per group (system, rule, components, threats,
-- correlation group) with its count and first and last times; one row per
-- occurrence, whose fingerprint is unique, so that an event delivered twice
-- counts once; and the components and threats of each group, for filters.
CREATE TABLE alerts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id   text NOT NULL REFERENCES systems (id),
    group_key   text NOT NULL UNIQUE,
    rule_id     text NOT NULL DEFAULT '',
    title       text NOT NULL,
    level       text NOT NULL DEFAULT '',
    kind        text NOT NULL,
    techniques  jsonb NOT NULL,
    components  jsonb NOT NULL,
    threats     jsonb NOT NULL,
    grp         jsonb NOT NULL,
    count       bigint NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    source      text NOT NULL,
    event       jsonb NOT NULL
);
CREATE INDEX alerts_system_seen ON alerts (system_id, last_seen);
CREATE INDEX alerts_seen ON alerts (last_seen);

CREATE TABLE alert_targets (
    alert_id bigint NOT NULL REFERENCES alerts (id),
    kind     text NOT NULL,
    ref      text NOT NULL,
    PRIMARY KEY (alert_id, kind, ref)
);
CREATE INDEX alert_targets_ref ON alert_targets (kind, ref);

CREATE TABLE alert_occurrences (
    fingerprint text PRIMARY KEY,
    alert_id    bigint NOT NULL REFERENCES alerts (id),
    at          timestamptz NOT NULL,
    stored_at   timestamptz NOT NULL
);
CREATE INDEX alert_occurrences_stored ON alert_occurrences (stored_at);

-- +goose Down
DROP TABLE alert_occurrences;
DROP TABLE alert_targets;
DROP TABLE alerts;
