// i18n.js — every string the app shows goes through t(). Each language is
// one file under web/i18n/ exporting a flat table; English is the fallback
// for a key a translation lacks. The language comes from the browser the
// first time, then from the user's choice, remembered in localStorage.

import en from "/i18n/en.js";
import ru from "/i18n/ru.js";

export const LANGUAGES = [
  { code: "en", name: "English", table: en },
  { code: "ru", name: "Русский", table: ru },
];
const STORAGE_KEY = "docket.lang";

function initialLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && LANGUAGES.some((l) => l.code === saved)) {
    return saved;
  }
  for (const wanted of navigator.languages || [navigator.language || "en"]) {
    const code = String(wanted).slice(0, 2).toLowerCase();
    if (LANGUAGES.some((l) => l.code === code)) {
      return code;
    }
  }
  return "en";
}

let current = initialLanguage();
const listeners = new Set();
document.documentElement.lang = current;

export function language() {
  return current;
}

export function setLanguage(code) {
  if (!LANGUAGES.some((l) => l.code === code) || code === current) {
    return;
  }
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code;
  listeners.forEach((fn) => fn(code));
}

export function onLanguage(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function table() {
  return LANGUAGES.find((l) => l.code === current).table;
}

// t("tickets.count", {n: 3}) → the entry with {n} replaced. An entry may be a
// function of the parameters (plural forms differ by language).
export function t(key, params) {
  let entry = table()[key];
  if (entry === undefined) {
    entry = en[key];
  }
  if (entry === undefined) {
    return key;
  }
  if (typeof entry === "function") {
    return entry(params || {});
  }
  return entry.replace(/\{(\w+)\}/g, (m, name) =>
    params && params[name] !== undefined ? String(params[name]) : m,
  );
}

// A configured status or priority: the defaults are translated by key,
// anything an admin added or renamed shows its own name.
export function enumName(kind, item) {
  if (!item) {
    return "";
  }
  const key = `${kind}.${item.key}`;
  const builtIn = en[key];
  if (builtIn !== undefined && builtIn === item.name) {
    return t(key);
  }
  return item.name;
}

export function formatTime(iso, withTime = true) {
  if (!iso) {
    return "";
  }
  const d = new Date(iso);
  const options = withTime
    ? { dateStyle: "medium", timeStyle: "short" }
    : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(current, options).format(d);
}

// "5 minutes ago", "in 2 days".
export function formatRelative(iso) {
  if (!iso) {
    return "";
  }
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const units = [
    ["year", 31536000],
    ["month", 2592000],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const rtf = new Intl.RelativeTimeFormat(current, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return rtf.format(Math.round(seconds / size), unit);
    }
  }
  return rtf.format(Math.round(seconds), "second");
}

export function formatNumber(n) {
  return new Intl.NumberFormat(current).format(n);
}

// 512 B, 1.5 kB, 2.3 MB in the UI's language.
export function formatSize(bytes) {
  const [unit, size] =
    bytes < 1024 ? ["byte", bytes] : bytes < 1048576 ? ["kilobyte", bytes / 1024] : ["megabyte", bytes / 1048576];
  return new Intl.NumberFormat(current, {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(size);
}
