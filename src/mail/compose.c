/* compose.c — an outgoing message as RFC 5322 text, built with GMime: it
 * encodes non-ASCII headers (RFC 2047), folds them, and picks each part's
 * transfer encoding so the message is 7-bit clean. */
#include "mail/mail.h"

#include <curl/curl.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libraries(void)
{
    g_mime_init();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dk_bug("libcurl cannot initialise");
    }
}

void dk_mail_init(void)
{
    pthread_once(&init_once, init_libraries);
}

const char *dk_mail_domain(const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    return at && at[1] ? at + 1 : "localhost";
}

/* A copy of s fit for one header line: control characters become spaces.
 * g_free() it. */
static char *header_text(const char *s)
{
    char *copy = g_strdup(s ? s : "");
    for (char *p = copy; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
    return copy;
}

static void set_header(GMimeObject *object, const char *name, const char *value)
{
    char *clean = header_text(value);
    g_mime_object_set_header(object, name, clean, "utf-8");
    g_free(clean);
}

static void set_envelope(GMimeMessage *message,
                         const struct dk_outgoing_mail *m)
{
    char *from_name = m->from_name ? header_text(m->from_name) : NULL;
    g_mime_message_add_mailbox(message, GMIME_ADDRESS_TYPE_FROM, from_name,
                               m->from_address);
    g_free(from_name);
    g_mime_message_add_mailbox(message, GMIME_ADDRESS_TYPE_TO, NULL, m->to);
    char *subject = header_text(m->subject);
    g_mime_message_set_subject(message, subject, "utf-8");
    g_free(subject);
    GDateTime *date = g_date_time_new_from_unix_utc(m->date_ms / 1000);
    g_mime_message_set_date(message, date);
    g_date_time_unref(date);
    g_mime_message_set_message_id(message, m->message_id);
    GMimeObject *object = GMIME_OBJECT(message);
    if (m->in_reply_to) {
        char *id = g_strdup_printf("<%s>", m->in_reply_to);
        set_header(object, "In-Reply-To", id);
        set_header(object, "References", id);
        g_free(id);
    }
    if (m->ticket_number) {
        char number[24];
        g_snprintf(number, sizeof(number), "%lld", (long long)m->ticket_number);
        set_header(object, "X-Docket-Ticket", number);
    }
}

static GMimeObject *attachment_part(const struct dk_mail_attachment *a)
{
    const char *slash = a->type ? strchr(a->type, '/') : NULL;
    char *type = slash ? g_strndup(a->type, (gsize)(slash - a->type))
                       : g_strdup("application");
    char *subtype = g_strdup(slash && slash[1] ? slash + 1 : "octet-stream");
    if (!slash || strpbrk(a->type, " ;\t\r\n")) {
        g_free(type);
        g_free(subtype);
        type = g_strdup("application");
        subtype = g_strdup("octet-stream");
    }
    GMimePart *part = g_mime_part_new_with_type(type, subtype);
    g_free(type);
    g_free(subtype);
    char *name = header_text(a->name);
    g_mime_part_set_filename(part, name);
    g_free(name);
    GMimeStream *stream =
        g_mime_stream_mem_new_with_buffer(a->data, a->len ? a->len : 0);
    GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(
        stream, GMIME_CONTENT_ENCODING_DEFAULT);
    g_object_unref(stream);
    g_mime_part_set_content(part, content);
    g_object_unref(content);
    g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
    return GMIME_OBJECT(part);
}

/* The text part alone, or multipart/mixed of it and the attachments. */
static GMimeObject *body_part(const struct dk_outgoing_mail *m)
{
    GMimeTextPart *text = g_mime_text_part_new_with_subtype("plain");
    g_mime_text_part_set_text(text, m->body ? m->body : "");
    if (m->n_attachments == 0) {
        return GMIME_OBJECT(text);
    }
    GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
    g_mime_multipart_add(mixed, GMIME_OBJECT(text));
    g_object_unref(text);
    for (size_t i = 0; i < m->n_attachments; i++) {
        GMimeObject *part = attachment_part(&m->attachments[i]);
        g_mime_multipart_add(mixed, part);
        g_object_unref(part);
    }
    return GMIME_OBJECT(mixed);
}

enum dk_status dk_mail_compose(const struct dk_outgoing_mail *m,
                               struct dk_buf *out, struct dk_err *err)
{
    dk_mail_init();
    GMimeMessage *message = g_mime_message_new(TRUE);
    set_envelope(message, m);
    GMimeObject *body = body_part(m);
    g_mime_message_set_mime_part(message, body);
    g_object_unref(body);
    g_mime_object_encode(GMIME_OBJECT(message), GMIME_ENCODING_CONSTRAINT_7BIT);
    GMimeFormatOptions *options = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
    GMimeStream *stream = g_mime_stream_mem_new();
    ssize_t written =
        g_mime_object_write_to_stream(GMIME_OBJECT(message), options, stream);
    GByteArray *bytes =
        g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    enum dk_status s = DK_OK;
    if (written < 0) {
        s = dk_fail(err, DK_INTERNAL, NULL, "cannot compose the message");
    } else {
        dk_buf_append(out, bytes->data, bytes->len);
        if (out->has_failed) {
            s = dk_fail(err, DK_TOO_LARGE, NULL,
                        "message of %u bytes passes the limit of %zu",
                        bytes->len, out->max_len);
        }
    }
    g_object_unref(stream);
    g_mime_format_options_free(options);
    g_object_unref(message);
    return s;
}
