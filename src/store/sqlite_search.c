/* sqlite_search.c — what SQLite's full-text search needs that SQLite
 * lacks, registered on every connection (sqlite_search_register):
 *
 * The FTS5 tokenizer "docket" of ticket_search (0009): unicode61's words
 * (case and diacritics folded), each reduced to its Snowball stem, so
 * `printers` finds `printer` and `принтера` finds `принтером`. The same
 * rule as PostgreSQL's text search configuration "docket"
 * (pg/0009_stemmed_words.sql), decided on the folded word:
 * - letters a–z only: the English stemmer (so a Czech word is one word
 *   with or without its accents; its own inflections are not known);
 * - any Cyrillic letter: the Russian stemmer;
 * - anything else (digits, other scripts): the word as it is.
 * No stop words: every word can be searched. Queries go through the same
 * tokenizer, so a query word ending in '*' is a prefix of a stem (`print*`
 * finds `printer`). A SQLite shell without this tokenizer cannot read
 * ticket_search ("no such tokenizer").
 *
 * The SQL function docket_search_has(expression, id): does ticket id's
 * document match? For tickets some other index found (a view, a walked
 * sort): SQLite would gather a common word's ids into a temporary b-tree
 * first (893,000 at 1M tickets: ~100 ms); a bitmap of them is read once
 * per statement instead. */
#include <libstemmer.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/base.h"
#include "store/internal.h"

/* Longer words are no words of a language; they are indexed as they are
 * (and stemming them would cost time for nothing). */
enum { STEM_MAX_WORD_BYTES = 64 };

struct stem_tokenizer {
    fts5_tokenizer parent;        /* unicode61's methods */
    Fts5Tokenizer *parent_tokens; /* our instance of unicode61 */
    struct sb_stemmer *english;
    struct sb_stemmer *russian;
};

/* One xTokenize call: where the stems go. */
struct stem_call {
    struct stem_tokenizer *tokenizer;
    void *ctx;
    int (*emit)(void *ctx, int flags, const char *token, int len, int start,
                int end);
};

static void stem_tokenizer_delete(Fts5Tokenizer *instance)
{
    struct stem_tokenizer *t = (struct stem_tokenizer *)instance;
    if (!t) {
        return;
    }
    if (t->parent_tokens) {
        t->parent.xDelete(t->parent_tokens);
    }
    sb_stemmer_delete(t->english);
    sb_stemmer_delete(t->russian);
    sqlite3_free(t);
}

static int stem_tokenizer_create(void *api_ptr, const char **args, int n_args,
                                 Fts5Tokenizer **out)
{
    fts5_api *api = api_ptr;
    static const char *parent_args[] = {"remove_diacritics", "2"};
    if (n_args != 0) {
        return SQLITE_ERROR; /* the rule is fixed: no options */
    }
    (void)args;
    struct stem_tokenizer *t = sqlite3_malloc(sizeof(*t));
    if (!t) {
        return SQLITE_NOMEM;
    }
    memset(t, 0, sizeof(*t));
    void *parent_data = NULL;
    int rc = api->xFindTokenizer(api, "unicode61", &parent_data, &t->parent);
    if (rc == SQLITE_OK) {
        rc = t->parent.xCreate(parent_data, parent_args, 2, &t->parent_tokens);
    }
    if (rc == SQLITE_OK) {
        t->english = sb_stemmer_new("english", "UTF_8");
        t->russian = sb_stemmer_new("russian", "UTF_8");
        if (!t->english || !t->russian) {
            rc = SQLITE_NOMEM;
        }
    }
    if (rc != SQLITE_OK) {
        stem_tokenizer_delete((Fts5Tokenizer *)t);
        return rc;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

/* The stemmer of a folded word, or NULL to keep it as it is. Cyrillic is
 * U+0400–U+04FF: lead bytes 0xD0–0xD3. */
static struct sb_stemmer *stemmer_of(const struct stem_tokenizer *t,
                                     const char *word, int len)
{
    bool is_latin = true;
    bool has_cyrillic = false;
    for (int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        if (c >= '0' && c <= '9') {
            return NULL;
        }
        is_latin = is_latin && c >= 'a' && c <= 'z';
        has_cyrillic = has_cyrillic || (c >= 0xD0 && c <= 0xD3);
    }
    if (is_latin) {
        return t->english;
    }
    return has_cyrillic ? t->russian : NULL;
}

static int emit_stem(void *call_ptr, int flags, const char *word, int len,
                     int start, int end)
{
    struct stem_call *call = call_ptr;
    struct sb_stemmer *stemmer = len <= STEM_MAX_WORD_BYTES
                                     ? stemmer_of(call->tokenizer, word, len)
                                     : NULL;
    if (stemmer) {
        const sb_symbol *stem =
            sb_stemmer_stem(stemmer, (const sb_symbol *)word, len);
        int stem_len = sb_stemmer_length(stemmer);
        if (!stem) {
            return SQLITE_NOMEM;
        }
        if (stem_len > 0) {
            return call->emit(call->ctx, flags, (const char *)stem, stem_len,
                              start, end);
        }
    }
    return call->emit(call->ctx, flags, word, len, start, end);
}

static int stem_tokenize(Fts5Tokenizer *instance, void *ctx, int flags,
                         const char *text, int text_len,
                         int (*emit)(void *ctx, int flags, const char *token,
                                     int len, int start, int end))
{
    struct stem_tokenizer *t = (struct stem_tokenizer *)instance;
    struct stem_call call = {.tokenizer = t, .ctx = ctx, .emit = emit};
    return t->parent.xTokenize(t->parent_tokens, &call, flags, text, text_len,
                               emit_stem);
}

/* The fts5_api of a connection, asked for as SQLite documents it
 * (fts5.html §7: "SELECT fts5(?1)" with a bound pointer). */
static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) {
        return NULL;
    }
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    (void)sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

static int register_tokenizer(sqlite3 *db)
{
    fts5_api *api = fts5_api_of(db);
    if (!api) {
        return SQLITE_ERROR;
    }
    fts5_tokenizer methods = {
        .xCreate = stem_tokenizer_create,
        .xDelete = stem_tokenizer_delete,
        .xTokenize = stem_tokenize,
    };
    return api->xCreateTokenizer(api, "docket", api, &methods, NULL);
}

/* ---- docket_fts_query ---- */

/* One call's output: the tokens of the words so far. */
struct query_build {
    struct dk_buf *out;
    const char *word; /* the word being tokenized */
    size_t n_tokens;  /* in all words */
};

/* Each token becomes a string of its own, the word's own text at the
 * token's offsets, quoted (quotes doubled): FTS5 tokenizes it again with
 * the table's tokenizer, which finds that one token in it (a stem stemmed
 * again could differ; Snowball is not idempotent). */
static int add_query_token(void *build_ptr, int flags, const char *token,
                           int len, int start, int end)
{
    (void)flags;
    (void)token;
    (void)len;
    struct query_build *build = build_ptr;
    dk_buf_appends(build->out, build->n_tokens ? " \"" : "\"");
    for (int i = start; i < end; i++) {
        if (build->word[i] == '"') {
            dk_buf_appendc(build->out, '"');
        }
        dk_buf_appendc(build->out, build->word[i]);
    }
    dk_buf_appendc(build->out, '"');
    build->n_tokens++;
    return SQLITE_OK;
}

/* The words (one space apart) as FTS5 query terms, into out. */
static int add_query_words(fts5_tokenizer *tokens, Fts5Tokenizer *instance,
                           const char *words, struct dk_buf *out,
                           size_t *n_tokens)
{
    struct query_build build = {.out = out, .word = NULL, .n_tokens = 0};
    int rc = SQLITE_OK;
    for (const char *p = words; rc == SQLITE_OK && *p;) {
        const char *space = strchr(p, ' ');
        size_t len = space ? (size_t)(space - p) : strlen(p);
        struct dk_str word = dk_str_make(p, len);
        bool is_prefix = store_word_take_prefix(&word);
        size_t before = build.n_tokens;
        build.word = word.ptr;
        rc = tokens->xTokenize(instance, &build, FTS5_TOKENIZE_QUERY, word.ptr,
                               (int)word.len, add_query_token);
        if (is_prefix && build.n_tokens > before) {
            dk_buf_appendc(out, '*');
        }
        p += len + (space ? 1 : 0);
    }
    *n_tokens = build.n_tokens;
    return rc;
}

/* docket_fts_query(expression): the FTS5 query of store_search_expression's
 * "WEIGHTS:WORDS" (store/internal.h). The words are split by unicode61,
 * as the index's tokenizer splits them, and each token is a term of its
 * own: no query is a phrase, which detail=column (0009) refuses, and a
 * hyphenated word is its parts, as on PostgreSQL. No token at all: a query
 * that matches nothing. Without the notes: a column filter. */
static void fts_query(sqlite3_context *ctx, int n_args, sqlite3_value **args)
{
    (void)n_args;
    static const char *parent_args[] = {"remove_diacritics", "2"};
    const char *expression = (const char *)sqlite3_value_text(args[0]);
    const char *colon = expression ? strchr(expression, ':') : NULL;
    if (!colon) {
        sqlite3_result_error(ctx, "docket_fts_query: no 'WEIGHTS:' part", -1);
        return;
    }
    fts5_api *api = sqlite3_user_data(ctx);
    fts5_tokenizer tokens;
    Fts5Tokenizer *instance = NULL;
    void *parent_data = NULL;
    int rc = api->xFindTokenizer(api, "unicode61", &parent_data, &tokens);
    if (rc == SQLITE_OK) {
        rc = tokens.xCreate(parent_data, parent_args, 2, &instance);
    }
    struct dk_buf out;
    dk_buf_init(&out, 4 * DK_MAX_SEARCH_BYTES + 64);
    bool is_internal_hidden = colon != expression;
    dk_buf_appends(&out, is_internal_hidden ? "{subject description public} : ("
                                            : "");
    size_t n_tokens = 0;
    if (rc == SQLITE_OK) {
        rc = add_query_words(&tokens, instance, colon + 1, &out, &n_tokens);
        tokens.xDelete(instance);
    }
    dk_buf_appends(&out, is_internal_hidden ? ")" : "");
    if (rc != SQLITE_OK || out.has_failed) {
        sqlite3_result_error_code(ctx, rc != SQLITE_OK ? rc : SQLITE_TOOBIG);
    } else if (n_tokens == 0) {
        sqlite3_result_text(ctx, "\"x\" NOT \"x\"", -1, SQLITE_STATIC);
    } else {
        sqlite3_result_text(ctx, out.ptr, (int)out.len, SQLITE_TRANSIENT);
    }
    dk_buf_release(&out);
}

/* ---- the stemmers' fingerprint ---- */

/* Words whose stems take most of both stemmers' rules. */
static const char *const sample_words[] = {
    "printers",    "printing",    "running",   "happiness",     "generalize",
    "connection",  "agreed",      "caresses",  "ponies",        "relational",
    "conditional", "hopeful",     "goodness",  "electrical",    "adjustment",
    "dependent",   "adoption",    "effective", "communism",     "activate",
    "angularity",  "homologous",  "formality", "sensitivity",   "triplicate",
    "hopping",     "filing",      "fizzed",    "troubled",      "skies",
    "dying",       "generously",  "news",      "proceed",       "exceeding",
    "kabely",      "принтером",   "принтера",  "работает",      "помогите",
    "заявками",    "сломалась",   "оплатить",  "доставки",      "вопросами",
    "компьютеров", "подключения", "ёлками",    "красивейший",   "человечество",
    "играющий",    "написанными", "сделали",   "установленной",
};

static uint64_t fnv1a(uint64_t hash, const unsigned char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        hash = (hash ^ bytes[i]) * 0x100000001b3ull;
    }
    return hash;
}

uint64_t sqlite_search_fingerprint(void)
{
    struct stem_tokenizer t = {0};
    t.english = sb_stemmer_new("english", "UTF_8");
    t.russian = sb_stemmer_new("russian", "UTF_8");
    uint64_t hash = 0xcbf29ce484222325ull;
    for (size_t i = 0; t.english && t.russian &&
                       i < sizeof(sample_words) / sizeof(*sample_words);
         i++) {
        const char *word = sample_words[i];
        int len = (int)strlen(word);
        struct sb_stemmer *stemmer = stemmer_of(&t, word, len);
        const sb_symbol *stem =
            sb_stemmer_stem(stemmer, (const sb_symbol *)word, len);
        if (stem) {
            hash = fnv1a(hash, stem, (size_t)sb_stemmer_length(stemmer) + 1);
        }
    }
    sb_stemmer_delete(t.english);
    sb_stemmer_delete(t.russian);
    return hash;
}

/* ---- docket_search_has ---- */

/* Ticket ids past this are refused (a bitmap of them would be 512 MB);
 * ids are the tickets table's own, from 1 up. */
#define MAX_BITMAP_ID ((sqlite3_int64)1 << 32)

struct id_bitmap {
    uint64_t *words;
    size_t n_words;
};

static void bitmap_free(void *ptr)
{
    struct id_bitmap *bitmap = ptr;
    if (bitmap) {
        sqlite3_free(bitmap->words);
        sqlite3_free(bitmap);
    }
}

static int bitmap_set(struct id_bitmap *bitmap, sqlite3_int64 id)
{
    if (id < 0 || id >= MAX_BITMAP_ID) {
        return SQLITE_RANGE;
    }
    size_t word = (size_t)(id / 64);
    if (word >= bitmap->n_words) {
        size_t n_words =
            word + 1 > bitmap->n_words * 2 ? word + 1 : bitmap->n_words * 2;
        uint64_t *words =
            sqlite3_realloc64(bitmap->words, n_words * sizeof(*words));
        if (!words) {
            return SQLITE_NOMEM;
        }
        memset(words + bitmap->n_words, 0,
               (n_words - bitmap->n_words) * sizeof(*words));
        bitmap->words = words;
        bitmap->n_words = n_words;
    }
    bitmap->words[word] |= (uint64_t)1 << (id % 64);
    return SQLITE_OK;
}

static bool bitmap_has(const struct id_bitmap *bitmap, sqlite3_int64 id)
{
    size_t word = (size_t)(id / 64);
    return id >= 0 && word < bitmap->n_words &&
           (bitmap->words[word] >> (id % 64) & 1);
}

/* The ids of the documents that match expression (FTS5 syntax). */
static int bitmap_read(sqlite3 *db, sqlite3_value *expression,
                       struct id_bitmap **out)
{
    static const char sql[] = "SELECT rowid FROM ticket_search "
                              "WHERE ticket_search MATCH docket_fts_query(?)";
    sqlite3_stmt *st = NULL;
    struct id_bitmap *bitmap = sqlite3_malloc(sizeof(*bitmap));
    if (!bitmap) {
        return SQLITE_NOMEM;
    }
    memset(bitmap, 0, sizeof(*bitmap));
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_bind_value(st, 1, expression);
    }
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = bitmap_set(bitmap, sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        bitmap_free(bitmap);
        return rc == SQLITE_OK ? SQLITE_ERROR : rc;
    }
    *out = bitmap;
    return SQLITE_OK;
}

/* The expression is a bound parameter, a constant of the statement, so
 * SQLite keeps its bitmap as the argument's auxiliary data until the
 * statement ends. */
static void search_has(sqlite3_context *ctx, int n_args, sqlite3_value **args)
{
    (void)n_args;
    sqlite3_int64 id = sqlite3_value_int64(args[1]);
    struct id_bitmap *bitmap = sqlite3_get_auxdata(ctx, 0);
    if (bitmap) {
        sqlite3_result_int(ctx, bitmap_has(bitmap, id));
        return;
    }
    int rc = bitmap_read(sqlite3_context_db_handle(ctx), args[0], &bitmap);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_int(ctx, bitmap_has(bitmap, id));
    /* Last: SQLite may free it at once. */
    sqlite3_set_auxdata(ctx, 0, bitmap, bitmap_free);
}

int sqlite_search_register(struct sqlite3 *db)
{
    int rc = register_tokenizer(db);
    fts5_api *api = fts5_api_of(db);
    if (rc == SQLITE_OK) {
        rc = sqlite3_create_function_v2(db, "docket_fts_query", 1,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                            SQLITE_DIRECTONLY,
                                        api, fts_query, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_create_function_v2(db, "docket_search_has", 2,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
                                        search_has, NULL, NULL, NULL);
    }
    return rc;
}
