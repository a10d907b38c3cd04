// ui.js — the small shared pieces every screen uses: html (htm bound to
// Preact), the status/priority/assignee pickers, dialogs, toasts, avatars
// and the reference data (statuses, priorities, agents, groups) loaded once
// per sign-in and refreshed by the live stream.

import { h, createContext } from "/vendor/preact.mjs";
import {
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from "/vendor/hooks.mjs";
import htm from "/vendor/htm.mjs";
import { t, enumName } from "./i18n.js";
import { api } from "./api.js";
import { onEvent } from "./live.js";

export const html = htm.bind(h);

export const CHANNELS = ["email", "web", "portal", "chat", "messenger", "phone", "api"];

// What every screen needs: the signed-in user and the configured lists.
export const Session = createContext(null);
export const useSession = () => useContext(Session);

export async function loadReference() {
  const [statuses, priorities, agents, groups] = await Promise.all([
    api.all("/statuses"),
    api.all("/priorities"),
    api.all("/users", { kind: "agent", disabled: "false", limit: 500 }),
    api.all("/groups").catch(() => []),
  ]);
  return { statuses, priorities, agents, groups };
}

export function statusOf(ref, key) {
  return ref.statuses.find((s) => s.key === key);
}

export function priorityOf(ref, key) {
  return ref.priorities.find((p) => p.key === key);
}

export function isAgent(user) {
  return user && user.kind === "agent";
}

// Admins and supervisors: they may delete tickets (the default rights of
// shared/API.md; configurable rights come with /roles) and see the team.
export function isSupervisor(user) {
  return user && (user.role === "admin" || user.role === "supervisor");
}

// A colored pill that is a native <select>: one click opens the picker,
// the keyboard works, and a screen reader announces label and value.
export function StatusPicker({ value, onChange, label, disabled }) {
  const { ref } = useSession();
  const current = statusOf(ref, value);
  const options = ref.statuses.filter((s) => !s.retired || s.key === value);
  return html`<select
    class=${`pill status-${current ? current.category : "open"}`}
    aria-label=${label}
    value=${value}
    disabled=${disabled}
    onChange=${(e) => onChange(e.currentTarget.value)}
  >
    ${options.map(
      (s) => html`<option value=${s.key}>${enumName("status", s)}</option>`,
    )}
  </select>`;
}

export function PriorityPicker({ value, onChange, label, disabled }) {
  const { ref } = useSession();
  const options = ref.priorities.filter((p) => !p.retired || p.key === value);
  return html`<select
    class=${`pill priority-${value}`}
    aria-label=${label}
    value=${value}
    disabled=${disabled}
    onChange=${(e) => onChange(e.currentTarget.value)}
  >
    ${options.map(
      (p) => html`<option value=${p.key}>${enumName("priority", p)}</option>`,
    )}
  </select>`;
}

export function AssigneePicker({ value, onChange, label, disabled }) {
  const { ref, me } = useSession();
  const agents = ref.agents.filter((a) => a.role !== "collaborator");
  const known = value && !agents.some((a) => a.id === value.id);
  return html`<select
    class="pill assignee"
    aria-label=${label}
    value=${value ? String(value.id) : ""}
    disabled=${disabled}
    onChange=${(e) => {
      const v = e.currentTarget.value;
      onChange(v ? Number(v) : null);
    }}
  >
    <option value="">${t("ticket.unassigned")}</option>
    ${known && html`<option value=${String(value.id)}>${value.name}</option>`}
    ${agents.map(
      (a) =>
        html`<option value=${String(a.id)}>
          ${a.id === me.id ? t("ticket.me", { name: a.name }) : a.name}
        </option>`,
    )}
  </select>`;
}

export function GroupPicker({ value, onChange, label, id, disabled }) {
  const { ref } = useSession();
  return html`<select
    id=${id}
    aria-label=${id ? undefined : label}
    value=${value ? String(value.id || value) : ""}
    disabled=${disabled}
    onChange=${(e) => {
      const v = e.currentTarget.value;
      onChange(v ? Number(v) : null);
    }}
  >
    <option value="">${t("ticket.no_group")}</option>
    ${ref.groups.map(
      (g) => html`<option value=${String(g.id)}>${g.name}</option>`,
    )}
  </select>`;
}

export function Avatar({ name, small }) {
  const letters = (name || "?")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join("");
  let hash = 0;
  for (const c of name || "") {
    hash = (hash * 31 + c.codePointAt(0)) % 360;
  }
  return html`<span
    class=${small ? "avatar small" : "avatar"}
    style=${`--hue:${hash}`}
    aria-hidden="true"
    >${letters}</span
  >`;
}

// Closes a popover (menu, bell, account) on Escape or a click outside box.
// Escape is taken in the capture phase and goes no further, so it closes
// only the popover, not the panel under it; focus returns to the popover's
// trigger (the first button in box). The listeners go in as the popover
// is drawn (a layout effect): with a plain effect, which runs some time
// after the paint, an Escape pressed at once was lost.
export function useDismiss(open, close, box) {
  useLayoutEffect(() => {
    if (!open) {
      return undefined;
    }
    const onKey = (e) => {
      if (e.key !== "Escape") {
        return;
      }
      e.stopPropagation();
      close();
      const trigger = box.current && box.current.querySelector("button");
      if (trigger) {
        trigger.focus();
      }
    };
    const onClick = (e) => box.current && !box.current.contains(e.target) && close();
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("click", onClick, true);
    return () => {
      document.removeEventListener("keydown", onKey, true);
      document.removeEventListener("click", onClick, true);
    };
  }, [open]);
}

// A popover's state: open or not, its box (for useDismiss) and the setter.
export function usePopover() {
  const [open, setOpen] = useState(false);
  const box = useRef(null);
  useDismiss(open, () => setOpen(false), box);
  return { open, setOpen, box };
}

// Runs fn at most once per ms however often schedule() is called, and never
// later than ms after the first call: live refreshes stay within a second
// in a busy help desk instead of being pushed back by every new event.
export function coalesce(fn, ms) {
  let timer = null;
  return {
    schedule() {
      if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          fn();
        }, ms);
      }
    },
    cancel() {
      clearTimeout(timer);
      timer = null;
    },
  };
}

// Subscribes to the live stream once; fn is read from a ref so that the
// newest closure runs without re-subscribing on every render.
export function useLiveRefresh(matches, fn, ms) {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    const c = coalesce(() => latest.current(), ms);
    const off = onEvent((e) => matches(e) && c.schedule());
    return () => {
      off();
      c.cancel();
    };
  }, []);
}

// A modal built on <dialog>: the browser traps focus, Esc closes it.
export function Dialog({ title, onClose, children, wide }) {
  const ref = useRef(null);
  const titleId = useRef(`dlg-${Math.random().toString(36).slice(2)}`);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) {
      d.showModal();
    }
    return () => d && d.open && d.close();
  }, []);
  return html`<dialog
    ref=${ref}
    class=${wide ? "modal wide" : "modal"}
    aria-labelledby=${titleId.current}
    onCancel=${(e) => {
      e.preventDefault();
      onClose();
    }}
  >
    <header class="modal-head">
      <h2 id=${titleId.current}>${title}</h2>
      <button
        type="button"
        class="icon-button"
        aria-label=${t("action.close")}
        onClick=${onClose}
      >
        ×
      </button>
    </header>
    ${children}
  </dialog>`;
}

export function ConfirmDialog({ title, text, confirm, onConfirm, onClose }) {
  const [busy, setBusy] = useState(false);
  return html`<${Dialog} title=${title} onClose=${onClose}>
    <p class="modal-body">${text}</p>
    <footer class="modal-actions">
      <button type="button" class="button" onClick=${onClose}>
        ${t("action.cancel")}
      </button>
      <button
        type="button"
        class="button danger"
        disabled=${busy}
        onClick=${async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
          }
        }}
      >
        ${confirm}
      </button>
    </footer>
  <//>`;
}

// Toasts: short messages at the bottom of the screen, announced politely.
const toastListeners = new Set();
const MAX_TOASTS = 3;
const TOAST_MS = 4000;
let toastSeq = 0;

export function toast(text, kind = "info") {
  const item = { id: ++toastSeq, text, kind };
  toastListeners.forEach((fn) => fn(item));
}

export function errorText(e) {
  if (e && e.status === 0) {
    return t("error.network");
  }
  return (e && e.message) || t("error.generic");
}

export function Toasts() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    // The same message again replaces the old one; at most three show.
    const add = (item) => {
      setItems((list) =>
        [...list.filter((i) => i.text !== item.text), item].slice(-MAX_TOASTS),
      );
      setTimeout(
        () => setItems((list) => list.filter((i) => i.id !== item.id)),
        TOAST_MS,
      );
    };
    toastListeners.add(add);
    return () => toastListeners.delete(add);
  }, []);
  return html`<div class="toasts" role="status" aria-live="polite">
    ${items.map(
      (i) => html`<div class=${`toast ${i.kind}`} key=${i.id}>${i.text}</div>`,
    )}
  </div>`;
}

// <input type="datetime-local"> speaks local time without a zone; the API
// speaks RFC 3339 UTC.
export function toLocalInput(iso) {
  if (!iso) {
    return "";
  }
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(
    d.getHours(),
  )}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value) {
  if (!value) {
    return null;
  }
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function tagsFromText(text) {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
