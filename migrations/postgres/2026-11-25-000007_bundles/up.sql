-- Evidence bundles (DESIGN §6): one row per requested bundle, which is also its build job, so
-- that a build survives a restart and runs on whichever app server claims it.
CREATE TABLE bundles (
    id BIGSERIAL PRIMARY KEY,
    -- The bundle's name in URLs: not guessable from the case.
    public_id TEXT NOT NULL UNIQUE,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    audience TEXT NOT NULL CHECK (audience IN ('office', 'parties', 'complainant', 'respondent')),
    -- The language of its index.html: the requester's.
    language TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'building', 'done', 'failed')),
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    -- A builder holds the job until then and renews it as it goes; a job whose builder died
    -- is taken over once it passes. Each claim counts an attempt.
    lease_until TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    files_total BIGINT NOT NULL DEFAULT 0,
    files_done BIGINT NOT NULL DEFAULT 0,
    bytes_total BIGINT NOT NULL DEFAULT 0,
    bytes_done BIGINT NOT NULL DEFAULT 0,
    file_name TEXT,
    size BIGINT,
    sha256 TEXT,
    error TEXT
);
CREATE INDEX bundles_status ON bundles (status, id);
CREATE INDEX bundles_case ON bundles (case_id, id);

-- The exhibits a built bundle holds: their custody logs show its building and downloads.
CREATE TABLE bundle_exhibits (
    bundle_id BIGINT NOT NULL REFERENCES bundles (id),
    exhibit_id BIGINT NOT NULL REFERENCES exhibits (id),
    PRIMARY KEY (bundle_id, exhibit_id)
);
