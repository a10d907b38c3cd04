/* test_compose.c — outgoing messages: headers no input can add to,
 * encodings that keep the message 7-bit, attachments, the size bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

static struct dk_outgoing_mail sample(void)
{
    return (struct dk_outgoing_mail){
        .from_name = "Ann Agent",
        .from_address = "help@example.com",
        .to = "cust@example.org",
        .subject = "[#7] Printer",
        .message_id = "docket.7.3@example.com",
        .in_reply_to = "docket.7@example.com",
        .date_ms = 1796000000000,
        .body = "Hello\nworld",
        .ticket_number = 7,
    };
}

static const char *compose(struct dk_buf *b, const struct dk_outgoing_mail *m)
{
    struct dk_err err;
    dk_buf_init(b, 1024 * 1024);
    assert_int_equal(dk_mail_compose(m, b, &err), DK_OK);
    return dk_buf_cstr(b);
}

/* The header block (up to the blank line), for searching in. */
static char *headers_of(const char *text)
{
    const char *end = strstr(text, "\r\n\r\n");
    assert_non_null(end);
    return strndup(text, (size_t)(end - text) + 2);
}

static void test_dk_mail_compose__headers_and_crlf(void **state)
{
    (void)state;
    struct dk_buf b;
    struct dk_outgoing_mail m = sample();
    const char *text = compose(&b, &m);
    char *h = headers_of(text);
    assert_non_null(strstr(h, "From: Ann Agent <help@example.com>\r\n"));
    assert_non_null(strstr(h, "To: cust@example.org\r\n"));
    assert_non_null(strstr(h, "Subject: [#7] Printer\r\n"));
    assert_non_null(strstr(h, "Message-Id: <docket.7.3@example.com>\r\n"));
    assert_non_null(strstr(h, "In-Reply-To: <docket.7@example.com>\r\n"));
    assert_non_null(strstr(h, "References: <docket.7@example.com>\r\n"));
    assert_non_null(strstr(h, "X-Docket-Ticket: 7\r\n"));
    assert_non_null(strstr(text, "\r\n\r\nHello\r\nworld"));
    for (const char *p = text; *p; p++) {
        assert_true(*p != '\n' || (p > text && p[-1] == '\r'));
    }
    free(h);
    dk_buf_release(&b);
}

static void test_dk_mail_compose__line_breaks_add_no_header(void **state)
{
    (void)state;
    struct dk_buf b;
    struct dk_outgoing_mail m = sample();
    m.subject = "Hi\r\nBcc: victim@example.net";
    m.from_name = "Eve\nX-Evil: 1";
    const char *text = compose(&b, &m);
    char *h = headers_of(text);
    assert_null(strstr(h, "\r\nBcc:"));
    assert_null(strstr(h, "\r\nX-Evil:"));
    dk_buf_release(&b);
    free(h);
}

static void test_dk_mail_compose__non_ascii_is_encoded(void **state)
{
    (void)state;
    struct dk_buf b;
    struct dk_outgoing_mail m = sample();
    m.subject = "Nefunguje tiskárna";
    m.from_name = "Zoë";
    m.body = "Příliš žluťoučký kůň";
    const char *text = compose(&b, &m);
    for (const char *p = text; *p; p++) {
        assert_true((unsigned char)*p < 0x80);
    }
    assert_non_null(strstr(text, "=?UTF-8?"));
    assert_non_null(strstr(text, "charset=utf-8"));
    dk_buf_release(&b);
}

static void test_dk_mail_compose__attachments(void **state)
{
    (void)state;
    struct dk_buf b;
    struct dk_outgoing_mail m = sample();
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0, 1, 2};
    struct dk_mail_attachment files[] = {
        {"shot.png", "image/png", png, sizeof(png)},
        {"odd", "text/html; charset=\"x\r\nX: y\"", "<b>", 3},
    };
    m.attachments = files;
    m.n_attachments = 2;
    const char *text = compose(&b, &m);
    assert_non_null(strstr(text, "Content-Type: multipart/mixed"));
    assert_non_null(strstr(text, "Content-Type: image/png"));
    assert_non_null(strstr(text, "filename=shot.png"));
    assert_non_null(strstr(text, "iVBORwABAg==")); /* base64 of png */
    /* A type that is not one becomes application/octet-stream. */
    assert_non_null(strstr(text, "Content-Type: application/octet-stream"));
    assert_null(strstr(text, "\r\nX: y"));
    dk_buf_release(&b);
}

static void test_dk_mail_compose__too_large(void **state)
{
    (void)state;
    struct dk_buf b;
    dk_buf_init(&b, 100);
    struct dk_outgoing_mail m = sample();
    struct dk_err err;
    assert_int_equal(dk_mail_compose(&m, &b, &err), DK_TOO_LARGE);
    dk_buf_release(&b);
}

static void test_dk_mail_domain__of_an_address(void **state)
{
    (void)state;
    assert_string_equal(dk_mail_domain("a@example.com"), "example.com");
    assert_string_equal(dk_mail_domain("a@b@c.org"), "c.org");
    assert_string_equal(dk_mail_domain("nobody"), "localhost");
    assert_string_equal(dk_mail_domain("x@"), "localhost");
    assert_string_equal(dk_mail_domain(NULL), "localhost");
}

int main(void)
{
    dk_mail_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_mail_compose__headers_and_crlf),
        cmocka_unit_test(test_dk_mail_compose__line_breaks_add_no_header),
        cmocka_unit_test(test_dk_mail_compose__non_ascii_is_encoded),
        cmocka_unit_test(test_dk_mail_compose__attachments),
        cmocka_unit_test(test_dk_mail_compose__too_large),
        cmocka_unit_test(test_dk_mail_domain__of_an_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
