// app.js — entry point of the agent web app: sign-in, the shell (sidebar,
// top bar with search, live indicator, notifications, language, account),
// the router and the global keyboard shortcuts. Screens live in web/js/:
// dashboard.js, tickets.js (table), panel.js (one ticket), form.js.
// Everything goes through the public API (js/api.js); nothing is private.

import { render } from "/vendor/preact.mjs";
import { useEffect, useState, useCallback } from "/vendor/hooks.mjs";
import { api, onUnauthorized } from "./js/api.js";
import { t, onLanguage, language, setLanguage, LANGUAGES } from "./js/i18n.js";
import {
  html,
  Session,
  loadReference,
  Toasts,
  toast,
  errorText,
  Avatar,
  isAgent,
  usePopover,
  coalesce,
} from "./js/ui.js";
import { startLive, stopLive, onEvent, onLiveState, liveState } from "./js/live.js";
import { Login } from "./js/login.js";
import { Dashboard } from "./js/dashboard.js";
import { TicketsScreen } from "./js/tickets.js";
import { NotificationBell } from "./js/bell.js";
import { TicketForm } from "./js/form.js";
import { clearDrafts } from "./js/panel.js";
import { navigate, useRoute, interceptLinks } from "./js/router.js";

// ---- the shell ----

// Each subscriber reads the current value again after subscribing: a change
// between the first render and the effect would otherwise be lost.
function useLanguage() {
  const [, setLang] = useState(language());
  useEffect(() => {
    const off = onLanguage(setLang);
    setLang(language());
    return off;
  }, []);
}

export function LanguageSelect() {
  return html`<label class="lang">
    <span class="sr-only">${t("shell.language")}</span>
    <select
      aria-label=${t("shell.language")}
      value=${language()}
      onChange=${(e) => setLanguage(e.currentTarget.value)}
    >
      ${LANGUAGES.map(
        (l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`,
      )}
    </select>
  </label>`;
}

function LiveIndicator() {
  const [state, setState] = useState(liveState());
  useEffect(() => {
    const off = onLiveState(setState);
    setState(liveState());
    return off;
  }, []);
  return html`<span class=${`live ${state}`} role="status" title=${t(`live.${state}`)}>
    <span class="dot" aria-hidden="true"></span>
    <span class="live-text">${t(`live.${state}`)}</span>
  </span>`;
}

function SearchBox({ route }) {
  const onTickets = route.path.startsWith("/tickets");
  const q = onTickets ? route.query.get("q") || "" : "";
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const submit = (e) => {
    e.preventDefault();
    const params = onTickets ? new URLSearchParams(route.query) : new URLSearchParams();
    if (text.trim()) {
      params.set("q", text.trim());
    } else {
      params.delete("q");
    }
    const s = params.toString();
    navigate(`/tickets${s ? `?${s}` : ""}`);
  };
  return html`<form class="search" role="search" onSubmit=${submit}>
    <input
      id="global-search"
      type="search"
      aria-label=${t("shell.search")}
      placeholder=${t("shell.search_placeholder")}
      value=${text}
      onInput=${(e) => setText(e.currentTarget.value)}
    />
    <kbd aria-hidden="true">/</kbd>
  </form>`;
}

function NavLink({ href, route, icon, label, count }) {
  const qs = route.query.toString();
  const isCurrent = href === route.path + (qs ? `?${qs}` : "");
  return html`<a
    href=${href}
    class=${isCurrent ? "nav-link current" : "nav-link"}
    aria-current=${isCurrent ? "page" : undefined}
  >
    <span class="nav-icon" aria-hidden="true">${icon}</span>
    <span>${label}</span>
    ${count ? html`<span class="nav-count">${count}</span>` : null}
  </a>`;
}

function Sidebar({ route, me, onNew, behind }) {
  const agent = isAgent(me);
  return html`<nav class="sidebar" aria-label=${t("shell.navigation")} ...${behind}>
    <a href="/" class="brand"><span class="logo" aria-hidden="true">D</span>Docket</a>
    ${agent &&
    html`<button type="button" class="button primary new-ticket" onClick=${onNew}>
      <span aria-hidden="true">+</span> ${t("action.new_ticket")}
    </button>`}
    <${NavLink} href="/" route=${route} icon="◧" label=${t("nav.dashboard")} />
    <${NavLink} href="/tickets" route=${route} icon="☰" label=${t("nav.tickets")} />
    ${agent &&
    html`
      <div class="nav-section">${t("nav.views")}</div>
      <${NavLink}
        href="/tickets?assignee=me"
        route=${route}
        icon="◉"
        label=${t("nav.mine")}
      />
      <${NavLink}
        href="/tickets?unread=true"
        route=${route}
        icon="●"
        label=${t("nav.unread")}
      />
      <${NavLink}
        href="/tickets?assignee=none"
        route=${route}
        icon="○"
        label=${t("nav.unassigned")}
      />
    `}
  </nav>`;
}

// Agents set their own availability: routing assigns only to agents online.
function Availability({ me, onChange }) {
  return html`<div class="account-availability">
    <label for="my-availability">${t("shell.availability")}</label>
    <select
      id="my-availability"
      value=${me.availability}
      onChange=${async (e) => {
        try {
          onChange(await api.patch("/me", { availability: e.currentTarget.value }));
        } catch (err) {
          toast(errorText(err), "error");
        }
      }}
    >
      ${["online", "away", "offline"].map(
        (a) => html`<option value=${a}>${t(`availability.${a}`)}</option>`,
      )}
    </select>
  </div>`;
}

function Account({ me, onSignOut, onMe }) {
  const { open, setOpen, box } = usePopover();
  return html`<div class="account" ref=${box}>
    <button
      type="button"
      class="account-button"
      aria-haspopup="true"
      aria-expanded=${open}
      aria-label=${t("shell.account", { name: me.name })}
      onClick=${() => setOpen(!open)}
    >
      <${Avatar} name=${me.name} small />
      <span class="account-name">${me.name}</span>
    </button>
    ${open &&
    html`<div class="popover account-menu">
      <div class="account-who">
        <strong>${me.name}</strong>
        <span>${me.email}</span>
        <span class="muted">${t(`role.${me.role}`)}</span>
      </div>
      ${isAgent(me) && html`<${Availability} me=${me} onChange=${onMe} />`}
      <button type="button" class="menu-item" onClick=${onSignOut}>
        ${t("action.sign_out")}
      </button>
    </div>`}
  </div>`;
}

function Shell({ me, route, onSignOut, onMe }) {
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    const onKey = (e) => {
      const typing =
        e.target.closest &&
        e.target.closest("input, textarea, select, [contenteditable]");
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        document.getElementById("global-search").focus();
      }
    };
    const openTicket = (e) => navigate(`/tickets/${e.detail}`);
    document.addEventListener("keydown", onKey);
    window.addEventListener("docket:open-ticket", openTicket);
    return () => {
      document.removeEventListener("keydown", onKey);
      window.removeEventListener("docket:open-ticket", openTicket);
    };
  }, []);

  let screen;
  const m = route.path.match(/^\/tickets(?:\/(\d+))?\/?$/);
  useEffect(() => {
    const what = m ? (m[1] ? `#${m[1]}` : t("tickets.title")) : t("dashboard.title");
    document.title = `${what} · Docket`;
  }, [route.path, language()]);
  if (m) {
    screen = html`<${TicketsScreen}
      query=${route.query}
      number=${m[1] ? Number(m[1]) : null}
    />`;
  } else {
    screen = html`<${Dashboard} />`;
  }
  // While the new-ticket dialog is open the rest is inert: out of the tab
  // order and of the accessibility tree.
  const behind = creating ? { inert: true, "aria-hidden": "true" } : {};
  return html`<div class="shell">
    <${Sidebar} route=${route} me=${me} onNew=${() => setCreating(true)} behind=${behind} />
    <div class="main" ...${behind}>
      <header class="topbar">
        <${SearchBox} route=${route} />
        <div class="topbar-right">
          <${LiveIndicator} />
          <${NotificationBell} />
          <${LanguageSelect} />
          <${Account} me=${me} onSignOut=${onSignOut} onMe=${onMe} />
        </div>
      </header>
      <main class="content" id="content">${screen}</main>
    </div>
    ${creating &&
    html`<${TicketForm}
      onClose=${() => setCreating(false)}
      onSaved=${(tk) => {
        setCreating(false);
        toast(t("ticket.created", { n: tk.number }), "success");
        navigate(`/tickets/${tk.number}`);
      }}
    />`}
  </div>`;
}

function App() {
  useLanguage();
  const route = useRoute();
  const [session, setSession] = useState(undefined);

  const begin = useCallback(async (me) => {
    const ref = await loadReference();
    setSession({ me, ref });
    startLive(me);
  }, []);

  useEffect(() => {
    api
      .me()
      .then(begin)
      .catch(() => setSession(null));
    return onUnauthorized(() => {
      stopLive();
      setSession(null);
    });
  }, []);

  // Configuration changes (statuses, agents, groups) reach every screen.
  useEffect(() => {
    if (!session) {
      return undefined;
    }
    const refresh = coalesce(async () => {
      try {
        const ref = await loadReference();
        setSession((s) => (s ? { ...s, ref } : s));
      } catch {
        /* keep the lists we have */
      }
    }, 300);
    const off = onEvent((e) => /^(status|priority|user|group)\./.test(e.type) && refresh.schedule());
    return () => {
      off();
      refresh.cancel();
    };
  }, [session && session.me.id]);

  const signOut = async () => {
    try {
      await api.logout();
    } catch (e) {
      toast(errorText(e), "error");
    }
    stopLive();
    clearDrafts();
    setSession(null);
    navigate("/", { replace: true });
  };

  if (session === undefined) {
    return html`<div class="splash" aria-busy="true">Docket</div>`;
  }
  if (session === null) {
    return html`<${Login} onSignedIn=${begin} /><${Toasts} />`;
  }
  return html`<${Session.Provider} value=${session}>
    <${Shell}
      me=${session.me}
      route=${route}
      onSignOut=${signOut}
      onMe=${(me) => setSession((s) => ({ ...s, me: { ...s.me, ...me } }))}
    />
    <${Toasts} />
  <//>`;
}

document.addEventListener("click", interceptLinks);
render(html`<${App} />`, document.getElementById("app"));
