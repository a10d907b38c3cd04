/* static.c — the web app: files embedded at build time (web/ and the
 * vendored front-end packages, scripts/embed_web.py), or read from a
 * directory when developing (DOCKET_WEB_DIR). Paths without a file
 * extension are the app's own routes and get index.html. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

struct dk_embedded {
    const char *path;
    const unsigned char *data;
    size_t len;
};
extern const struct dk_embedded dk_web_files[];

enum { MAX_DEV_FILE_BYTES = 8 * 1024 * 1024 };

static const char *content_type_of(const char *path)
{
    static const struct {
        const char *ext;
        const char *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".wav", "audio/wav"},
        {".mp3", "audio/mpeg"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(dot, types[i].ext) == 0) {
            return types[i].type;
        }
    }
    return "application/octet-stream";
}

/* A relative path without empty, "." or ".." segments; NULL otherwise. */
static const char *safe_relative(const char *path)
{
    while (*path == '/') {
        path++;
    }
    if (!*path) {
        return "index.html";
    }
    for (const char *p = path; *p; p++) {
        bool is_segment_start = p == path || p[-1] == '/';
        if (is_segment_start && (*p == '/' || *p == '.')) {
            return NULL;
        }
        if ((unsigned char)*p < 0x20 || *p == '\\') {
            return NULL;
        }
    }
    /* No extension in the last segment: one of the app's own routes. */
    const char *last = strrchr(path, '/');
    if (!strchr(last ? last : path, '.')) {
        return "index.html";
    }
    return path;
}

static bool find_embedded(const char *rel, const void **data, size_t *len)
{
    for (const struct dk_embedded *f = dk_web_files; f->path; f++) {
        if (strcmp(f->path, rel) == 0) {
            *data = f->data;
            *len = f->len;
            return true;
        }
    }
    return false;
}

static bool read_dev_file(struct req *req, const char *dir, const char *rel,
                          const void **data, size_t *len)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >=
        sizeof(path)) {
        return false;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        return false;
    }
    char *buf = dk_arena_alloc(&req->arena, MAX_DEV_FILE_BYTES);
    *len = fread(buf, 1, MAX_DEV_FILE_BYTES, f);
    fclose(f);
    *data = buf;
    return true;
}

/* Headers that keep the app's pages from running anything but its own
 * scripts, and from being framed. */
static void add_page_headers(struct MHD_Response *r)
{
    MHD_add_response_header(
        r, "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' "
        "'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' "
        "data:; frame-src 'self' blob: data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
}

enum MHD_Result h_static(struct req *req)
{
    const char *rel = safe_relative(req->path);
    const void *data = NULL;
    size_t len = 0;
    const char *dir = req->server->config.web_dir;
    bool is_vendor = rel && strncmp(rel, "vendor/", 7) == 0;
    bool is_found = false;
    if (rel && dir && *dir && !is_vendor) {
        is_found = read_dev_file(req, dir, rel, &data, &len);
    }
    if (rel && !is_found) {
        is_found = find_embedded(rel, &data, &len);
    }
    if (!is_found) {
        return res_fail(req, DK_NOT_FOUND, NULL, "no such file");
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)data, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", content_type_of(rel));
    MHD_add_response_header(r, "Cache-Control",
                            is_vendor ? "public, max-age=86400" : "no-cache");
    add_page_headers(r);
    return res_queue(req, 200, r);
}
