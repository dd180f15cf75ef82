-- +goose Up
-- Sign-in attempts per client address in fixed one-minute windows, shared by
-- every node on the database (window_start in Unix milliseconds).
CREATE TABLE signin_attempts (
    client       text PRIMARY KEY,
    window_start bigint NOT NULL,
    attempts     integer NOT NULL
);
CREATE INDEX signin_attempts_window ON signin_attempts (window_start);

-- +goose Down
DROP TABLE signin_attempts;
