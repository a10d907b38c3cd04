/* shape.c — in test builds, every JSON answer is checked against the
 * documented shape of its resource (STYLE.md, Tests); a mismatch is logged
 * with "shape:" and fails the API suite, which scans the server log. */
#include <string.h>

#include "http/internal.h"

struct field {
    const char *name;
    const char *types; /* any of: s string, i integer, b bool, o object,
                        * a array, n null */
};

static bool has_type(json_t *v, const char *types)
{
    for (const char *t = types; *t; t++) {
        if ((*t == 's' && json_is_string(v)) ||
            (*t == 'i' && json_is_integer(v)) ||
            (*t == 'b' && json_is_boolean(v)) ||
            (*t == 'o' && json_is_object(v)) ||
            (*t == 'a' && json_is_array(v)) || (*t == 'n' && json_is_null(v))) {
            return true;
        }
    }
    return false;
}

static bool check_fields(const char *what, json_t *o,
                         const struct field *fields)
{
    if (!json_is_object(o)) {
        dk_log_error("shape: %s is not an object", what);
        return false;
    }
    bool is_ok = true;
    for (const struct field *f = fields; f->name; f++) {
        json_t *v = json_object_get(o, f->name);
        if (!v || !has_type(v, f->types)) {
            dk_log_error("shape: %s.%s missing or of the wrong type", what,
                         f->name);
            is_ok = false;
        }
    }
    return is_ok;
}

static const struct field ticket_fields[] = {{"number", "i"},
                                             {"subject", "s"},
                                             {"description", "s"},
                                             {"status", "s"},
                                             {"priority", "s"},
                                             {"assignee", "on"},
                                             {"group", "on"},
                                             {"requester", "o"},
                                             {"deadline", "sn"},
                                             {"channel", "s"},
                                             {"tags", "a"},
                                             {"conversations", "a"},
                                             {"followers", "a"},
                                             {"collaborators", "a"},
                                             {"queue_position", "in"},
                                             {"unread", "b"},
                                             {"created_at", "s"},
                                             {"updated_at", "s"},
                                             {"first_response_at", "sn"},
                                             {"resolved_at", "sn"},
                                             {"closed_at", "sn"},
                                             {NULL, NULL}};
static const struct field user_fields[] = {
    {"id", "i"},    {"kind", "s"},     {"role", "s"},       {"name", "s"},
    {"email", "s"}, {"disabled", "b"}, {"created_at", "s"}, {NULL, NULL}};
static const struct field message_fields[] = {
    {"id", "i"},         {"ticket", "i"},    {"kind", "s"},
    {"author", "on"},    {"body", "s"},      {"attachments", "a"},
    {"created_at", "s"}, {"delivery", "on"}, {NULL, NULL}};
static const struct field event_fields[] = {{"id", "i"},      {"at", "s"},
                                            {"actor", "on"},  {"type", "s"},
                                            {"changes", "o"}, {NULL, NULL}};
static const struct field enum_fields[] = {{"key", "s"},
                                           {"name", "s"},
                                           {"position", "i"},
                                           {"retired", "b"},
                                           {NULL, NULL}};
static const struct field attachment_fields[] = {
    {"id", "i"},     {"name", "s"},       {"type", "s"}, {"size", "i"},
    {"sha256", "s"}, {"created_at", "s"}, {NULL, NULL}};
static const struct field token_fields[] = {{"id", "i"},
                                            {"name", "s"},
                                            {"user_id", "i"},
                                            {"created_at", "s"},
                                            {NULL, NULL}};
static const struct field group_fields[] = {{"id", "i"},
                                            {"name", "s"},
                                            {"members", "a"},
                                            {"assignment", "s"},
                                            {NULL, NULL}};
static const struct field list_fields[] = {
    {"items", "a"}, {"total", "i"}, {"next_cursor", "sn"}, {NULL, NULL}};
static const struct field error_fields[] = {
    {"code", "s"}, {"message", "s"}, {"field", "sn"}, {NULL, NULL}};

/* The item shape of a path, by its resource segment. */
static const struct field *shape_of(const char *path)
{
    static const struct {
        const char *suffix_or_prefix;
        const struct field *fields;
    } table[] = {
        {"/messages", message_fields},
        {"/events", event_fields},
        {"/api/v1/tickets", ticket_fields},
        {"/api/v1/users", user_fields},
        {"/api/v1/me", user_fields},
        {"/api/v1/auth/login", user_fields},
        {"/api/v1/statuses", enum_fields},
        {"/api/v1/priorities", enum_fields},
        {"/api/v1/attachments", attachment_fields},
        {"/api/v1/tokens", token_fields},
        {"/api/v1/groups", group_fields},
    };
    size_t len = strlen(path);
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(table[i].suffix_or_prefix);
        if (len >= n &&
            strcmp(path + len - n, table[i].suffix_or_prefix) == 0) {
            return table[i].fields;
        }
    }
    for (size_t i = 2; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strncmp(path, table[i].suffix_or_prefix,
                    strlen(table[i].suffix_or_prefix)) == 0) {
            return table[i].fields;
        }
    }
    return NULL;
}

bool shape_check(const char *method, const char *path, int status,
                 json_t *value)
{
    if (status >= 400) {
        return check_fields(path, json_object_get(value, "error"),
                            error_fields);
    }
    const struct field *fields = shape_of(path);
    if (!fields) {
        return true;
    }
    if (json_object_get(value, "items")) {
        bool is_ok = check_fields(path, value, list_fields);
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(value, "items"), i, item)
        {
            is_ok = check_fields(path, item, fields) && is_ok;
        }
        return is_ok;
    }
    (void)method;
    return check_fields(path, value, fields);
}
