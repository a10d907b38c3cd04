-- 0009_stemmed_words.sql — the search documents hold each word's stem, as
-- sqlite/0009_stemmed_words.sql: the configuration "docket" stems words
-- of letters a–z with Snowball's English stemmer and words of other
-- letters with its Russian one (which leaves any script but Cyrillic as
-- it is); numbers and the like stay as they are. No stop words.
--
-- Diacritics are folded from the text before it is parsed
-- (docket_unaccent), not by a dictionary after it: the parser calls a word
-- with an accent "word" and the same word without one "asciiword", and
-- each kind has its own dictionary, so `tiskárny` and `tiskarny` would be
-- stemmed apart. unaccent also turns « into << (‹ into <, ’ into '): the
-- parser then took «a» for the HTML tag <a> and dropped the word, so the
-- folded text has no < > ' \ (the parser splits words there anyway).
CREATE FUNCTION docket_unaccent(words TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT translate(unaccent('unaccent'::regdictionary, words), '<>''\', '    ') $$;

CREATE TEXT SEARCH DICTIONARY docket_english (
    TEMPLATE = snowball, Language = english
);
CREATE TEXT SEARCH DICTIONARY docket_russian (
    TEMPLATE = snowball, Language = russian
);
ALTER TEXT SEARCH CONFIGURATION docket
    ALTER MAPPING FOR asciiword, hword_asciipart WITH docket_english;
ALTER TEXT SEARCH CONFIGURATION docket
    ALTER MAPPING FOR word, hword_part WITH docket_russian;
-- A hyphenated word is indexed by its parts only, as on SQLite: with the
-- whole compound a term too, a query of `e-mail` or `wi-fi` asked for the
-- compound stemmed and missed `re-e-mail` or `wi-fi-router` (a review).
ALTER TEXT SEARCH CONFIGURATION docket
    DROP MAPPING FOR asciihword, hword, numhword;

-- The query of a search (store/pg.c, pg_fts_expression): "WEIGHTS:WORDS",
-- WEIGHTS those a lexeme may have ('' any, customers 'ABC': no notes),
-- WORDS the user's words one space apart. Each word is parsed, folded and
-- stemmed as the texts are (one way for both, as SQLite's tokenizer does);
-- every lexeme is required, and the last one of a word ending in '*' is
-- a prefix. Never read as tsquery syntax: no input can be an operator.
-- No lexeme at all: NULL, which matches nothing.
CREATE FUNCTION docket_tsquery(expression TEXT) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_agg(
               '''' || replace(replace(l.lexeme, '\', '\\'), '''', '''''')
               || '''' || CASE WHEN l.is_prefix THEN ':*' || l.weights
                               WHEN l.weights <> '' THEN ':' || l.weights
                               ELSE '' END,
               ' & ')::tsquery
    FROM (SELECT u.lexeme, split_part(expression, ':', 1) AS weights,
                 right(w.word, 1) = '*' AND
                     u.positions[array_upper(u.positions, 1)] =
                     max(u.positions[array_upper(u.positions, 1)])
                         OVER (PARTITION BY w.n) AS is_prefix
          FROM unnest(string_to_array(
                   substr(expression, strpos(expression, ':') + 1), ' '))
                   WITH ORDINALITY AS w (word, n),
               unnest(to_tsvector('docket'::regconfig,
                                  docket_unaccent(w.word))) u) l
$$;

CREATE OR REPLACE FUNCTION ticket_search_head(subject TEXT, description TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('docket'::regconfig, docket_unaccent(subject)), 'A')
        || setweight(to_tsvector('docket'::regconfig, docket_unaccent(description)), 'B')
$$;

-- A generated column keeps the words of its time: made again.
ALTER TABLE messages DROP COLUMN search;
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS
    (to_tsvector('docket'::regconfig, docket_unaccent(body))) STORED;

UPDATE ticket_search s SET
    head_words = d.head, public_words = d.public_part,
    notes_words = d.notes_part,
    doc = d.head || d.public_part || d.notes_part
FROM (SELECT t.id, ticket_search_head(t.subject, t.description) AS head,
             ticket_search_part(t.id, false) AS public_part,
             ticket_search_part(t.id, true) AS notes_part
      FROM tickets t) d
WHERE s.ticket_id = d.id;
