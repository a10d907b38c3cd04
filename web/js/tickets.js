// tickets.js — the tickets table: filters and sort live in the URL (so a
// view can be linked, and the dashboard links into it), one page of 50 from
// the server at a time with keyset cursors (fast at any size), in-place
// status, priority and assignee pickers, a row menu to edit or delete,
// j/k/Enter keys, and live refresh from the stream.

import { useEffect, useRef, useState, useCallback } from "/vendor/hooks.mjs";
import { api } from "./api.js";
import { t, formatTime, formatRelative, formatNumber, enumName } from "./i18n.js";
import {
  html,
  useSession,
  StatusPicker,
  PriorityPicker,
  AssigneePicker,
  ConfirmDialog,
  toast,
  errorText,
  isAgent,
  isSupervisor,
  statusOf,
  fromLocalInput,
  CHANNELS,
  usePopover,
  useLiveRefresh,
} from "./ui.js";
import { navigate } from "./router.js";
import { TicketPanel } from "./panel.js";
import { TicketForm } from "./form.js";

const FILTERS = [
  "q",
  "status",
  "priority",
  "assignee",
  "group",
  "tag",
  "channel",
  "requester",
  "created_after",
  "created_before",
  "deadline_before",
  "unread",
];
const PAGE_SIZES = [25, 50, 100];
const DEFAULT_SORT = "-number";

// The columns, and the API sort field of the sortable ones.
const COLUMNS = [
  { id: "number", sort: "number" },
  { id: "subject", sort: "subject" },
  { id: "status", sort: "status" },
  { id: "priority", sort: "priority" },
  { id: "assignee" },
  { id: "requester" },
  { id: "channel" },
  { id: "created", sort: "created_at" },
  { id: "deadline", sort: "deadline" },
  { id: "tags" },
];

// The statuses a ticket is still being worked in (not of category closed).
export function unresolvedKeys(ref) {
  return ref.statuses.filter((s) => s.category !== "closed").map((s) => s.key);
}

export function ticketsHref(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") {
      q.set(k, Array.isArray(v) ? v.join(",") : String(v));
    }
  }
  const s = q.toString();
  return `/tickets${s ? `?${s}` : ""}`;
}

function filtersOf(query) {
  const f = {};
  for (const k of FILTERS) {
    const v = query.get(k);
    if (v) {
      f[k] = v;
    }
  }
  return f;
}

function withQuery(query, changes, number) {
  const q = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === null || v === "" || v === false) {
      q.delete(k);
    } else {
      q.set(k, String(v));
    }
  }
  const s = q.toString();
  return `/tickets${number ? `/${number}` : ""}${s ? `?${s}` : ""}`;
}

// A date input gives a local day; the API wants a UTC instant.
function dayStart(value) {
  return value ? fromLocalInput(`${value}T00:00`) : undefined;
}

function dayEnd(value) {
  return value ? fromLocalInput(`${value}T23:59`) : undefined;
}

function apiParams(filters, sort, limit, cursor) {
  const p = { ...filters, sort, limit, cursor };
  if (filters.created_after) {
    p.created_after = dayStart(filters.created_after);
  }
  if (filters.created_before) {
    p.created_before = dayEnd(filters.created_before);
  }
  if (filters.deadline_before) {
    p.deadline_before = dayEnd(filters.deadline_before);
  }
  return p;
}

// ---- the filter bar ----

// Labels point at their control with for/id: a label wrapping a select
// would make the select's current value part of the control's name.
function FilterSelect({ label, name, value, onChange, children }) {
  const id = `filter-${name}`;
  return html`<div class="filter">
    <label for=${id}>${label}</label>
    <select id=${id} name=${name} value=${value || ""} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${children}
    </select>
  </div>`;
}

function FilterDate({ label, name, value, onChange }) {
  const id = `filter-${name}`;
  return html`<div class="filter">
    <label for=${id}>${label}</label>
    <input id=${id} type="date" value=${value || ""} onChange=${(e) => onChange(e.currentTarget.value)} />
  </div>`;
}

function FilterBar({ query, number }) {
  const { ref, me } = useSession();
  const f = filtersOf(query);
  const set = (changes) => navigate(withQuery(query, { ...changes, cursor: null }, number));
  const unresolved = unresolvedKeys(ref).join(",");
  const [tag, setTag] = useState(f.tag || "");
  useEffect(() => setTag(f.tag || ""), [f.tag]);
  const agent = isAgent(me);
  const active = Object.keys(f).filter((k) => k !== "q").length > 0;
  return html`<div class="filters" role="group" aria-label=${t("filters.title")}>
    <div class="quick-views">
      ${agent &&
      html`<button
          type="button"
          class="chip"
          aria-pressed=${f.unread === "true"}
          onClick=${() => set({ unread: f.unread === "true" ? null : "true" })}
        >
          ${t("filters.unread_only")}
        </button>
        <button
          type="button"
          class="chip"
          aria-pressed=${f.assignee === "none"}
          onClick=${() => set({ assignee: f.assignee === "none" ? null : "none" })}
        >
          ${t("filters.unassigned")}
        </button>`}
    </div>
    <${FilterSelect}
      label=${t("field.status")}
      name="status"
      value=${f.status}
      onChange=${(v) => set({ status: v })}
    >
      <option value="">${t("filters.any_status")}</option>
      <option value=${unresolved}>${t("filters.unresolved")}</option>
      ${ref.statuses.map(
        (s) => html`<option value=${s.key}>${enumName("status", s)}</option>`,
      )}
    <//>
    <${FilterSelect}
      label=${t("field.priority")}
      name="priority"
      value=${f.priority}
      onChange=${(v) => set({ priority: v })}
    >
      <option value="">${t("filters.any_priority")}</option>
      ${ref.priorities.map(
        (p) => html`<option value=${p.key}>${enumName("priority", p)}</option>`,
      )}
    <//>
    ${agent &&
    html`<${FilterSelect}
        label=${t("field.assignee")}
        name="assignee"
        value=${f.assignee}
        onChange=${(v) => set({ assignee: v })}
      >
        <option value="">${t("filters.anyone")}</option>
        <option value="me">${t("filters.me")}</option>
        <option value="none">${t("ticket.unassigned")}</option>
        ${ref.agents.map((a) => html`<option value=${String(a.id)}>${a.name}</option>`)}
      <//>
      <${FilterSelect}
        label=${t("field.group")}
        name="group"
        value=${f.group}
        onChange=${(v) => set({ group: v })}
      >
        <option value="">${t("filters.any_group")}</option>
        <option value="none">${t("ticket.no_group")}</option>
        ${ref.groups.map((g) => html`<option value=${String(g.id)}>${g.name}</option>`)}
      <//>`}
    <${FilterSelect}
      label=${t("field.channel")}
      name="channel"
      value=${f.channel}
      onChange=${(v) => set({ channel: v })}
    >
      <option value="">${t("filters.any_channel")}</option>
      ${CHANNELS.map((c) => html`<option value=${c}>${t(`channel.${c}`)}</option>`)}
    <//>
    <form
      class="filter"
      onSubmit=${(e) => {
        e.preventDefault();
        set({ tag: tag.trim().toLowerCase() });
      }}
    >
      <label for="filter-tag">${t("field.tag")}</label>
      <input
        id="filter-tag"
        type="text"
        value=${tag}
        placeholder=${t("filters.tag_placeholder")}
        onInput=${(e) => setTag(e.currentTarget.value)}
        onBlur=${() => tag.trim().toLowerCase() !== (f.tag || "") && set({ tag: tag.trim().toLowerCase() })}
      />
    </form>
    <${FilterDate}
      label=${t("filters.created_from")}
      name="created_after"
      value=${f.created_after}
      onChange=${(v) => set({ created_after: v })}
    />
    <${FilterDate}
      label=${t("filters.created_to")}
      name="created_before"
      value=${f.created_before}
      onChange=${(v) => set({ created_before: v })}
    />
    ${active &&
    html`<button
      type="button"
      class="link-button clear-filters"
      onClick=${() => navigate(withQuery(new URLSearchParams(f.q ? { q: f.q } : {}), {}, number))}
    >
      ${t("filters.clear")}
    </button>`}
  </div>`;
}

// ---- the table ----

function SortHeader({ column, sort, onSort }) {
  const label = t(`column.${column.id}`);
  if (!column.sort) {
    return html`<th scope="col" class=${`col-${column.id}`}>${label}</th>`;
  }
  const keys = sort.split(",");
  const first = keys[0];
  const dir = first === column.sort ? "ascending" : first === `-${column.sort}` ? "descending" : null;
  return html`<th scope="col" class=${`col-${column.id}`} aria-sort=${dir || "none"}>
    <button
      type="button"
      class="sort"
      onClick=${() => onSort(dir === "ascending" ? `-${column.sort}` : column.sort)}
    >
      ${column.id === "number" ? html`<span aria-hidden="true">#</span><span class="sr-only">${label}</span>` : label}
      <span class="sort-mark" aria-hidden="true">${dir === "ascending" ? "▲" : dir === "descending" ? "▼" : "↕"}</span>
    </button>
  </th>`;
}

function RowMenu({ ticket, onEdit, onDelete }) {
  const { open, setOpen, box } = usePopover();
  useEffect(() => {
    const first = open && box.current && box.current.querySelector("[role=menuitem]");
    if (first) {
      first.focus();
    }
  }, [open]);
  const { me } = useSession();
  const canDelete = isSupervisor(me);
  return html`<div class="row-menu" ref=${box}>
    <button
      type="button"
      class="icon-button"
      aria-haspopup="menu"
      aria-expanded=${open}
      aria-label=${t("table.actions_for", { n: ticket.number })}
      onClick=${() => setOpen(!open)}
    >
      ⋯
    </button>
    ${open &&
    html`<div class="popover menu" role="menu">
      <button type="button" role="menuitem" class="menu-item" onClick=${() => { setOpen(false); onEdit(ticket); }}>
        ${t("action.edit")}
      </button>
      ${canDelete &&
      html`<button
        type="button"
        role="menuitem"
        class="menu-item danger"
        onClick=${() => { setOpen(false); onDelete(ticket); }}
      >
        ${t("action.delete")}
      </button>`}
    </div>`}
  </div>`;
}

function Deadline({ at, closed }) {
  if (!at) {
    return html`<span class="muted">—</span>`;
  }
  const late = !closed && new Date(at).getTime() < Date.now();
  return html`<time datetime=${at} class=${late ? "late" : ""} title=${formatTime(at)}>
    ${formatTime(at, false)}
  </time>`;
}

function TicketRow({ ticket, selected, onPatch, onEdit, onDelete }) {
  const { ref, me } = useSession();
  const agent = isAgent(me);
  const n = ticket.number;
  const st = statusOf(ref, ticket.status);
  const closed = st && st.category === "closed";
  const open = () => navigate(`/tickets/${n}${location.search}`);
  return html`<tr
    class=${[ticket.unread ? "unread" : "", selected ? "selected" : ""].join(" ")}
    data-number=${n}
    onClick=${(e) => {
      if (!e.target.closest("a, button, select, input")) {
        open();
      }
    }}
  >
    <td class="col-number">#${n}</td>
    <td class="col-subject">
      ${ticket.unread && html`<span class="unread-dot" title=${t("table.unread")}><span class="sr-only">${t("table.unread")}</span></span>`}
      <a href=${`/tickets/${n}${location.search}`}>${ticket.subject}</a>
    </td>
    <td class="col-status">
      ${agent
        ? html`<${StatusPicker}
            value=${ticket.status}
            label=${t("table.status_of", { n })}
            onChange=${(v) => onPatch(ticket, { status: v })}
          />`
        : html`<span class=${`pill status-${st ? st.category : "open"}`}>${enumName("status", st)}</span>`}
    </td>
    <td class="col-priority">
      ${agent
        ? html`<${PriorityPicker}
            value=${ticket.priority}
            label=${t("table.priority_of", { n })}
            onChange=${(v) => onPatch(ticket, { priority: v })}
          />`
        : enumName("priority", ref.priorities.find((p) => p.key === ticket.priority))}
    </td>
    <td class="col-assignee">
      ${agent
        ? html`<${AssigneePicker}
            value=${ticket.assignee}
            label=${t("table.assignee_of", { n })}
            onChange=${(v) => onPatch(ticket, { assignee_id: v })}
          />`
        : ticket.assignee
          ? ticket.assignee.name
          : "—"}
    </td>
    <td class="col-requester">
      <span title=${ticket.requester.email || ""}>${ticket.requester.name || ticket.requester.email}</span>
    </td>
    <td class="col-channel">${t(`channel.${ticket.channel}`)}</td>
    <td class="col-created">
      <time datetime=${ticket.created_at} title=${formatTime(ticket.created_at)}>
        ${formatRelative(ticket.created_at)}
      </time>
    </td>
    <td class="col-deadline"><${Deadline} at=${ticket.deadline} closed=${closed} /></td>
    <td class="col-tags">
      ${ticket.tags.map((tag) => html`<span class="tag" key=${tag}>${tag}</span>`)}
    </td>
    <td class="col-actions">
      ${agent && html`<${RowMenu} ticket=${ticket} onEdit=${onEdit} onDelete=${onDelete} />`}
    </td>
  </tr>`;
}

function Pager({ page, cursors, limit, onPrev, onNext, onLimit }) {
  const start = page.items.length ? cursors.length * limit + 1 : 0;
  const end = cursors.length * limit + page.items.length;
  return html`<nav class="pager" aria-label=${t("table.pages")}>
    <span class="range">
      ${t("table.range", {
        from: formatNumber(start),
        to: formatNumber(end),
        total: formatNumber(page.total),
      })}
    </span>
    <div class="filter inline">
      <label for="page-size">${t("table.per_page")}</label>
      <select id="page-size" value=${String(limit)} onChange=${(e) => onLimit(Number(e.currentTarget.value))}>
        ${PAGE_SIZES.map((n) => html`<option value=${String(n)}>${n}</option>`)}
      </select>
    </div>
    <button type="button" class="button small" disabled=${!cursors.length} onClick=${onPrev}>
      ← ${t("table.previous")}
    </button>
    <button type="button" class="button small" disabled=${!page.next_cursor} onClick=${onNext}>
      ${t("table.next")} →
    </button>
  </nav>`;
}

function useTicketPage(filters, sort, limit) {
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  // cursors[i] is the cursor of page i + 1; the current page's is `cursor`.
  const [cursors, setCursors] = useState([]);
  const [cursor, setCursor] = useState(null);
  const key = JSON.stringify([filters, sort, limit]);
  const seq = useRef(0);

  const load = useCallback(
    async (at) => {
      const mine = ++seq.current;
      try {
        const p = await api.get("/tickets", apiParams(filters, sort, limit, at));
        if (mine === seq.current) {
          setPage(p);
          setError(null);
        }
      } catch (e) {
        if (mine === seq.current) {
          setError(e);
        }
      }
    },
    [key],
  );

  useEffect(() => {
    setCursors([]);
    setCursor(null);
    load(null);
  }, [key]);

  return {
    page,
    setPage,
    error,
    cursors,
    reload: () => load(cursor),
    next: () => {
      setCursors([...cursors, cursor]);
      setCursor(page.next_cursor);
      load(page.next_cursor);
    },
    prev: () => {
      const back = cursors[cursors.length - 1] || null;
      setCursors(cursors.slice(0, -1));
      setCursor(back);
      load(back);
    },
  };
}

export function TicketsScreen({ query, number }) {
  const { me } = useSession();
  const filters = filtersOf(query);
  const sort = query.get("sort") || DEFAULT_SORT;
  const limit = PAGE_SIZES.includes(Number(query.get("limit"))) ? Number(query.get("limit")) : 50;
  const list = useTicketPage(filters, sort, limit);
  const [selected, setSelected] = useState(0);
  const [editing, setEditing] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const tableRef = useRef(null);

  // Live: anything about tickets refreshes the page we show, ~3×/s at most.
  useLiveRefresh(
    (e) => e.type.startsWith("ticket.") || e.type === "message.created",
    () => list.reload(),
    300,
  );

  const items = list.page ? list.page.items : [];

  // j/k move, Enter opens; ignored while typing or with the panel's focus.
  useEffect(() => {
    const onKey = (e) => {
      if (number || e.ctrlKey || e.metaKey || e.altKey || document.querySelector("dialog[open]")) {
        return;
      }
      if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable], .panel")) {
        return;
      }
      if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        setSelected((i) => {
          const next = Math.max(0, Math.min(items.length - 1, i + (e.key === "j" ? 1 : -1)));
          // Focus follows the selection, so screen readers announce the
          // ticket and Enter on the focused link opens it.
          const row = tableRef.current && tableRef.current.querySelectorAll("tbody tr")[next];
          const link = row && row.querySelector(".col-subject a");
          if (link) {
            link.focus();
            row.scrollIntoView({ block: "nearest" });
          }
          return next;
        });
      } else if (e.key === "Enter" && items[selected] && !e.target.closest("a, button")) {
        e.preventDefault();
        navigate(`/tickets/${items[selected].number}${location.search}`);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [items, selected, number]);

  useEffect(() => setSelected(0), [JSON.stringify([filters, sort])]);

  const patch = async (ticket, body) => {
    try {
      const updated = await api.patch(`/tickets/${ticket.number}`, body);
      list.setPage((p) => p && {
        ...p,
        items: p.items.map((x) => (x.number === updated.number ? { ...updated, unread: false } : x)),
      });
      toast(t("ticket.saved", { n: ticket.number }), "success");
    } catch (e) {
      toast(errorText(e), "error");
      list.reload();
    }
  };

  const remove = async () => {
    const n = deleting.number;
    try {
      await api.del(`/tickets/${n}`);
      setDeleting(null);
      toast(t("ticket.deleted", { n }), "success");
      if (number === n) {
        navigate(withQuery(query, {}, null));
      }
      list.reload();
    } catch (e) {
      toast(errorText(e), "error");
    }
  };

  // Behind a dialog the rest is inert: out of the tab order and of the
  // accessibility tree.
  const behind = editing || deleting ? { inert: true, "aria-hidden": "true" } : {};

  // Opening a ticket marks it read on the server; the row stops being bold.
  const markRead = (ticket) =>
    list.setPage((p) => p && {
      ...p,
      items: p.items.map((x) => (x.number === ticket.number ? { ...x, unread: false } : x)),
    });

  // Back to the table, focus on the row that was open.
  const closePanel = (n) => {
    navigate(withQuery(query, {}, null));
    setTimeout(() => {
      const link = document.querySelector(`tr[data-number="${n}"] .col-subject a`);
      if (link) {
        link.focus();
      }
    });
  };

  const title = filters.q ? t("tickets.search_title", { q: filters.q }) : t("tickets.title");
  // An open ticket takes the table's place (its page, filters and sort are
  // kept, and come back when it closes): one set of controls on screen, so
  // every label names one thing.
  return html`<div class=${number ? "tickets with-panel" : "tickets"}>
    ${!number &&
    html`<section class="table-area" aria-labelledby="tickets-title" ...${behind}>
      <header class="screen-head">
        <h1 id="tickets-title">${title}</h1>
        ${list.page && html`<span class="count">${t("tickets.count", { n: list.page.total, formatted: formatNumber(list.page.total) })}</span>`}
      </header>
      <${FilterBar} query=${query} number=${number} />
      ${list.error && html`<p class="form-error" role="alert">${errorText(list.error)}</p>`}
      <div class="table-scroll">
        <table class="tickets-table" ref=${tableRef} aria-labelledby="tickets-title" aria-busy=${!list.page}>
          <thead>
            <tr>
              ${COLUMNS.map(
                (c) => html`<${SortHeader}
                  key=${c.id}
                  column=${c}
                  sort=${sort}
                  onSort=${(s) => navigate(withQuery(query, { sort: s }, number))}
                />`,
              )}
              <th scope="col" class="col-actions"><span class="sr-only">${t("column.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (tk, i) => html`<${TicketRow}
                key=${tk.number}
                ticket=${tk}
                selected=${i === selected}
                onPatch=${patch}
                onEdit=${setEditing}
                onDelete=${setDeleting}
              />`,
            )}
          </tbody>
        </table>
        ${list.page && items.length === 0 &&
        html`<div class="empty-state">
          <p>${filters.q || Object.keys(filters).length ? t("tickets.none_match") : t("tickets.none")}</p>
        </div>`}
      </div>
      ${list.page &&
      html`<${Pager}
        page=${list.page}
        cursors=${list.cursors}
        limit=${limit}
        onPrev=${list.prev}
        onNext=${list.next}
        onLimit=${(n) => navigate(withQuery(query, { limit: n === 50 ? null : n }, number))}
      />`}
    </section>`}
    ${number &&
    html`<${TicketPanel}
      key=${number}
      number=${number}
      onClose=${() => closePanel(number)}
      onEdit=${setEditing}
      onDelete=${setDeleting}
      onLoaded=${markRead}
      behind=${behind}
    />`}
    ${editing &&
    html`<${TicketForm}
      ticket=${editing}
      onClose=${() => setEditing(null)}
      onSaved=${(tk) => {
        setEditing(null);
        toast(t("ticket.saved", { n: tk.number }), "success");
        list.reload();
      }}
    />`}
    ${deleting &&
    html`<${ConfirmDialog}
      title=${t("delete.title", { n: deleting.number })}
      text=${t("delete.text", { subject: deleting.subject })}
      confirm=${t("action.delete")}
      onConfirm=${remove}
      onClose=${() => setDeleting(null)}
    />`}
  </div>`;
}
