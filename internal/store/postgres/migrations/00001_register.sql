-- +goose Up
CREATE TABLE policy (
    id         integer PRIMARY KEY CHECK (id = 1),
    doc        jsonb NOT NULL,
    version    bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL DEFAULT ''
);

CREATE TABLE systems (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    owner_team     text NOT NULL DEFAULT '',
    risk_owner     text NOT NULL DEFAULT '',
    sro            text NOT NULL DEFAULT '',
    classification text NOT NULL DEFAULT '',
    tier           text NOT NULL DEFAULT '',
    latest_version integer NOT NULL DEFAULT 0,
    version        bigint NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE TABLE model_versions (
    system_id text NOT NULL REFERENCES systems (id),
    seq       integer NOT NULL,
    digest    text NOT NULL,
    source    bytea NOT NULL,
    result    jsonb NOT NULL,
    ref       text NOT NULL DEFAULT '',
    pushed_by text NOT NULL,
    pushed_at timestamptz NOT NULL,
    n_new     integer NOT NULL DEFAULT 0,
    n_changed integer NOT NULL DEFAULT 0,
    n_gone    integer NOT NULL DEFAULT 0,
    n_threats integer NOT NULL DEFAULT 0,
    PRIMARY KEY (system_id, seq)
);

CREATE TABLE version_changes (
    system_id         text NOT NULL,
    seq               integer NOT NULL,
    threat_id         text NOT NULL,
    change            text NOT NULL,
    before_likelihood integer NOT NULL DEFAULT 0,
    before_impact     integer NOT NULL DEFAULT 0,
    before_severity   text NOT NULL DEFAULT '',
    after_likelihood  integer NOT NULL DEFAULT 0,
    after_impact      integer NOT NULL DEFAULT 0,
    after_severity    text NOT NULL DEFAULT '',
    PRIMARY KEY (system_id, seq, threat_id),
    FOREIGN KEY (system_id, seq) REFERENCES model_versions (system_id, seq)
);

CREATE TABLE threats (
    system_id     text NOT NULL REFERENCES systems (id),
    id            text NOT NULL,
    rule          text NOT NULL,
    title         text NOT NULL,
    category      text NOT NULL DEFAULT '',
    stride        jsonb NOT NULL,
    targets       jsonb NOT NULL,
    likelihood    integer NOT NULL,
    impact        integer NOT NULL,
    severity      text NOT NULL,
    severity_rank integer NOT NULL,
    fingerprint   text NOT NULL,
    first_seen    integer NOT NULL,
    last_seen     integer NOT NULL,
    gone          boolean NOT NULL DEFAULT false,
    status        text NOT NULL,
    owner         text NOT NULL DEFAULT '',
    due           date,
    acceptance_id bigint NOT NULL DEFAULT 0,
    version       bigint NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (system_id, id)
);
CREATE INDEX threats_status_rank ON threats (status, severity_rank DESC, system_id, id);
CREATE INDEX threats_rank ON threats (severity_rank DESC, system_id, id);
CREATE INDEX threats_owner ON threats (owner, status);
CREATE INDEX threats_due ON threats (due, system_id, id) WHERE due IS NOT NULL;

CREATE TABLE threat_events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id text NOT NULL,
    threat_id text NOT NULL,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    kind      text NOT NULL,
    text      text NOT NULL
);
CREATE INDEX threat_events_threat ON threat_events (system_id, threat_id, id);

CREATE TABLE acceptances (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id     text NOT NULL REFERENCES systems (id),
    state         text NOT NULL,
    justification text NOT NULL,
    expires       date NOT NULL,
    requested_by  text NOT NULL,
    decided_by    text NOT NULL DEFAULT '',
    decided_at    timestamptz,
    decision_note text NOT NULL DEFAULT '',
    extends       bigint NOT NULL DEFAULT 0,
    needs_review  boolean NOT NULL DEFAULT false,
    warned_at     timestamptz,
    version       bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX acceptances_state ON acceptances (state, expires);
CREATE INDEX acceptances_system ON acceptances (system_id, id);

CREATE TABLE acceptance_threats (
    acceptance_id bigint NOT NULL REFERENCES acceptances (id),
    threat_id     text NOT NULL,
    likelihood    integer NOT NULL,
    impact        integer NOT NULL,
    severity      text NOT NULL,
    model_version integer NOT NULL,
    PRIMARY KEY (acceptance_id, threat_id)
);
CREATE INDEX acceptance_threats_threat ON acceptance_threats (threat_id);

CREATE TABLE exceptions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id     text NOT NULL DEFAULT '',
    state         text NOT NULL,
    title         text NOT NULL,
    reason        text NOT NULL,
    risk          text NOT NULL,
    mitigations   jsonb NOT NULL,
    difficulties  text NOT NULL,
    review_date   date NOT NULL,
    requested_by  text NOT NULL,
    decided_by    text NOT NULL DEFAULT '',
    decided_at    timestamptz,
    decision_note text NOT NULL DEFAULT '',
    version       bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX exceptions_state ON exceptions (state, review_date);

CREATE TABLE reviews (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id     text NOT NULL REFERENCES systems (id),
    kind          text NOT NULL,
    state         text NOT NULL,
    model_version integer NOT NULL,
    since_version integer NOT NULL,
    due           date NOT NULL,
    reviewer      text NOT NULL DEFAULT '',
    completed_at  timestamptz,
    notes         text NOT NULL DEFAULT '',
    version       bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX reviews_state ON reviews (state, due);
CREATE INDEX reviews_system ON reviews (system_id, id);

-- The audit trail: entries are only ever inserted. audit_head records the
-- newest entry; appends lock it, so they are serialised across nodes.
CREATE TABLE audit_log (
    seq       bigint PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    action    text NOT NULL,
    object    text NOT NULL,
    data      text NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL
);
CREATE TABLE audit_head (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint NOT NULL,
    hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    display_name  text NOT NULL DEFAULT '',
    email         text NOT NULL DEFAULT '',
    password_hash text NOT NULL DEFAULT '',
    grants        jsonb NOT NULL,
    clearance     text NOT NULL DEFAULT '',
    disabled      boolean NOT NULL DEFAULT false,
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    oidc_subject  text UNIQUE,
    version       bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    name       text NOT NULL,
    hash       text NOT NULL UNIQUE,
    scopes     jsonb NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    last_used  timestamptz,
    revoked    boolean NOT NULL DEFAULT false
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE sessions (
    hash       text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
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
