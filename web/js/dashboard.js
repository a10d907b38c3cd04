// dashboard.js — the home screen: counters for unresolved, unassigned,
// unread and my tickets, an overview of open work by status and by
// priority, and for supervisors and admins the team's load per agent.
// Every figure is the `total` of a filtered list (the public API), and every
// widget links to that same filtered table. Live events refresh it.

import { useEffect, useState, useCallback } from "/vendor/hooks.mjs";
import { api } from "./api.js";
import { t, formatNumber, enumName } from "./i18n.js";
import { html, useSession, isAgent, isSupervisor, Avatar, useLiveRefresh } from "./ui.js";
import { unresolvedKeys, ticketsHref } from "./tickets.js";

const TEAM_LIMIT = 50;

function countersFor(ref, me) {
  const open = unresolvedKeys(ref);
  const list = [
    { id: "unresolved", params: { status: open } },
    { id: "unassigned", params: { status: open, assignee: "none" } },
  ];
  if (isAgent(me)) {
    list.push({ id: "unread", params: { unread: "true" } });
    list.push({ id: "mine", params: { status: open, assignee: "me" } });
  }
  for (const s of ref.statuses.filter((x) => !x.retired)) {
    list.push({ id: `status:${s.key}`, params: { status: s.key }, status: s });
  }
  for (const p of ref.priorities.filter((x) => !x.retired)) {
    list.push({ id: `priority:${p.key}`, params: { status: open, priority: p.key }, priority: p });
  }
  return list;
}

async function loadCounts(ref, me) {
  const counters = countersFor(ref, me);
  const totals = await Promise.all(
    counters.map((c) => api.count("/tickets", c.params).catch(() => null)),
  );
  const out = {};
  counters.forEach((c, i) => {
    out[c.id] = { ...c, total: totals[i] };
  });
  return out;
}

async function loadTeam(ref) {
  const open = unresolvedKeys(ref);
  const agents = ref.agents.filter((a) => a.role !== "collaborator").slice(0, TEAM_LIMIT);
  const totals = await Promise.all(
    agents.map((a) => api.count("/tickets", { status: open, assignee: a.id }).catch(() => null)),
  );
  return agents.map((a, i) => ({ agent: a, open: totals[i] }));
}

function Widget({ id, counter, tone }) {
  if (!counter) {
    return null;
  }
  return html`<a class=${`widget ${tone || ""}`} href=${ticketsHref(counter.params)}>
    <span class="widget-label">${t(`dashboard.${id}`)}</span>
    <span class="widget-value">${counter.total === null ? "–" : formatNumber(counter.total)}</span>
    <span class="widget-link">${t("dashboard.view")} <span aria-hidden="true">→</span></span>
  </a>`;
}

function Bars({ title, rows, id }) {
  const max = Math.max(1, ...rows.map((r) => r.total || 0));
  return html`<section class="card" aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    <ul class="bars">
      ${rows.map(
        (r) => html`<li key=${r.key}>
          <a href=${ticketsHref(r.params)}>
            <span class="bar-label">${r.label}</span>
            <span class="bar-track" aria-hidden="true">
              <span class=${`bar-fill ${r.tone}`} style=${`width:${((r.total || 0) / max) * 100}%`}></span>
            </span>
            <span class="bar-value">${r.total === null ? "–" : formatNumber(r.total)}</span>
          </a>
        </li>`,
      )}
    </ul>
  </section>`;
}

function Team({ team }) {
  const { ref } = useSession();
  if (!team) {
    return null;
  }
  return html`<section class="card team" aria-labelledby="team-title">
    <h2 id="team-title">${t("dashboard.team")}</h2>
    <table class="team-table">
      <thead>
        <tr>
          <th scope="col">${t("dashboard.agent")}</th>
          <th scope="col">${t("dashboard.availability")}</th>
          <th scope="col">${t("dashboard.open_assigned")}</th>
          <th scope="col">${t("dashboard.capacity")}</th>
        </tr>
      </thead>
      <tbody>
        ${team.map(
          ({ agent, open }) => html`<tr key=${agent.id}>
            <td><span class="person"><${Avatar} name=${agent.name} small /> ${agent.name}</span></td>
            <td><span class=${`presence ${agent.availability}`}>${t(`availability.${agent.availability}`)}</span></td>
            <td>
              <a href=${ticketsHref({ status: unresolvedKeys(ref), assignee: agent.id })}>
                ${open === null ? "–" : formatNumber(open)}
              </a>
            </td>
            <td>${agent.capacity === null || agent.capacity === undefined ? "∞" : agent.capacity}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

export function Dashboard() {
  const { ref, me } = useSession();
  const [counts, setCounts] = useState(null);
  const [team, setTeam] = useState(null);
  const supervises = isSupervisor(me);

  const load = useCallback(async () => {
    setCounts(await loadCounts(ref, me));
    if (supervises) {
      setTeam(await loadTeam(ref));
    }
  }, [ref, me]);

  useEffect(() => {
    load();
  }, [load]);
  useLiveRefresh(
    (e) => e.type.startsWith("ticket.") || e.type === "message.created" || e.type.startsWith("user."),
    load,
    500,
  );

  const c = counts || {};
  const byStatus = ref.statuses
    .filter((s) => !s.retired)
    .map((s) => ({
      key: s.key,
      label: enumName("status", s),
      total: c[`status:${s.key}`] ? c[`status:${s.key}`].total : null,
      params: { status: s.key },
      tone: `status-${s.category}`,
    }));
  const byPriority = ref.priorities
    .filter((p) => !p.retired)
    .map((p) => ({
      key: p.key,
      label: enumName("priority", p),
      total: c[`priority:${p.key}`] ? c[`priority:${p.key}`].total : null,
      params: { status: unresolvedKeys(ref), priority: p.key },
      tone: `priority-${p.key}`,
    }));

  return html`<div class="dashboard">
    <header class="screen-head">
      <h1>${t("dashboard.title")}</h1>
      <span class="muted">${t("dashboard.greeting", { name: me.name.split(" ")[0] })}</span>
    </header>
    <div class="widgets" aria-busy=${!counts}>
      <${Widget} id="unresolved" counter=${c.unresolved} tone="blue" />
      <${Widget} id="unassigned" counter=${c.unassigned} tone="amber" />
      ${isAgent(me) && html`<${Widget} id="unread" counter=${c.unread} tone="violet" />
        <${Widget} id="mine" counter=${c.mine} tone="green" />`}
    </div>
    <div class="overview">
      <${Bars} id="by-status" title=${t("dashboard.by_status")} rows=${byStatus} />
      <${Bars} id="by-priority" title=${t("dashboard.by_priority")} rows=${byPriority} />
    </div>
    ${supervises && html`<${Team} team=${team} />`}
  </div>`;
}
