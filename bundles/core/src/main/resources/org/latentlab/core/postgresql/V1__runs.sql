-- Version 1: the runs, their records, sweeps and workers.

-- One row per run. status is the run's RunStatus as JSON (null while the run is being created); state repeats its state
-- for the queue's queries. position is the order of submission, the queue's order. A worker that trains the run holds
-- it (worker) until lease_until; a run whose lease ran out is taken over by another worker.
CREATE TABLE runs (
    id               text PRIMARY KEY,
    position         bigserial NOT NULL,
    state            text,
    status           text,
    worker           text,
    lease_until      timestamptz,
    attempts         integer NOT NULL DEFAULT 0,
    cancel_requested boolean NOT NULL DEFAULT false
);
CREATE INDEX runs_by_state ON runs (state, position);

-- A run's JSON documents (spec.json, result.json, probe reports ...), one per name.
CREATE TABLE run_records (
    run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name   text NOT NULL,
    body   text NOT NULL,
    PRIMARY KEY (run_id, name)
);

-- A run's JSON-lines records (metrics.jsonl, probe-<name>-training.jsonl), one row per line; step is the line's step.
CREATE TABLE run_lines (
    run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name   text NOT NULL,
    line   bigserial NOT NULL,
    step   bigint,
    body   text NOT NULL,
    PRIMARY KEY (run_id, name, line)
);

CREATE TABLE sweeps (
    id      text PRIMARY KEY,
    created text NOT NULL,
    body    text NOT NULL
);

-- The hosts that train runs: what each trains now and when it last said it was alive.
CREATE TABLE workers (
    id        text PRIMARY KEY,
    host      text NOT NULL,
    device    text NOT NULL,
    run_id    text,
    started   timestamptz NOT NULL,
    heartbeat timestamptz NOT NULL
);
