// panel.js — one ticket beside the table: editable subject and fields, the
// thread (customer messages, public replies and internal notes look
// different), the composer that switches between reply and note, the
// History tab, followers, linked conversations and the requester's other
// tickets. Live events for this ticket reload it without touching what the
// agent is typing: the composer's draft and a field being edited are local
// state, and drafts are kept per ticket in localStorage.

import { useEffect, useRef, useState, useCallback } from "/vendor/hooks.mjs";
import { api } from "./api.js";
import { t, formatTime, formatRelative, formatSize, enumName } from "./i18n.js";
import {
  html,
  useSession,
  StatusPicker,
  PriorityPicker,
  AssigneePicker,
  GroupPicker,
  Avatar,
  toast,
  errorText,
  isAgent,
  isSupervisor,
  statusOf,
  priorityOf,
  toLocalInput,
  fromLocalInput,
  tagsFromText,
  useLiveRefresh,
} from "./ui.js";

function useTicket(number) {
  const [data, setData] = useState({ ticket: null, messages: [], events: [] });
  const [error, setError] = useState(null);
  const load = useCallback(async () => {
    try {
      const [ticket, messages, events] = await Promise.all([
        api.get(`/tickets/${number}`),
        api.all(`/tickets/${number}/messages`, { limit: 500 }),
        api.all(`/tickets/${number}/events`, { limit: 500 }),
      ]);
      setData({ ticket, messages, events });
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [number]);
  useEffect(() => {
    load();
  }, [number]);
  // A deleted ticket reloads as 404 and says so.
  useLiveRefresh((e) => e.ticket === number, load, 150);
  return { ...data, error, load, setTicket: (ticket) => setData((d) => ({ ...d, ticket })) };
}

// ---- the thread ----

const KIND_CLASS = { inbound: "inbound", reply: "reply", note: "note" };

function Attachments({ items }) {
  if (!items || !items.length) {
    return null;
  }
  return html`<ul class="attachments" aria-label=${t("message.attachments")}>
    ${items.map(
      (a) => html`<li key=${a.id}>
        <a href=${`/api/v1/attachments/${a.id}`} download=${a.name}>
          <span aria-hidden="true">📎</span> ${a.name}
        </a>
        <span class="muted">${formatSize(a.size)}</span>
      </li>`,
    )}
  </ul>`;
}

// Where a reply's email stands (agents only: customers get null).
function Delivery({ delivery }) {
  if (!delivery) {
    return null;
  }
  const text =
    delivery.state === "failed"
      ? t("delivery.failed", { error: delivery.error || "" })
      : t(`delivery.${delivery.state}`);
  return html`<span class=${`delivery ${delivery.state}`} title=${delivery.error || ""}>${text}</span>`;
}

// Customer text is always text: Preact escapes it, and CSS keeps its lines.
function Message({ message }) {
  const author = message.author ? message.author.name : t("message.unknown_author");
  const kind = KIND_CLASS[message.kind] || "inbound";
  return html`<article
    class=${`message ${kind}`}
    aria-label=${t(`message.kind_${kind}`) + " · " + author}
  >
    <header>
      <${Avatar} name=${author} small />
      <strong class="author">${author}</strong>
      <span class=${`kind-label ${kind}`}>${t(`message.kind_${kind}`)}</span>
      <time datetime=${message.created_at} title=${formatTime(message.created_at)}>
        ${formatRelative(message.created_at)}
      </time>
      <${Delivery} delivery=${message.delivery} />
    </header>
    <div class="message-body">${message.body}</div>
    <${Attachments} items=${message.attachments} />
  </article>`;
}

function Thread({ ticket, messages }) {
  return html`<div class="thread">
    ${ticket.description &&
    html`<article class="message description" aria-label=${`${t("field.description")} · ${ticket.requester.name}`}>
      <header>
        <${Avatar} name=${ticket.requester.name} small />
        <strong class="author">${ticket.requester.name}</strong>
        <span class="kind-label">${t("field.description")}</span>
        <time datetime=${ticket.created_at}>${formatRelative(ticket.created_at)}</time>
      </header>
      <div class="message-body">${ticket.description}</div>
    </article>`}
    ${messages.map((m) => html`<${Message} key=${m.id} message=${m} />`)}
    ${!ticket.description && !messages.length &&
    html`<p class="empty">${t("panel.no_messages")}</p>`}
  </div>`;
}

// ---- the composer ----

// Drafts are the signed-in user's (cleared at sign-out, see clearDrafts) and
// keep whether they were a reply or a note: a note must never come back as
// a reply to the customer.
const DRAFT_PREFIX = "docket.draft.";

function draftKey(userId, number) {
  return `${DRAFT_PREFIX}${userId}.${number}`;
}

function readDraft(userId, number) {
  try {
    const d = JSON.parse(localStorage.getItem(draftKey(userId, number)) || "null");
    return d && typeof d.body === "string" ? d : null;
  } catch {
    return null;
  }
}

export function clearDrafts() {
  Object.keys(localStorage)
    .filter((k) => k.startsWith(DRAFT_PREFIX))
    .forEach((k) => localStorage.removeItem(k));
}

// canNote: agents choose reply or note; canReply false (collaborators) leaves
// only notes; customers only write replies. replyRequest: a counter the
// panel bumps for the `r` key, which switches to a reply.
function Composer({ number, canNote, canReply, onSent, focusRef, replyRequest }) {
  const { me } = useSession();
  const [draft] = useState(() => readDraft(me.id, number));
  const allowed = (k) => (k === "note" ? canNote : canReply);
  const [kind, setKind] = useState(
    draft && allowed(draft.kind) ? draft.kind : canReply ? "reply" : "note",
  );
  const [body, setBody] = useState(draft ? draft.body : "");
  const [files, setFiles] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    if (body) {
      localStorage.setItem(draftKey(me.id, number), JSON.stringify({ kind, body }));
    } else {
      localStorage.removeItem(draftKey(me.id, number));
    }
  }, [body, kind]);

  useEffect(() => {
    if (replyRequest && canReply) {
      setKind("reply");
    }
  }, [replyRequest]);

  const send = async (e) => {
    if (e) {
      e.preventDefault();
    }
    if (!body.trim() || busy) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const attachments = [];
      for (const f of files) {
        const up = await api.upload(f);
        attachments.push(up.id);
      }
      await api.post(`/tickets/${number}/messages`, {
        kind,
        body,
        attachments,
      });
      setBody("");
      setFiles([]);
      toast(kind === "note" ? t("composer.note_added") : t("composer.reply_sent"), "success");
      onSent();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return html`<form
    class=${`composer ${kind}`}
    aria-label=${t("composer.title")}
    onSubmit=${send}
  >
    ${canNote &&
    canReply &&
    html`<div
      class="segmented"
      role="radiogroup"
      aria-label=${t("composer.kind")}
      onKeyDown=${(e) => {
        if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) {
          e.preventDefault();
          const next = kind === "reply" ? "note" : "reply";
          setKind(next);
          e.currentTarget.querySelector(`[data-kind=${next}]`).focus();
        }
      }}
    >
      ${["reply", "note"].map(
        (k) => html`<button
          type="button"
          role="radio"
          data-kind=${k}
          aria-checked=${kind === k}
          tabindex=${kind === k ? 0 : -1}
          class=${kind === k ? "on" : ""}
          onClick=${() => setKind(k)}
        >
          ${t(`composer.${k}`)}
        </button>`,
      )}
    </div>`}
    <label for="composer-body" class="sr-only">${t("composer.message")}</label>
    <textarea
      id="composer-body"
      ref=${focusRef}
      rows="4"
      placeholder=${kind === "note" ? t("composer.note_placeholder") : t("composer.reply_placeholder")}
      value=${body}
      onInput=${(e) => setBody(e.currentTarget.value)}
      onKeyDown=${(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          send();
        }
      }}
    ></textarea>
    ${files.length > 0 &&
    html`<ul class="chosen-files">
      ${files.map(
        (f, i) => html`<li key=${f.name + i}>
          📎 ${f.name}
          <button
            type="button"
            class="link-button"
            aria-label=${t("composer.remove_file", { name: f.name })}
            onClick=${() => setFiles(files.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </li>`,
      )}
    </ul>`}
    ${error && html`<p class="form-error" role="alert">${error}</p>`}
    <div class="composer-actions">
      <label class="button small file-button">
        ${t("composer.attach")}
        <input
          type="file"
          multiple
          class="sr-only"
          onChange=${(e) => {
            setFiles([...files, ...e.currentTarget.files]);
            e.currentTarget.value = "";
          }}
        />
      </label>
      <span class="hint">${t("composer.hint")}</span>
      <button type="submit" class="button primary" disabled=${busy || !body.trim()}>
        ${kind === "note" ? t("composer.add_note") : t("composer.send_reply")}
      </button>
    </div>
  </form>`;
}

// ---- history ----

function valueText(ref, field, v) {
  if (v === null || v === undefined || v === "") {
    return "—";
  }
  if (field === "status") {
    return enumName("status", statusOf(ref, v)) || v;
  }
  if (field === "priority") {
    return enumName("priority", priorityOf(ref, v)) || v;
  }
  if (field === "channel") {
    return t(`channel.${v}`);
  }
  if (field === "deadline" || field.endsWith("_at")) {
    return formatTime(v);
  }
  if (Array.isArray(v)) {
    return v.length ? v.map((x) => (typeof x === "object" ? x.name : x)).join(", ") : "—";
  }
  if (typeof v === "object") {
    return v.name || v.email || String(v.id);
  }
  const s = String(v);
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

function HistoryItem({ event }) {
  const { ref } = useSession();
  const who = event.actor ? event.actor.name : t("history.system");
  let what;
  if (event.type === "ticket.created") {
    what = t("history.created");
  } else if (event.type === "message.created") {
    what = t(`history.message_${event.kind || "reply"}`);
  } else if (event.type === "message.delivery_failed") {
    what = t("history.delivery_failed", { error: event.error || "" });
  } else {
    what = t("history.updated");
  }
  const changes = event.type === "ticket.created" ? {} : event.changes || {};
  return html`<li class="history-item">
    <div class="history-head">
      <strong>${who}</strong> ${what}
      <time datetime=${event.at} title=${formatTime(event.at)}>${formatRelative(event.at)}</time>
    </div>
    ${Object.keys(changes).length > 0 &&
    html`<ul class="changes">
      ${Object.entries(changes).map(
        ([field, [from, to]]) =>
          html`<li key=${field}><span class="field-name">${t(`field.${field}`)}</span>: <del>${valueText(ref, field, from)}</del> → <ins>${valueText(ref, field, to)}</ins></li>`,
      )}
    </ul>`}
  </li>`;
}

function History({ events }) {
  if (!events.length) {
    return html`<p class="empty">${t("history.empty")}</p>`;
  }
  return html`<ol class="history" aria-label=${t("panel.history")}>
    ${[...events].reverse().map((e) => html`<${HistoryItem} key=${e.id} event=${e} />`)}
  </ol>`;
}

// ---- fields ----

// A field that saves on Enter or when it loses focus — only if the agent
// typed in it, so leaving a field never writes back a value that a live
// reload changed meanwhile — and that live reloads never overwrite while
// it has focus. Escape puts the saved value back.
function InlineField({ id, label, value, onSave, className, type = "text" }) {
  const [text, setText] = useState(value || "");
  const [editing, setEditing] = useState(false);
  const dirty = useRef(false);
  useEffect(() => {
    if (!editing) {
      setText(value || "");
    }
  }, [value, editing]);
  const finish = () => {
    setEditing(false);
    if (dirty.current && text !== (value || "")) {
      onSave(text);
    }
    dirty.current = false;
  };
  return html`<input
    id=${id}
    type=${type}
    class=${className}
    aria-label=${id ? undefined : label}
    value=${text}
    onFocus=${() => setEditing(true)}
    onInput=${(e) => {
      dirty.current = true;
      setText(e.currentTarget.value);
    }}
    onBlur=${finish}
    onKeyDown=${(e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        e.currentTarget.blur();
      } else if (e.key === "Escape") {
        e.stopPropagation();
        dirty.current = false;
        setText(value || "");
        e.currentTarget.blur();
      }
    }}
  />`;
}

function Followers({ ticket, onPatch }) {
  const { ref } = useSession();
  const ids = ticket.followers.map((f) => f.id);
  const candidates = ref.agents.filter((a) => !ids.includes(a.id));
  return html`<div class="followers">
    <ul class="people">
      ${ticket.followers.map(
        (f) => html`<li key=${f.id}>
          <${Avatar} name=${f.name} small /> ${f.name}
          <button
            type="button"
            class="link-button"
            aria-label=${t("panel.remove_follower", { name: f.name })}
            onClick=${() => onPatch({ follower_ids: ids.filter((x) => x !== f.id) })}
          >
            ×
          </button>
        </li>`,
      )}
    </ul>
    <select
      aria-label=${t("panel.add_follower")}
      value=""
      onChange=${(e) => {
        const v = Number(e.currentTarget.value);
        e.currentTarget.value = "";
        if (v) {
          onPatch({ follower_ids: [...ids, v] });
        }
      }}
    >
      <option value="">${t("panel.add_follower")}</option>
      ${candidates.map((a) => html`<option value=${String(a.id)}>${a.name}</option>`)}
    </select>
  </div>`;
}

function OtherTickets({ ticket }) {
  const [items, setItems] = useState(null);
  useEffect(() => {
    api
      .get("/tickets", { requester: ticket.requester.id, limit: 6, sort: "-created_at" })
      .then((p) => setItems(p.items.filter((x) => x.number !== ticket.number).slice(0, 5)))
      .catch(() => setItems([]));
  }, [ticket.requester.id, ticket.number]);
  const { ref } = useSession();
  if (!items) {
    return null;
  }
  if (!items.length) {
    return html`<p class="muted">${t("panel.no_other_tickets")}</p>`;
  }
  return html`<ul class="other-tickets">
    ${items.map((x) => {
      const st = statusOf(ref, x.status);
      return html`<li key=${x.number}>
        <a href=${`/tickets/${x.number}${location.search}`}>#${x.number} ${x.subject}</a>
        <span class=${`pill small status-${st ? st.category : "open"}`}>${enumName("status", st)}</span>
      </li>`;
    })}
  </ul>`;
}

function Field({ label, htmlFor, children }) {
  return html`<div class="field">
    ${htmlFor ? html`<label for=${htmlFor}>${label}</label>` : html`<span class="label">${label}</span>`}
    <div class="value">${children}</div>
  </div>`;
}

// readOnly: while a dialog edits the ticket, the panel shows its values as
// text, so the dialog's fields are the only ones by those names.
function Details({ ticket, onPatch, readOnly }) {
  const { me, ref } = useSession();
  const agent = isAgent(me);
  const edit = (control, text) => (readOnly ? html`<span class="read-value">${text || "—"}</span>` : control);
  return html`<div class="details">
    <section aria-labelledby="details-title">
      <h3 id="details-title">${t("panel.details")}</h3>
      <${Field} label=${t("field.status")}>
        ${edit(
          html`<${StatusPicker}
            value=${ticket.status}
            label=${t("field.status")}
            onChange=${(v) => onPatch({ status: v })}
          />`,
          enumName("status", statusOf(ref, ticket.status)),
        )}
      <//>
      ${agent &&
      html`
        <${Field} label=${t("field.priority")}>
          ${edit(
            html`<${PriorityPicker}
              value=${ticket.priority}
              label=${t("field.priority")}
              onChange=${(v) => onPatch({ priority: v })}
            />`,
            enumName("priority", priorityOf(ref, ticket.priority)),
          )}
        <//>
        <${Field} label=${t("field.assignee")}>
          ${edit(
            html`<${AssigneePicker}
              value=${ticket.assignee}
              label=${t("field.assignee")}
              onChange=${(v) => onPatch({ assignee_id: v })}
            />`,
            ticket.assignee ? ticket.assignee.name : t("ticket.unassigned"),
          )}
        <//>
        <${Field} label=${t("field.group")} htmlFor=${readOnly ? null : "panel-group"}>
          ${edit(
            html`<${GroupPicker}
              id="panel-group"
              value=${ticket.group}
              onChange=${(v) => onPatch({ group_id: v })}
            />`,
            ticket.group ? ticket.group.name : t("ticket.no_group"),
          )}
        <//>
        <${Field} label=${t("field.deadline")} htmlFor=${readOnly ? null : "panel-deadline"}>
          ${edit(
            html`<${InlineField}
              id="panel-deadline"
              type="datetime-local"
              value=${toLocalInput(ticket.deadline)}
              onSave=${(v) => onPatch({ deadline: fromLocalInput(v) })}
            />`,
            formatTime(ticket.deadline),
          )}
        <//>
        <${Field} label=${t("field.tags")} htmlFor=${readOnly ? null : "panel-tags"}>
          ${edit(
            html`<${InlineField}
              id="panel-tags"
              value=${ticket.tags.join(", ")}
              onSave=${(v) => onPatch({ tags: tagsFromText(v) })}
            />`,
            ticket.tags.join(", "),
          )}
        <//>
        <${Field} label=${t("field.followers")}>
          ${edit(
            html`<${Followers} ticket=${ticket} onPatch=${onPatch} />`,
            ticket.followers.map((f) => f.name).join(", "),
          )}
        <//>
      `}
      <${Field} label=${t("field.requester")}>
        <div class="person">
          <${Avatar} name=${ticket.requester.name} small />
          <div>
            <div>${ticket.requester.name}</div>
            <div class="muted">${ticket.requester.email}</div>
          </div>
        </div>
      <//>
      <${Field} label=${t("field.channel")}>${t(`channel.${ticket.channel}`)}<//>
      <${Field} label=${t("field.created_at")}>${formatTime(ticket.created_at)}<//>
      <${Field} label=${t("field.updated_at")}>${formatTime(ticket.updated_at)}<//>
      ${ticket.first_response_at &&
      html`<${Field} label=${t("field.first_response_at")}>${formatTime(ticket.first_response_at)}<//>`}
      ${ticket.closed_at &&
      html`<${Field} label=${t("field.closed_at")}>${formatTime(ticket.closed_at)}<//>`}
      ${ticket.collaborators.length > 0 &&
      html`<${Field} label=${t("field.collaborators")}>
        ${ticket.collaborators.map((c) => c.name).join(", ")}
      <//>`}
    </section>
    ${agent &&
    html`<section aria-labelledby="conversations-title">
        <h3 id="conversations-title">${t("panel.conversations")}</h3>
        ${ticket.conversations.length
          ? html`<ul class="conversations">
              ${ticket.conversations.map(
                (c) => html`<li key=${c}>${t("panel.conversation", { id: c })}</li>`,
              )}
            </ul>`
          : html`<p class="muted">${t("panel.no_conversations")}</p>`}
      </section>
      <section aria-labelledby="others-title">
        <h3 id="others-title">${t("panel.other_tickets")}</h3>
        <${OtherTickets} ticket=${ticket} />
      </section>`}
  </div>`;
}

const TABS = ["conversation", "history"];

// The tab list: arrow keys move between tabs (WAI-ARIA tabs pattern), only
// the selected tab is in the tab order.
function Tabs({ tab, setTab, count }) {
  const onKey = (e) => {
    const i = TABS.indexOf(tab);
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null;
    if (next === null) {
      return;
    }
    e.preventDefault();
    const k = TABS[(next + TABS.length) % TABS.length];
    setTab(k);
    e.currentTarget.querySelector(`#tab-${k}`).focus();
  };
  const label = (k) => (k === "conversation" ? t("panel.conversation_tab") : t("panel.history"));
  return html`<div class="tabs" role="tablist" aria-label=${t("panel.sections")} onKeyDown=${onKey}>
    ${TABS.map(
      (k) => html`<button
        type="button"
        role="tab"
        id=${`tab-${k}`}
        key=${k}
        aria-selected=${tab === k}
        aria-controls=${`tabpanel-${k}`}
        tabindex=${tab === k ? 0 : -1}
        onClick=${() => setTab(k)}
      >
        ${label(k)}
        ${k === "conversation" && html` <span class="tab-count">${count}</span>`}
      </button>`,
    )}
  </div>`;
}

// onLoaded(ticket): the table learns the ticket is read now.
export function TicketPanel({ number, onClose, onEdit, onDelete, onLoaded, behind }) {
  const { me } = useSession();
  const agent = isAgent(me);
  const data = useTicket(number);
  const [tab, setTab] = useState("conversation");
  const [replyRequest, setReplyRequest] = useState(0);
  const composerRef = useRef(null);
  const panelRef = useRef(null);
  const ticket = data.ticket;
  const readOnly = Boolean(behind && behind.inert);

  useEffect(() => {
    if (ticket && onLoaded) {
      onLoaded(ticket);
    }
  }, [ticket]);

  useEffect(() => {
    const onKey = (e) => {
      if (document.querySelector("dialog[open]") || e.ctrlKey || e.metaKey || e.altKey) {
        return;
      }
      const typing = e.target.closest && e.target.closest("input, textarea, select");
      // Esc closes even from the composer: its draft is kept per ticket.
      const inField = e.target.closest && e.target.closest("input, select");
      if (e.key === "Escape" && !inField) {
        onClose();
      } else if (e.key === "r" && !typing) {
        e.preventDefault();
        setTab("conversation");
        setReplyRequest((n) => n + 1);
        setTimeout(() => composerRef.current && composerRef.current.focus());
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  useEffect(() => {
    if (panelRef.current) {
      panelRef.current.focus();
    }
  }, [number]);

  const patch = async (body) => {
    try {
      const updated = await api.patch(`/tickets/${number}`, body);
      data.setTicket(updated);
      toast(t("ticket.saved", { n: number }), "success");
    } catch (e) {
      toast(errorText(e), "error");
      data.load();
    }
  };

  const label = ticket ? t("panel.label", { n: number, subject: ticket.subject }) : t("panel.loading");
  return html`<aside class="panel" aria-label=${label} tabindex="-1" ref=${panelRef} ...${behind}>
    <header class="panel-head">
      <span class="panel-number" aria-hidden="true">#${number}</span>
      <h2 class=${agent ? "sr-only" : "subject"}>
        ${agent ? `#${number} ` : ""}${ticket ? ticket.subject : t("panel.loading")}
      </h2>
      ${ticket && agent && readOnly && html`<span class="subject" aria-hidden="true">${ticket.subject}</span>`}
      ${ticket &&
      agent &&
      !readOnly &&
      html`<${InlineField}
        className="subject-input"
        label=${t("field.subject")}
        value=${ticket.subject}
        onSave=${(v) => (v.trim() ? patch({ subject: v.trim() }) : data.load())}
      />`}
      <div class="panel-actions">
        ${agent && ticket &&
        html`<button type="button" class="button small" onClick=${() => onEdit(ticket)}>
            ${t("action.edit")}
          </button>
          ${isSupervisor(me) &&
          html`<button type="button" class="button small danger-outline" onClick=${() => onDelete(ticket)}>
            ${t("action.delete")}
          </button>`}`}
        <button
          type="button"
          class="icon-button"
          aria-label=${t("panel.close")}
          title=${t("panel.close")}
          aria-keyshortcuts="Escape"
          onClick=${onClose}
        >
          ×
        </button>
      </div>
    </header>
    ${data.error &&
    html`<p class="form-error" role="alert">
      ${data.error.status === 404 ? t("panel.not_found", { n: number }) : errorText(data.error)}
    </p>`}
    ${ticket && !data.error &&
    html`<div class="panel-body">
      <div class="panel-main">
        <${Tabs} tab=${tab} setTab=${setTab} count=${data.messages.length} />
        ${tab === "conversation"
          ? html`<div role="tabpanel" id="tabpanel-conversation" aria-labelledby="tab-conversation">
              <${Thread} ticket=${ticket} messages=${data.messages} />
              <${Composer}
                number=${number}
                canNote=${agent}
                canReply=${me.role !== "collaborator"}
                focusRef=${composerRef}
                replyRequest=${replyRequest}
                onSent=${data.load}
              />
            </div>`
          : html`<div role="tabpanel" id="tabpanel-history" aria-labelledby="tab-history">
              <${History} events=${data.events} />
            </div>`}
      </div>
      <${Details} ticket=${ticket} onPatch=${patch} readOnly=${readOnly} />
    </div>`}
  </aside>`;
}
