/* server.c — the libmicrohttpd daemon and the life of one request:
 * headers → authenticate → body (bounded) → route → one answer → log line.
 * Read http.h, then internal.h. */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "http/internal.h"

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum method method_of(const char *m)
{
    static const struct {
        const char *name;
        enum method method;
    } table[] = {{"GET", M_GET},     {"HEAD", M_GET}, {"POST", M_POST},
                 {"PATCH", M_PATCH}, {"PUT", M_PUT},  {"DELETE", M_DELETE}};
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(m, table[i].name) == 0) {
            return table[i].method;
        }
    }
    return M_OTHER;
}

/* ---- capacity ---- */

/* Per-connection memory of libmicrohttpd: it holds the request line, the
 * headers and one entry per query parameter while reading, and the
 * response headers while writing (bodies go through our own buffers). Idle
 * event streams keep it, so it decides how many fit in memory: measured
 * with bench/sse.py, 10,000 streams take ~410 MB RSS at 32 KiB (with the old
 * 16 KiB stream block), ~213 MB at 16 KiB, ~172 MB at 8 KiB. 8 KiB cannot
 * hold a request with ~200 query parameters (the connection is closed
 * without an answer), 16 KiB holds ~300. */
enum { CONNECTION_MEMORY_BYTES = 16 * 1024 };
/* Descriptors kept for the database, the listening socket, logs and the
 * PostgreSQL pool, out of the process's open-file limit. */
enum { RESERVED_DESCRIPTORS = 128 };
/* How long a stop waits for requests in flight to finish. */
enum { DRAIN_TIMEOUT_MS = 10000 };

/* Raises the soft open-file limit to the hard one (every event stream is a
 * descriptor; the soft default is often 1024) and returns how many
 * connections fit under it. */
static unsigned raise_open_file_limit(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return 1024 - RESERVED_DESCRIPTORS;
    }
    if (lim.rlim_cur < lim.rlim_max) {
        struct rlimit raised = {lim.rlim_max, lim.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            lim = raised;
        } else {
            dk_log_warn("cannot raise the open-file limit: %s",
                        strerror(errno));
        }
    }
    rlim_t usable = lim.rlim_cur > 2 * RESERVED_DESCRIPTORS
                        ? lim.rlim_cur - RESERVED_DESCRIPTORS
                        : lim.rlim_cur / 2;
    return usable > 1000000 ? 1000000u : (unsigned)usable;
}

/* ---- listen address ---- */

enum dk_status dk_http_parse_listen(const char *text, void *sockaddr_out,
                                    unsigned *sockaddr_len, struct dk_err *err)
{
    const char *colon = text ? strrchr(text, ':') : NULL;
    int64_t port = 0;
    if (!colon || !dk_parse_i64(dk_str_cstr(colon + 1), &port) || port < 1 ||
        port > 65535) {
        return dk_fail(err, DK_INVALID, "listen", "'%s' is not host:port",
                       text ? text : "");
    }
    char host[256];
    size_t host_len = (size_t)(colon - text);
    if (host_len >= sizeof(host)) {
        return dk_fail(err, DK_INVALID, "listen", "host name too long");
    }
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
        struct sockaddr_in6 *a6 = sockaddr_out;
        memset(a6, 0, sizeof(*a6));
        host[host_len - 1] = '\0';
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1) {
            return dk_fail(err, DK_INVALID, "listen",
                           "'%s' is not an IPv6 address", host + 1);
        }
        *sockaddr_len = sizeof(*a6);
        return DK_OK;
    }
    struct sockaddr_in *a4 = sockaddr_out;
    memset(a4, 0, sizeof(*a4));
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    const char *ip = host_len == 0 || strcmp(host, "*") == 0 ? "0.0.0.0"
                     : strcmp(host, "localhost") == 0        ? "127.0.0.1"
                                                             : host;
    if (inet_pton(AF_INET, ip, &a4->sin_addr) != 1) {
        return dk_fail(err, DK_INVALID, "listen", "'%s' is not an IPv4 address",
                       host);
    }
    *sockaddr_len = sizeof(*a4);
    return DK_OK;
}

/* ---- responses ---- */

enum MHD_Result res_queue(struct req *req, int status,
                          struct MHD_Response *response)
{
    if (req->is_responded) {
        MHD_destroy_response(response);
        dk_bug("second answer to one request");
    }
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    if (status == 401) {
        /* RFC 7235 §4.1: a 401 names the scheme that would work. */
        MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"docket\"");
    }
    if (!MHD_get_response_header(response, "Cache-Control")) {
        MHD_add_response_header(response, "Cache-Control", "no-store");
    }
    req->is_responded = true;
    req->status = status;
    enum MHD_Result r =
        MHD_queue_response(req->conn, (unsigned)status, response);
    MHD_destroy_response(response);
    return r;
}

enum MHD_Result res_json_header(struct req *req, int status, json_t *value,
                                const char *header, const char *header_value)
{
    if (req->server->config.is_shape_checked) {
        shape_check(req->method_text, req->path, status, value);
    }
    /* No limit of our own: what the answer holds was bounded on the way in
     * (DK_MAX_LIST_LIMIT items of bounded fields). */
    struct dk_buf text;
    dk_buf_init(&text, SIZE_MAX / 4);
    json_write(&text, value);
    json_decref(value);
    size_t len = text.len;
    struct MHD_Response *response = MHD_create_response_from_buffer(
        len, dk_buf_take(&text), MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(response, "Content-Type",
                            "application/json; charset=utf-8");
    if (header) {
        MHD_add_response_header(response, header, header_value);
    }
    return res_queue(req, status, response);
}

enum MHD_Result res_json(struct req *req, int status, json_t *value)
{
    return res_json_header(req, status, value, NULL, NULL);
}

enum MHD_Result res_error(struct req *req, const struct dk_err *err)
{
    enum dk_status s = err->status == DK_OK ? DK_INTERNAL : err->status;
    if (s == DK_INTERNAL) {
        dk_log_error("%s %s: internal error: %s", req->method_text, req->path,
                     err->message);
    }
    return res_json(req, dk_status_http(s), json_error(err));
}

enum MHD_Result res_fail(struct req *req, enum dk_status status,
                         const char *field, const char *fmt, ...)
{
    struct dk_err err;
    dk_err_init(&err);
    err.status = status;
    snprintf(err.field, sizeof(err.field), "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof(err.message), fmt, ap);
    va_end(ap);
    return res_error(req, &err);
}

enum MHD_Result res_empty(struct req *req, int status)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    return res_queue(req, status, response);
}

/* ---- request helpers ---- */

const char *req_query(struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct dk_page_params req_page(struct req *req)
{
    struct dk_page_params p = {req_query(req, "cursor"),
                               req_query(req, "limit")};
    return p;
}

const char *req_header(struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

struct query_check {
    const char *const *allowed;
    const char *unknown;
    const char *not_utf8; /* a parameter whose value is not UTF-8 */
    const char *repeated; /* one given twice: which value would be meant? */
    uint64_t seen;        /* bit i: allowed[i] was given */
    unsigned n_seen;
};

static enum MHD_Result check_one_arg(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value)
{
    (void)kind;
    struct query_check *c = cls;
    c->n_seen++;
    for (size_t i = 0; c->allowed[i]; i++) {
        if (strcmp(c->allowed[i], key) != 0) {
            continue;
        }
        /* Every value reaches core and the database as text. */
        if (value && !dk_utf8_is_valid(value, strlen(value))) {
            c->not_utf8 = key;
            return MHD_NO;
        }
        /* Only the first would be read (tag=a&tag=b filtered by a alone). */
        uint64_t bit = i < 64 ? (uint64_t)1 << i : 0;
        if (c->seen & bit) {
            c->repeated = key;
            return MHD_NO;
        }
        c->seen |= bit;
        return MHD_YES;
    }
    c->unknown = key;
    return MHD_NO;
}

/* DK_INVALID naming the first query parameter not in allowed (NULL: none
 * allowed), or one whose value is not UTF-8. */
static enum dk_status check_query(struct req *req, const char *const *allowed,
                                  struct dk_err *err)
{
    static const char *const none[] = {NULL};
    struct query_check c = {allowed ? allowed : none, NULL, NULL, NULL, 0, 0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_one_arg,
                              &c);
    if (c.not_utf8) {
        return dk_fail(err, DK_INVALID, c.not_utf8, "'%s' is not valid UTF-8",
                       c.not_utf8);
    }
    if (c.unknown) {
        return dk_fail(err, DK_INVALID, c.unknown,
                       "unknown query parameter '%.64s'", c.unknown);
    }
    if (c.repeated) {
        return dk_fail(err, DK_INVALID, c.repeated,
                       "'%s' is given more than once (a list is one "
                       "comma-separated value)",
                       c.repeated);
    }
    if (c.n_seen > DK_MAX_QUERY_PARAMS) {
        return dk_fail(err, DK_INVALID, NULL, "too many query parameters");
    }
    return DK_OK;
}

enum dk_status req_param_id(struct req *req, size_t index, int64_t *out,
                            struct dk_err *err)
{
    if (index >= req->n_params ||
        !dk_parse_id(dk_str_cstr(req->params[index]), out)) {
        return dk_fail(err, DK_NOT_FOUND, NULL, "not found");
    }
    return DK_OK;
}

struct dk_ctx req_ctx(struct req *req)
{
    struct dk_ctx ctx = {req->server->core, &req->actor, &req->arena};
    return ctx;
}

/* ---- authentication ---- */

/* The value of cookie `name` in a Cookie header, arena-copied. */
static const char *cookie_value(struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

static void authenticate(struct req *req)
{
    struct dk_core *core = req->server->core;
    const char *authz = req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    req->auth_status = DK_UNAUTHENTICATED;
    dk_fail(&req->auth_err, DK_UNAUTHENTICATED, NULL,
            "sign in or send an API token");
    if (authz) {
        /* The scheme is case-insensitive (RFC 7235 §2.1). */
        if (strncasecmp(authz, "Bearer ", 7) != 0 || strlen(authz) > 512) {
            dk_fail(&req->auth_err, DK_UNAUTHENTICATED, NULL,
                    "the Authorization header must be 'Bearer <token>'");
            return;
        }
        req->auth_status = dk_core_auth_token(core, &req->arena, authz + 7,
                                              &req->actor, &req->auth_err);
    } else {
        const char *cookie = cookie_value(req, "docket_session");
        if (!cookie || strlen(cookie) > 512) {
            return;
        }
        req->auth_status = dk_core_auth_session(core, &req->arena, cookie,
                                                &req->actor, &req->auth_err);
        req->is_cookie_auth = req->auth_status == DK_OK;
    }
    req->has_actor = req->auth_status == DK_OK;
}

/* Cookie-authenticated changes must carry the session's CSRF token. */
static bool is_csrf_ok(struct req *req)
{
    if (!req->is_cookie_auth || req->method == M_GET) {
        return true;
    }
    const char *sent = req_header(req, "X-CSRF-Token");
    return sent && dk_core_secret_equal(sent, req->actor.csrf_token);
}

/* ---- the request life cycle ---- */

static size_t body_limit(struct req *req, const struct route *route)
{
    if (!req->has_actor) {
        return DK_MAX_ANON_BODY_BYTES;
    }
    return route && route->max_body_len ? route->max_body_len
                                        : DK_MAX_BODY_BYTES;
}

enum { MAX_DISCARD_BYTES = 64 * 1024 * 1024 };

static enum MHD_Result answer_too_large(struct req *req)
{
    return res_fail(req, DK_TOO_LARGE, NULL,
                    "the body is larger than %zu bytes", req->max_body_len);
}

static enum MHD_Result dispatch(struct req *req)
{
    bool is_path_known = false;
    const struct route *route = router_match(req, &is_path_known);
    if (!route) {
        if (is_path_known) {
            return res_fail(req, DK_METHOD, NULL, "method %s not allowed here",
                            req->method_text);
        }
        if (req->method == M_GET && strncmp(req->path, "/api/", 5) != 0) {
            return h_static(req);
        }
        return res_fail(req, DK_NOT_FOUND, NULL, "no such resource");
    }
    if (req->is_too_large) {
        return res_fail(req, DK_TOO_LARGE, NULL,
                        "the body is larger than %zu bytes", req->max_body_len);
    }
    if (!route->is_public && !req->has_actor) {
        return res_error(req, &req->auth_err);
    }
    if (!route->is_public && !is_csrf_ok(req)) {
        return res_fail(req, DK_DENIED, NULL,
                        "missing or wrong X-CSRF-Token header");
    }
    struct dk_err err;
    if (check_query(req, route->query, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return route->handler(req);
}

static struct req *req_new(struct dk_server *server,
                           struct MHD_Connection *conn, const char *url,
                           const char *method)
{
    struct req *req = dk_xcalloc(1, sizeof(*req));
    req->server = server;
    req->conn = conn;
    req->started_us = now_us();
    dk_arena_init(&req->arena);
    req->method_text = dk_arena_strdup(&req->arena, method);
    req->method = method_of(method);
    req->path =
        dk_arena_strndup(&req->arena, url, strnlen(url, DK_MAX_URL_BYTES));
    dk_buf_init(&req->body, DK_MAX_ATTACHMENT_BYTES);
    dk_err_init(&req->auth_err);
    return req;
}

static void req_free(struct req *req)
{
    dk_buf_release(&req->body);
    dk_arena_release(&req->arena);
    free(req);
}

/* First call: headers only. Authenticate now so the body limit can depend
 * on who is sending; answer on a later call (shared/MEASURED.md: answering
 * on the first call costs the keep-alive). */
static void on_headers(struct req *req)
{
    authenticate(req);
    bool ignored = false;
    const struct route *route = router_match(req, &ignored);
    req->max_body_len = body_limit(req, route);
    req->n_params = 0;
    const char *length = req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    int64_t declared = 0;
    if (length && dk_parse_i64(dk_str_cstr(length), &declared) &&
        (uint64_t)declared > req->max_body_len) {
        req->is_too_large = true;
    }
}

static void on_body(struct req *req, const char *data, size_t len)
{
    if (req->is_too_large) {
        return;
    }
    if (len > req->max_body_len - req->body.len) {
        req->is_too_large = true;
        dk_buf_release(&req->body);
        return;
    }
    dk_buf_append(&req->body, data, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct dk_server *server = cls;
    struct req *req = *con_cls;
    if (!req) {
        req = req_new(server, conn, url, method);
        *con_cls = req;
        atomic_fetch_add(&server->n_in_flight, 1);
        if (atomic_load(&server->is_draining)) {
            /* Answered on the first call: the connection closes after it,
             * and a load balancer sends the retry to another node. */
            return res_fail(req, DK_BUSY, NULL, "the server is shutting down");
        }
        if (strlen(url) >= DK_MAX_URL_BYTES) {
            req->is_too_large = true;
        }
        on_headers(req);
        if (req->is_too_large) {
            /* libmicrohttpd accepts an answer during an upload only now,
             * before the body; the connection is closed after it. */
            return answer_too_large(req);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        req->discarded_len += req->is_too_large ? *upload_data_size : 0;
        on_body(req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        /* A chunked body past the limit is read and dropped (the answer can
         * only come at its end), but not forever. */
        return req->discarded_len > MAX_DISCARD_BYTES ? MHD_NO : MHD_YES;
    }
    if (req->is_responded) {
        return MHD_YES;
    }
    return dispatch(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)conn;
    struct dk_server *server = cls;
    struct req *req = *con_cls;
    if (!req) {
        return;
    }
    atomic_fetch_sub(&server->n_in_flight, 1);
    if (req->stream) {
        stream_client_closed(req->stream);
    }
    dk_log_info("%s %s %d %lldus%s", req->method_text, req->path, req->status,
                (long long)(now_us() - req->started_us),
                code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
                                                            : " (aborted)");
    req_free(req);
    *con_cls = NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decodes the path and query values in place, except %00: a NUL
 * would silently cut the text short ("/tickets/1%00" must not be ticket 1),
 * so it stays as the three characters and fails validation later. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *out = s;
    for (const char *in = s; *in;) {
        int hi = in[0] == '%' ? hex_value(in[1]) : -1;
        int lo = hi >= 0 ? hex_value(in[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *out++ = (char)(hi * 16 + lo);
            in += 3;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

enum dk_status dk_http_start(struct dk_core *core,
                             const struct dk_http_config *config,
                             struct dk_server **out, struct dk_err *err)
{
    struct sockaddr_in6 addr; /* large enough for either family */
    unsigned addr_len = 0;
    enum dk_status s =
        dk_http_parse_listen(config->listen, &addr, &addr_len, err);
    if (s != DK_OK) {
        return s;
    }
    unsigned max_connections = raise_open_file_limit();
    struct dk_server *server = dk_xcalloc(1, sizeof(*server));
    server->core = core;
    server->config = *config;
    server->hub = stream_hub_new(server);
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (((struct sockaddr *)&addr)->sa_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    server->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, server, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        config->n_threads ? config->n_threads : 2, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, server, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY_BYTES,
        MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_CONNECTION_LIMIT,
        max_connections, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!server->daemon) {
        stream_hub_free(server->hub);
        free(server);
        return dk_fail(err, DK_INTERNAL, "listen",
                       "cannot listen on '%s' (in use or not allowed)",
                       config->listen);
    }
    dk_core_add_commit_hook(core, stream_hub_notify, server->hub);
    *out = server;
    return DK_OK;
}

/* Waits, boundedly, until no request is in flight. */
static void wait_for_requests(struct dk_server *server)
{
    int64_t deadline_ms = dk_clock_monotonic_ms() + DRAIN_TIMEOUT_MS;
    while (atomic_load(&server->n_in_flight) > 0 &&
           dk_clock_monotonic_ms() < deadline_ms) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

void dk_http_stop(struct dk_server *server)
{
    if (!server) {
        return;
    }
    /* New requests get 503 while the ones in flight finish. Streams end
     * first: a suspended connection only notices the end once resumed
     * (shared/MEASURED.md). MHD_quiesce_daemon is not used: with a thread
     * pool on epoll it races the workers removing the listening socket from
     * their epoll sets and aborts the process ("Failed to remove listen FD
     * from epoll set", libmicrohttpd 0.9.75, seen in the browser suite). */
    atomic_store(&server->is_draining, true);
    stream_hub_close(server->hub);
    wait_for_requests(server);
    MHD_stop_daemon(server->daemon);
    dk_core_remove_commit_hook(server->core, stream_hub_notify, server->hub);
    stream_hub_free(server->hub);
    free(server);
}
