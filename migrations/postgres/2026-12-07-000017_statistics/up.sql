-- Statistics (issue 18). A respondent abroad is counted as foreign: parties say their country
-- (ISO 3166 alpha-2; NULL where nobody said).
ALTER TABLE parties ADD COLUMN country TEXT;

-- What each filed case adds to the statistics: its dimensions as they are now, and every
-- monthly cell it counts in, so that when the case moves on or is corrected the old
-- contribution is taken back and the new one added, in the same transaction.
CREATE TABLE stats_facts (
    case_id BIGINT NOT NULL PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    filed_month INTEGER NOT NULL,
    kind TEXT NOT NULL,
    track TEXT NOT NULL,
    size TEXT NOT NULL,
    field TEXT NOT NULL,
    cells TEXT NOT NULL
);

-- The office's figures summed per office month and per combination of the filters' values:
-- one row per (month, kind, track, complainant size, IPC subclass), and one more per
-- (month, kind, track, size) with field '*' for every field together, which is what a page
-- without a field filter reads: some thousands of rows for a million cases.
CREATE TABLE stats_months (
    month INTEGER NOT NULL,
    kind TEXT NOT NULL,
    track TEXT NOT NULL,
    size TEXT NOT NULL,
    field TEXT NOT NULL,
    filed BIGINT NOT NULL,
    foreign_respondent BIGINT NOT NULL,
    country_unknown BIGINT NOT NULL,
    claimed_krw BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    sessions BIGINT NOT NULL,
    with_sessions BIGINT NOT NULL,
    appeared BIGINT NOT NULL,
    -- Sparse counts written `key=n key=n`: claims by amount band, closures by outcome and by
    -- days open, and the net change of open cases per state.
    claims TEXT NOT NULL,
    outcomes TEXT NOT NULL,
    days TEXT NOT NULL,
    states TEXT NOT NULL,
    -- In the rows whose field is '*', which count every field together: filings per field.
    fields TEXT NOT NULL,
    -- Filings citing each right (by id): the most-cited rights of any filter.
    rights TEXT NOT NULL,
    PRIMARY KEY (month, kind, track, size, field)
);
