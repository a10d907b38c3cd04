/* perm.c — who may do what (DESIGN.md principle 6: deny by default,
 * checked in core). Pure functions; tests/unit/core/test_perm.c. */
#include "core/core.h"

#include <string.h>

bool dk_actor_is_system(const struct dk_actor *a)
{
    return a->id == 0;
}

bool dk_actor_is_agent(const struct dk_actor *a)
{
    return a->kind && strcmp(a->kind, "agent") == 0;
}

static bool role_is(const struct dk_actor *a, const char *role)
{
    return a->role && strcmp(a->role, role) == 0;
}

struct dk_rights dk_rights_of(const struct dk_actor *a)
{
    struct dk_rights r = {.ticket_scope = DK_SCOPE_INVITED};
    if (dk_actor_is_system(a) ||
        (dk_actor_is_agent(a) && role_is(a, "admin"))) {
        return (struct dk_rights){DK_SCOPE_ALL, true, true, true, true,
                                  true,         true, true, true, true};
    }
    if (!dk_actor_is_agent(a)) {
        return r;
    }
    if (role_is(a, "supervisor")) {
        return (struct dk_rights){
            .ticket_scope = DK_SCOPE_ALL,
            .can_create = true,
            .can_edit = true,
            .can_delete = true,
            .can_assign = true,
            .can_close = true,
            .can_merge = true,
            .can_see_reports = true,
        };
    }
    if (role_is(a, "agent")) {
        return (struct dk_rights){
            .ticket_scope = DK_SCOPE_ALL,
            .can_create = true,
            .can_edit = true,
            .can_assign = true,
            .can_close = true,
            .can_merge = true,
        };
    }
    return r; /* collaborators and unknown roles: nothing beyond invites */
}

bool dk_can_see_ticket(const struct dk_actor *a, const struct dk_ticket *t)
{
    if (dk_actor_is_system(a)) {
        return true;
    }
    if (!dk_actor_is_agent(a)) {
        return t->requester.id == a->id;
    }
    struct dk_rights r = dk_rights_of(a);
    switch (r.ticket_scope) {
    case DK_SCOPE_ALL:
        return true;
    case DK_SCOPE_ASSIGNED:
    case DK_SCOPE_GROUPS:
        return t->assignee.id == a->id;
    case DK_SCOPE_INVITED:
        return false; /* invitations arrive with the access-rights issue */
    }
    return false;
}

/* The fields that are only ever the team's to set. */
static const char *agent_field(const struct dk_ticket_input *in)
{
    return in->has_priority       ? "priority"
           : in->has_assignee     ? "assignee_id"
           : in->has_group        ? "group_id"
           : in->has_requester_id ? "requester_id"
           : in->has_requester    ? "requester"
           : in->has_deadline     ? "deadline"
           : in->has_channel      ? "channel"
           : in->has_tags         ? "tags"
           : in->has_followers    ? "follower_ids"
                                  : NULL;
}

const char *dk_customer_denied_field(const struct dk_actor *a,
                                     const struct dk_ticket *t,
                                     const struct dk_ticket_input *in)
{
    const char *field = agent_field(in);
    if (field) {
        return field;
    }
    if (!t) {
        return in->has_status ? "status" : NULL;
    }
    if (t->requester.id == a->id) {
        return NULL;
    }
    /* Visible but not theirs (an organisation's shared ticket): read and
     * reply, never edit. */
    return in->has_subject       ? "subject"
           : in->has_description ? "description"
           : in->has_status      ? "status"
                                 : NULL;
}

bool dk_can_see_event(const struct dk_actor *a, const struct dk_event *e)
{
    if (dk_actor_is_system(a)) {
        return true;
    }
    if (!dk_actor_is_agent(a)) {
        return !e->is_internal && e->requester_id == a->id && e->ticket_id != 0;
    }
    return dk_rights_of(a).ticket_scope == DK_SCOPE_ALL;
}

bool dk_is_unread(int64_t last_event_id, int64_t seen_event_id)
{
    return seen_event_id < last_event_id;
}
