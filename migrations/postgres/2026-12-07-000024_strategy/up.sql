-- The sector's export strategy as data: consultations, the barriers they found, strategies
-- with their objectives, and the actions that answer the barriers. One table holds the four
-- kinds: `body` is the entry as the API writes it (the source of truth); the typed columns
-- and strategy_links are projections of it that filters and reports read (`level` holds a
-- barrier's level or a consultation's stage, `theme` a barrier's theme or an action's
-- objective, `priority` an action's priority or a barrier's severity).
CREATE TABLE strategy_entries (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('consultation', 'barrier', 'strategy', 'action')),
    strategy_id TEXT REFERENCES strategy_entries (id),
    visibility TEXT NOT NULL CHECK (visibility IN ('draft', 'published')),
    is_sample BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    level TEXT,
    theme TEXT,
    priority TEXT,
    lead_id TEXT REFERENCES organizations (id),
    due_date DATE,
    search_text TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'action') = (strategy_id IS NOT NULL))
);
CREATE INDEX strategy_entries_kind ON strategy_entries (kind, id);
CREATE INDEX strategy_entries_strategy ON strategy_entries (strategy_id, id);
CREATE INDEX strategy_entries_lead ON strategy_entries (lead_id);

-- What an entry names: a barrier's services and consultations, an action's barriers and
-- partners, lead and funder, a consultation's organizers and participants, the programme.
CREATE TABLE strategy_links (
    entry_id TEXT NOT NULL REFERENCES strategy_entries (id) ON DELETE CASCADE,
    link TEXT NOT NULL CHECK (link IN ('service', 'consultation', 'barrier', 'partner', 'organizer', 'participant', 'funder', 'programme', 'lead')),
    target TEXT NOT NULL,
    PRIMARY KEY (entry_id, link, target)
);
CREATE INDEX strategy_links_target ON strategy_links (link, target);

-- The sector's record (its consultations of 2018, the strategy shell) is loaded once at
-- start, after the reference stakeholders it names.
INSERT INTO pending_backfills (name) VALUES ('strategy_record');
