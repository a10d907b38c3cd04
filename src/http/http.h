/* http.h — the public header of src/http: the HTTP adapter over core
 * (libmicrohttpd, epoll with a thread pool; suspended connections for the
 * event stream, so a stream costs no thread). */
#ifndef DOCKET_HTTP_HTTP_H
#define DOCKET_HTTP_HTTP_H

#include "base/base.h"
#include "core/core.h"

struct dk_server;

struct dk_http_config {
    const char *listen;    /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
    unsigned n_threads;    /* worker threads (the pool size) */
    bool is_shape_checked; /* test builds: check every JSON answer's shape */
    const char *web_dir;   /* serve web/ from here instead of the embedded
                            * copy (development); NULL: embedded */
};

/* Starts serving core (borrowed; must outlive the server). Caller stops with
 * dk_http_stop. DK_INVALID for a bad listen address, DK_INTERNAL when the
 * port cannot be bound (message says why). */
DK_MUST_USE enum dk_status dk_http_start(struct dk_core *core,
                                         const struct dk_http_config *config,
                                         struct dk_server **out,
                                         struct dk_err *err);

/* Ends every event stream, lets in-flight requests finish, stops the
 * daemon and frees the server. NULL is a no-op. */
void dk_http_stop(struct dk_server *server);

/* Parses "host:port" into a socket address. */
DK_MUST_USE enum dk_status dk_http_parse_listen(const char *text,
                                                void *sockaddr_out,
                                                unsigned *sockaddr_len,
                                                struct dk_err *err);

#endif
