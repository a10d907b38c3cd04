// form.js — the create / edit ticket dialog with every field of the ticket.
// Creating sends POST /tickets; editing sends PATCH with only the fields
// that changed, so a concurrent change to another field is never undone.
// The server's 422 names the field; the form shows the message beside it.

import { useState } from "/vendor/hooks.mjs";
import { api } from "./api.js";
import { t, enumName } from "./i18n.js";
import {
  html,
  useSession,
  Dialog,
  errorText,
  toLocalInput,
  fromLocalInput,
  tagsFromText,
  CHANNELS,
} from "./ui.js";

function initialValues(ticket) {
  if (!ticket) {
    return {
      subject: "",
      description: "",
      requester_email: "",
      requester_name: "",
      status: "todo",
      priority: "normal",
      assignee_id: "",
      group_id: "",
      deadline: "",
      channel: "api",
      tags: "",
      follower_ids: [],
    };
  }
  return {
    subject: ticket.subject,
    description: ticket.description,
    requester_email: ticket.requester.email || "",
    requester_name: ticket.requester.name || "",
    status: ticket.status,
    priority: ticket.priority,
    assignee_id: ticket.assignee ? String(ticket.assignee.id) : "",
    group_id: ticket.group ? String(ticket.group.id) : "",
    deadline: toLocalInput(ticket.deadline),
    channel: ticket.channel,
    tags: ticket.tags.join(", "),
    follower_ids: ticket.followers.map((f) => f.id),
  };
}

// The API body for values v: everything on create, the changes on edit.
function bodyOf(v, start, isEdit) {
  const all = {
    subject: v.subject.trim(),
    description: v.description,
    status: v.status,
    priority: v.priority,
    assignee_id: v.assignee_id ? Number(v.assignee_id) : null,
    group_id: v.group_id ? Number(v.group_id) : null,
    deadline: fromLocalInput(v.deadline),
    channel: v.channel,
    tags: tagsFromText(v.tags),
    follower_ids: v.follower_ids,
  };
  const requesterChanged =
    v.requester_email.trim() !== start.requester_email ||
    v.requester_name.trim() !== start.requester_name;
  if (v.requester_email.trim() && (!isEdit || requesterChanged)) {
    all.requester = { email: v.requester_email.trim() };
    if (v.requester_name.trim()) {
      all.requester.name = v.requester_name.trim();
    }
  }
  if (!isEdit) {
    for (const k of ["assignee_id", "group_id", "deadline"]) {
      if (all[k] === null) {
        delete all[k];
      }
    }
    return all;
  }
  const before = bodyOf(start, start, false);
  const body = {};
  for (const [k, value] of Object.entries(all)) {
    const old = k in before ? before[k] : null;
    if (JSON.stringify(value) !== JSON.stringify(old)) {
      body[k] = value;
    }
  }
  return body;
}

// The control that shows each API field (a 422 names the field).
const FIELD_CONTROLS = {
  subject: "tf-subject",
  description: "tf-description",
  requester: "tf-requester-email",
  "requester.email": "tf-requester-email",
  "requester.name": "tf-requester-name",
  requester_id: "tf-requester-email",
  status: "tf-status",
  priority: "tf-priority",
  assignee_id: "tf-assignee",
  group_id: "tf-group",
  deadline: "tf-deadline",
  channel: "tf-channel",
  tags: "tf-tags",
};

function Input({ id, label, error, children }) {
  return html`<div class=${error ? "form-field invalid" : "form-field"}>
    <label for=${id}>${label}</label>
    ${children}
    ${error && html`<p class="field-error" id=${`${id}-error`} role="alert">${error}</p>`}
  </div>`;
}

export function TicketForm({ ticket, onClose, onSaved }) {
  const { ref } = useSession();
  const isEdit = Boolean(ticket);
  const [start] = useState(() => initialValues(ticket));
  const [v, setV] = useState(start);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const fieldError = (...names) =>
    error && names.includes(error.field) ? error.message : null;
  // The invalid control says so and points at its message.
  const invalid = (id, ...names) =>
    fieldError(...names) ? { "aria-invalid": "true", "aria-describedby": `${id}-error` } : {};

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = bodyOf(v, start, isEdit);
      const saved = isEdit
        ? Object.keys(body).length
          ? await api.patch(`/tickets/${ticket.number}`, body)
          : ticket
        : await api.post("/tickets", body);
      onSaved(saved);
    } catch (err) {
      setError({ field: err.field, message: errorText(err) });
      setBusy(false);
      const control = FIELD_CONTROLS[err.field];
      setTimeout(() => control && document.getElementById(control)?.focus());
    }
  };

  const agents = ref.agents.filter((a) => a.role !== "collaborator");
  return html`<${Dialog}
    title=${isEdit ? t("form.edit_title", { n: ticket.number }) : t("form.new_title")}
    onClose=${onClose}
    wide
  >
    <form class="ticket-form" onSubmit=${submit} novalidate>
      <div class="form-grid">
        <div class="span-2">
          <${Input} id="tf-subject" label=${t("field.subject")} error=${fieldError("subject")}>
            <input
              id="tf-subject"
              ...${invalid("tf-subject", "subject")}
              required
              maxlength="300"
              value=${v.subject}
              onInput=${set("subject")}
              autofocus
            />
          <//>
        </div>
        <div class="span-2">
          <${Input} id="tf-description" label=${t("field.description")} error=${fieldError("description")}>
            <textarea id="tf-description" ...${invalid("tf-description", "description")} rows="5" value=${v.description} onInput=${set("description")}></textarea>
          <//>
        </div>
        <${Input} id="tf-requester-email" label=${t("form.requester_email")} error=${fieldError("requester", "requester.email", "requester_id")}>
          <input
            id="tf-requester-email"
            ...${invalid("tf-requester-email", "requester", "requester.email", "requester_id")}
            type="email"
            placeholder=${t("form.requester_hint")}
            value=${v.requester_email}
            onInput=${set("requester_email")}
          />
        <//>
        <${Input} id="tf-requester-name" label=${t("form.requester_name")} error=${fieldError("requester.name")}>
          <input id="tf-requester-name" ...${invalid("tf-requester-name", "requester.name")} value=${v.requester_name} onInput=${set("requester_name")} />
        <//>
        <${Input} id="tf-status" label=${t("field.status")} error=${fieldError("status")}>
          <select id="tf-status" ...${invalid("tf-status", "status")} value=${v.status} onChange=${set("status")}>
            ${ref.statuses
              .filter((s) => !s.retired || s.key === v.status)
              .map((s) => html`<option value=${s.key}>${enumName("status", s)}</option>`)}
          </select>
        <//>
        <${Input} id="tf-priority" label=${t("field.priority")} error=${fieldError("priority")}>
          <select id="tf-priority" ...${invalid("tf-priority", "priority")} value=${v.priority} onChange=${set("priority")}>
            ${ref.priorities
              .filter((p) => !p.retired || p.key === v.priority)
              .map((p) => html`<option value=${p.key}>${enumName("priority", p)}</option>`)}
          </select>
        <//>
        <${Input} id="tf-assignee" label=${t("field.assignee")} error=${fieldError("assignee_id")}>
          <select id="tf-assignee" ...${invalid("tf-assignee", "assignee_id")} value=${v.assignee_id} onChange=${set("assignee_id")}>
            <option value="">${t("ticket.unassigned")}</option>
            ${agents.map((a) => html`<option value=${String(a.id)}>${a.name}</option>`)}
          </select>
        <//>
        <${Input} id="tf-group" label=${t("field.group")} error=${fieldError("group_id")}>
          <select id="tf-group" ...${invalid("tf-group", "group_id")} value=${v.group_id} onChange=${set("group_id")}>
            <option value="">${t("ticket.no_group")}</option>
            ${ref.groups.map((g) => html`<option value=${String(g.id)}>${g.name}</option>`)}
          </select>
        <//>
        <${Input} id="tf-deadline" label=${t("field.deadline")} error=${fieldError("deadline")}>
          <input id="tf-deadline" ...${invalid("tf-deadline", "deadline")} type="datetime-local" value=${v.deadline} onInput=${set("deadline")} />
        <//>
        <${Input} id="tf-channel" label=${t("field.channel")} error=${fieldError("channel")}>
          <select id="tf-channel" ...${invalid("tf-channel", "channel")} value=${v.channel} onChange=${set("channel")}>
            ${CHANNELS.map((c) => html`<option value=${c}>${t(`channel.${c}`)}</option>`)}
          </select>
        <//>
        <div class="span-2">
          <${Input} id="tf-tags" label=${t("field.tags")} error=${fieldError("tags")}>
            <input
              id="tf-tags"
              ...${invalid("tf-tags", "tags")}
              placeholder=${t("form.tags_hint")}
              value=${v.tags}
              onInput=${set("tags")}
            />
          <//>
        </div>
        <fieldset class="span-2 followers-field">
          <legend>${t("field.followers")}</legend>
          <div class="checks">
            ${agents.map(
              (a) => html`<label key=${a.id} class="check">
                <input
                  type="checkbox"
                  checked=${v.follower_ids.includes(a.id)}
                  onChange=${(e) =>
                    setV({
                      ...v,
                      follower_ids: e.currentTarget.checked
                        ? [...v.follower_ids, a.id]
                        : v.follower_ids.filter((x) => x !== a.id),
                    })}
                />
                ${a.name}
              </label>`,
            )}
          </div>
          ${fieldError("follower_ids") &&
          html`<p class="field-error" role="alert">${fieldError("follower_ids")}</p>`}
        </fieldset>
      </div>
      ${error &&
      !FIELD_CONTROLS[error.field] &&
      error.field !== "follower_ids" &&
      html`<p class="form-error" role="alert">${error.message}</p>`}
      <footer class="modal-actions">
        <button type="button" class="button" onClick=${onClose}>${t("action.cancel")}</button>
        <button type="submit" class="button primary" disabled=${busy}>
          ${isEdit ? t("action.save") : t("action.create")}
        </button>
      </footer>
    </form>
  <//>`;
}
