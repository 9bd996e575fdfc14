-- The registry of cited rights (DESIGN §4): one row per published document, keyed by its
-- DOCDB number; its classes and the documents it cites; and the rights each case cites.
CREATE TABLE rights (
    id INTEGER PRIMARY KEY,
    -- Country + number + kind (`US8930553B2`); without the kind when it is unknown.
    docdb TEXT NOT NULL UNIQUE,
    -- Country + number without the kind: every publication of one number shares it, and a
    -- number typed without its kind finds them all.
    base TEXT NOT NULL,
    country TEXT NOT NULL,
    kind_code TEXT,
    kind_presumed BOOLEAN NOT NULL,
    right_kind TEXT NOT NULL CHECK (right_kind IN ('patent', 'utility_model', 'design', 'trademark')),
    display TEXT NOT NULL,
    title TEXT NOT NULL,
    -- Other-language titles, one per line (`en: …`).
    other_titles TEXT NOT NULL,
    -- Names, one per line.
    applicants TEXT NOT NULL,
    owners TEXT NOT NULL,
    inventors TEXT NOT NULL,
    application_no TEXT,
    filing_date DATE,
    publication_date DATE,
    grant_date DATE,
    status TEXT,
    abstract TEXT,
    -- Where the data came from: manual, stub (a number cited before anything was known),
    -- uspto, ops, ep, kipris, csv.
    source TEXT NOT NULL,
    search_text TEXT NOT NULL,
    -- SHA-256 of everything above as imported or entered: re-importing the same data finds
    -- it unchanged without reading the classes and citations back.
    data_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX rights_base ON rights (base);

-- IPC and CPC symbols as `H04L 9/32`, with their subclass (`H04L`) and main group
-- (`H04L 9`) so that a search at any of the three levels reads one index in id order.
CREATE TABLE right_classes (
    right_id BIGINT NOT NULL REFERENCES rights (id) ON DELETE CASCADE,
    scheme TEXT NOT NULL CHECK (scheme IN ('ipc', 'cpc')),
    symbol TEXT NOT NULL,
    subclass TEXT NOT NULL,
    main_group TEXT NOT NULL,
    PRIMARY KEY (right_id, scheme, symbol)
);
CREATE INDEX right_classes_symbol ON right_classes (symbol, right_id);
CREATE INDEX right_classes_subclass ON right_classes (subclass, right_id);
CREATE INDEX right_classes_group ON right_classes (main_group, right_id);

-- Other publications of the same right that the office's file names (KIPRIS gives a
-- registration's laid-open and examined publication numbers): a number search finds the
-- right by any of them.
CREATE TABLE right_publications (
    right_id BIGINT NOT NULL REFERENCES rights (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    docdb TEXT NOT NULL,
    base TEXT NOT NULL,
    PRIMARY KEY (right_id, position)
);
CREATE INDEX right_publications_base ON right_publications (base, right_id);

-- The documents a right cites, by number: a link to another right when that one is in the
-- registry (now or after a later import), kept even when it is not.
CREATE TABLE right_citations (
    right_id BIGINT NOT NULL REFERENCES rights (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    cited_docdb TEXT NOT NULL,
    cited_base TEXT NOT NULL,
    cited_display TEXT NOT NULL,
    category TEXT,
    PRIMARY KEY (right_id, position)
);
CREATE INDEX right_citations_cited ON right_citations (cited_base, right_id);

CREATE TABLE case_rights (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    right_id BIGINT NOT NULL REFERENCES rights (id),
    role TEXT NOT NULL CHECK (role IN ('asserted', 'respondent_right', 'prior_art', 'other')),
    claims TEXT NOT NULL,
    note TEXT NOT NULL,
    linked_by BIGINT NOT NULL REFERENCES users (id),
    linked_at TIMESTAMP NOT NULL,
    UNIQUE (case_id, right_id, role)
);
CREATE INDEX case_rights_right ON case_rights (right_id, case_id);

-- Title, other titles and names (trigrams, so any part of a word is found).
CREATE VIRTUAL TABLE rights_search USING fts5 (search_text, content = 'rights', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER rights_search_insert AFTER INSERT ON rights BEGIN
    INSERT INTO rights_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER rights_search_delete AFTER DELETE ON rights BEGIN
    INSERT INTO rights_search (rights_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER rights_search_update AFTER UPDATE OF search_text ON rights BEGIN
    INSERT INTO rights_search (rights_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO rights_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
