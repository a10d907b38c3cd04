// api.js — the one way the web app talks to the server: the public REST API
// of shared/API.md, signed in by the session cookie, with the CSRF token on
// every request that changes something. Errors become ApiError with the
// contract's code, message and field.

const BASE = "/api/v1";
let csrfToken = null;
const unauthorizedListeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `request failed (${status})`);
    this.status = status;
    this.code = e.code || "network";
    this.field = e.field || null;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

// fn() runs when a request answers 401: the session ended elsewhere.
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "" || v === false) {
      continue;
    }
    q.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

async function request(method, path, { params, body, raw, headers } = {}) {
  const h = { Accept: "application/json", ...(headers || {}) };
  let payload;
  if (raw !== undefined) {
    payload = raw;
  } else if (body !== undefined) {
    h["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET" && csrfToken) {
    h["X-CSRF-Token"] = csrfToken;
  }
  let res;
  try {
    res = await fetch(BASE + path + query(params), {
      method,
      headers: h,
      body: payload,
      credentials: "same-origin",
    });
  } catch (e) {
    throw new ApiError(0, { error: { code: "network", message: e.message } });
  }
  if (res.status === 204) {
    return null;
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && path !== "/auth/login") {
      unauthorizedListeners.forEach((fn) => fn());
    }
    throw new ApiError(res.status, data);
  }
  return data;
}

export const api = {
  get: (path, params) => request("GET", path, { params }),
  post: (path, body) => request("POST", path, { body }),
  patch: (path, body) => request("PATCH", path, { body }),
  del: (path) => request("DELETE", path),
  upload: (file) =>
    request("POST", "/attachments", {
      params: { name: file.name },
      raw: file,
      headers: { "Content-Type": file.type || "application/octet-stream" },
    }),

  async login(email, password) {
    const user = await request("POST", "/auth/login", {
      body: { email, password },
    });
    setCsrfToken(user.csrf_token);
    return user;
  },
  async logout() {
    try {
      await request("POST", "/auth/logout", {});
    } finally {
      setCsrfToken(null);
    }
  },
  async me() {
    const user = await request("GET", "/me");
    setCsrfToken(user.csrf_token);
    return user;
  },

  // Every item of a list, following next_cursor (threads, agents, configuration).
  async all(path, params) {
    let page = await request("GET", path, { params });
    const items = [...page.items];
    while (page.next_cursor) {
      page = await request("GET", path, {
        params: { ...params, cursor: page.next_cursor },
      });
      items.push(...page.items);
    }
    return items;
  },

  // Only the total of a filtered list (dashboard counters).
  async count(path, params) {
    const page = await request("GET", path, { params: { ...params, limit: 1 } });
    return page.total;
  },
};

export function streamUrl(lastEventId) {
  return `${BASE}/stream${query({ last_event_id: lastEventId })}`;
}
