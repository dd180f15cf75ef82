-- +goose Up
-- Sign-in attempts per client address in fixed one-minute windows, shared by
-- every node on the database (window_start in Unix milliseconds).
CREATE TABLE signin_attempts (
    client       TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    attempts     INTEGER NOT NULL
);
CREATE INDEX signin_attempts_window ON signin_attempts (window_start);

-- +goose Down
DROP TABLE signin_attempts;
