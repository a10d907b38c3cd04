/* stem.c — the FTS5 tokenizer "docket" of SQLite's ticket_search (0009):
 * unicode61's words (case and diacritics folded), each reduced to its
 * Snowball stem, so `printers` finds `printer` and `принтера` finds
 * `принтером`. The same rule as PostgreSQL's text search configuration
 * "docket" (pg/0009_stemmed_words.sql), decided on the folded word:
 * - letters a–z only: the English stemmer (a Czech word written with or
 *   without its accents is then one word, stemmed alike);
 * - any Cyrillic letter: the Russian stemmer;
 * - anything else (digits, other scripts): the word as it is.
 * No stop words: every word can be searched. Queries go through the same
 * tokenizer, so the last word of a query is a prefix of its stem
 * (`print` still finds `printer`). A SQLite shell without this tokenizer
 * cannot read ticket_search ("no such tokenizer"); docket's own commands
 * register it on every connection. */
#include <libstemmer.h>
#include <sqlite3.h>
#include <stdbool.h>
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

int stem_register_tokenizer(struct sqlite3 *db)
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
