// live.js — the realtime stream (GET /api/v1/stream, Server-Sent Events) and
// the notifications drawn from it.
//
// One EventSource per tab. The browser resends Last-Event-ID on its own
// reconnects; when the source gives up (the server answered an error), we
// open a new one with ?last_event_id= so no event is missed. The last id is
// also remembered per user, so the bell shows what happened while the app
// was closed: the events table on the server is the source of truth and the
// stream replays from any id.

import { streamUrl, api } from "./api.js";
import { t } from "./i18n.js";

const EVENT_TYPES = [
  "ticket.created",
  "ticket.updated",
  "ticket.deleted",
  "message.created",
  "user.created",
  "user.updated",
  "group.created",
  "group.updated",
  "group.deleted",
  "status.created",
  "status.updated",
  "priority.created",
  "priority.updated",
];
const MAX_NOTIFICATIONS = 100;
const RETRY_MS = 3000;

const eventListeners = new Set();
const stateListeners = new Set();
let source = null;
let retryTimer = null;
let lastId = null;
let userId = null;
let state = "offline";

function storageKey(name) {
  return `docket.${name}.${userId}`;
}

function setState(s) {
  state = s;
  stateListeners.forEach((fn) => fn(s));
}

export function liveState() {
  return state;
}

export function onLiveState(fn) {
  stateListeners.add(fn);
  return () => stateListeners.delete(fn);
}

// fn(event) for every event of the stream: {id, type, ticket, actor, changes…}.
export function onEvent(fn) {
  eventListeners.add(fn);
  return () => eventListeners.delete(fn);
}

function deliver(type, e) {
  let data;
  try {
    data = JSON.parse(e.data);
  } catch {
    return;
  }
  data.type = data.type || type;
  if (e.lastEventId) {
    lastId = e.lastEventId;
    localStorage.setItem(storageKey("last_event"), lastId);
  }
  eventListeners.forEach((fn) => fn(data));
}

function open() {
  clearTimeout(retryTimer);
  source = new EventSource(streamUrl(lastId), { withCredentials: true });
  source.onopen = () => setState("live");
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      setState("reconnecting");
      source.close();
      retryTimer = setTimeout(open, RETRY_MS);
    } else {
      setState("reconnecting");
    }
  };
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (e) => deliver(type, e));
  }
}

export function startLive(user) {
  stopLive();
  setState("connecting");
  userId = user.id;
  lastId = localStorage.getItem(storageKey("last_event"));
  notifications.load(user);
  open();
}

export function stopLive() {
  clearTimeout(retryTimer);
  if (source) {
    source.close();
    source = null;
  }
  setState("offline");
}

// ---- notifications ----

// What concerns the signed-in agent: tickets assigned to them by someone
// else, new messages on their tickets, and @mentions of them (the server
// resolves those: message.created carries "mentions", the agents' ids).
class Notifications {
  constructor() {
    this.items = [];
    this.listeners = new Set();
    this.mine = new Set();
    this.user = null;
    this.unsubscribe = null;
  }

  async load(user) {
    this.user = user;
    this.mine = new Set();
    try {
      this.items = JSON.parse(localStorage.getItem(storageKey("notes")) || "[]");
    } catch {
      this.items = [];
    }
    this.changed();
    if (this.unsubscribe) {
      this.unsubscribe();
    }
    this.unsubscribe = onEvent((e) => this.consider(e));
    if (user.kind !== "agent") {
      return;
    }
    try {
      const page = await api.get("/tickets", { assignee: "me", limit: 500 });
      page.items.forEach((tk) => this.mine.add(tk.number));
    } catch {
      /* the set fills from events; a failed load only loses early replies */
    }
  }

  subscribe(fn) {
    this.listeners.add(fn);
    fn(this.items);
    return () => this.listeners.delete(fn);
  }

  changed() {
    localStorage.setItem(storageKey("notes"), JSON.stringify(this.items));
    this.listeners.forEach((fn) => fn(this.items));
  }

  unreadCount() {
    return this.items.filter((n) => !n.read).length;
  }

  markAllRead() {
    this.items = this.items.map((n) => ({ ...n, read: true }));
    this.changed();
  }

  markRead(id) {
    this.items = this.items.map((n) => (n.id === id ? { ...n, read: true } : n));
    this.changed();
  }

  add(e, text) {
    if (this.items.some((n) => n.id === e.id)) {
      return;
    }
    const item = { id: e.id, ticket: e.ticket, text, at: e.at, read: false };
    // Newest first by event id: mention checks finish out of order.
    this.items = [item, ...this.items]
      .sort((a, b) => b.id - a.id)
      .slice(0, MAX_NOTIFICATIONS);
    this.changed();
    chime();
    showSystemNotification(text, e.ticket);
  }

  consider(e) {
    const me = this.user;
    if (!me || me.kind !== "agent" || !e.ticket) {
      return;
    }
    const byOther = !e.actor || e.actor.id !== me.id;
    const assignee = e.changes && e.changes.assignee;
    if (assignee) {
      const to = assignee[1];
      if (to && to.id === me.id) {
        this.mine.add(e.ticket);
        if (byOther) {
          const who = e.actor ? e.actor.name : t("notify.system");
          this.add(e, t("notify.assigned", { n: e.ticket, who }));
        }
        return;
      }
      this.mine.delete(e.ticket);
    }
    if (e.type === "ticket.deleted") {
      this.mine.delete(e.ticket);
      return;
    }
    if (e.type !== "message.created" || !byOther) {
      return;
    }
    const who = e.actor ? e.actor.name : t("notify.customer");
    if ((e.mentions || []).includes(me.id)) {
      this.add(e, t("notify.mention", { n: e.ticket, who }));
    } else if (this.mine.has(e.ticket)) {
      const key = e.kind === "note" ? "notify.note" : "notify.message";
      this.add(e, t(key, { n: e.ticket, who }));
    }
  }
}

export const notifications = new Notifications();

// A short two-note chime made on the fly: no sound file to ship or block.
// One chime for a burst (a replay after reconnecting brings many at once).
const CHIME_GAP_MS = 1500;
let audio = null;
let lastChime = 0;
function chime() {
  if (Date.now() - lastChime < CHIME_GAP_MS) {
    return;
  }
  lastChime = Date.now();
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") {
      audio.resume();
    }
    const now = audio.currentTime;
    [880, 1320].forEach((freq, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.32);
    });
  } catch {
    /* no audio device or autoplay blocked: the bell still shows it */
  }
}

function showSystemNotification(text, ticket) {
  if (
    !document.hidden ||
    typeof Notification === "undefined" ||
    Notification.permission !== "granted"
  ) {
    return;
  }
  const n = new Notification("Docket", { body: text, tag: `docket-${ticket}` });
  n.onclick = () => {
    window.focus();
    window.dispatchEvent(
      new CustomEvent("docket:open-ticket", { detail: ticket }),
    );
  };
}
