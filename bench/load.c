/* load.c — `docket-bench-load`: fills a database with a realistic help desk
 * (issue 5) for the list, count and search benchmarks: agents in groups,
 * customers, tickets over a year with skewed statuses, priorities,
 * assignees, tags and channels, text in English, Russian and Czech with
 * Zipf-like word frequencies, threads of 1–9 messages (5 on average, as
 * issue 5 asks: 5M messages for 1M tickets), a file attached to one message
 * in 25, creation events and read marks.
 *
 * It writes straight through the store (src/store/store.h), the same calls
 * the core commands make, so both backends and every trigger and derived
 * column of the schema are exercised; it skips only permission checks and
 * JSON. Rows go in transactions of BATCH tickets. The numbers come from a
 * fixed-seed generator: the same arguments give the same database. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "store/store.h"

enum {
    /* Tickets per transaction: larger ones make every statement slower
     * (a statement's end walks the savepoint's dirty pages). */
    BATCH = 100,
    N_AGENTS = 200, /* issue 5: 200 agents in 20 groups */
    N_GROUPS = 20,
    MAX_TEXT = 4096,           /* bytes of one generated text */
    MAX_MESSAGES = 9,          /* per ticket: 1..9, 5 on average */
    ATTACHMENT_PERCENT = 4,    /* of messages */
    MAX_FILE_BYTES = 64 * 1024 /* the largest generated file */
};

/* The files customers attach: a few of each kind, stored once each (by
 * SHA-256, as the store does), referenced by many attachment rows. */
struct fake_file {
    const char *name;
    const char *type;
    int64_t size;
    char sha256[65];
};

static struct fake_file files[] = {
    {"screenshot.png", "image/png", 48 * 1024, ""},
    {"error.jpg", "image/jpeg", 31 * 1024, ""},
    {"invoice-2026.pdf", "application/pdf", 64 * 1024, ""},
    {"printer-log.txt", "text/plain", 3 * 1024, ""},
    {"config.xml", "application/xml", 6 * 1024, ""},
    {"фото.jpg", "image/jpeg", 22 * 1024, ""},
    {"výpis.csv", "text/csv", 9 * 1024, ""},
    {"trace.zip", "application/zip", 40 * 1024, ""},
};

static unsigned char file_bytes[MAX_FILE_BYTES];

static const int64_t DAY_MS = 86400000;

/* ---- numbers ---- */

struct rng {
    uint64_t state;
};

/* xorshift64*: fast, and the same seed gives the same help desk. */
static uint64_t rng_next(struct rng *r)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * 2685821657736338717ull;
}

/* Uniform in [0, n). */
static size_t rng_below(struct rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

/* Percent chance. */
static bool rng_chance(struct rng *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

/* Skewed towards 0: rank k is picked roughly as often as 1/k^(2/3) says,
 * close enough to the word and tag frequencies of real tickets. */
static size_t rng_skewed(struct rng *r, size_t n)
{
    double u = (double)(rng_next(r) >> 11) / (double)(1ull << 53);
    return (size_t)((double)n * u * u * u) % n;
}

/* ---- words ---- */

/* Most frequent first. "printer" is the common word of the search
 * benchmark; Russian nouns come in several cases so a search for one form
 * meets the others. */
static const char *const english[] = {
    "the",      "printer",  "not",          "working",  "please",
    "help",     "error",    "after",        "update",   "login",
    "password", "account",  "cannot",       "invoice",  "order",
    "delivery", "refund",   "email",        "screen",   "slow",
    "again",    "today",    "customer",     "support",  "payment",
    "failed",   "broken",   "laptop",       "network",  "connection",
    "timeout",  "server",   "message",      "attached", "screenshot",
    "urgent",   "office",   "monitor",      "keyboard", "battery",
    "license",  "renewal",  "subscription", "cancel",   "address",
    "shipping", "warranty", "replacement",  "firmware", "driver",
    "install",  "backup",   "restore",      "vpn",      "wifi",
    "calendar", "meeting",  "scanner",      "toner",    "paper",
    "jam",      "upgrade",
};
static const char *const russian[] = {
    "не",       "работает",   "принтер",    "принтера", "принтером", "помогите",
    "ошибка",   "после",      "обновления", "пароль",   "пароля",    "вход",
    "счёт",     "счёта",      "заказ",      "заказа",   "доставка",  "доставки",
    "возврат",  "почта",      "экран",      "медленно", "снова",     "сегодня",
    "оплата",   "оплаты",     "сломался",   "ноутбук",  "ноутбука",  "сеть",
    "сети",     "соединение", "сервер",     "сервера",  "сообщение", "срочно",
    "офис",     "монитор",    "клавиатура", "батарея",  "лицензия",  "лицензии",
    "подписка", "подписки",   "отмена",     "адрес",    "гарантия",  "замена",
    "драйвер",  "установка",  "резервная",  "копия",
};
static const char *const czech[] = {
    "nefunguje", "tiskárna",   "tiskárny",    "prosím",     "pomoc",
    "chyba",     "po",         "aktualizaci", "heslo",      "přihlášení",
    "účet",      "faktura",    "faktury",     "objednávka", "objednávky",
    "doručení",  "vrácení",    "peněz",       "obrazovka",  "pomalé",
    "znovu",     "dnes",       "platba",      "selhala",    "rozbitý",
    "notebook",  "síť",        "připojení",   "server",     "zpráva",
    "příloha",   "naléhavé",   "kancelář",    "klávesnice", "baterie",
    "licence",   "předplatné", "zrušení",     "adresa",     "záruka",
    "výměna",    "ovladač",    "instalace",   "záloha",     "obnovení",
};

struct language {
    const char *const *words;
    size_t n_words;
};

static const struct language languages[] = {
    {english, sizeof(english) / sizeof(english[0])},
    {russian, sizeof(russian) / sizeof(russian[0])},
    {czech, sizeof(czech) / sizeof(czech[0])},
};

/* Half the tickets are in English, the rest Russian or Czech. */
static const struct language *pick_language(struct rng *r)
{
    size_t k = rng_below(r, 4);
    return &languages[k < 2 ? 0 : k - 1];
}

/* n_words words of lang, now and then an error code or an order number (the
 * rare words of the search benchmark), into the arena. */
static const char *make_text(struct dk_arena *arena, struct rng *r,
                             const struct language *lang, size_t n_words)
{
    struct dk_buf out;
    dk_buf_init_arena(&out, arena, MAX_TEXT);
    for (size_t i = 0; i < n_words; i++) {
        dk_buf_appends(&out, i ? " " : "");
        if (rng_chance(r, 2)) {
            dk_buf_appendf(&out, "E%05zu", rng_below(r, 100000));
        } else {
            dk_buf_appends(&out, lang->words[rng_skewed(r, lang->n_words)]);
        }
    }
    return dk_buf_take(&out);
}

static const char *const tags[] = {
    "billing",  "hardware",  "software",   "network", "vip",      "refund",
    "bug",      "feature",   "onboarding", "printer", "account",  "shipping",
    "urgent",   "legal",     "mobile",     "api",     "security", "training",
    "warranty", "escalated", "feedback",   "partner", "invoice",  "outage",
};

/* The channels of core/tickets.c, most used first. */
static const char *const channels[] = {"email",     "web",   "portal", "chat",
                                       "messenger", "phone", "api"};

/* ---- the help desk ---- */

struct load {
    struct dk_store *store;
    struct rng rng;
    int64_t n_tickets;
    int64_t n_customers;
    int64_t now_ms;
    int64_t agents[N_AGENTS];
    int64_t agent_groups[N_AGENTS]; /* the group of each agent */
    int64_t groups[N_GROUPS];
    int64_t first_customer; /* customers have consecutive ids from here */
    int64_t n_messages;     /* written so far */
    struct dk_arena *arena; /* of the open transaction */
};

static enum dk_status add_user(struct dk_tx *tx, struct load *l,
                               const char *kind, int64_t i, int64_t *id_out,
                               struct dk_err *err)
{
    struct dk_arena *arena = l->arena;
    bool is_agent = strcmp(kind, "agent") == 0;
    struct dk_user u = {
        .kind = kind,
        .role = is_agent ? "agent" : "customer",
        .name = dk_arena_printf(arena, "%s %" PRId64,
                                is_agent ? "Agent" : "Customer", i),
        .email = dk_arena_printf(arena, "%s%" PRId64 "@bench.example", kind, i),
        .availability = "offline",
        .created_at_ms = l->now_ms - 400 * DAY_MS,
        .updated_at_ms = l->now_ms - 400 * DAY_MS,
    };
    return dk_store_user_insert(tx, &u, id_out, err);
}

/* Groups, agents (ten per group) and customers, in one transaction. */
static enum dk_status add_people(struct dk_tx *tx, struct load *l,
                                 struct dk_err *err)
{
    enum dk_status s = DK_OK;
    struct dk_arena *arena = l->arena;
    for (int64_t g = 0; s == DK_OK && g < N_GROUPS; g++) {
        struct dk_group group = {
            .name = dk_arena_printf(arena, "Bench group %" PRId64, g + 1),
            .assignment = "manual",
            .created_at_ms = l->now_ms - 400 * DAY_MS,
        };
        s = dk_store_group_insert(tx, &group, &l->groups[g], err);
    }
    for (int64_t a = 0; s == DK_OK && a < N_AGENTS; a++) {
        s = add_user(tx, l, "agent", a + 1, &l->agents[a], err);
        l->agent_groups[a] = l->groups[a % N_GROUPS];
    }
    for (int64_t c = 0; s == DK_OK && c < l->n_customers; c++) {
        int64_t id = 0;
        s = add_user(tx, l, "customer", c + 1, &id, err);
        if (c == 0) {
            l->first_customer = id;
        }
    }
    return s;
}

/* Older tickets are mostly closed; recent ones spread over the statuses. */
static const char *pick_status(struct rng *r, int64_t age_ms)
{
    static const char *const open[] = {"todo", "waiting", "in_progress"};
    unsigned closed_percent = age_ms > 14 * DAY_MS ? 92 : 30;
    if (rng_chance(r, closed_percent)) {
        return "closed";
    }
    return open[rng_below(r, 3)];
}

static const char *pick_priority(struct rng *r)
{
    size_t k = rng_below(r, 100);
    return k < 30 ? "minor" : k < 85 ? "normal" : "major";
}

/* Ticket i of n: created in number order over the last year. */
static void make_ticket(struct load *l, struct dk_arena *arena, int64_t i,
                        struct dk_ticket *t)
{
    struct rng *r = &l->rng;
    const struct language *lang = pick_language(r);
    int64_t year_ms = 365 * DAY_MS;
    memset(t, 0, sizeof(*t));
    t->created_at_ms =
        l->now_ms - year_ms + i * year_ms / l->n_tickets + rng_below(r, 1000);
    int64_t age_ms = l->now_ms - t->created_at_ms;
    t->updated_at_ms =
        t->created_at_ms + (int64_t)rng_below(r, (size_t)(age_ms / 2 + 1));
    t->subject = make_text(arena, r, lang, 3 + rng_below(r, 5));
    t->description = make_text(arena, r, lang, 10 + rng_below(r, 40));
    t->status = pick_status(r, age_ms);
    t->priority = pick_priority(r);
    t->channel = channels[rng_skewed(r, sizeof(channels) / sizeof(*channels))];
    t->requester.id =
        l->first_customer + (int64_t)rng_skewed(r, (size_t)l->n_customers);
    if (rng_chance(r, 80)) {
        size_t a = rng_skewed(r, N_AGENTS);
        t->assignee.id = l->agents[a];
        t->group.id = l->agent_groups[a];
    } else if (rng_chance(r, 70)) {
        t->group.id = l->groups[rng_below(r, N_GROUPS)];
    }
    if (rng_chance(r, 40)) {
        t->deadline_ms = t->created_at_ms + (1 + rng_below(r, 14)) * DAY_MS;
    }
    if (strcmp(t->status, "closed") == 0) {
        t->resolved_at_ms = t->updated_at_ms;
        t->closed_at_ms = t->updated_at_ms;
    }
}

static enum dk_status add_tags(struct dk_tx *tx, struct load *l, int64_t id,
                               struct dk_err *err)
{
    const char *chosen[3];
    struct dk_strs set = {chosen, 0};
    size_t n = rng_below(&l->rng, 4);
    for (size_t i = 0; i < n; i++) {
        chosen[set.n_items++] =
            tags[rng_skewed(&l->rng, sizeof(tags) / sizeof(*tags))];
    }
    /* Duplicates are dropped by the store (ON CONFLICT DO NOTHING). */
    return dk_store_ticket_set_tags(tx, id, &set, err);
}

/* Bytes of the generated files (each a prefix of one pattern, so their
 * digests differ by size) and their SHA-256. */
static void make_files(void)
{
    if (sodium_init() < 0) {
        dk_bug("libsodium cannot start");
    }
    for (size_t i = 0; i < sizeof(file_bytes); i++) {
        file_bytes[i] = (unsigned char)(i * 131u + (i >> 8));
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, file_bytes, (size_t)files[i].size);
        sodium_bin2hex(files[i].sha256, sizeof(files[i].sha256), digest,
                       sizeof(digest));
    }
}

static enum dk_status attach_file(struct dk_tx *tx, struct load *l,
                                  const struct dk_message *m,
                                  int64_t message_id, struct dk_err *err)
{
    const struct fake_file *f =
        &files[rng_skewed(&l->rng, sizeof(files) / sizeof(*files))];
    struct dk_attachment a = {
        .sha256 = f->sha256,
        .name = f->name,
        .type = f->type,
        .size = f->size,
        .uploaded_by = m->author.id,
        .created_at_ms = m->created_at_ms,
    };
    int64_t id = 0;
    enum dk_status s = dk_store_attachment_insert(tx, &a, file_bytes, &id, err);
    if (s == DK_OK) {
        s = dk_store_attachment_link(tx, id, message_id, err);
    }
    return s;
}

/* The customer's first message and, now and then, replies and notes. */
static enum dk_status add_messages(struct dk_tx *tx, struct load *l,
                                   const struct dk_ticket *t,
                                   struct dk_err *err)
{
    static const char *const kinds[] = {"inbound", "reply", "note"};
    struct rng *r = &l->rng;
    size_t n = 1 + rng_below(r, MAX_MESSAGES);
    enum dk_status s = DK_OK;
    for (size_t i = 0; s == DK_OK && i < n; i++) {
        const char *kind = kinds[i == 0 ? 0 : rng_below(r, 3)];
        struct dk_message m = {
            .ticket_id = t->id,
            .kind = kind,
            .author.id =
                strcmp(kind, "inbound") == 0 ? t->requester.id : t->assignee.id,
            .body =
                make_text(l->arena, r, pick_language(r), 8 + rng_below(r, 30)),
            .created_at_ms = t->created_at_ms + (int64_t)i * 60000,
        };
        int64_t id = 0;
        s = dk_store_message_insert(tx, &m, &id, err);
        l->n_messages++;
        if (s == DK_OK && rng_chance(r, ATTACHMENT_PERCENT)) {
            s = attach_file(tx, l, &m, id, err);
        }
    }
    return s;
}

/* The creation event (the ticket's newest, for unread) and, for most
 * assigned tickets, the assignee's read mark. */
static enum dk_status add_history(struct dk_tx *tx, struct load *l,
                                  const struct dk_ticket *t, struct dk_err *err)
{
    struct dk_event e = {
        .at_ms = t->created_at_ms,
        .type = "ticket.created",
        .ticket_id = t->id,
        .ticket_number = t->number,
        .requester_id = t->requester.id,
        .data = "{\"changes\":{}}",
    };
    int64_t event_id = 0;
    enum dk_status s = dk_store_event_insert(tx, &e, &event_id, err);
    if (s == DK_OK) {
        s = dk_store_ticket_touch(tx, t->id, event_id, t->updated_at_ms, err);
    }
    if (s == DK_OK && t->assignee.id && rng_chance(&l->rng, 60)) {
        s = dk_store_ticket_mark_read(tx, t->assignee.id, t->id, event_id, err);
    }
    return s;
}

static enum dk_status add_ticket(struct dk_tx *tx, struct load *l, int64_t i,
                                 struct dk_err *err)
{
    struct dk_ticket t;
    make_ticket(l, l->arena, i, &t);
    enum dk_status s = dk_store_ticket_next_number(tx, &t.number, err);
    if (s == DK_OK) {
        s = dk_store_ticket_insert(tx, &t, &t.id, err);
    }
    if (s == DK_OK) {
        s = add_tags(tx, l, t.id, err);
    }
    if (s == DK_OK) {
        s = add_messages(tx, l, &t, err);
    }
    if (s == DK_OK) {
        s = add_history(tx, l, &t, err);
    }
    return s;
}

/* Tickets [from, to) in one transaction; its arena dies with it. */
/* Commits when s is DK_OK (returning the commit's status), else rolls back
 * (returning s). */
static enum dk_status end_tx(struct dk_tx *tx, enum dk_status s,
                             struct dk_err *err)
{
    if (s != DK_OK) {
        dk_store_rollback(tx);
        return s;
    }
    return dk_store_commit(tx, err);
}

static enum dk_status add_batch(struct load *l, int64_t from, int64_t to,
                                struct dk_err *err)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    l->arena = &arena;
    struct dk_tx *tx = NULL;
    enum dk_status s = dk_store_begin(l->store, DK_TX_WRITE, &arena, &tx, err);
    for (int64_t i = from; s == DK_OK && i < to; i++) {
        s = add_ticket(tx, l, i, err);
    }
    s = end_tx(tx, s, err);
    dk_arena_release(&arena);
    return s;
}

static enum dk_status run_people(struct load *l, struct dk_err *err)
{
    struct dk_arena arena;
    dk_arena_init(&arena);
    l->arena = &arena;
    struct dk_tx *tx = NULL;
    enum dk_status s = dk_store_begin(l->store, DK_TX_WRITE, &arena, &tx, err);
    if (s == DK_OK) {
        s = add_people(tx, l, err);
    }
    s = end_tx(tx, s, err);
    dk_arena_release(&arena);
    return s;
}

static enum dk_status run(struct load *l, struct dk_err *err)
{
    int64_t started_ms = dk_clock_now_ms();
    enum dk_status s = run_people(l, err);
    for (int64_t i = 0; s == DK_OK && i < l->n_tickets; i += BATCH) {
        int64_t to = i + BATCH < l->n_tickets ? i + BATCH : l->n_tickets;
        s = add_batch(l, i, to, err);
        if (s == DK_OK && (to % 100000 == 0 || to == l->n_tickets)) {
            int64_t ms = dk_clock_now_ms() - started_ms;
            fprintf(stderr,
                    "%" PRId64 " tickets, %" PRId64 " messages, %.1f s"
                    " (%.0f tickets/s)\n",
                    to, l->n_messages, ms / 1000.0,
                    ms ? (double)to * 1000.0 / (double)ms : 0.0);
        }
    }
    return s;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: docket-bench-load (--db PATH | --pg CONNINFO) "
                 "[--tickets N] [--seed N]\n"
                 "  N tickets (default 1000000) and N/20 customers, into a "
                 "fresh database\n");
}

static bool parse_args(int argc, char **argv, struct dk_store_config *config,
                       struct load *l)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        int64_t v = 0;
        if (strcmp(argv[i], "--db") == 0) {
            config->sqlite_path = argv[i + 1];
        } else if (strcmp(argv[i], "--pg") == 0) {
            config->pg_conninfo = argv[i + 1];
        } else if (strcmp(argv[i], "--tickets") == 0 &&
                   dk_parse_id(dk_str_cstr(argv[i + 1]), &v)) {
            l->n_tickets = v;
        } else if (strcmp(argv[i], "--seed") == 0 &&
                   dk_parse_id(dk_str_cstr(argv[i + 1]), &v)) {
            l->rng.state = (uint64_t)v;
        } else {
            return false;
        }
    }
    return argc % 2 == 1 && (config->sqlite_path || config->pg_conninfo);
}

int main(int argc, char **argv)
{
    struct dk_store_config config = {.n_connections = 2};
    struct load l = {.n_tickets = 1000000, .rng = {0x9E3779B97F4A7C15ull}};
    if (!parse_args(argc, argv, &config, &l)) {
        usage(stderr);
        return 64;
    }
    l.n_customers = l.n_tickets / 20 > 100 ? l.n_tickets / 20 : 100;
    make_files();
    l.now_ms = dk_clock_now_ms();
    struct dk_err err;
    dk_err_init(&err);
    enum dk_status s = dk_store_open(&config, &l.store, &err);
    if (s == DK_OK) {
        s = run(&l, &err);
    }
    dk_store_free(l.store);
    if (s != DK_OK) {
        fprintf(stderr, "docket-bench-load: %s\n", err.message);
        return 1;
    }
    return 0;
}
