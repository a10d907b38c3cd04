/* router.c — the table of every endpoint: method, path pattern ("{}" is one
 * path segment, captured in order), handler, whether it needs sign-in, and
 * the query parameters it takes. */
#include <string.h>

#include "http/internal.h"

/* Every list takes a page (shared/API.md, Conventions: Lists). */
#define PAGE_QUERY "cursor", "limit"

static const char *const page_query[] = {PAGE_QUERY, NULL};
static const char *const token_list_query[] = {"user_id", PAGE_QUERY, NULL};
static const char *const user_list_query[] = {
    "kind", "role", "q", "disabled", "sort", PAGE_QUERY, NULL};
static const char *const ticket_list_query[] = {
    "status",  "priority", "assignee",      "group",          "requester",
    "channel", "tag",      "created_after", "created_before", "deadline_before",
    "unread",  "q",        "sort",          PAGE_QUERY,       NULL};
static const char *const upload_query[] = {"name", NULL};
static const char *const stream_query[] = {"last_event_id", NULL};

static const struct route routes[] = {
    {M_GET, "/api/v1/health", h_health, true, 0, NULL},
    {M_POST, "/api/v1/auth/login", h_login, true, 0, NULL},
    {M_POST, "/api/v1/auth/logout", h_logout, false, 0, NULL},
    {M_GET, "/api/v1/me", h_me_get, false, 0, NULL},
    {M_PATCH, "/api/v1/me", h_me_patch, false, 0, NULL},
    {M_GET, "/api/v1/tokens", h_tokens_list, false, 0, token_list_query},
    {M_POST, "/api/v1/tokens", h_tokens_create, false, 0, NULL},
    {M_DELETE, "/api/v1/tokens/{}", h_tokens_delete, false, 0, NULL},
    {M_GET, "/api/v1/users", h_users_list, false, 0, user_list_query},
    {M_POST, "/api/v1/users", h_users_create, false, 0, NULL},
    {M_GET, "/api/v1/users/{}", h_users_get, false, 0, NULL},
    {M_PATCH, "/api/v1/users/{}", h_users_patch, false, 0, NULL},
    {M_DELETE, "/api/v1/users/{}", h_users_delete, false, 0, NULL},
    {M_GET, "/api/v1/groups", h_groups_list, false, 0, page_query},
    {M_POST, "/api/v1/groups", h_groups_create, false, 0, NULL},
    {M_GET, "/api/v1/groups/{}", h_groups_get, false, 0, NULL},
    {M_PATCH, "/api/v1/groups/{}", h_groups_patch, false, 0, NULL},
    {M_DELETE, "/api/v1/groups/{}", h_groups_delete, false, 0, NULL},
    {M_GET, "/api/v1/statuses", h_statuses_list, false, 0, page_query},
    {M_POST, "/api/v1/statuses", h_statuses_create, false, 0, NULL},
    {M_PATCH, "/api/v1/statuses/{}", h_statuses_patch, false, 0, NULL},
    {M_DELETE, "/api/v1/statuses/{}", h_statuses_delete, false, 0, NULL},
    {M_GET, "/api/v1/priorities", h_priorities_list, false, 0, page_query},
    {M_POST, "/api/v1/priorities", h_priorities_create, false, 0, NULL},
    {M_PATCH, "/api/v1/priorities/{}", h_priorities_patch, false, 0, NULL},
    {M_DELETE, "/api/v1/priorities/{}", h_priorities_delete, false, 0, NULL},
    {M_GET, "/api/v1/tickets", h_tickets_list, false, 0, ticket_list_query},
    {M_POST, "/api/v1/tickets", h_tickets_create, false, 0, NULL},
    {M_GET, "/api/v1/tickets/{}", h_tickets_get, false, 0, NULL},
    {M_PATCH, "/api/v1/tickets/{}", h_tickets_patch, false, 0, NULL},
    {M_DELETE, "/api/v1/tickets/{}", h_tickets_delete, false, 0, NULL},
    {M_GET, "/api/v1/tickets/{}/messages", h_messages_list, false, 0,
     page_query},
    {M_POST, "/api/v1/tickets/{}/messages", h_messages_create, false, 0, NULL},
    {M_GET, "/api/v1/tickets/{}/events", h_events_list, false, 0, page_query},
    {M_POST, "/api/v1/attachments", h_attachments_upload, false,
     DK_MAX_ATTACHMENT_BYTES, upload_query},
    {M_GET, "/api/v1/attachments/{}", h_attachments_get, false, 0, NULL},
    {M_GET, "/api/v1/stream", h_stream, false, 0, stream_query},
};

/* Matches path against pattern, capturing "{}" segments into params. */
static bool match(const char *pattern, const char *path, const char **params,
                  size_t *n_params, struct dk_arena *arena)
{
    size_t n = 0;
    const char *p = pattern;
    const char *s = path;
    while (*p && *s) {
        if (p[0] == '{' && p[1] == '}') {
            size_t len = strcspn(s, "/");
            if (len == 0 || n == MAX_PATH_PARAMS) {
                return false;
            }
            if (params) {
                params[n] = dk_arena_strndup(arena, s, len);
            }
            n++;
            p += 2;
            s += len;
            continue;
        }
        if (*p != *s) {
            return false;
        }
        p++;
        s++;
    }
    if (*p || *s) {
        return false;
    }
    if (n_params) {
        *n_params = n;
    }
    return true;
}

const struct route *router_match(struct req *req, bool *is_path_known)
{
    *is_path_known = false;
    const char *path = req->path;
    /* A single trailing slash is forgiven. */
    size_t len = strlen(path);
    if (len > 1 && path[len - 1] == '/') {
        path = dk_arena_strndup(&req->arena, path, len - 1);
    }
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (!match(routes[i].pattern, path, NULL, NULL, NULL)) {
            continue;
        }
        *is_path_known = true;
        if (routes[i].method != req->method) {
            continue;
        }
        match(routes[i].pattern, path, req->params, &req->n_params,
              &req->arena);
        return &routes[i];
    }
    return NULL;
}
