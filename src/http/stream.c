/* stream.c — GET /api/v1/stream: Server-Sent Events without a thread per
 * client. Each client is a suspended libmicrohttpd connection with a queue
 * of bytes. One hub thread reads new events from the events table (the
 * source of truth), filters them per client with core's visibility rules,
 * appends them to the queues and resumes those connections. The hub wakes on
 * the commit hook, and polls once a second for events written by other
 * processes. A client that resumes with Last-Event-ID misses nothing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/internal.h"

enum {
    POLL_MS = 1000,
    KEEPALIVE_MS = 15000,
    BATCH = 500,
    /* libmicrohttpd keeps a buffer this size per stream (its memory
     * decides how many streams fit); an event is a few hundred bytes, and a
     * longer one goes out over several blocks (10,000 streams: 2 KiB 185
     * MB, 1 KiB 175 MB). */
    STREAM_BLOCK_BYTES = 1024,
    MAX_QUEUE_BYTES = 1024 * 1024, /* a slower client is cut off; it
                                    * reconnects with Last-Event-ID */
};

struct stream_client {
    struct stream_client *prev;
    struct stream_client *next;
    struct stream_hub *hub;
    struct MHD_Connection *conn;
    int64_t id; /* the user */
    char kind[16];
    char role[32];
    int64_t last_event_id; /* newest event queued or skipped */
    struct dk_buf queue;   /* bytes not yet handed to libmicrohttpd */
    size_t queue_sent;     /* bytes of queue already handed over */
    bool is_suspended;
    bool is_ending; /* send what is queued, then end */
    int refs;       /* the request and the response */
};

struct stream_hub {
    struct dk_server *server;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool has_thread;
    bool is_closing;
    int64_t newest_known; /* from the commit hook or polling */
    int64_t newest_sent;  /* events up to here are fanned out */
    struct stream_client *clients;
    bool has_new_client;
};

/* ---- clients ---- */

static void client_release(struct stream_client *c)
{
    struct stream_hub *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    bool is_last = --c->refs == 0;
    pthread_mutex_unlock(&hub->lock);
    if (is_last) {
        dk_buf_release(&c->queue);
        free(c);
    }
}

/* Caller holds the lock. */
static void client_unlink(struct stream_hub *hub, struct stream_client *c)
{
    if (c->prev) {
        c->prev->next = c->next;
    } else if (hub->clients == c) {
        hub->clients = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    c->prev = NULL;
    c->next = NULL;
}

void stream_client_closed(struct stream_client *c)
{
    struct stream_hub *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    client_unlink(hub, c);
    c->conn = NULL;
    pthread_mutex_unlock(&hub->lock);
    client_release(c);
}

/* Caller holds the lock: hands the connection back to libmicrohttpd when
 * it has something to send. */
static void client_wake(struct stream_client *c)
{
    if (c->is_suspended && c->conn &&
        (c->queue.len > c->queue_sent || c->is_ending)) {
        c->is_suspended = false;
        MHD_resume_connection(c->conn);
    }
}

/* Caller holds the lock. */
static void client_queue(struct stream_client *c, const char *text, size_t len)
{
    if (c->is_ending) {
        return;
    }
    if (c->queue_sent == c->queue.len) {
        dk_buf_reset(&c->queue);
        c->queue_sent = 0;
    }
    if (c->queue.len - c->queue_sent + len > MAX_QUEUE_BYTES) {
        c->is_ending = true;
        return;
    }
    dk_buf_append(&c->queue, text, len);
}

static ssize_t read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct stream_client *c = cls;
    struct stream_hub *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    size_t pending = c->queue.len - c->queue_sent;
    ssize_t n = 0;
    if (pending) {
        size_t take = pending < max ? pending : max;
        memcpy(buf, c->queue.ptr + c->queue_sent, take);
        c->queue_sent += take;
        n = (ssize_t)take;
    } else if (c->is_ending || hub->is_closing || !c->conn) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        /* Nothing to send: park the connection until the hub has more. */
        c->is_suspended = true;
        MHD_suspend_connection(c->conn);
    }
    pthread_mutex_unlock(&hub->lock);
    return n;
}

static void free_stream(void *cls)
{
    client_release(cls);
}

/* ---- fan-out ---- */

static void format_event(struct dk_buf *out, const struct dk_event *e)
{
    json_t *o = json_event(e);
    dk_buf_reset(out);
    dk_buf_appendf(out, "id: %lld\nevent: %s\ndata: ", (long long)e->id,
                   e->type);
    json_write(out, o);
    dk_buf_appends(out, "\n\n");
    json_decref(o);
}

/* Caller holds the lock. Queues e for every client that may see it. */
static void fan_out_one(struct stream_hub *hub, const struct dk_event *e,
                        struct dk_buf *text)
{
    bool is_formatted = false;
    for (struct stream_client *c = hub->clients; c; c = c->next) {
        if (e->id <= c->last_event_id) {
            continue;
        }
        c->last_event_id = e->id;
        struct dk_actor actor = {.id = c->id, .kind = c->kind, .role = c->role};
        if (!dk_can_see_event(&actor, e)) {
            continue;
        }
        if (!is_formatted) {
            format_event(text, e);
            is_formatted = true;
        }
        if (text->has_failed) {
            /* Never a cut frame; the client can read the ticket anew. */
            dk_log_error("stream: event %lld is too large to send",
                         (long long)e->id);
            return;
        }
        client_queue(c, text->ptr, text->len);
    }
}

/* Caller holds the lock; it is released while the database is read. */
static void fan_out(struct stream_hub *hub)
{
    int64_t from = hub->newest_sent;
    for (struct stream_client *c = hub->clients; c; c = c->next) {
        from = c->last_event_id < from ? c->last_event_id : from;
    }
    struct dk_buf text;
    dk_buf_init(&text, 16 * 1024 * 1024);
    for (;;) {
        pthread_mutex_unlock(&hub->lock);
        struct dk_arena arena;
        dk_arena_init(&arena);
        struct dk_actor system = {0};
        struct dk_ctx ctx = {hub->server->core, &system, &arena};
        struct dk_event *items = NULL;
        size_t n = 0;
        int64_t scanned_to = from;
        struct dk_err err;
        enum dk_status s = dk_core_events_after(&ctx, from, BATCH, &items, &n,
                                                &scanned_to, &err);
        pthread_mutex_lock(&hub->lock);
        for (size_t i = 0; s == DK_OK && i < n; i++) {
            fan_out_one(hub, &items[i], &text);
        }
        dk_arena_release(&arena);
        if (s != DK_OK) {
            dk_log_warn("stream: cannot read events: %s", err.message);
            break;
        }
        from = scanned_to;
        if (from > hub->newest_sent) {
            hub->newest_sent = from;
        }
        if (n < BATCH) {
            break;
        }
    }
    dk_buf_release(&text);
    for (struct stream_client *c = hub->clients; c; c = c->next) {
        if (c->last_event_id < hub->newest_sent) {
            c->last_event_id = hub->newest_sent;
        }
        client_wake(c);
    }
}

/* Caller holds the lock. */
static void keep_alive(struct stream_hub *hub)
{
    static const char ping[] = ": keepalive\n\n";
    for (struct stream_client *c = hub->clients; c; c = c->next) {
        client_queue(c, ping, sizeof(ping) - 1);
        client_wake(c);
    }
}

static struct timespec deadline_after(int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

/* Finds events committed by other processes (mail-in, other nodes). */
static void poll_newest(struct stream_hub *hub)
{
    int64_t newest = 0;
    pthread_mutex_unlock(&hub->lock);
    enum dk_status s = dk_core_last_event_id(hub->server->core, &newest);
    pthread_mutex_lock(&hub->lock);
    if (s == DK_OK && newest > hub->newest_known) {
        hub->newest_known = newest;
    }
}

static void *hub_main(void *arg)
{
    struct stream_hub *hub = arg;
    int64_t next_keepalive = dk_clock_monotonic_ms() + KEEPALIVE_MS;
    pthread_mutex_lock(&hub->lock);
    while (!hub->is_closing) {
        if (hub->newest_known <= hub->newest_sent && !hub->has_new_client) {
            struct timespec until = deadline_after(POLL_MS);
            int rc = pthread_cond_timedwait(&hub->wake, &hub->lock, &until);
            if (rc != 0 && !hub->is_closing && hub->clients) {
                poll_newest(hub);
            }
        }
        if (hub->is_closing) {
            break;
        }
        if (hub->clients &&
            (hub->newest_known > hub->newest_sent || hub->has_new_client)) {
            hub->has_new_client = false;
            fan_out(hub);
        } else if (!hub->clients) {
            hub->newest_sent = hub->newest_known;
            hub->has_new_client = false;
        }
        if (dk_clock_monotonic_ms() >= next_keepalive) {
            keep_alive(hub);
            next_keepalive = dk_clock_monotonic_ms() + KEEPALIVE_MS;
        }
    }
    pthread_mutex_unlock(&hub->lock);
    return NULL;
}

struct stream_hub *stream_hub_new(struct dk_server *server)
{
    struct stream_hub *hub = dk_xcalloc(1, sizeof(*hub));
    hub->server = server;
    pthread_mutex_init(&hub->lock, NULL);
    pthread_cond_init(&hub->wake, NULL);
    int64_t newest = 0;
    if (dk_core_last_event_id(server->core, &newest) == DK_OK) {
        hub->newest_known = newest;
        hub->newest_sent = newest;
    }
    hub->has_thread = pthread_create(&hub->thread, NULL, hub_main, hub) == 0;
    if (!hub->has_thread) {
        dk_bug("cannot start the stream thread");
    }
    return hub;
}

void stream_hub_notify(void *arg, int64_t last_event_id)
{
    struct stream_hub *hub = arg;
    pthread_mutex_lock(&hub->lock);
    if (last_event_id > hub->newest_known) {
        hub->newest_known = last_event_id;
        pthread_cond_signal(&hub->wake);
    }
    pthread_mutex_unlock(&hub->lock);
}

void stream_hub_close(struct stream_hub *hub)
{
    pthread_mutex_lock(&hub->lock);
    hub->is_closing = true;
    pthread_cond_signal(&hub->wake);
    pthread_mutex_unlock(&hub->lock);
    if (hub->has_thread) {
        pthread_join(hub->thread, NULL);
        hub->has_thread = false;
    }
    pthread_mutex_lock(&hub->lock);
    for (struct stream_client *c = hub->clients; c; c = c->next) {
        c->is_ending = true;
        client_wake(c);
    }
    pthread_mutex_unlock(&hub->lock);
}

void stream_hub_free(struct stream_hub *hub)
{
    if (!hub) {
        return;
    }
    if (hub->has_thread) {
        stream_hub_close(hub);
    }
    pthread_mutex_destroy(&hub->lock);
    pthread_cond_destroy(&hub->wake);
    free(hub);
}

/* ---- the handler ---- */

static bool resume_point(struct req *req, int64_t *out)
{
    const char *text = req_header(req, "Last-Event-ID");
    if (!text) {
        text = req_query(req, "last_event_id");
    }
    if (!text) {
        return false;
    }
    return dk_parse_i64(dk_str_cstr(text), out) && *out >= 0;
}

enum MHD_Result h_stream(struct req *req)
{
    struct stream_hub *hub = req->server->hub;
    int64_t after = 0;
    bool has_resume = resume_point(req, &after);
    if (!has_resume &&
        (req_header(req, "Last-Event-ID") || req_query(req, "last_event_id"))) {
        return res_fail(req, DK_INVALID, "last_event_id",
                        "'Last-Event-ID' must be an event id");
    }
    struct stream_client *c = dk_xcalloc(1, sizeof(*c));
    c->hub = hub;
    c->conn = req->conn;
    c->id = req->actor.id;
    snprintf(c->kind, sizeof(c->kind), "%s", req->actor.kind);
    snprintf(c->role, sizeof(c->role), "%s", req->actor.role);
    c->refs = 2;
    dk_buf_init(&c->queue, MAX_QUEUE_BYTES + 64 * 1024);
    dk_buf_appends(&c->queue, "retry: 3000\n: connected\n\n");
    pthread_mutex_lock(&hub->lock);
    /* From now on: newest_known, not newest_sent, which lags while the hub
     * thread has yet to fan out a commit this client may already know of
     * (its own 201 came after the commit hook). */
    c->last_event_id = has_resume ? after : hub->newest_known;
    if (!has_resume) {
        /* A record with only an id sets the client's last event id (the
         * SSE processing model) without dispatching an event: a client that
         * reconnects before any event arrived resumes from here and misses
         * nothing committed in between. */
        dk_buf_appendf(&c->queue, "id: %lld\n\n", (long long)c->last_event_id);
    }
    c->next = hub->clients;
    if (hub->clients) {
        hub->clients->prev = c;
    }
    hub->clients = c;
    hub->has_new_client = hub->has_new_client || has_resume;
    pthread_cond_signal(&hub->wake);
    pthread_mutex_unlock(&hub->lock);
    req->stream = c;
    struct MHD_Response *r = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, STREAM_BLOCK_BYTES, read_stream, c, free_stream);
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    return res_queue(req, 200, r);
}
