/* smtp.c — handing a composed message to an SMTP relay through libcurl,
 * and telling a refusal for good (5xx) from one worth retrying. */
#include "mail/mail.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dk_smtp {
    CURL *curl; /* kept: libcurl reuses the connection for the next one */
    char *url;
    int64_t timeout_ms;
    long use_ssl; /* CURLUSESSL_ALL when a login would cross in clear */
    const atomic_bool *is_stopping;
    char error[CURL_ERROR_SIZE]; /* libcurl's words for the last failure */
};

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum dk_status dk_smtp_new(const struct dk_smtp_config *config,
                           struct dk_smtp **out, struct dk_err *err)
{
    *out = NULL;
    const char *url = config->url;
    if (!url || (!has_prefix(url, "smtp://") && !has_prefix(url, "smtps://")) ||
        strpbrk(url, " \t\r\n")) {
        return dk_fail(err, DK_INVALID, "smtp",
                       "'smtp' must be smtp://host[:port] or "
                       "smtps://host[:port]");
    }
    dk_mail_init();
    struct dk_smtp *smtp = dk_xcalloc(1, sizeof(*smtp));
    smtp->curl = curl_easy_init();
    if (!smtp->curl) {
        free(smtp);
        return dk_fail(err, DK_INTERNAL, NULL, "libcurl: no handle");
    }
    smtp->url = dk_xstrdup(url);
    smtp->timeout_ms = config->timeout_ms > 0 ? config->timeout_ms : 60000;
    smtp->is_stopping = config->is_stopping;
    /* A password in an smtp:// URL goes only over STARTTLS. */
    const char *host = url + strlen("smtp://");
    const char *at = strchr(host, '@');
    bool has_login = at && (!strchr(host, '/') || at < strchr(host, '/'));
    smtp->use_ssl = has_prefix(url, "smtp://") && has_login ? CURLUSESSL_ALL
                                                            : CURLUSESSL_NONE;
    *out = smtp;
    return DK_OK;
}

void dk_smtp_free(struct dk_smtp *smtp)
{
    if (!smtp) {
        return;
    }
    curl_easy_cleanup(smtp->curl);
    free(smtp->url);
    free(smtp);
}

/* The message being uploaded. */
struct upload {
    const char *data;
    size_t len;
    size_t sent;
};

static size_t read_upload(char *to, size_t size, size_t n, void *user)
{
    struct upload *u = user;
    size_t room = size * n;
    size_t left = u->len - u->sent;
    size_t chunk = left < room ? left : room;
    memcpy(to, u->data + u->sent, chunk);
    u->sent += chunk;
    return chunk;
}

/* "<address>" entries for libcurl; NULL when one cannot be made. */
static struct curl_slist *recipient_list(const char *const *rcpts, size_t n)
{
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < n; i++) {
        char entry[DK_MAX_EMAIL_BYTES + 3];
        snprintf(entry, sizeof(entry), "<%s>", rcpts[i]);
        struct curl_slist *more = curl_slist_append(list, entry);
        if (!more) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = more;
    }
    return list;
}

/* libcurl's progress callback, at least once a second: non-zero aborts.
 * Only before the whole message is uploaded: once the relay has it, its
 * answer is awaited (an abort then could leave a copy the relay took while
 * the job is sent again). */
static int check_stopping(void *user, curl_off_t dltotal, curl_off_t dlnow,
                          curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    const struct dk_smtp *smtp = user;
    bool is_uploaded = ultotal > 0 && ulnow >= ultotal;
    return smtp->is_stopping && atomic_load(smtp->is_stopping) && !is_uploaded
               ? 1
               : 0;
}

static void set_options(struct dk_smtp *smtp, const char *from,
                        struct curl_slist *rcpts, struct upload *u,
                        int64_t timeout_ms)
{
    CURL *c = smtp->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, smtp->url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, smtp->error);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(timeout_ms < 10000 ? timeout_ms : 10000));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(c, CURLOPT_USE_SSL, smtp->use_ssl);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
    /* A follower's dead address must not hold back the requester's copy. */
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, u);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->len);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, check_stopping);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, smtp);
}

/* What a failed send means. Final (DK_INVALID) only when the relay
 * refused this message: a 5xx to its recipient (RCPT) or to the message
 * itself (after the whole upload). A 5xx at the greeting, AUTH or MAIL FROM
 * is about the relay or Docket's settings, not the reply: retried. */
static enum dk_status classify(long code, const char *why, bool is_uploaded)
{
    bool is_5xx = code >= 500 && code < 600;
    bool is_about_message =
        strncmp(why, "RCPT failed", strlen("RCPT failed")) == 0 || is_uploaded;
    return is_5xx && is_about_message ? DK_INVALID : DK_BUSY;
}

enum dk_status dk_smtp_send(struct dk_smtp *smtp, const char *envelope_from,
                            const char *const *rcpts, size_t n_rcpts,
                            const char *data, size_t len, int64_t timeout_ms,
                            struct dk_err *err)
{
    if (n_rcpts == 0) {
        return dk_fail(err, DK_INVALID, NULL, "no recipient");
    }
    struct curl_slist *list = recipient_list(rcpts, n_rcpts);
    if (!list) {
        return dk_fail(err, DK_BUSY, NULL, "out of memory");
    }
    char from[DK_MAX_EMAIL_BYTES + 3];
    snprintf(from, sizeof(from), "<%s>", envelope_from);
    struct upload u = {data, len, 0};
    int64_t limit = timeout_ms > 0 && timeout_ms < smtp->timeout_ms
                        ? timeout_ms
                        : smtp->timeout_ms;
    set_options(smtp, from, list, &u, limit);
    smtp->error[0] = '\0';
    CURLcode rc = curl_easy_perform(smtp->curl);
    long code = 0;
    curl_easy_getinfo(smtp->curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(list);
    if (rc == CURLE_OK) {
        return DK_OK;
    }
    const char *why = smtp->error[0] ? smtp->error : curl_easy_strerror(rc);
    enum dk_status s = classify(code, why, u.sent == u.len);
    if (code) {
        return dk_fail(err, s, NULL, "SMTP %ld: %s", code, why);
    }
    return dk_fail(err, s, NULL, "SMTP: %s", why);
}
