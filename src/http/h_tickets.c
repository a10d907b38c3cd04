/* h_tickets.c — /api/v1/tickets, their messages and their history. */
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

/* requester: {"email", "name"} */
static enum dk_status read_requester(json_t *body, struct dk_ticket_input *in,
                                     struct dk_err *err)
{
    static const char *const fields[] = {"email", "name", NULL};
    json_t *r = json_object_get(body, "requester");
    if (!r) {
        return DK_OK;
    }
    if (!json_is_object(r)) {
        return dk_fail(err, DK_INVALID, "requester",
                       "'requester' must be an object with 'email'");
    }
    bool has_email = false;
    bool has_name = false;
    enum dk_status s = json_check_fields(r, fields, err);
    if (s == DK_OK) {
        s = json_get_string(r, "email", false, &has_email, &in->requester_email,
                            err);
    }
    if (s == DK_OK) {
        s = json_get_string(r, "name", true, &has_name, &in->requester_name,
                            err);
    }
    if (s == DK_OK && !has_email) {
        s = dk_fail(err, DK_INVALID, "requester",
                    "'requester' needs an 'email'");
    }
    if (s != DK_OK) {
        /* Errors inside the object are reported on the object. */
        snprintf(err->field, sizeof(err->field), "requester");
        return s;
    }
    in->has_requester = true;
    return DK_OK;
}

static enum dk_status read_ticket_input(struct req *req, json_t *body,
                                        struct dk_ticket_input *in,
                                        struct dk_err *err)
{
    static const char *const fields[] = {
        "subject",  "description",  "status",      "priority", "assignee_id",
        "group_id", "requester_id", "requester",   "deadline", "channel",
        "tags",     "follower_ids", "attachments", NULL};
    memset(in, 0, sizeof(*in));
    enum dk_status s = json_check_fields(body, fields, err);
    if (s == DK_OK) {
        s = json_get_string(body, "subject", false, &in->has_subject,
                            &in->subject, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "description", true, &in->has_description,
                            &in->description, err);
    }
    if (s == DK_OK && in->has_description && !in->description) {
        in->description = ""; /* null clears; the description may be empty */
    }
    if (s == DK_OK) {
        s = json_get_string(body, "status", false, &in->has_status, &in->status,
                            err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "priority", false, &in->has_priority,
                            &in->priority, err);
    }
    if (s == DK_OK) {
        s = json_get_id(body, "assignee_id", true, &in->has_assignee,
                        &in->assignee_id, err);
    }
    if (s == DK_OK) {
        s = json_get_id(body, "group_id", true, &in->has_group, &in->group_id,
                        err);
    }
    if (s == DK_OK) {
        s = json_get_id(body, "requester_id", false, &in->has_requester_id,
                        &in->requester_id, err);
    }
    if (s == DK_OK) {
        s = read_requester(body, in, err);
    }
    if (s == DK_OK) {
        s = json_get_time(body, "deadline", &in->has_deadline, &in->deadline_ms,
                          err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "channel", false, &in->has_channel,
                            &in->channel, err);
    }
    if (s == DK_OK) {
        s = json_get_strings(&req->arena, body, "tags", &in->has_tags,
                             &in->tags, err);
    }
    if (s == DK_OK) {
        s = json_get_ids(&req->arena, body, "follower_ids", &in->has_followers,
                         &in->follower_ids, err);
    }
    bool has_attachments = false;
    if (s == DK_OK) {
        s = json_get_ids(&req->arena, body, "attachments", &has_attachments,
                         &in->attachments, err);
    }
    if (s == DK_OK && in->has_requester && in->has_requester_id) {
        s = dk_fail(err, DK_INVALID, "requester",
                    "give 'requester' or 'requester_id', not both");
    }
    return s;
}

enum MHD_Result h_tickets_create(struct req *req)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_ticket_input in;
    struct dk_ticket t;
    struct dk_ctx ctx = req_ctx(req);
    if (req_json_body(req, &body, &err) != DK_OK ||
        read_ticket_input(req, body, &in, &err) != DK_OK ||
        dk_core_ticket_create(&ctx, &in, &t, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 201, json_ticket(&t));
}

enum MHD_Result h_tickets_patch(struct req *req)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_ticket_input in;
    struct dk_ticket t;
    int64_t number = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &number, &err) != DK_OK ||
        req_json_body(req, &body, &err) != DK_OK ||
        read_ticket_input(req, body, &in, &err) != DK_OK) {
        return res_error(req, &err);
    }
    if (json_object_get(body, "attachments")) {
        return res_fail(req, DK_INVALID, "attachments",
                        "attachments go on a message: POST "
                        "/api/v1/tickets/%lld/messages",
                        (long long)number);
    }
    if (in.has_subject && !in.subject) {
        return res_fail(req, DK_INVALID, "subject", "'subject' is required");
    }
    if (dk_core_ticket_update(&ctx, number, &in, &t, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 200, json_ticket(&t));
}

enum MHD_Result h_tickets_get(struct req *req)
{
    struct dk_err err;
    struct dk_ticket t;
    int64_t number = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &number, &err) != DK_OK ||
        dk_core_ticket_get(&ctx, number, &t, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 200, json_ticket(&t));
}

enum MHD_Result h_tickets_delete(struct req *req)
{
    struct dk_err err;
    int64_t number = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &number, &err) != DK_OK ||
        dk_core_ticket_delete(&ctx, number, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_empty(req, 204);
}

enum MHD_Result h_tickets_list(struct req *req)
{
    struct dk_ticket_list_params p = {
        .status = req_query(req, "status"),
        .priority = req_query(req, "priority"),
        .assignee = req_query(req, "assignee"),
        .group = req_query(req, "group"),
        .requester = req_query(req, "requester"),
        .channel = req_query(req, "channel"),
        .tag = req_query(req, "tag"),
        .created_after = req_query(req, "created_after"),
        .created_before = req_query(req, "created_before"),
        .deadline_before = req_query(req, "deadline_before"),
        .unread = req_query(req, "unread"),
        .q = req_query(req, "q"),
        .sort = req_query(req, "sort"),
        .cursor = req_query(req, "cursor"),
        .limit = req_query(req, "limit"),
    };
    struct dk_ctx ctx = req_ctx(req);
    struct dk_ticket_page page;
    struct dk_err err;
    if (dk_core_ticket_list(&ctx, &p, &page, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n_items; i++) {
        json_array_append_new(items, json_ticket(&page.items[i]));
    }
    return res_json(req, 200, json_list(items, page.total, page.next_cursor));
}

/* ---- messages and history ---- */

enum MHD_Result h_messages_create(struct req *req)
{
    static const char *const fields[] = {"kind", "body", "attachments", NULL};
    struct dk_err err;
    json_t *body = NULL;
    int64_t number = 0;
    bool has = false;
    struct dk_message_input in = {0};
    struct dk_message m;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &number, &err) != DK_OK ||
        req_json_body(req, &body, &err) != DK_OK ||
        json_check_fields(body, fields, &err) != DK_OK ||
        json_get_string(body, "kind", false, &has, &in.kind, &err) != DK_OK ||
        json_get_string(body, "body", false, &has, &in.body, &err) != DK_OK ||
        json_get_ids(&req->arena, body, "attachments", &has, &in.attachments,
                     &err) != DK_OK ||
        dk_core_message_create(&ctx, number, &in, &m, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 201, json_message(&m));
}

enum MHD_Result h_messages_list(struct req *req)
{
    struct dk_err err;
    int64_t number = 0;
    struct dk_message_page page;
    struct dk_ctx ctx = req_ctx(req);
    struct dk_page_params p = req_page(req);
    if (req_param_id(req, 0, &number, &err) != DK_OK ||
        dk_core_message_list(&ctx, number, &p, &page, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n_items; i++) {
        json_array_append_new(items, json_message(&page.items[i]));
    }
    return res_json(req, 200, json_list(items, page.total, page.next_cursor));
}

enum MHD_Result h_events_list(struct req *req)
{
    struct dk_err err;
    int64_t number = 0;
    struct dk_event_page page;
    struct dk_ctx ctx = req_ctx(req);
    struct dk_page_params p = req_page(req);
    if (req_param_id(req, 0, &number, &err) != DK_OK ||
        dk_core_event_list(&ctx, number, &p, &page, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n_items; i++) {
        json_array_append_new(items, json_event(&page.items[i]));
    }
    return res_json(req, 200, json_list(items, page.total, page.next_cursor));
}
