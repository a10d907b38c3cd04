// bell.js — the in-app notifications: a bell with the count of unread
// notifications and the list of what concerns me (live.js decides what
// that is). Browser notifications are asked for here, never at load.

import { useEffect, useState } from "/vendor/hooks.mjs";
import { notifications } from "./live.js";
import { t, formatRelative } from "./i18n.js";
import { html, usePopover } from "./ui.js";
import { navigate } from "./router.js";

function permissionState() {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

export function NotificationBell() {
  const [items, setItems] = useState([]);
  const { open, setOpen, box } = usePopover();
  const [permission, setPermission] = useState(permissionState());
  useEffect(() => notifications.subscribe((list) => setItems([...list])), []);

  const unread = items.filter((n) => !n.read).length;
  const label = unread
    ? t("bell.label_count", { n: unread })
    : t("bell.label");
  return html`<div class="bell" ref=${box}>
    <button
      type="button"
      class="icon-button bell-button"
      aria-label=${label}
      aria-haspopup="true"
      aria-expanded=${open}
      onClick=${() => setOpen(!open)}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"
          fill="currentColor"
        />
      </svg>
      ${unread > 0 && html`<span class="badge" aria-hidden="true">${unread > 99 ? "99+" : unread}</span>`}
    </button>
    ${open &&
    html`<section class="popover bell-panel" aria-label=${t("bell.title")}>
      <header class="bell-head">
        <h2>${t("bell.title")}</h2>
        <button
          type="button"
          class="link-button"
          disabled=${!unread}
          onClick=${() => notifications.markAllRead()}
        >
          ${t("bell.mark_all")}
        </button>
      </header>
      ${permission === "default" &&
      html`<button
        type="button"
        class="button small block"
        onClick=${async () => setPermission(await Notification.requestPermission())}
      >
        ${t("bell.enable_desktop")}
      </button>`}
      ${items.length === 0
        ? html`<p class="empty">${t("bell.empty")}</p>`
        : html`<ul class="bell-list">
            ${items.map(
              (n) => html`<li key=${n.id} class=${n.read ? "read" : "unread"}>
                <a
                  href=${`/tickets/${n.ticket}`}
                  aria-label=${`${n.text}, ${formatRelative(n.at)}`}
                  onClick=${() => {
                    notifications.markRead(n.id);
                    setOpen(false);
                    navigate(`/tickets/${n.ticket}`);
                  }}
                >
                  <span class="bell-text">${n.text}</span>
                  <time datetime=${n.at}>${formatRelative(n.at)}</time>
                </a>
              </li>`,
            )}
          </ul>`}
    </section>`}
  </div>`;
}
