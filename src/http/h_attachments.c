/* h_attachments.c — upload (raw body) and download (never as something a
 * browser would run). */
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

/* filename="…" of a Content-Disposition header, arena-copied; NULL when
 * absent. */
static const char *disposition_name(struct req *req)
{
    const char *h = req_header(req, "Content-Disposition");
    const char *p = h ? strstr(h, "filename=\"") : NULL;
    if (!p) {
        return NULL;
    }
    p += 10;
    const char *end = strchr(p, '"');
    if (!end) {
        return NULL;
    }
    return dk_arena_strndup(&req->arena, p, (size_t)(end - p));
}

enum MHD_Result h_attachments_upload(struct req *req)
{
    const char *name = req_query(req, "name");
    struct dk_upload up = {
        .name = name ? name : disposition_name(req),
        .type = req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE),
        .data = req->body.ptr,
        .len = req->body.len,
    };
    struct dk_ctx ctx = req_ctx(req);
    struct dk_attachment a;
    struct dk_err err;
    if (dk_core_attachment_upload(&ctx, &up, &a, &err) != DK_OK) {
        return res_error(req, &err);
    }
    return res_json(req, 201, json_attachment(&a));
}

/* RFC 6266: an ASCII fallback and the UTF-8 name percent-encoded. */
static const char *content_disposition(struct req *req, const char *name)
{
    struct dk_buf out;
    dk_buf_init_arena(&out, &req->arena, 2048);
    dk_buf_appends(&out, "attachment; filename=\"");
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool is_plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        dk_buf_appendc(&out, is_plain ? (char)c : '_');
    }
    dk_buf_appends(&out, "\"; filename*=UTF-8''");
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || strchr("-._~", c)) {
            dk_buf_appendc(&out, (char)c);
        } else {
            dk_buf_appendf(&out, "%%%02X", c);
        }
    }
    return out.has_failed ? "attachment" : dk_buf_cstr(&out);
}

enum MHD_Result h_attachments_get(struct req *req)
{
    struct dk_err err;
    int64_t id = 0;
    struct dk_attachment a;
    const void *data = NULL;
    size_t len = 0;
    struct dk_ctx ctx = req_ctx(req);
    if (req_param_id(req, 0, &id, &err) != DK_OK ||
        dk_core_attachment_read(&ctx, id, &a, &data, &len, &err) != DK_OK) {
        return res_error(req, &err);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)data, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type",
                            dk_core_safe_content_type(a.type));
    MHD_add_response_header(r, "Content-Disposition",
                            content_disposition(req, a.name));
    MHD_add_response_header(r, "Content-Security-Policy",
                            "sandbox; default-src 'none'");
    return res_queue(req, 200, r);
}
