-- The workflow (DESIGN §3): history, deadlines, panels, sessions, proposals, respondent
-- invitations, proof of notice and the figures kept at closure.

-- One row per action taken on a case: who, when, from → to, and what they gave.
CREATE TABLE case_events (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    -- NULL when the system acted.
    actor_id BIGINT REFERENCES users (id),
    actor_as TEXT NOT NULL,
    details TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE deadlines (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'paused', 'met', 'lapsed', 'cancelled')),
    paused_on DATE,
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    reminded_before BOOLEAN NOT NULL DEFAULT FALSE,
    reminded_on_day BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX deadlines_due ON deadlines (status, due_on);
CREATE INDEX deadlines_case ON deadlines (case_id, kind);

CREATE TABLE panel_members (
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    mediator_id BIGINT NOT NULL REFERENCES users (id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, mediator_id)
);
CREATE INDEX panel_members_mediator ON panel_members (mediator_id, case_id);

CREATE TABLE mediation_sessions (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    held_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    held BOOLEAN NOT NULL,
    complainant_attended BOOLEAN,
    respondent_attended BOOLEAN,
    minutes TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions (case_id, held_at);

CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    issued_by BIGINT NOT NULL REFERENCES users (id),
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX proposals_case ON proposals (case_id, id);

-- Each party's answer to a proposal; staff may record one on a party's behalf.
CREATE TABLE proposal_answers (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    party_id BIGINT NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    accepted BOOLEAN NOT NULL,
    answered_by BIGINT NOT NULL REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, party_id)
);

-- A respondent's account is tied to the party it was invited for.
ALTER TABLE parties ADD COLUMN user_id BIGINT REFERENCES users (id);
CREATE INDEX parties_user ON parties (user_id, case_id);

CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    party_id BIGINT NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    used_by BIGINT REFERENCES users (id)
);

-- Proof of notice: which case a notice belongs to, and when its link was first opened.
ALTER TABLE outbox ADD COLUMN case_id BIGINT REFERENCES cases (id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN link_token_hash TEXT;
ALTER TABLE outbox ADD COLUMN opened_at TIMESTAMP;
CREATE INDEX outbox_case ON outbox (case_id, id);
CREATE UNIQUE INDEX outbox_link ON outbox (link_token_hash);

-- What the office reports on, fixed when the case reaches a terminal state.
CREATE TABLE case_closures (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    days_open INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    respondent_appeared BOOLEAN NOT NULL,
    respondent_size TEXT,
    kind TEXT NOT NULL,
    track TEXT NOT NULL,
    origin TEXT NOT NULL
);

-- Mediators' affiliations, for the conflict check.
ALTER TABLE users ADD COLUMN organisation TEXT;
ALTER TABLE users ADD COLUMN registration_no TEXT;
