/* test_perm.c — role rights (shared/API.md, Access rights), ticket and
 * event visibility, the unread rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"

static struct dk_actor agent_with_role(const char *role)
{
    struct dk_actor a = {.id = 5, .kind = "agent", .role = role, .name = "A"};
    return a;
}

static void test_dk_rights_of__defaults_per_role(void **state)
{
    (void)state;
    struct dk_actor admin = agent_with_role("admin");
    struct dk_rights r = dk_rights_of(&admin);
    assert_true(r.ticket_scope == DK_SCOPE_ALL && r.can_create && r.can_edit &&
                r.can_delete && r.can_assign && r.can_close && r.can_merge &&
                r.can_see_reports && r.can_manage_users &&
                r.can_manage_settings);
    struct dk_actor sup = agent_with_role("supervisor");
    r = dk_rights_of(&sup);
    assert_true(r.ticket_scope == DK_SCOPE_ALL && r.can_create && r.can_edit &&
                r.can_delete && r.can_assign && r.can_close && r.can_merge &&
                r.can_see_reports);
    assert_false(r.can_manage_users || r.can_manage_settings);
    struct dk_actor agent = agent_with_role("agent");
    r = dk_rights_of(&agent);
    assert_true(r.ticket_scope == DK_SCOPE_ALL && r.can_create && r.can_edit &&
                r.can_assign && r.can_close && r.can_merge);
    assert_false(r.can_delete || r.can_see_reports || r.can_manage_users ||
                 r.can_manage_settings);
    struct dk_actor collab = agent_with_role("collaborator");
    r = dk_rights_of(&collab);
    assert_true(r.ticket_scope == DK_SCOPE_INVITED);
    assert_false(r.can_create || r.can_edit || r.can_delete);
}

static void
test_dk_rights_of__customers_and_unknown_roles_get_nothing(void **state)
{
    (void)state;
    struct dk_actor customer = {
        .id = 9, .kind = "customer", .role = "customer"};
    struct dk_rights r = dk_rights_of(&customer);
    assert_false(r.can_create || r.can_edit || r.can_manage_users);
    struct dk_actor odd = agent_with_role("boss");
    r = dk_rights_of(&odd);
    assert_true(r.ticket_scope == DK_SCOPE_INVITED);
    assert_false(r.can_edit);
}

static void test_dk_can_see_ticket__customers_only_their_own(void **state)
{
    (void)state;
    struct dk_ticket t = {.requester = {9, "C"}};
    struct dk_actor owner = {.id = 9, .kind = "customer", .role = "customer"};
    struct dk_actor other = {.id = 10, .kind = "customer", .role = "customer"};
    struct dk_actor agent = agent_with_role("agent");
    struct dk_actor collab = agent_with_role("collaborator");
    struct dk_actor system = {0};
    assert_true(dk_can_see_ticket(&owner, &t));
    assert_false(dk_can_see_ticket(&other, &t));
    assert_true(dk_can_see_ticket(&agent, &t));
    assert_false(dk_can_see_ticket(&collab, &t));
    assert_true(dk_can_see_ticket(&system, &t));
}

static void test_dk_can_see_event__notes_never_reach_customers(void **state)
{
    (void)state;
    struct dk_actor customer = {
        .id = 9, .kind = "customer", .role = "customer"};
    struct dk_actor agent = agent_with_role("agent");
    struct dk_event reply = {.ticket_id = 1, .requester_id = 9};
    struct dk_event note = {
        .ticket_id = 1, .requester_id = 9, .is_internal = true};
    struct dk_event others = {.ticket_id = 2, .requester_id = 10};
    struct dk_event config = {.ticket_id = 0, .is_internal = true};
    assert_true(dk_can_see_event(&customer, &reply));
    assert_false(dk_can_see_event(&customer, &note));
    assert_false(dk_can_see_event(&customer, &others));
    assert_false(dk_can_see_event(&customer, &config));
    assert_true(dk_can_see_event(&agent, &note));
    assert_true(dk_can_see_event(&agent, &config));
}

static void
test_dk_customer_denied_field__own_words_and_own_status(void **state)
{
    (void)state;
    struct dk_actor customer = {
        .id = 9, .kind = "customer", .role = "customer"};
    struct dk_ticket own = {.requester = {9, "C"}};
    struct dk_ticket shared = {.requester = {10, "D"}};
    struct dk_ticket_input words = {.has_subject = true,
                                    .subject = "new",
                                    .has_description = true,
                                    .description = "more"};
    struct dk_ticket_input status = {.has_status = true, .status = "closed"};
    struct dk_ticket_input priority = {.has_subject = true,
                                       .has_priority = true};
    assert_null(dk_customer_denied_field(&customer, NULL, &words));
    assert_null(dk_customer_denied_field(&customer, &own, &words));
    assert_null(dk_customer_denied_field(&customer, &own, &status));
    assert_string_equal(dk_customer_denied_field(&customer, NULL, &status),
                        "status");
    assert_string_equal(dk_customer_denied_field(&customer, &own, &priority),
                        "priority");
    assert_string_equal(dk_customer_denied_field(&customer, &shared, &words),
                        "subject");
    assert_string_equal(dk_customer_denied_field(&customer, &shared, &status),
                        "status");
}

static void test_dk_is_unread__something_new_since_last_seen(void **state)
{
    (void)state;
    assert_true(dk_is_unread(5, 0));  /* never opened */
    assert_true(dk_is_unread(5, 4));  /* an event since */
    assert_false(dk_is_unread(5, 5)); /* seen the newest */
    assert_false(dk_is_unread(0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dk_rights_of__defaults_per_role),
        cmocka_unit_test(
            test_dk_rights_of__customers_and_unknown_roles_get_nothing),
        cmocka_unit_test(test_dk_can_see_ticket__customers_only_their_own),
        cmocka_unit_test(test_dk_can_see_event__notes_never_reach_customers),
        cmocka_unit_test(
            test_dk_customer_denied_field__own_words_and_own_status),
        cmocka_unit_test(test_dk_is_unread__something_new_since_last_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
