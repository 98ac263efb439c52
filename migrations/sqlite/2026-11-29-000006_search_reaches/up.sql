-- PostgreSQL indexes each reach of a search (names; names, legal name and service labels) on
-- its own. SQLite needs nothing: FTS5 reads column filters from its one index.
SELECT 1;
