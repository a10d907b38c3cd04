// panel.js — one ticket beside the table: editable subject and fields, the
// thread (customer messages, public replies and internal notes look
// different), the composer that switches between reply and note, the
// History tab, followers, linked conversations and the requester's other
// tickets. Live events for this ticket reload it without touching what the
// agent is typing: the composer's draft and a field being edited are local
// state, and drafts are kept per ticket in localStorage.

import { useEffect, useRef, useState, useCallback } from "/vendor/hooks.mjs";
import { api } from "./api.js";
import { t, formatTime, formatRelative, enumName } from "./i18n.js";
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
  statusOf,
  priorityOf,
  toLocalInput,
  fromLocalInput,
  tagsFromText,
} from "./ui.js";
import { onEvent } from "./live.js";

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
    let timer = null;
    const off = onEvent((e) => {
      if (e.ticket !== number) {
        return;
      }
      if (e.type === "ticket.deleted") {
        setError({ status: 404, message: t("panel.deleted") });
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [number]);
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

function formatSize(bytes) {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
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
    </header>
    <div class="message-body">${message.body}</div>
    <${Attachments} items=${message.attachments} />
  </article>`;
}

function Thread({ ticket, messages }) {
  return html`<div class="thread">
    ${ticket.description &&
    html`<article class="message description" aria-label=${t("field.description")}>
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

function draftKey(number) {
  return `docket.draft.${number}`;
}

// canNote: agents choose reply or note; canReply false (collaborators) leaves
// only notes; customers only write replies.
function Composer({ number, canNote, canReply, onSent, focusRef }) {
  const [kind, setKind] = useState(canReply ? "reply" : "note");
  const [body, setBody] = useState(() => localStorage.getItem(draftKey(number)) || "");
  const [files, setFiles] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    if (body) {
      localStorage.setItem(draftKey(number), body);
    } else {
      localStorage.removeItem(draftKey(number));
    }
  }, [body]);

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

// A text field that saves on Enter or when it loses focus, and that live
// reloads never overwrite while it has focus.
function InlineText({ id, label, value, onSave, className, multiline }) {
  const [text, setText] = useState(value || "");
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) {
      setText(value || "");
    }
  }, [value, focused]);
  const save = () => {
    setFocused(false);
    if (text !== (value || "")) {
      onSave(text);
    }
  };
  const Tag = multiline ? "textarea" : "input";
  return html`<${Tag}
    id=${id}
    class=${className}
    aria-label=${id ? undefined : label}
    value=${text}
    onFocus=${() => setFocused(true)}
    onInput=${(e) => setText(e.currentTarget.value)}
    onBlur=${save}
    onKeyDown=${(e) => {
      if (e.key === "Enter" && !multiline) {
        e.preventDefault();
        e.currentTarget.blur();
      } else if (e.key === "Escape") {
        e.stopPropagation();
        setText(value || "");
        setFocused(false);
        setTimeout(() => e.target.blur());
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

function Details({ ticket, onPatch }) {
  const { me } = useSession();
  const agent = isAgent(me);
  return html`<div class="details">
    <section aria-labelledby="details-title">
      <h3 id="details-title">${t("panel.details")}</h3>
      <${Field} label=${t("field.status")}>
        <${StatusPicker}
          value=${ticket.status}
          label=${t("field.status")}
          onChange=${(v) => onPatch({ status: v })}
        />
      <//>
      ${agent &&
      html`
        <${Field} label=${t("field.priority")}>
          <${PriorityPicker}
            value=${ticket.priority}
            label=${t("field.priority")}
            onChange=${(v) => onPatch({ priority: v })}
          />
        <//>
        <${Field} label=${t("field.assignee")}>
          <${AssigneePicker}
            value=${ticket.assignee}
            label=${t("field.assignee")}
            onChange=${(v) => onPatch({ assignee_id: v })}
          />
        <//>
        <${Field} label=${t("field.group")} htmlFor="panel-group">
          <${GroupPicker}
            id="panel-group"
            value=${ticket.group}
            onChange=${(v) => onPatch({ group_id: v })}
          />
        <//>
        <${Field} label=${t("field.deadline")} htmlFor="panel-deadline">
          <input
            id="panel-deadline"
            type="datetime-local"
            value=${toLocalInput(ticket.deadline)}
            onChange=${(e) => onPatch({ deadline: fromLocalInput(e.currentTarget.value) })}
          />
        <//>
        <${Field} label=${t("field.tags")} htmlFor="panel-tags">
          <${InlineText}
            id="panel-tags"
            value=${ticket.tags.join(", ")}
            onSave=${(v) => onPatch({ tags: tagsFromText(v) })}
          />
        <//>
        <${Field} label=${t("field.followers")}>
          <${Followers} ticket=${ticket} onPatch=${onPatch} />
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

export function TicketPanel({ number, onClose, onEdit, onDelete }) {
  const { me } = useSession();
  const agent = isAgent(me);
  const data = useTicket(number);
  const [tab, setTab] = useState("conversation");
  const composerRef = useRef(null);
  const panelRef = useRef(null);
  const ticket = data.ticket;

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
  return html`<aside
    class="panel"
    aria-label=${label}
    tabindex="-1"
    ref=${panelRef}
  >
    <header class="panel-head">
      <span class="panel-number">#${number}</span>
      ${ticket &&
      (agent
        ? html`<${InlineText}
            className="subject-input"
            label=${t("field.subject")}
            value=${ticket.subject}
            onSave=${(v) => (v.trim() ? patch({ subject: v.trim() }) : data.load())}
          />`
        : html`<h2 class="subject">${ticket.subject}</h2>`)}
      <div class="panel-actions">
        ${agent && ticket &&
        html`<button type="button" class="button small" onClick=${() => onEdit(ticket)}>
            ${t("action.edit")}
          </button>
          ${(me.role === "admin" || me.role === "supervisor") &&
          html`<button type="button" class="button small danger-outline" onClick=${() => onDelete(ticket)}>
            ${t("action.delete")}
          </button>`}`}
        <button
          type="button"
          class="icon-button"
          aria-label=${t("panel.close")}
          title=${t("panel.close") + " (Esc)"}
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
        <div class="tabs" role="tablist" aria-label=${t("panel.sections")}>
          <button
            type="button"
            role="tab"
            id="tab-conversation"
            aria-selected=${tab === "conversation"}
            aria-controls="tabpanel-conversation"
            onClick=${() => setTab("conversation")}
          >
            ${t("panel.conversation_tab")} <span class="tab-count">${data.messages.length}</span>
          </button>
          <button
            type="button"
            role="tab"
            id="tab-history"
            aria-selected=${tab === "history"}
            aria-controls="tabpanel-history"
            onClick=${() => setTab("history")}
          >
            ${t("panel.history")}
          </button>
        </div>
        ${tab === "conversation"
          ? html`<div role="tabpanel" id="tabpanel-conversation" aria-labelledby="tab-conversation">
              <${Thread} ticket=${ticket} messages=${data.messages} />
              <${Composer}
                number=${number}
                canNote=${agent}
                canReply=${me.role !== "collaborator"}
                focusRef=${composerRef}
                onSent=${data.load}
              />
            </div>`
          : html`<div role="tabpanel" id="tabpanel-history" aria-labelledby="tab-history">
              <${History} events=${data.events} />
            </div>`}
      </div>
      <${Details} ticket=${ticket} onPatch=${patch} />
    </div>`}
  </aside>`;
}
