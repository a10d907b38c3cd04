/* h_groups.c — /api/v1/groups. */
#include <string.h>

#include "http/internal.h"

static json_t *json_group(const struct dk_group *g)
{
    json_t *members = json_array();
    for (size_t i = 0; i < g->members.n_items; i++) {
        json_array_append_new(members, json_integer(g->members.items[i]));
    }
    return json_pack("{s:I,s:s,s:o,s:s,s:o}", "id", (json_int_t)g->id, "name",
                     g->name, "members", members, "assignment", g->assignment,
                     "created_at", json_time(g->created_at_ms));
}

static enum dk_status read_group_input(struct req *req, json_t *body,
                                       struct dk_group_input *in,
                                       struct dk_err *err)
{
    static const char *const fields[] = {"name", "members", "assignment", NULL};
    memset(in, 0, sizeof(*in));
    enum dk_status s = json_check_fields(body, fields, err);
    if (s == DK_OK) {
        s = json_get_string(body, "name", false, &in->has_name, &in->name, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "assignment", false, &in->has_assignment,
                            &in->assignment, err);
    }
    if (s == DK_OK) {
        s = json_get_ids(&req->arena, body, "members", &in->has_members,
                         &in->members, err);
    }
    return s;
}

enum MHD_Result h_groups_list(struct req *req)
{
    struct dk_err err;
    struct dk_ctx ctx = req_ctx(req);
    struct dk_page_params p = req_page(req);
    struct dk_group_page page;
    if (dk_core_group_list(&ctx, &p, &page, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *array = json_array();
    for (size_t i = 0; i < page.n_items; i++) {
        json_array_append_new(array, json_group(&page.items[i]));
    }
    return res_json(req, 200, json_list(array, page.total, page.next_cursor));
}

enum MHD_Result h_groups_get(struct req *req)
{
    struct dk_err err;
    struct dk_group g;
    int64_t id = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK ||
        dk_core_group_get(&ctx, id, &g, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 200, json_group(&g));
}

enum MHD_Result h_groups_create(struct req *req)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_group_input in;
    struct dk_group g;
    struct dk_ctx ctx = req_ctx(req);
    if (req_json_body(req, &body, &err) != DK_OK ||
        read_group_input(req, body, &in, &err) != DK_OK ||
        dk_core_group_create(&ctx, &in, &g, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 201, json_group(&g));
}

enum MHD_Result h_groups_patch(struct req *req)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_group_input in;
    struct dk_group g;
    int64_t id = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK ||
        req_json_body(req, &body, &err) != DK_OK ||
        read_group_input(req, body, &in, &err) != DK_OK ||
        dk_core_group_update(&ctx, id, &in, &g, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 200, json_group(&g));
}

enum MHD_Result h_groups_delete(struct req *req)
{
    struct dk_err err;
    int64_t id = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK ||
        dk_core_group_delete(&ctx, id, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_empty(req, 204);
}
