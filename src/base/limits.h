/* limits.h — the maximum of every input, in one place. Each is tested at
 * the maximum and one past it. */
#ifndef DOCKET_BASE_LIMITS_H
#define DOCKET_BASE_LIMITS_H

enum {
    DK_MAX_BODY_BYTES = 1024 * 1024,    /* JSON request body */
    DK_MAX_ANON_BODY_BYTES = 64 * 1024, /* before sign-in */
    DK_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024,
    DK_MAX_JSON_DEPTH = 32,
    DK_MAX_URL_BYTES = 4096,
    DK_MAX_QUERY_PARAMS = 64,
    DK_MAX_SUBJECT_CHARS = 300,
    DK_MAX_TEXT_CHARS = 100000, /* description, message body */
    DK_MAX_NAME_CHARS = 200,
    DK_MAX_EMAIL_BYTES = 254,
    DK_MAX_PASSWORD_BYTES = 1024,
    DK_MIN_PASSWORD_CHARS = 8,
    DK_MAX_TAG_CHARS = 50,
    DK_MAX_TAGS = 50,
    DK_MAX_FOLLOWERS = 100,
    DK_MAX_ATTACHMENTS_PER_MESSAGE = 20,
    DK_MAX_MENTIONS = 20,  /* @handles resolved per message */
    DK_MAX_KEY_BYTES = 32, /* status and priority keys */
    DK_MAX_SEARCH_BYTES = 500,
    /* Words of one search that end in '*', and the characters each needs
     * before it: every prefix expands to every term it covers, so a query
     * of 166 `e*` took 48 s at 100k tickets (a review). */
    DK_MAX_SEARCH_PREFIXES = 3,
    DK_MIN_PREFIX_CHARS = 2,
    DK_MAX_SEARCH_SLOTS = 16, /* full-text searches running at once */
    DK_MAX_CURSOR_BYTES = 1024,
    DK_MAX_FILENAME_BYTES = 255,
    DK_MAX_LIST_LIMIT = 500,
    DK_DEFAULT_LIST_LIMIT = 50,
    DK_MAX_FILTER_VALUES = 50,
};

#endif
