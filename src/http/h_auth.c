/* h_auth.c — health, sign-in and sign-out, the caller (/me), API tokens. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

enum MHD_Result h_health(struct req *req)
{
    return res_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

/* The peer's address, for per-address rate limits. */
static const char *peer_address(struct req *req)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char text[64] = "unknown";
    if (info && info->client_addr) {
        const struct sockaddr *sa = info->client_addr;
        if (sa->sa_family == AF_INET) {
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                      text, sizeof(text));
        } else if (sa->sa_family == AF_INET6) {
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                      text, sizeof(text));
        }
    }
    return dk_arena_strdup(&req->arena, text);
}

static json_t *me_json(const struct dk_user *u, const char *csrf_token)
{
    json_t *o = json_user(u);
    if (csrf_token) {
        json_object_set_new(o, "csrf_token", json_string(csrf_token));
    }
    return o;
}

enum MHD_Result h_login(struct req *req)
{
    static const char *const fields[] = {"email", "password", NULL};
    struct dk_err err;
    json_t *body = NULL;
    const char *email = NULL;
    const char *password = NULL;
    bool has_email = false;
    bool has_password = false;
    if (req_json_body(req, &body, &err) != DK_OK ||
        json_check_fields(body, fields, &err) != DK_OK ||
        json_get_string(body, "email", false, &has_email, &email, &err) ||
        json_get_string(body, "password", false, &has_password, &password,
                        &err)) {
        return res_error(req, &err);
    }
    if (!has_email || !has_password) {
        return res_fail(req, DK_INVALID, has_email ? "password" : "email",
                        "'%s' is required", has_email ? "password" : "email");
    }
    struct dk_ctx ctx = req_ctx(req);
    struct dk_actor anonymous = {0};
    anonymous.kind = "customer";
    anonymous.id = -1; /* not the system actor */
    ctx.actor = &anonymous;
    struct dk_login login;
    int64_t retry_after_s = 0;
    enum dk_status s = dk_core_login(&ctx, email, password, peer_address(req),
                                     &login, &retry_after_s, &err);
    if (s == DK_RATE_LIMITED) {
        char seconds[32];
        snprintf(seconds, sizeof(seconds), "%lld", (long long)retry_after_s);
        return res_json_header(req, 429, json_error(&err), "Retry-After",
                               seconds);
    }
    if (s != DK_OK) {
        return res_error(req, &err);
    }
    char cookie[256];
    snprintf(cookie, sizeof(cookie),
             "docket_session=%s; Path=/; HttpOnly; SameSite=Lax; "
             "Max-Age=1209600",
             login.session_token);
    return res_json_header(req, 200, me_json(&login.user, login.csrf_token),
                           "Set-Cookie", cookie);
}

enum MHD_Result h_logout(struct req *req)
{
    struct dk_err err;
    struct dk_ctx ctx = req_ctx(req);
    if (dk_core_logout(&ctx, &err) != DK_OK) {
        return res_error(req, &err);
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Set-Cookie",
                            "docket_session=; Path=/; HttpOnly; "
                            "SameSite=Lax; Max-Age=0");
    return res_queue(req, 204, r);
}

enum MHD_Result h_me_get(struct req *req)
{
    struct dk_err err;
    struct dk_ctx ctx = req_ctx(req);
    struct dk_user user;
    if (dk_core_user_get(&ctx, req->actor.id, &user, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(
        req, 200,
        me_json(&user, req->is_cookie_auth ? req->actor.csrf_token : NULL));
}

/* ---- tokens ---- */

enum MHD_Result h_tokens_create(struct req *req)
{
    static const char *const fields[] = {"name", "user_id", NULL};
    struct dk_err err;
    json_t *body = NULL;
    const char *name = NULL;
    int64_t user_id = 0;
    bool has = false;
    if (req_json_body(req, &body, &err) != DK_OK ||
        json_check_fields(body, fields, &err) != DK_OK ||
        json_get_string(body, "name", false, &has, &name, &err) != DK_OK ||
        json_get_id(body, "user_id", false, &has, &user_id, &err) != DK_OK) {
        return res_error(req, &err);
    }
    struct dk_ctx ctx = req_ctx(req);
    struct dk_new_token token;
    if (dk_core_token_create(&ctx, user_id, name, &token, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *o = json_token(&token.token);
    json_object_set_new(o, "token", json_string(token.secret));
    return res_json(req, 201, o);
}

enum MHD_Result h_tokens_list(struct req *req)
{
    struct dk_err err;
    int64_t user_id = 0;
    const char *text = req_query(req, "user_id");
    if (text && !dk_parse_id(dk_str_cstr(text), &user_id)) {
        return res_fail(req, DK_INVALID, "user_id", "'user_id' must be an id");
    }
    struct dk_ctx ctx = req_ctx(req);
    struct dk_page_params p = req_page(req);
    struct dk_token_page page;
    if (dk_core_token_list(&ctx, user_id, &p, &page, &err) != DK_OK) {
        return res_error(req, &err);
    }
    json_t *array = json_array();
    for (size_t i = 0; i < page.n_items; i++) {
        json_array_append_new(array, json_token(&page.items[i]));
    }
    return res_json(req, 200, json_list(array, page.total, page.next_cursor));
}

enum MHD_Result h_tokens_delete(struct req *req)
{
    struct dk_err err;
    int64_t id = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK ||
        dk_core_token_revoke(&ctx, id, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_empty(req, 204);
}
