-- Relevance tiers ask which fields hold every word of a search: the names (weight A), then the
-- names with the legal name and service labels (A and B). GIN keeps no weights, so the index of
-- the whole document cannot answer that without reading every candidate row; an index per
-- reach answers it directly, and tells at once that no name holds a word.
CREATE INDEX search_documents_names_idx ON search_documents USING GIN (ts_filter(document, '{a}'));
CREATE INDEX search_documents_labels_idx ON search_documents USING GIN (ts_filter(document, '{a,b}'));
