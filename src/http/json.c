/* json.c — JSON in and out: the strict body parser, typed field getters
 * that name the field at fault, and the writers of every API object. */
#include <string.h>

#include "http/internal.h"

/* ---- the body ---- */

/* Nesting depth of a JSON text, counted outside strings; jansson's own limit
 * (2048) is far above what any request needs. */
static size_t json_depth(const char *p, size_t len)
{
    size_t depth = 0;
    size_t max = 0;
    bool is_in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (is_in_string) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                is_in_string = false;
            }
        } else if (c == '"') {
            is_in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
            max = depth > max ? depth : max;
        } else if ((c == '}' || c == ']') && depth) {
            depth--;
        }
    }
    return max;
}

static bool is_json_type(const char *type)
{
    if (!type) {
        return false;
    }
    struct dk_str t = dk_str_cstr(type);
    struct dk_str media;
    struct dk_str rest;
    dk_str_split(t, ';', &media, &rest);
    return dk_str_ieq_cstr(dk_str_trim(media), "application/json");
}

static void decref_json(void *ptr)
{
    json_decref(ptr);
}

/* Whether v is or holds an integer beyond int64 (read as a real). */
static bool holds_huge_number(json_t *v)
{
    if (json_is_real(v)) {
        double d = json_real_value(v);
        return d >= 9223372036854775808.0 || d < -9223372036854775808.0;
    }
    size_t i;
    const char *key;
    json_t *item;
    bool is_huge = false;
    if (json_is_array(v)) {
        json_array_foreach(v, i, item)
        {
            is_huge = is_huge || holds_huge_number(item);
        }
    }
    if (json_is_object(v)) {
        json_object_foreach(v, key, item)
        {
            is_huge = is_huge || holds_huge_number(item);
        }
    }
    return is_huge;
}

/* Well-formed JSON whose number does not fit: a bad value (422), not a
 * malformed body. Parsed again with integers as reals to name the field. */
static enum dk_status number_out_of_range(const char *text, size_t len,
                                          struct dk_err *err)
{
    json_t *value = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, NULL);
    if (value && !json_is_object(value)) {
        json_decref(value);
        return dk_fail(err, DK_MALFORMED, NULL,
                       "the body must be a JSON object");
    }
    const char *key;
    json_t *item;
    enum dk_status s = dk_fail(err, DK_INVALID, NULL, "a number is too large");
    json_object_foreach(value, key, item)
    {
        if (holds_huge_number(item)) {
            s = dk_fail(err, DK_INVALID, key, "'%.64s' is out of range", key);
            break;
        }
    }
    json_decref(value);
    return s;
}

enum dk_status req_json_body(struct req *req, json_t **out, struct dk_err *err)
{
    if (!is_json_type(req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        return dk_fail(err, DK_UNSUPPORTED, NULL,
                       "the body must be application/json");
    }
    const char *text = dk_buf_cstr(&req->body);
    size_t len = req->body.len;
    if (len == 0) {
        return dk_fail(err, DK_MALFORMED, NULL, "the body is empty");
    }
    if (json_depth(text, len) > DK_MAX_JSON_DEPTH) {
        return dk_fail(err, DK_MALFORMED, NULL,
                       "the JSON nests deeper than %d levels",
                       DK_MAX_JSON_DEPTH);
    }
    json_error_t jerr;
    json_t *value = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!value && json_error_code(&jerr) == json_error_numeric_overflow) {
        return number_out_of_range(text, len, err);
    }
    if (!value) {
        return dk_fail(err, DK_MALFORMED, NULL,
                       "invalid JSON at line %d column %d: %s", jerr.line,
                       jerr.column, jerr.text);
    }
    dk_arena_defer(&req->arena, decref_json, value);
    if (!json_is_object(value)) {
        return dk_fail(err, DK_MALFORMED, NULL,
                       "the body must be a JSON object");
    }
    *out = value;
    return DK_OK;
}

/* ---- reading fields ---- */

enum dk_status json_check_fields(json_t *obj, const char *const *allowed,
                                 struct dk_err *err)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        bool is_known = false;
        for (const char *const *a = allowed; *a && !is_known; a++) {
            is_known = strcmp(*a, key) == 0;
        }
        if (!is_known) {
            return dk_fail(err, DK_INVALID, key, "unknown field '%.64s'", key);
        }
    }
    return DK_OK;
}

static enum dk_status wrong_type(const char *key, const char *expected,
                                 struct dk_err *err)
{
    return dk_fail(err, DK_INVALID, key, "'%s' must be %s", key, expected);
}

enum dk_status json_get_string(json_t *obj, const char *key, bool is_nullable,
                               bool *has, const char **out, struct dk_err *err)
{
    json_t *v = json_object_get(obj, key);
    *has = v != NULL;
    if (!v) {
        return DK_OK;
    }
    if (json_is_null(v) && is_nullable) {
        *out = NULL;
        return DK_OK;
    }
    if (!json_is_string(v)) {
        return wrong_type(key, is_nullable ? "a string or null" : "a string",
                          err);
    }
    *out = json_string_value(v);
    return DK_OK;
}

enum dk_status json_get_int(json_t *obj, const char *key, bool is_nullable,
                            bool *has, bool *is_null, int64_t *out,
                            struct dk_err *err)
{
    json_t *v = json_object_get(obj, key);
    *has = v != NULL;
    *is_null = false;
    if (!v) {
        return DK_OK;
    }
    if (json_is_null(v) && is_nullable) {
        *is_null = true;
        *out = 0;
        return DK_OK;
    }
    if (!json_is_integer(v)) {
        return wrong_type(
            key, is_nullable ? "an integer or null" : "an integer", err);
    }
    *out = json_integer_value(v);
    return DK_OK;
}

enum dk_status json_get_id(json_t *obj, const char *key, bool is_nullable,
                           bool *has, int64_t *out, struct dk_err *err)
{
    bool is_null = false;
    enum dk_status s =
        json_get_int(obj, key, is_nullable, has, &is_null, out, err);
    if (s == DK_OK && *has && !is_null && *out < 1) {
        return dk_fail(err, DK_INVALID, key, "'%s' must be a positive id", key);
    }
    return s;
}

enum dk_status json_get_bool(json_t *obj, const char *key, bool *has, bool *out,
                             struct dk_err *err)
{
    json_t *v = json_object_get(obj, key);
    *has = v != NULL;
    if (!v) {
        return DK_OK;
    }
    if (!json_is_boolean(v)) {
        return wrong_type(key, "true or false", err);
    }
    *out = json_is_true(v);
    return DK_OK;
}

enum dk_status json_get_time(json_t *obj, const char *key, bool *has,
                             int64_t *out_ms, struct dk_err *err)
{
    const char *text = NULL;
    enum dk_status s = json_get_string(obj, key, true, has, &text, err);
    if (s != DK_OK || !*has) {
        return s;
    }
    *out_ms = 0;
    if (text && (!dk_parse_time(dk_str_cstr(text), out_ms) || *out_ms == 0)) {
        return dk_fail(err, DK_INVALID, key,
                       "'%s' must be an RFC 3339 time or null", key);
    }
    return DK_OK;
}

enum dk_status json_get_strings(struct dk_arena *arena, json_t *obj,
                                const char *key, bool *has, struct dk_strs *out,
                                struct dk_err *err)
{
    json_t *v = json_object_get(obj, key);
    *has = v != NULL;
    out->items = NULL;
    out->n_items = 0;
    if (!v || json_is_null(v)) {
        return DK_OK;
    }
    if (!json_is_array(v) || json_array_size(v) > 1000) {
        return wrong_type(key, "an array of strings", err);
    }
    size_t n = json_array_size(v);
    out->items = dk_arena_calloc(arena, n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        if (!json_is_string(item)) {
            return wrong_type(key, "an array of strings", err);
        }
        out->items[out->n_items++] = json_string_value(item);
    }
    return DK_OK;
}

enum dk_status json_get_ids(struct dk_arena *arena, json_t *obj,
                            const char *key, bool *has, struct dk_ids *out,
                            struct dk_err *err)
{
    json_t *v = json_object_get(obj, key);
    *has = v != NULL;
    out->items = NULL;
    out->n_items = 0;
    if (!v || json_is_null(v)) {
        return DK_OK;
    }
    if (!json_is_array(v) || json_array_size(v) > 1000) {
        return wrong_type(key, "an array of ids", err);
    }
    size_t n = json_array_size(v);
    out->items = dk_arena_calloc(arena, n + 1, sizeof(int64_t));
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        if (!json_is_integer(item) || json_integer_value(item) < 1) {
            return wrong_type(key, "an array of ids", err);
        }
        int64_t id = json_integer_value(item);
        bool is_repeat = false;
        for (size_t j = 0; j < out->n_items; j++) {
            is_repeat = is_repeat || out->items[j] == id;
        }
        if (!is_repeat) {
            out->items[out->n_items++] = id;
        }
    }
    return DK_OK;
}

/* ---- the answer's text ---- */

/* Compact JSON text of v, keys in insertion order: what
 * json_dumps(v, JSON_COMPACT) writes, at a third of its instructions (it
 * was a quarter of a GET's). Numbers are integers (no API field is real);
 * a real is written with 17 significant digits, like jansson. */
void json_write(struct dk_buf *out, const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;
    bool is_first = true;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        dk_buf_appendc(out, '{');
        json_object_foreach((json_t *)v, key, item)
        {
            if (!is_first) {
                dk_buf_appendc(out, ',');
            }
            is_first = false;
            dk_buf_append_json_string(out, key, strlen(key));
            dk_buf_appendc(out, ':');
            json_write(out, item);
        }
        dk_buf_appendc(out, '}');
        break;
    case JSON_ARRAY:
        dk_buf_appendc(out, '[');
        json_array_foreach(v, i, item)
        {
            if (i) {
                dk_buf_appendc(out, ',');
            }
            json_write(out, item);
        }
        dk_buf_appendc(out, ']');
        break;
    case JSON_STRING:
        dk_buf_append_json_string(out, json_string_value(v),
                                  json_string_length(v));
        break;
    case JSON_INTEGER:
        dk_buf_append_i64(out, json_integer_value(v));
        break;
    case JSON_REAL:
        dk_buf_appendf(out, "%.17g", json_real_value(v));
        break;
    case JSON_TRUE:
        dk_buf_appends(out, "true");
        break;
    case JSON_FALSE:
        dk_buf_appends(out, "false");
        break;
    case JSON_NULL:
        dk_buf_appends(out, "null");
        break;
    }
}

/* ---- writing objects ---- */

json_t *json_time(int64_t ms)
{
    if (!ms) {
        return json_null();
    }
    char text[DK_TIME_TEXT_LEN];
    dk_format_time(ms, text);
    return json_string(text);
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *json_ref(const struct dk_ref *r)
{
    if (!r->id) {
        return json_null();
    }
    return json_pack("{s:I,s:o}", "id", (json_int_t)r->id, "name",
                     string_or_null(r->name));
}

static json_t *json_strs(const struct dk_strs *list)
{
    json_t *a = json_array();
    for (size_t i = 0; i < list->n_items; i++) {
        json_array_append_new(a, json_string(list->items[i]));
    }
    return a;
}

json_t *json_user(const struct dk_user *u)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(u->id));
    json_object_set_new(o, "kind", json_string(u->kind));
    json_object_set_new(o, "role", json_string(u->role));
    json_object_set_new(o, "name", json_string(u->name));
    json_object_set_new(o, "email", json_string(u->email));
    json_object_set_new(o, "disabled", json_boolean(u->is_disabled));
    if (strcmp(u->kind, "agent") == 0) {
        json_t *groups = json_array();
        for (size_t i = 0; i < u->groups.n_items; i++) {
            json_array_append_new(groups, json_integer(u->groups.items[i]));
        }
        json_object_set_new(o, "groups", groups);
        json_object_set_new(o, "availability", json_string(u->availability));
        json_object_set_new(o, "capacity",
                            u->has_capacity ? json_integer(u->capacity)
                                            : json_null());
        json_object_set_new(o, "skills", json_strs(&u->skills));
    } else {
        json_object_set_new(o, "organization_id",
                            u->organization_id
                                ? json_integer(u->organization_id)
                                : json_null());
    }
    json_object_set_new(o, "created_at", json_time(u->created_at_ms));
    json_object_set_new(o, "updated_at", json_time(u->updated_at_ms));
    return o;
}

json_t *json_ticket(const struct dk_ticket *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer(t->number));
    json_object_set_new(o, "subject", json_string(t->subject));
    json_object_set_new(o, "description", json_string(t->description));
    json_object_set_new(o, "status", json_string(t->status));
    json_object_set_new(o, "priority", json_string(t->priority));
    json_object_set_new(o, "assignee", json_ref(&t->assignee));
    json_object_set_new(o, "group", json_ref(&t->group));
    json_t *requester = json_ref(&t->requester);
    json_object_set_new(requester, "email", string_or_null(t->requester_email));
    json_object_set_new(o, "requester", requester);
    json_object_set_new(o, "deadline", json_time(t->deadline_ms));
    json_object_set_new(o, "channel", json_string(t->channel));
    json_object_set_new(o, "tags", json_strs(&t->tags));
    json_object_set_new(o, "conversations", json_array());
    json_t *followers = json_array();
    for (size_t i = 0; i < t->n_followers; i++) {
        json_array_append_new(followers, json_ref(&t->followers[i]));
    }
    json_object_set_new(o, "followers", followers);
    json_object_set_new(o, "collaborators", json_array());
    json_object_set_new(o, "queue_position", json_null());
    json_object_set_new(o, "unread", json_boolean(t->is_unread));
    json_object_set_new(o, "created_at", json_time(t->created_at_ms));
    json_object_set_new(o, "updated_at", json_time(t->updated_at_ms));
    json_object_set_new(o, "first_response_at",
                        json_time(t->first_response_at_ms));
    json_object_set_new(o, "resolved_at", json_time(t->resolved_at_ms));
    json_object_set_new(o, "closed_at", json_time(t->closed_at_ms));
    return o;
}

json_t *json_attachment(const struct dk_attachment *a)
{
    return json_pack("{s:I,s:s,s:s,s:I,s:s,s:o}", "id", (json_int_t)a->id,
                     "name", a->name, "type", a->type, "size",
                     (json_int_t)a->size, "sha256", a->sha256, "created_at",
                     json_time(a->created_at_ms));
}

/* docs/api.md, Messages: where a reply's email stands (agents only). */
static json_t *json_delivery(const struct dk_delivery *d)
{
    if (!d->state) {
        return json_null();
    }
    bool is_pending = strcmp(d->state, "pending") == 0;
    return json_pack(
        "{s:s,s:I,s:o,s:o,s:o}", "state", is_pending ? "queued" : d->state,
        "attempts", (json_int_t)d->attempts, "error",
        d->last_error ? json_string(d->last_error) : json_null(),
        "next_attempt_at",
        is_pending ? json_time(d->next_attempt_at_ms) : json_null(),
        "finished_at", is_pending ? json_null() : json_time(d->done_at_ms));
}

json_t *json_message(const struct dk_message *m)
{
    json_t *attachments = json_array();
    for (size_t i = 0; i < m->n_attachments; i++) {
        json_array_append_new(attachments, json_attachment(&m->attachments[i]));
    }
    return json_pack("{s:I,s:I,s:s,s:o,s:s,s:o,s:o,s:o}", "id",
                     (json_int_t)m->id, "ticket", (json_int_t)m->ticket_number,
                     "kind", m->kind, "author", json_ref(&m->author), "body",
                     m->body, "attachments", attachments, "created_at",
                     json_time(m->created_at_ms), "delivery",
                     json_delivery(&m->delivery));
}

json_t *json_event(const struct dk_event *e)
{
    json_t *data = json_loads(e->data ? e->data : "{}", 0, NULL);
    json_t *changes = data ? json_object_get(data, "changes") : NULL;
    json_t *o = json_pack(
        "{s:I,s:o,s:o,s:s,s:o,s:o}", "id", (json_int_t)e->id, "at",
        json_time(e->at_ms), "actor", json_ref(&e->actor), "type", e->type,
        "ticket",
        e->ticket_number ? json_integer(e->ticket_number) : json_null(),
        "changes", changes ? json_incref(changes) : json_object());
    if (data) {
        const char *key;
        json_t *value;
        json_object_foreach(data, key, value)
        {
            if (strcmp(key, "changes") != 0) {
                json_object_set(o, key, value);
            }
        }
        json_decref(data);
    }
    return o;
}

json_t *json_enum_value(const struct dk_enum_value *v, bool has_category)
{
    json_t *o = json_pack("{s:s,s:s,s:I,s:b}", "key", v->key, "name", v->name,
                          "position", (json_int_t)v->position, "retired",
                          v->is_retired);
    if (has_category) {
        json_object_set_new(o, "category", string_or_null(v->category));
    }
    return o;
}

json_t *json_token(const struct dk_token *t)
{
    return json_pack("{s:I,s:s,s:I,s:o,s:o}", "id", (json_int_t)t->id, "name",
                     t->name, "user_id", (json_int_t)t->user_id, "created_at",
                     json_time(t->created_at_ms), "last_used_at",
                     json_time(t->last_used_at_ms));
}

json_t *json_error(const struct dk_err *in)
{
    /* Messages may quote the caller's bytes; JSON needs valid UTF-8. */
    struct dk_err err = *in;
    dk_utf8_sanitize(err.message, strlen(err.message));
    dk_utf8_sanitize(err.field, strlen(err.field));
    enum dk_status s = err.status == DK_OK ? DK_INTERNAL : err.status;
    const char *message = err.message[0] ? err.message : dk_status_code(s);
    /* "field" is always there (null when no one field is at fault): the
     * contract's envelope has the three keys. */
    return json_pack("{s:{s:s,s:s,s:o}}", "error", "code", dk_status_code(s),
                     "message", message, "field",
                     err.field[0] ? json_string(err.field) : json_null());
}

json_t *json_list(json_t *items, int64_t total, const char *next_cursor)
{
    return json_pack("{s:o,s:I,s:o}", "items", items, "total",
                     (json_int_t)total, "next_cursor",
                     string_or_null(next_cursor));
}
