/* h_meta.c — statuses and priorities: one shape served by one set of
 * handlers, parameterised by the table. */
#include <string.h>

#include "http/internal.h"

static enum MHD_Result enum_list(struct req *req, enum dk_enum_table table)
{
    struct dk_err err;
    struct dk_ctx ctx = req_ctx(req);
    struct dk_page_params p = req_page(req);
    struct dk_enum_page page;
    if (dk_core_enum_list(&ctx, table, &p, &page, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *array = json_array();
    for (size_t i = 0; i < page.n_items; i++) {
        json_array_append_new(
            array, json_enum_value(&page.items[i], table == DK_ENUM_STATUS));
    }
    return res_json(req, 200, json_list(array, page.total, page.next_cursor));
}

static enum dk_status read_enum_input(json_t *body, enum dk_enum_table table,
                                      struct dk_enum_input *in,
                                      struct dk_err *err)
{
    static const char *const status_fields[] = {
        "key", "name", "category", "position", "retired", NULL};
    static const char *const priority_fields[] = {"key", "name", "position",
                                                  "retired", NULL};
    memset(in, 0, sizeof(*in));
    bool is_null = false;
    enum dk_status s = json_check_fields(
        body, table == DK_ENUM_STATUS ? status_fields : priority_fields, err);
    if (s == DK_OK) {
        s = json_get_string(body, "key", false, &in->has_key, &in->key, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "name", false, &in->has_name, &in->name, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "category", false, &in->has_category,
                            &in->category, err);
    }
    if (s == DK_OK) {
        s = json_get_int(body, "position", false, &in->has_position, &is_null,
                         &in->position, err);
    }
    if (s == DK_OK) {
        s = json_get_bool(body, "retired", &in->has_retired, &in->is_retired,
                          err);
    }
    return s;
}

static enum MHD_Result enum_create(struct req *req, enum dk_enum_table table)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_enum_input in;
    struct dk_enum_value v;
    struct dk_ctx ctx = req_ctx(req);
    if (req_json_body(req, &body, &err) != DK_OK ||
        read_enum_input(body, table, &in, &err) != DK_OK ||
        dk_core_enum_create(&ctx, table, &in, &v, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 201, json_enum_value(&v, table == DK_ENUM_STATUS));
}

static enum MHD_Result enum_patch(struct req *req, enum dk_enum_table table)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_enum_input in;
    struct dk_enum_value v;
    struct dk_ctx ctx = req_ctx(req);
    if (req_json_body(req, &body, &err) != DK_OK ||
        read_enum_input(body, table, &in, &err) != DK_OK ||
        dk_core_enum_update(&ctx, table, req->params[0], &in, &v, &err) !=
            DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 200, json_enum_value(&v, table == DK_ENUM_STATUS));
}

static enum MHD_Result enum_delete(struct req *req, enum dk_enum_table table)
{
    struct dk_err err;
    struct dk_enum_input in = {.has_retired = true, .is_retired = true};
    struct dk_enum_value v;
    struct dk_ctx ctx = req_ctx(req);
    if (dk_core_enum_update(&ctx, table, req->params[0], &in, &v, &err) !=
        DK_OK) {
        return res_error(req, &err);
    }
    return res_empty(req, 204);
}

enum MHD_Result h_statuses_list(struct req *req)
{
    return enum_list(req, DK_ENUM_STATUS);
}

enum MHD_Result h_statuses_create(struct req *req)
{
    return enum_create(req, DK_ENUM_STATUS);
}

enum MHD_Result h_statuses_patch(struct req *req)
{
    return enum_patch(req, DK_ENUM_STATUS);
}

enum MHD_Result h_statuses_delete(struct req *req)
{
    return enum_delete(req, DK_ENUM_STATUS);
}

enum MHD_Result h_priorities_list(struct req *req)
{
    return enum_list(req, DK_ENUM_PRIORITY);
}

enum MHD_Result h_priorities_create(struct req *req)
{
    return enum_create(req, DK_ENUM_PRIORITY);
}

enum MHD_Result h_priorities_patch(struct req *req)
{
    return enum_patch(req, DK_ENUM_PRIORITY);
}

enum MHD_Result h_priorities_delete(struct req *req)
{
    return enum_delete(req, DK_ENUM_PRIORITY);
}
