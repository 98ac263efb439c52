DROP TABLE search_fts;

CREATE VIRTUAL TABLE search_fts USING fts5 (
    primary_text,
    secondary_text,
    body_text,
    content = 'search_documents',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

INSERT INTO search_fts (search_fts) VALUES ('rebuild');
