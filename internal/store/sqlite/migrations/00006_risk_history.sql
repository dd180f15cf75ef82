-- +goose Up
-- risk_history keeps, for each day the register's sweep ran, how many
-- threats each system had open or mitigating at each residual severity: a
-- copy of risk_counts (00004) taken once a day, from which the portfolio
-- draws its trend. The day is text (YYYY-MM-DD, UTC), which sorts as a
-- date in both engines. Systems without open risk have no row. The key
-- leads with day and severity, the trend's grouping, so that summing a
-- day reads its rows in order without sorting them.
CREATE TABLE risk_history (
    day       TEXT NOT NULL,
    system_id TEXT NOT NULL,
    severity  TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (day, severity, system_id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE risk_history;
