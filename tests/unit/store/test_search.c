/* test_search.c — the full-text index on a real SQLite file: one document
 * per ticket (subject, description, public messages, notes; migration
 * 0008), brought up to date once per transaction just before it commits
 * (0005): tickets are found as soon as their transaction has committed, by
 * words anywhere in them; documents changed or deleted before they were
 * indexed leave nothing wrong behind; customers' searches skip the notes;
 * and FTS5's own integrity check passes after each case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/internal.h"
#include "store/store.h"
#include "temp_db.h"

enum { NOW = 1000000 };

struct fixture {
    struct temp_store db;
    int64_t requester_id;
};

static struct dk_tx *begin(struct fixture *f, enum dk_tx_mode mode)
{
    return temp_db_begin(f->db.store, mode, &f->db.arena);
}

static void commit(struct dk_tx *tx)
{
    temp_db_commit(tx);
}

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (temp_store_open(&f->db) != 0) {
        return -1;
    }
    struct dk_err err;
    dk_clock_set_ms(NOW);
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    struct dk_user u = {.kind = "customer",
                        .role = "customer",
                        .name = "Zdeněk",
                        .email = "z@example.com",
                        .availability = "offline"};
    assert_int_equal(dk_store_user_insert(tx, &u, &f->requester_id, &err),
                     DK_OK);
    commit(tx);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    temp_store_close(&f->db);
    free(f);
    dk_clock_set_ms(0);
    return 0;
}

/* Inserts a ticket; returns its id, its number through number_out. */
static int64_t insert_numbered(struct fixture *f, struct dk_tx *tx,
                               const char *subject, const char *description,
                               int64_t *number_out)
{
    struct dk_ticket t = {.subject = subject,
                          .description = description,
                          .status = "todo",
                          .priority = "normal",
                          .requester = {f->requester_id, "Zdeněk"},
                          .channel = "api",
                          .created_at_ms = NOW,
                          .updated_at_ms = NOW};
    struct dk_err err;
    assert_int_equal(dk_store_ticket_next_number(tx, &t.number, &err), DK_OK);
    int64_t id = 0;
    assert_int_equal(dk_store_ticket_insert(tx, &t, &id, &err), DK_OK);
    *number_out = t.number;
    return id;
}

static int64_t insert_ticket(struct fixture *f, struct dk_tx *tx,
                             const char *subject, const char *description)
{
    int64_t number = 0;
    return insert_numbered(f, tx, subject, description, &number);
}

static void delete_ticket(struct dk_tx *tx, int64_t id)
{
    struct dk_err err;
    assert_int_equal(dk_store_ticket_delete(tx, id, &err), DK_OK);
}

/* Updates a ticket's subject and priority; NULL keeps either. */
static void update_ticket(struct dk_tx *tx, int64_t number, const char *subject,
                          const char *priority)
{
    struct dk_ticket t;
    struct dk_err err;
    assert_int_equal(dk_store_ticket_get(tx, number, 0, &t, &err), DK_OK);
    t.subject = subject ? subject : t.subject;
    t.priority = priority ? priority : t.priority;
    assert_int_equal(dk_store_ticket_update(tx, &t, &err), DK_OK);
}

static void set_subject(struct dk_tx *tx, int64_t number, const char *subject)
{
    update_ticket(tx, number, subject, NULL);
}

static void add_message_of(struct fixture *f, struct dk_tx *tx,
                           int64_t ticket_id, const char *kind,
                           const char *body)
{
    struct dk_message m = {.ticket_id = ticket_id,
                           .kind = kind,
                           .author = {f->requester_id, "Zdeněk"},
                           .body = body,
                           .created_at_ms = NOW};
    int64_t id = 0;
    struct dk_err err;
    assert_int_equal(dk_store_message_insert(tx, &m, &id, &err), DK_OK);
}

static void add_message(struct fixture *f, struct dk_tx *tx, int64_t ticket_id,
                        const char *body)
{
    add_message_of(f, tx, ticket_id, "inbound", body);
}

/* How many tickets a search for words finds, in a read transaction, as an
 * agent or (is_internal_hidden) a customer; the page and the total agree. */
static int64_t found_by(struct fixture *f, const char *words,
                        bool is_internal_hidden)
{
    struct dk_tx *tx = begin(f, DK_TX_READ);
    struct dk_ticket_query q = {
        .search = words, .limit = 50, .is_internal_hidden = is_internal_hidden};
    struct dk_ticket_page page;
    struct dk_err err;
    assert_int_equal(dk_store_ticket_list(tx, &q, &page, &err), DK_OK);
    dk_store_rollback(tx);
    assert_int_equal(page.total, (int64_t)page.n_items);
    return (int64_t)page.n_items;
}

static int64_t found(struct fixture *f, const char *words)
{
    return found_by(f, words, false);
}

/* FTS5's own check that the index holds exactly the table's rows. */
static void assert_index_matches(struct fixture *f)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db.path, &db), SQLITE_OK);
    assert_int_equal(sqlite_search_register(db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db,
                          "INSERT INTO ticket_search (ticket_search, rank) "
                          "VALUES ('integrity-check', 1);",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fail_msg("integrity-check: %s", msg ? msg : "?");
    }
    sqlite3_free(msg);
    sqlite3_close(db);
}

static void test_search__finds_rows_once_committed(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t id = insert_ticket(f, tx, "Tiskárna netiskne", "toner is empty");
    add_message(f, tx, id, "the paperjam persists");
    commit(tx);
    assert_int_equal(found(f, "tiskarna"), 1);
    assert_int_equal(found(f, "toner"), 1);
    assert_int_equal(found(f, "paperjam"), 1);
    assert_index_matches(f);
}

static void test_search__rows_changed_before_indexing(void **state)
{
    struct fixture *f = *state;
    /* Written and changed in one transaction: only the final words. */
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t number = 0;
    insert_numbered(f, tx, "firstword", "", &number);
    set_subject(tx, number, "secondword");
    int64_t gone = insert_ticket(f, tx, "vanishing", "");
    add_message(f, tx, gone, "ephemeral");
    delete_ticket(tx, gone);
    commit(tx);
    assert_int_equal(found(f, "firstword"), 0);
    assert_int_equal(found(f, "secondword"), 1);
    assert_int_equal(found(f, "vanishing"), 0);
    assert_int_equal(found(f, "ephemeral"), 0);
    assert_index_matches(f);
    /* Changed after it was indexed: the old words leave the index. */
    tx = begin(f, DK_TX_WRITE);
    set_subject(tx, number, "thirdword");
    commit(tx);
    assert_int_equal(found(f, "secondword"), 0);
    assert_int_equal(found(f, "thirdword"), 1);
    assert_index_matches(f);
    /* A change of anything but the text leaves the index as it is. */
    tx = begin(f, DK_TX_WRITE);
    struct dk_ticket t;
    struct dk_err err;
    assert_int_equal(dk_store_ticket_get(tx, number, 0, &t, &err), DK_OK);
    t.status = "waiting";
    assert_int_equal(dk_store_ticket_update(tx, &t, &err), DK_OK);
    commit(tx);
    assert_int_equal(found(f, "thirdword"), 1);
    assert_index_matches(f);
}

static void test_search__follows_ids_given_out_again(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    insert_ticket(f, tx, "keeper", "");
    int64_t newest = insert_ticket(f, tx, "doomed", "");
    commit(tx);
    tx = begin(f, DK_TX_WRITE);
    delete_ticket(tx, newest);
    commit(tx);
    /* SQLite hands the deleted newest id out again. */
    tx = begin(f, DK_TX_WRITE);
    int64_t again = insert_ticket(f, tx, "reborn", "");
    commit(tx);
    assert_int_equal(again, newest);
    assert_int_equal(found(f, "reborn"), 1);
    assert_int_equal(found(f, "doomed"), 0);
    assert_int_equal(found(f, "keeper"), 1);
    assert_index_matches(f);
}

/* Within one transaction (one group-commit batch: a delete and a create
 * of two requests), the deleted newest id is handed out again before the
 * index has been brought up to date (review find: the new row was never
 * indexed, and its first change corrupted FTS5). */
static void test_search__ids_given_out_again_in_one_transaction(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t keeper = insert_ticket(f, tx, "keeper", "");
    int64_t newest_number = 0;
    int64_t newest = insert_numbered(f, tx, "doomed", "", &newest_number);
    add_message(f, tx, keeper, "oldmessage");
    add_message(f, tx, newest, "lastmessage");
    commit(tx);
    tx = begin(f, DK_TX_WRITE);
    delete_ticket(tx, newest); /* takes the newest message with it */
    int64_t again_number = 0;
    int64_t again = insert_numbered(f, tx, "reborn", "", &again_number);
    add_message(f, tx, keeper, "nextmessage");
    commit(tx);
    assert_int_equal(again, newest);
    assert_int_equal(found(f, "reborn"), 1);
    assert_int_equal(found(f, "doomed"), 0);
    assert_int_equal(found(f, "lastmessage"), 0);
    assert_int_equal(found(f, "nextmessage"), 1);
    assert_index_matches(f);
    /* Its changes and its delete reach the index it is in. */
    tx = begin(f, DK_TX_WRITE);
    set_subject(tx, again_number, "renamed");
    commit(tx);
    assert_int_equal(found(f, "reborn"), 0);
    assert_int_equal(found(f, "renamed"), 1);
    assert_index_matches(f);
    tx = begin(f, DK_TX_WRITE);
    delete_ticket(tx, again);
    commit(tx);
    assert_int_equal(found(f, "renamed"), 0);
    assert_index_matches(f);
}

static void test_search__rolled_back_rows_leave_nothing(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    insert_ticket(f, tx, "neverhappened", "");
    dk_store_rollback(tx);
    tx = begin(f, DK_TX_WRITE);
    insert_ticket(f, tx, "happened", "");
    commit(tx);
    assert_int_equal(found(f, "neverhappened"), 0);
    assert_int_equal(found(f, "happened"), 1);
    assert_index_matches(f);
}

/* A ticket's words are one document: a query's words may be in its
 * subject, description and messages, and a message added later (to a
 * ticket already indexed) joins them. */
static void test_search__words_anywhere_in_the_ticket(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t id = insert_ticket(f, tx, "printer", "in the office");
    add_message(f, tx, id, "paper jam again");
    insert_ticket(f, tx, "printer", "elsewhere");
    commit(tx);
    assert_int_equal(found(f, "printer"), 2);
    assert_int_equal(found(f, "printer office jam"), 1);
    assert_int_equal(found(f, "office toner"), 0);
    tx = begin(f, DK_TX_WRITE);
    add_message(f, tx, id, "toner too");
    add_message(f, tx, id, "and the scanner");
    commit(tx);
    assert_int_equal(found(f, "office toner scanner"), 1);
    assert_int_equal(found(f, "paper"), 1);
    assert_index_matches(f);
    tx = begin(f, DK_TX_WRITE);
    add_message(f, tx, id, "fixed");
    delete_ticket(tx, id);
    commit(tx);
    assert_int_equal(found(f, "printer"), 1);
    assert_int_equal(found(f, "toner"), 0);
    assert_index_matches(f);
}

/* The index holds stems (0009, store/sqlite_search.c): English and Russian
 * forms of a word find each other, a Czech word with or without its accents; a
 * word ending in '*' is a prefix of a stem. */
static void test_search__forms_of_a_word_find_each_other(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t id = insert_ticket(f, tx, "Printers offline", "since Monday");
    add_message(f, tx, id, "Проблема с принтером на складе");
    insert_ticket(f, tx, "Tiskárny nefungují", "kód E4242");
    insert_ticket(f, tx, "Printing is slow", "the queue");
    commit(tx);
    assert_int_equal(found(f, "printer"), 1); /* printers */
    assert_int_equal(found(f, "printers offline"), 1);
    assert_int_equal(found(f, "printed"), 1); /* printing: print */
    assert_int_equal(found(f, "print"), 1);
    assert_int_equal(found(f, "print*"), 2); /* print, printer */
    assert_int_equal(found(f, "printed* slow"), 1);
    assert_int_equal(found(f, "принтера"), 1); /* принтером */
    assert_int_equal(found(f, "ПРИНТЕРЫ склад"), 1);
    assert_int_equal(found(f, "прин*"), 1);
    assert_int_equal(found(f, "tiskarny"), 1); /* Tiskárny */
    assert_int_equal(found(f, "nefunguji kod"), 1);
    assert_int_equal(found(f, "e4242"), 1); /* digits: as they are */
    assert_int_equal(found(f, "e424"), 0);
    assert_int_equal(found(f, "e424**"), 1);
    assert_int_equal(found(f, "slowly"), 0); /* no stem of "slow" */
    assert_int_equal(found(f, "queues slow"), 1);
    assert_int_equal(found(f, "* queue"), 1); /* a star alone: no word */
    assert_index_matches(f);
}

/* The page and total of words within the major tickets, newest first or
 * by another sort; every ticket of the page is checked. */
static int64_t found_in_major(struct fixture *f, const char *words,
                              bool is_sorted, int64_t *n_on_page)
{
    static const char *major[] = {"major"};
    struct dk_tx *tx = begin(f, DK_TX_READ);
    struct dk_ticket_query q = {
        .search = words, .priorities = {major, 1}, .limit = 50, .n_sort = 1};
    q.sort[0].field =
        is_sorted ? DK_TICKET_SORT_CREATED_AT : DK_TICKET_SORT_NUMBER;
    q.sort[0].is_descending = true;
    struct dk_ticket_page page;
    struct dk_err err;
    assert_int_equal(dk_store_ticket_list(tx, &q, &page, &err), DK_OK);
    for (size_t i = 0; i < page.n_items; i++) {
        assert_string_equal(page.items[i].priority, "major");
    }
    dk_store_rollback(tx);
    *n_on_page = (int64_t)page.n_items;
    return page.total;
}

/* A word in thousands of tickets within a view: the view's rows lead and
 * each is checked against the word matches (view_leads_words,
 * docket_search_has), a rare word's matches lead; the answers are the
 * same. */
static void test_search__common_words_within_a_view(void **state)
{
    enum { N_TICKETS = 9000 }; /* toner: 4,500, past a few thousand */
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t n_major = 0;
    int64_t n_major_toner = 0;
    for (int i = 0; i < N_TICKETS; i++) {
        int64_t number = 0;
        bool is_toner = i % 2 == 0;
        insert_numbered(f, tx, is_toner ? "printer toner" : "printer jam",
                        i == 4242 ? "E4242" : "paper", &number);
        if (i % 7 == 0) {
            update_ticket(tx, number, NULL, "major");
            n_major++;
            n_major_toner += is_toner;
        }
    }
    commit(tx);
    int64_t n_on_page = 0;
    for (int is_sorted = 0; is_sorted < 2; is_sorted++) {
        assert_int_equal(found_in_major(f, "printer", is_sorted, &n_on_page),
                         n_major);
        assert_int_equal(n_on_page, 50);
        assert_int_equal(found_in_major(f, "toner", is_sorted, &n_on_page),
                         n_major_toner);
        assert_int_equal(
            found_in_major(f, "toner printers", is_sorted, &n_on_page),
            n_major_toner);
        assert_int_equal(found_in_major(f, "jam toner", is_sorted, &n_on_page),
                         0);
        assert_int_equal(n_on_page, 0);
        assert_int_equal(found_in_major(f, "e4242", is_sorted, &n_on_page), 1);
        assert_int_equal(found_in_major(f, "e4242 jam", is_sorted, &n_on_page),
                         0);
    }
    assert_index_matches(f);
}

/* Runs sql on the database file through a connection of its own. */
static void exec_on_file(struct fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db.path, &db), SQLITE_OK);
    assert_int_equal(sqlite_search_register(db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fail_msg("%s: %s", sql, msg ? msg : "?");
    }
    sqlite3_free(msg);
    sqlite3_close(db);
}

/* An index that other stemmers built is built again when docket starts
 * (sqlite_check_index): a document taken out without the store knowing
 * stands for the index those stemmers left. */
static void test_search__index_is_rebuilt_when_the_stemmers_change(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    insert_ticket(f, tx, "Printers offline", "since Monday");
    commit(tx);
    assert_int_equal(found(f, "printer"), 1);
    exec_on_file(f, "INSERT INTO ticket_search (ticket_search, rowid, "
                    "subject, description, public, notes) "
                    "SELECT 'delete', id, subject, description, public, notes "
                    "FROM ticket_search_docs");
    assert_int_equal(found(f, "printer"), 0);
    dk_store_free(f->db.store);
    struct dk_store_config config = {.sqlite_path = f->db.path,
                                     .n_connections = 2};
    struct dk_err err;
    assert_int_equal(dk_store_open(&config, &f->db.store, &err), DK_OK);
    assert_int_equal(found(f, "printer"), 0); /* the same stemmers */
    exec_on_file(f, "UPDATE ticket_search_stemmer SET fingerprint = 'older'");
    dk_store_free(f->db.store);
    assert_int_equal(dk_store_open(&config, &f->db.store, &err), DK_OK);
    assert_int_equal(found(f, "printer"), 1);
    assert_index_matches(f);
}

/* Notes are agents' words: customers' searches do not find them, alone or
 * with public words of the same ticket. */
static void test_search__customers_do_not_search_notes(void **state)
{
    struct fixture *f = *state;
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t id = insert_ticket(f, tx, "refund", "order 77");
    add_message_of(f, tx, id, "note", "suspicious chargeback");
    add_message_of(f, tx, id, "reply", "we are checking");
    commit(tx);
    assert_int_equal(found_by(f, "chargeback", false), 1);
    assert_int_equal(found_by(f, "chargeback", true), 0);
    assert_int_equal(found_by(f, "refund chargeback", true), 0);
    assert_int_equal(found_by(f, "refund checking", true), 1);
    assert_int_equal(found_by(f, "refund checking", false), 1);
    assert_index_matches(f);
}

/* A thread is indexed until a part (public messages, notes) reaches
 * 100,000 bytes: the message that crosses is indexed whole, later ones
 * not, and they leave the index as it was (0008_ticket_documents.sql). */
static void test_search__long_threads_are_indexed_up_to_a_limit(void **state)
{
    struct fixture *f = *state;
    enum { FILLER_BYTES = 60000 };
    static char first[FILLER_BYTES + 32];
    static char second[FILLER_BYTES + 32];
    for (size_t i = 0; i + 7 <= FILLER_BYTES; i += 7) {
        memcpy(first + i, "filler ", 7);
        memcpy(second + i, "padded ", 7);
    }
    size_t end = FILLER_BYTES - FILLER_BYTES % 7;
    snprintf(first + end, sizeof(first) - end, "firstword");
    snprintf(second + end, sizeof(second) - end, "crossword");
    struct dk_tx *tx = begin(f, DK_TX_WRITE);
    int64_t id = insert_ticket(f, tx, "long", "");
    add_message(f, tx, id, first);
    commit(tx);
    tx = begin(f, DK_TX_WRITE);
    add_message(f, tx, id, second); /* 60,000 before it: indexed whole */
    add_message(f, tx, id, "pastword");
    commit(tx);
    tx = begin(f, DK_TX_WRITE);
    add_message(f, tx, id, "laterword");           /* in its own transaction */
    add_message_of(f, tx, id, "note", "noteword"); /* the notes are short */
    commit(tx);
    assert_int_equal(found(f, "firstword"), 1);
    assert_int_equal(found(f, "crossword"), 1);
    assert_int_equal(found(f, "pastword"), 0);
    assert_int_equal(found(f, "laterword"), 0);
    assert_int_equal(found(f, "noteword"), 1);
    assert_index_matches(f);
    tx = begin(f, DK_TX_WRITE);
    set_subject(tx, 1, "renamed");
    commit(tx);
    assert_int_equal(found(f, "renamed crossword noteword"), 1);
    assert_index_matches(f);
    tx = begin(f, DK_TX_WRITE);
    delete_ticket(tx, id);
    commit(tx);
    assert_int_equal(found(f, "firstword"), 0);
    assert_index_matches(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_search__finds_rows_once_committed,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__rows_changed_before_indexing, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__follows_ids_given_out_again, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__ids_given_out_again_in_one_transaction, set_up,
            tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__rolled_back_rows_leave_nothing, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__words_anywhere_in_the_ticket, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__forms_of_a_word_find_each_other, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_search__common_words_within_a_view,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__index_is_rebuilt_when_the_stemmers_change, set_up,
            tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__customers_do_not_search_notes, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_search__long_threads_are_indexed_up_to_a_limit, set_up,
            tear_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
