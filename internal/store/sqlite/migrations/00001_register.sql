-- +goose Up
-- SQLite schema: the same tables as the PostgreSQL one, with TEXT for
-- times (fixed-width RFC 3339, UTC), dates (YYYY-MM-DD) and JSON, and
-- INTEGER for booleans.
CREATE TABLE policy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    doc        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE systems (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    owner_team     TEXT NOT NULL DEFAULT '',
    risk_owner     TEXT NOT NULL DEFAULT '',
    sro            TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL DEFAULT '',
    tier           TEXT NOT NULL DEFAULT '',
    latest_version INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE model_versions (
    system_id TEXT NOT NULL REFERENCES systems (id),
    seq       INTEGER NOT NULL,
    digest    TEXT NOT NULL,
    source    BLOB NOT NULL,
    result    TEXT NOT NULL,
    ref       TEXT NOT NULL DEFAULT '',
    pushed_by TEXT NOT NULL,
    pushed_at TEXT NOT NULL,
    n_new     INTEGER NOT NULL DEFAULT 0,
    n_changed INTEGER NOT NULL DEFAULT 0,
    n_gone    INTEGER NOT NULL DEFAULT 0,
    n_threats INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (system_id, seq)
);

CREATE TABLE version_changes (
    system_id         TEXT NOT NULL,
    seq               INTEGER NOT NULL,
    threat_id         TEXT NOT NULL,
    change            TEXT NOT NULL,
    before_likelihood INTEGER NOT NULL DEFAULT 0,
    before_impact     INTEGER NOT NULL DEFAULT 0,
    before_severity   TEXT NOT NULL DEFAULT '',
    after_likelihood  INTEGER NOT NULL DEFAULT 0,
    after_impact      INTEGER NOT NULL DEFAULT 0,
    after_severity    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (system_id, seq, threat_id),
    FOREIGN KEY (system_id, seq) REFERENCES model_versions (system_id, seq)
);

CREATE TABLE threats (
    system_id     TEXT NOT NULL REFERENCES systems (id),
    id            TEXT NOT NULL,
    rule          TEXT NOT NULL,
    title         TEXT NOT NULL,
    category      TEXT NOT NULL DEFAULT '',
    stride        TEXT NOT NULL,
    targets       TEXT NOT NULL,
    likelihood    INTEGER NOT NULL,
    impact        INTEGER NOT NULL,
    severity      TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    fingerprint   TEXT NOT NULL,
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    gone          INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    owner         TEXT NOT NULL DEFAULT '',
    due           TEXT,
    acceptance_id INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (system_id, id)
);
CREATE INDEX threats_status_rank ON threats (status, severity_rank DESC, system_id, id);
CREATE INDEX threats_rank ON threats (severity_rank DESC, system_id, id);
CREATE INDEX threats_owner ON threats (owner, status);
CREATE INDEX threats_due ON threats (due, system_id, id) WHERE due IS NOT NULL;

CREATE TABLE threat_events (
    id        INTEGER PRIMARY KEY,
    system_id TEXT NOT NULL,
    threat_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    TEXT      TEXT NOT NULL
);
CREATE INDEX threat_events_threat ON threat_events (system_id, threat_id, id);

CREATE TABLE acceptances (
    id            INTEGER PRIMARY KEY,
    system_id     TEXT NOT NULL REFERENCES systems (id),
    state         TEXT NOT NULL,
    justification TEXT NOT NULL,
    expires       TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    extends       INTEGER NOT NULL DEFAULT 0,
    needs_review  INTEGER NOT NULL DEFAULT 0,
    warned_at     TEXT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX acceptances_state ON acceptances (state, expires);
CREATE INDEX acceptances_system ON acceptances (system_id, id);

CREATE TABLE acceptance_threats (
    acceptance_id INTEGER NOT NULL REFERENCES acceptances (id),
    threat_id     TEXT NOT NULL,
    likelihood    INTEGER NOT NULL,
    impact        INTEGER NOT NULL,
    severity      TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    PRIMARY KEY (acceptance_id, threat_id)
);
CREATE INDEX acceptance_threats_threat ON acceptance_threats (threat_id);

CREATE TABLE exceptions (
    id            INTEGER PRIMARY KEY,
    system_id     TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    title         TEXT NOT NULL,
    reason        TEXT NOT NULL,
    risk          TEXT NOT NULL,
    mitigations   TEXT NOT NULL,
    difficulties  TEXT NOT NULL,
    review_date   TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX exceptions_state ON exceptions (state, review_date);

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    system_id     TEXT NOT NULL REFERENCES systems (id),
    kind          TEXT NOT NULL,
    state         TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    since_version INTEGER NOT NULL,
    due           TEXT NOT NULL,
    reviewer      TEXT NOT NULL DEFAULT '',
    completed_at  TEXT,
    notes         TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX reviews_state ON reviews (state, due);
CREATE INDEX reviews_system ON reviews (system_id, id);

-- The audit trail: entries are only ever inserted. audit_head records the
-- newest entry; appends lock it, so they are serialised across nodes.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    data      TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    grants        TEXT NOT NULL,
    clearance     TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    oidc_subject  TEXT UNIQUE,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    scopes     TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used  TEXT,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE sessions;
DROP TABLE tokens;
DROP TABLE users;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE reviews;
DROP TABLE exceptions;
DROP TABLE acceptance_threats;
DROP TABLE acceptances;
DROP TABLE threat_events;
DROP TABLE threats;
DROP TABLE version_changes;
DROP TABLE model_versions;
DROP TABLE systems;
DROP TABLE policy;
