/* h_users.c — /api/v1/users and PATCH /api/v1/me. */
#include <string.h>

#include "http/internal.h"

/* Reads the writable user fields of body into in. */
static enum dk_status read_user_input(struct req *req, json_t *body,
                                      const char *const *fields,
                                      struct dk_user_input *in,
                                      struct dk_err *err)
{
    memset(in, 0, sizeof(*in));
    bool has = false;
    bool is_null = false;
    enum dk_status s = json_check_fields(body, fields, err);
    if (s == DK_OK) {
        s = json_get_string(body, "kind", false, &in->has_kind, &in->kind, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "role", false, &in->has_role, &in->role, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "name", false, &in->has_name, &in->name, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "email", false, &in->has_email, &in->email,
                            err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "password", false, &in->has_password,
                            &in->password, err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "current_password", false, &has,
                            &in->current_password, err);
    }
    if (s == DK_OK) {
        s = json_get_bool(body, "disabled", &in->has_disabled, &in->is_disabled,
                          err);
    }
    if (s == DK_OK) {
        s = json_get_string(body, "availability", false, &in->has_availability,
                            &in->availability, err);
    }
    if (s == DK_OK) {
        s = json_get_int(body, "capacity", true, &in->has_capacity,
                         &in->is_capacity_null, &in->capacity, err);
    }
    if (s == DK_OK) {
        s = json_get_strings(&req->arena, body, "skills", &in->has_skills,
                             &in->skills, err);
    }
    if (s == DK_OK) {
        s = json_get_int(body, "organization_id", true, &in->has_organization,
                         &is_null, &in->organization_id, err);
    }
    return s;
}

static const char *const user_fields[] = {
    "kind",     "role",         "name",     "email",  "password",
    "disabled", "availability", "capacity", "skills", "organization_id",
    NULL};

enum MHD_Result h_users_create(struct req *req)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_user_input in;
    struct dk_user user;
    struct dk_ctx ctx = req_ctx(req);
    if (req_json_body(req, &body, &err) != DK_OK ||
        read_user_input(req, body, user_fields, &in, &err) != DK_OK ||
        dk_core_user_create(&ctx, &in, &user, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 201, json_user(&user));
}

enum MHD_Result h_users_patch(struct req *req)
{
    struct dk_err err;
    json_t *body = NULL;
    struct dk_user_input in;
    struct dk_user user;
    int64_t id = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK ||
        req_json_body(req, &body, &err) != DK_OK ||
        read_user_input(req, body, user_fields, &in, &err) != DK_OK ||
        dk_core_user_update(&ctx, id, &in, &user, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 200, json_user(&user));
}

enum MHD_Result h_me_patch(struct req *req)
{
    static const char *const me_fields[] = {"name",
                                            "password",
                                            "current_password",
                                            "availability",
                                            "capacity",
                                            "skills",
                                            "email",
                                            "role",
                                            "kind",
                                            "disabled",
                                            "organization_id",
                                            NULL};
    struct dk_err err;
    json_t *body = NULL;
    struct dk_user_input in;
    struct dk_user user;
    struct dk_ctx ctx = req_ctx(req);
    if (req_json_body(req, &body, &err) != DK_OK ||
        read_user_input(req, body, me_fields, &in, &err) != DK_OK ||
        dk_core_user_update(&ctx, 0, &in, &user, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *o = json_user(&user);
    if (req->is_cookie_auth) {
        json_object_set_new(o, "csrf_token",
                            json_string(req->actor.csrf_token));
    }
    return res_json(req, 200, o);
}

enum MHD_Result h_users_delete(struct req *req)
{
    struct dk_err err;
    struct dk_user_input in = {.has_disabled = true, .is_disabled = true};
    struct dk_user user;
    int64_t id = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK) {
        return res_error(req, &err);
    }
    if (dk_core_user_update(&ctx, id, &in, &user, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_empty(req, 204);
}

enum MHD_Result h_users_get(struct req *req)
{
    struct dk_err err;
    struct dk_user user;
    int64_t id = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK ||
        dk_core_user_get(&ctx, id, &user, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 200, json_user(&user));
}

enum MHD_Result h_users_list(struct req *req)
{
    struct dk_user_list_params p = {
        .kind = req_query(req, "kind"),
        .role = req_query(req, "role"),
        .q = req_query(req, "q"),
        .disabled = req_query(req, "disabled"),
        .sort = req_query(req, "sort"),
        .cursor = req_query(req, "cursor"),
        .limit = req_query(req, "limit"),
    };
    struct dk_ctx ctx = req_ctx(req);
    struct dk_user_page page;
    struct dk_err err;
    if (dk_core_user_list(&ctx, &p, &page, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n_items; i++) {
        json_array_append_new(items, json_user(&page.items[i]));
    }
    return res_json(req, 200, json_list(items, page.total, page.next_cursor));
}
