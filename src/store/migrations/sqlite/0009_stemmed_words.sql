-- 0009_stemmed_words.sql — the search index holds each word's stem
-- (issue 5: "a Russian word in another grammatical form"): the tokenizer
-- "docket" (store/sqlite_search.c) is unicode61 with Snowball's English and
-- Russian stemmers, so `принтера` finds `принтером` and `printers` finds
-- `printer`, and the forms of one word are one term of the index (before,
-- the prefix `принтер*` merged the doclists of three forms on every
-- search: 1M tickets, 269 ms). FTS5 cannot change a table's tokenizer:
-- the table is made again, with the same columns and content, and every
-- document indexed anew (1M tickets: ~70 s at start-up). The triggers of
-- 0008 name the table, not its tokenizer, and stay as they are.
--
-- detail=column: the index keeps which columns of a document hold a term,
-- not where in them (a word in 89 % of 1M tickets counted in 21 ms, not
-- 29; the index half the size). Phrase queries need the positions, so a
-- query is never a phrase: docket_fts_query (store/sqlite_search.c) makes
-- each token of the user's words a term of its own, as PostgreSQL does.

DROP TABLE ticket_search;
CREATE VIRTUAL TABLE ticket_search USING fts5 (
    subject, description, public, notes,
    content = 'ticket_search_docs', content_rowid = 'id',
    tokenize = 'docket', detail = column
);
DELETE FROM ticket_search_pending;
INSERT INTO ticket_search (ticket_search) VALUES ('rebuild');

-- The stemmers that built the index (store/sqlite.c, sqlite_check_index):
-- one row, written at start-up; when a docket with other stemmers starts,
-- the index is built again before anything takes a document out of it.
CREATE TABLE ticket_search_stemmer (fingerprint TEXT NOT NULL);
