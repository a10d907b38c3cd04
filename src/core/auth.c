/* auth.c — passwords (argon2id), sessions, API tokens and the first-start
 * admin. Secrets are random 32-byte values shown once; the database keeps
 * only their SHA-256. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/internal.h"

static const int64_t session_ttl_ms = 14LL * 24 * 3600 * 1000;

const char *core_random_secret(struct dk_arena *arena, size_t n_bytes)
{
    unsigned char raw[64];
    if (n_bytes > sizeof(raw)) {
        dk_bug("secret too long");
    }
    randombytes_buf(raw, n_bytes);
    struct dk_buf out;
    dk_buf_init_arena(&out, arena, 128);
    dk_buf_append_base64url(&out, raw, n_bytes);
    sodium_memzero(raw, sizeof(raw));
    return dk_buf_take(&out);
}

const char *core_secret_hash(struct dk_arena *arena, const char *secret)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)secret, strlen(secret));
    struct dk_buf out;
    dk_buf_init_arena(&out, arena, 2 * sizeof(digest));
    dk_buf_append_hex(&out, digest, sizeof(digest));
    return dk_buf_take(&out);
}

bool dk_core_secret_equal(const char *a, const char *b)
{
    size_t len = strlen(a);
    if (len != strlen(b)) {
        return false;
    }
    return sodium_memcmp(a, b, len) == 0;
}

enum dk_status core_password_hash(struct dk_arena *arena, const char *password,
                                  const char **out, struct dk_err *err)
{
    char *hash = dk_arena_alloc(arena, crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(hash, password, strlen(password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        dk_log_error("auth: argon2id hashing failed (out of memory?)");
        return dk_fail(err, DK_INTERNAL, NULL, "cannot hash the password");
    }
    *out = hash;
    return DK_OK;
}

bool core_password_verify(const char *hash, const char *password)
{
    if (!hash) {
        return false;
    }
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void actor_from_user(struct dk_actor *a, const struct dk_user *u)
{
    memset(a, 0, sizeof(*a));
    a->id = u->id;
    a->kind = u->kind;
    a->role = u->role;
    a->name = u->name;
}

/* ---- first start ---- */

enum dk_status dk_core_seed(struct dk_core *core, struct dk_arena *arena,
                            const char *email, const char *password,
                            const char **generated, struct dk_err *err)
{
    *generated = NULL;
    struct dk_actor system = {0};
    struct dk_ctx ctx = {core, &system, arena};
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(&ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    int64_t n_users = 0;
    s = dk_store_user_count(ctx_tx.tx, &n_users, err);
    core_rollback(&ctx_tx);
    if (s != DK_OK || n_users > 0) {
        return s;
    }
    if (!password || !*password) {
        password = core_random_secret(arena, 15);
        *generated = password;
    }
    struct dk_user_input in = {
        .has_kind = true,
        .kind = "agent",
        .has_role = true,
        .role = "admin",
        .has_name = true,
        .name = "Administrator",
        .has_email = true,
        .email = email,
        .has_password = true,
        .password = password,
    };
    struct dk_user user;
    s = core_user_prepare(&ctx, &in, &user, err);
    if (s == DK_OK) {
        s = core_begin(&ctx, DK_TX_WRITE, &ctx_tx, err);
    }
    if (s != DK_OK) {
        return s;
    }
    /* Counted again under the write lock: nodes starting together on one
     * PostgreSQL create the admin once. */
    s = dk_store_user_count(ctx_tx.tx, &n_users, err);
    if (s == DK_OK && n_users == 0) {
        s = core_user_insert(&ctx, &ctx_tx, &user, err);
    }
    if (s != DK_OK || n_users > 0) {
        core_rollback(&ctx_tx);
        *generated = NULL;
        return s;
    }
    return core_commit(&ctx, &ctx_tx, err);
}

/* ---- sessions ---- */

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

/* A real hash to verify against when the account does not exist. */
static void make_dummy_hash(void)
{
    if (crypto_pwhash_str(dummy_hash, "dummy", 5,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        dummy_hash[0] = '\0';
    }
}

static enum dk_status wrong_credentials(struct dk_err *err)
{
    return dk_fail(err, DK_UNAUTHENTICATED, NULL, "wrong email or password");
}

static enum dk_status check_login_limits(struct dk_core *core,
                                         const char *account,
                                         const char *address,
                                         int64_t *retry_after_s,
                                         struct dk_err *err)
{
    int64_t now = dk_clock_now_ms();
    int64_t wait_ms = 0;
    if (!dk_ratelimit_allows(core->login_by_account, account, now, &wait_ms) ||
        !dk_ratelimit_allows(core->login_by_address, address, now, &wait_ms)) {
        *retry_after_s = wait_ms / 1000 + 1;
        return dk_fail(err, DK_RATE_LIMITED, NULL,
                       "too many failed sign-in attempts, try again later");
    }
    return DK_OK;
}

static enum dk_status create_session(struct dk_ctx *ctx,
                                     const struct dk_user *user,
                                     struct dk_login *out, struct dk_err *err)
{
    out->session_token = core_random_secret(ctx->arena, 32);
    out->csrf_token = core_random_secret(ctx->arena, 32);
    out->user = *user;
    struct dk_session session = {
        .user_id = user->id,
        .csrf_token = out->csrf_token,
        .expires_at_ms = dk_clock_now_ms() + session_ttl_ms,
    };
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_session_insert(
        ctx_tx.tx, core_secret_hash(ctx->arena, out->session_token), &session,
        err);
    return core_end(ctx, &ctx_tx, s, err);
}

enum dk_status dk_core_login(struct dk_ctx *ctx, const char *email,
                             const char *password, const char *address,
                             struct dk_login *out, int64_t *retry_after_s,
                             struct dk_err *err)
{
    struct dk_core *core = ctx->core;
    char *account = dk_arena_strdup(ctx->arena, email ? email : "");
    dk_str_ascii_lower(account);
    enum dk_status s =
        check_login_limits(core, account, address, retry_after_s, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_user user;
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_user_get_by_email(ctx_tx.tx, account, &user, err);
    core_rollback(&ctx_tx);
    if (s != DK_OK && s != DK_NOT_FOUND) {
        return s;
    }
    bool is_ok = s == DK_OK && !user.is_disabled &&
                 core_password_verify(user.password_hash, password);
    if (s == DK_NOT_FOUND) {
        /* Spend the same time as a real check so timing does not tell
         * which addresses have accounts. */
        pthread_once(&dummy_once, make_dummy_hash);
        (void)core_password_verify(dummy_hash, password);
    }
    if (!is_ok) {
        dk_ratelimit_fail(core->login_by_account, account, dk_clock_now_ms());
        dk_ratelimit_fail(core->login_by_address, address, dk_clock_now_ms());
        return wrong_credentials(err);
    }
    dk_ratelimit_reset(core->login_by_account, account);
    return create_session(ctx, &user, out, err);
}

enum dk_status dk_core_logout(struct dk_ctx *ctx, struct dk_err *err)
{
    if (!ctx->actor->session_id) {
        return DK_OK;
    }
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_session_delete(ctx_tx.tx, ctx->actor->session_id, err);
    return core_end(ctx, &ctx_tx, s, err);
}

/* Loads the enabled user user_id into *out as an actor. */
static enum dk_status load_actor(struct dk_tx *tx, int64_t user_id,
                                 struct dk_actor *out, struct dk_err *err)
{
    struct dk_user user;
    enum dk_status s = dk_store_user_get(tx, user_id, &user, err);
    if (s == DK_NOT_FOUND || (s == DK_OK && user.is_disabled)) {
        return dk_fail(err, DK_UNAUTHENTICATED, NULL,
                       "the account is disabled or gone");
    }
    if (s == DK_OK) {
        actor_from_user(out, &user);
    }
    return s;
}

enum dk_status dk_core_auth_session(struct dk_core *core,
                                    struct dk_arena *arena, const char *cookie,
                                    struct dk_actor *out, struct dk_err *err)
{
    struct dk_tx *tx = NULL;
    enum dk_status s = dk_store_begin(core->store, DK_TX_READ, arena, &tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_session session;
    s = dk_store_session_get(tx, core_secret_hash(arena, cookie),
                             dk_clock_now_ms(), &session, err);
    if (s == DK_NOT_FOUND) {
        s = dk_fail(err, DK_UNAUTHENTICATED, NULL,
                    "the session has ended, sign in again");
    }
    if (s == DK_OK) {
        s = load_actor(tx, session.user_id, out, err);
    }
    dk_store_rollback(tx);
    if (s == DK_OK) {
        out->session_id = session.id;
        out->csrf_token = session.csrf_token;
    }
    return s;
}

enum dk_status dk_core_auth_token(struct dk_core *core, struct dk_arena *arena,
                                  const char *token, struct dk_actor *out,
                                  struct dk_err *err)
{
    struct dk_tx *tx = NULL;
    enum dk_status s = dk_store_begin(core->store, DK_TX_READ, arena, &tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_token t;
    s = dk_store_token_get_by_hash(tx, core_secret_hash(arena, token), &t, err);
    if (s == DK_NOT_FOUND) {
        s = dk_fail(err, DK_UNAUTHENTICATED, NULL,
                    "the API token is unknown or revoked");
    }
    if (s == DK_OK) {
        s = load_actor(tx, t.user_id, out, err);
    }
    dk_store_rollback(tx);
    return s;
}

/* ---- API tokens ---- */

static bool may_manage_tokens_of(const struct dk_actor *a, int64_t user_id)
{
    return user_id == a->id || dk_actor_is_system(a) ||
           dk_rights_of(a).can_manage_users;
}

enum dk_status dk_core_token_create(struct dk_ctx *ctx, int64_t user_id,
                                    const char *name, struct dk_new_token *out,
                                    struct dk_err *err)
{
    if (user_id == 0) {
        user_id = ctx->actor->id;
    }
    if (!may_manage_tokens_of(ctx->actor, user_id)) {
        return dk_fail(err, DK_DENIED, "user_id",
                       "only admins create tokens for other users");
    }
    if (!name) {
        name = "API token";
    }
    enum dk_status s = check_text("name", name, 1, DK_MAX_NAME_CHARS, err);
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_user owner;
    s = dk_store_user_get(ctx_tx.tx, user_id, &owner, err);
    if (s == DK_NOT_FOUND) {
        s = dk_fail(err, DK_INVALID, "user_id", "user %lld not found",
                    (long long)user_id);
    }
    out->secret = dk_arena_printf(ctx->arena, "dk_%s",
                                  core_random_secret(ctx->arena, 32));
    memset(&out->token, 0, sizeof(out->token));
    out->token.user_id = user_id;
    out->token.name = dk_arena_strdup(ctx->arena, name);
    out->token.created_at_ms = dk_clock_now_ms();
    if (s == DK_OK) {
        s = dk_store_token_insert(ctx_tx.tx,
                                  core_secret_hash(ctx->arena, out->secret),
                                  &out->token, &out->token.id, err);
    }
    return core_end(ctx, &ctx_tx, s, err);
}

enum dk_status dk_core_token_list(struct dk_ctx *ctx, int64_t user_id,
                                  const struct dk_page_params *p,
                                  struct dk_token_page *out, struct dk_err *err)
{
    if (user_id == 0) {
        user_id = ctx->actor->id;
    }
    if (!may_manage_tokens_of(ctx->actor, user_id)) {
        return dk_fail(err, DK_DENIED, "user_id",
                       "only admins list other users' tokens");
    }
    struct dk_page_query page;
    enum dk_status s = core_page_query(p, &page, err);
    if (s != DK_OK) {
        return s;
    }
    struct core_tx ctx_tx;
    s = core_begin(ctx, DK_TX_READ, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    s = dk_store_token_page(ctx_tx.tx, user_id, &page, out, err);
    core_rollback(&ctx_tx);
    return s;
}

enum dk_status dk_core_token_revoke(struct dk_ctx *ctx, int64_t token_id,
                                    struct dk_err *err)
{
    struct core_tx ctx_tx;
    enum dk_status s = core_begin(ctx, DK_TX_WRITE, &ctx_tx, err);
    if (s != DK_OK) {
        return s;
    }
    struct dk_token t;
    s = dk_store_token_get(ctx_tx.tx, token_id, &t, err);
    if (s == DK_OK && !may_manage_tokens_of(ctx->actor, t.user_id)) {
        /* Someone else's token: as if it did not exist. */
        s = dk_fail(err, DK_NOT_FOUND, NULL, "token not found");
    }
    if (s == DK_OK) {
        s = dk_store_token_revoke(ctx_tx.tx, token_id, dk_clock_now_ms(), err);
    }
    return core_end(ctx, &ctx_tx, s, err);
}
