/* internal.h — what only src/http/ files share: the request, the router's
 * table, JSON reading and writing, responses. */
#ifndef DOCKET_HTTP_INTERNAL_H
#define DOCKET_HTTP_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <pthread.h>

#include "http/http.h"

struct stream_hub;

struct dk_server {
    struct dk_core *core;
    struct dk_http_config config;
    struct MHD_Daemon *daemon;
    struct stream_hub *hub;
    atomic_int n_in_flight;  /* requests begun and not yet completed */
    atomic_bool is_draining; /* stopping: new requests are answered 503 */
};

enum method { M_GET, M_POST, M_PATCH, M_PUT, M_DELETE, M_OTHER };

enum { MAX_PATH_PARAMS = 4 };

struct req {
    struct dk_server *server;
    struct MHD_Connection *conn;
    struct dk_arena arena;
    enum method method;
    const char *method_text;
    const char *path;
    struct dk_buf body; /* heap-backed; released with the request */
    size_t max_body_len;
    bool is_too_large;
    size_t discarded_len; /* body bytes dropped past the limit */
    bool is_responded;
    struct dk_actor actor;
    bool has_actor;
    bool is_cookie_auth;
    enum dk_status auth_status; /* why there is no actor */
    struct dk_err auth_err;
    const char *params[MAX_PATH_PARAMS]; /* {placeholders} of the route */
    size_t n_params;
    int status; /* HTTP status answered, for the log */
    int64_t started_us;
    struct stream_client *stream; /* set when this is an event stream */
};

typedef enum MHD_Result (*handler_fn)(struct req *req);

/* ---- responses (each queues exactly one answer) ---- */

/* Answers with the JSON value (stolen: decref'd here). */
enum MHD_Result res_json(struct req *req, int status, json_t *value);
/* res_json with one more response header (both strings copied). */
enum MHD_Result res_json_header(struct req *req, int status, json_t *value,
                                const char *header, const char *header_value);
/* Answers with the contract's error body for err. */
enum MHD_Result res_error(struct req *req, const struct dk_err *err);
/* Shorthand: fills an error and answers it. */
enum MHD_Result res_fail(struct req *req, enum dk_status status,
                         const char *field, const char *fmt, ...)
    DK_PRINTF(4, 5);
enum MHD_Result res_empty(struct req *req, int status);
/* Queues a prepared response with the common headers. */
enum MHD_Result res_queue(struct req *req, int status,
                          struct MHD_Response *response);

/* ---- requests ---- */

/* A query parameter (decoded), NULL when absent. Only parameters in the
 * route's `query` list reach a handler: the others are refused before it. */
const char *req_query(struct req *req, const char *name);
/* The `cursor` and `limit` query parameters of a list (borrowed). */
struct dk_page_params req_page(struct req *req);
const char *req_header(struct req *req, const char *name);
/* A path placeholder as a positive id; DK_NOT_FOUND when not one. */
DK_MUST_USE enum dk_status req_param_id(struct req *req, size_t index,
                                        int64_t *out, struct dk_err *err);
/* The body as a JSON object (content type checked, strict parse, depth
 * limit); the value lives as long as the request. */
DK_MUST_USE enum dk_status req_json_body(struct req *req, json_t **out,
                                         struct dk_err *err);
/* A context for core commands acting as the caller. */
struct dk_ctx req_ctx(struct req *req);

/* ---- reading JSON fields ---- */

/* DK_INVALID naming the first key of obj that is not in allowed. */
DK_MUST_USE enum dk_status
json_check_fields(json_t *obj, const char *const *allowed, struct dk_err *err);
/* Typed getters: *has tells presence; *is_null a JSON null (only where
 * allowed: otherwise null is a type error). DK_INVALID on a wrong type. */
DK_MUST_USE enum dk_status json_get_string(json_t *obj, const char *key,
                                           bool is_nullable, bool *has,
                                           const char **out,
                                           struct dk_err *err);
DK_MUST_USE enum dk_status json_get_id(json_t *obj, const char *key,
                                       bool is_nullable, bool *has,
                                       int64_t *out, struct dk_err *err);
DK_MUST_USE enum dk_status json_get_int(json_t *obj, const char *key,
                                        bool is_nullable, bool *has,
                                        bool *is_null, int64_t *out,
                                        struct dk_err *err);
DK_MUST_USE enum dk_status json_get_bool(json_t *obj, const char *key,
                                         bool *has, bool *out,
                                         struct dk_err *err);
DK_MUST_USE enum dk_status json_get_time(json_t *obj, const char *key,
                                         bool *has, int64_t *out_ms,
                                         struct dk_err *err);
DK_MUST_USE enum dk_status json_get_strings(struct dk_arena *arena, json_t *obj,
                                            const char *key, bool *has,
                                            struct dk_strs *out,
                                            struct dk_err *err);
DK_MUST_USE enum dk_status json_get_ids(struct dk_arena *arena, json_t *obj,
                                        const char *key, bool *has,
                                        struct dk_ids *out, struct dk_err *err);

/* ---- writing JSON (each returns a new reference) ---- */

/* Appends the compact JSON text of v (keys in insertion order). */
void json_write(struct dk_buf *out, const json_t *v);

json_t *json_time(int64_t ms);            /* null for 0 */
json_t *json_ref(const struct dk_ref *r); /* null for id 0 */
json_t *json_user(const struct dk_user *u);
json_t *json_ticket(const struct dk_ticket *t);
json_t *json_message(const struct dk_message *m);
json_t *json_event(const struct dk_event *e);
json_t *json_enum_value(const struct dk_enum_value *v, bool has_category);
json_t *json_attachment(const struct dk_attachment *a);
json_t *json_token(const struct dk_token *t);
/* {"error": {"code", "message", "field"}} for err; field null when no one
 * field is at fault. */
json_t *json_error(const struct dk_err *err);
/* {"items": …, "total": …, "next_cursor": …}; items stolen. */
json_t *json_list(json_t *items, int64_t total, const char *next_cursor);

/* ---- shape checks (test builds) ---- */

/* Logs "shape:" errors when value does not match the documented shape of
 * the path's resource; returns false then. */
bool shape_check(const char *method, const char *path, int status,
                 json_t *value);

/* ---- handlers ---- */

enum MHD_Result h_health(struct req *req);
enum MHD_Result h_login(struct req *req);
enum MHD_Result h_logout(struct req *req);
enum MHD_Result h_me_get(struct req *req);
enum MHD_Result h_me_patch(struct req *req);
enum MHD_Result h_tokens_create(struct req *req);
enum MHD_Result h_tokens_list(struct req *req);
enum MHD_Result h_tokens_delete(struct req *req);
enum MHD_Result h_users_list(struct req *req);
enum MHD_Result h_users_create(struct req *req);
enum MHD_Result h_users_get(struct req *req);
enum MHD_Result h_users_patch(struct req *req);
enum MHD_Result h_users_delete(struct req *req);
enum MHD_Result h_statuses_list(struct req *req);
enum MHD_Result h_statuses_create(struct req *req);
enum MHD_Result h_statuses_patch(struct req *req);
enum MHD_Result h_statuses_delete(struct req *req);
enum MHD_Result h_priorities_list(struct req *req);
enum MHD_Result h_priorities_create(struct req *req);
enum MHD_Result h_priorities_patch(struct req *req);
enum MHD_Result h_priorities_delete(struct req *req);
enum MHD_Result h_tickets_list(struct req *req);
enum MHD_Result h_tickets_create(struct req *req);
enum MHD_Result h_tickets_get(struct req *req);
enum MHD_Result h_tickets_patch(struct req *req);
enum MHD_Result h_tickets_delete(struct req *req);
enum MHD_Result h_messages_list(struct req *req);
enum MHD_Result h_messages_create(struct req *req);
enum MHD_Result h_events_list(struct req *req);
enum MHD_Result h_attachments_upload(struct req *req);
enum MHD_Result h_attachments_get(struct req *req);
enum MHD_Result h_stream(struct req *req);
enum MHD_Result h_static(struct req *req);
enum MHD_Result h_groups_list(struct req *req);
enum MHD_Result h_groups_get(struct req *req);
enum MHD_Result h_groups_create(struct req *req);
enum MHD_Result h_groups_patch(struct req *req);
enum MHD_Result h_groups_delete(struct req *req);

/* ---- routing ---- */

struct route {
    enum method method;
    const char *pattern; /* "/api/v1/tickets/{}/messages" */
    handler_fn handler;
    bool is_public;      /* no sign-in needed */
    size_t max_body_len; /* 0: the JSON default */
    /* The query parameters the route takes, NULL-terminated; NULL: none.
     * Any other → 422 naming it, on every method (checked in dispatch). */
    const char *const *query;
};

/* Finds the route of req's method and path, filling req->params. Returns
 * NULL and sets *is_path_known when only the method is wrong. */
const struct route *router_match(struct req *req, bool *is_path_known);

/* ---- the event stream ---- */

struct stream_hub *stream_hub_new(struct dk_server *server);
/* Resumes and ends every stream; call before stopping the daemon. */
void stream_hub_close(struct stream_hub *hub);
void stream_hub_free(struct stream_hub *hub);
/* The commit hook: wakes the hub to fan out events up to last_event_id. */
void stream_hub_notify(void *hub, int64_t last_event_id);
/* Called when a stream's connection ends. */
void stream_client_closed(struct stream_client *client);

#endif
