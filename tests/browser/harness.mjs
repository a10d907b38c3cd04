// harness.mjs — the machinery of the browser suite: a real `docket serve`
// (the test build, with its embedded web app) on a free port with a fresh
// database, an API client for setting up and checking data, and Debian's
// chromium driven by playwright-core.
//
// - startServer(): spawns the binary, waits for /api/v1/health; stop()
//   sends SIGTERM and fails on a non-zero exit or any sanitizer or shape
//   report in the server's log.
// - Api: signs in over HTTP (cookie + X-CSRF-Token), like the app does.
// - launch(): chromium headless with the flags this machine needs (no
//   background networking: the network is closed).
// - signIn(page, email, password) through the real sign-in form.
// - shot(page, name): a screenshot under build/test-output/browser/.
// Nothing here sleeps to make something happen: waits have deadlines.

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, openSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "admin-password-0123";
export const PASSWORD = "correct horse battery";
export const SHOTS = join(REPO, "build", "test-output", "browser");
const MARKERS = [" shape: ", "AddressSanitizer", "LeakSanitizer", "runtime error:"];

let counter = 0;
export function unique(prefix = "x") {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 7)}`;
}

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export async function waitFor(predicate, { timeout = 10000, what = "condition" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await predicate();
    if (last) {
      return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class Api {
  constructor(base) {
    this.base = base;
    this.cookie = null;
    this.csrf = null;
    this.user = null;
  }

  async request(method, path, body) {
    const headers = { Accept: "application/json" };
    if (this.cookie) {
      headers.Cookie = this.cookie;
    }
    if (method !== "GET" && this.csrf) {
      headers["X-CSRF-Token"] = this.csrf;
    }
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    const res = await fetch(this.base + "/api/v1" + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const e = new Error(`${method} ${path} → ${res.status} ${text}`);
      e.status = res.status;
      throw e;
    }
    return { res, data };
  }

  async login(email, password) {
    const { res, data } = await this.request("POST", "/auth/login", { email, password });
    // One cookie (docket_session); get() joins several with ", ".
    this.cookie = (res.headers.get("set-cookie") || "").split(";")[0];
    this.csrf = data.csrf_token;
    this.user = data;
    return this;
  }

  async get(path) {
    return (await this.request("GET", path)).data;
  }

  async post(path, body) {
    return (await this.request("POST", path, body)).data;
  }

  async patch(path, body) {
    return (await this.request("PATCH", path, body)).data;
  }

  async del(path) {
    return (await this.request("DELETE", path)).data;
  }

  // A new agent (or other role) and an Api signed in as them.
  async addUser({ role = "agent", kind = "agent", name } = {}) {
    const email = `${unique("u")}@example.com`;
    const user = await this.post("/users", {
      kind,
      role,
      name: name || `Agent ${unique("")}`,
      email,
      password: PASSWORD,
    });
    return { user, email, password: PASSWORD, api: await new Api(this.base).login(email, PASSWORD) };
  }

  async ticket(fields = {}) {
    const body = { subject: `Ticket ${unique("s")}`, ...fields };
    if (!body.requester && !body.requester_id) {
      body.requester = { email: `${unique("c")}@example.org`, name: "Pat Customer" };
    }
    return this.post("/tickets", body);
  }
}

// Starts a server; `again` (a stopped server's {workdir, port}) starts it
// anew on the same database and port, as after a restart. `env` adds
// DOCKET_* settings.
export async function startServer(again, env = {}) {
  const binary = resolve(process.env.DOCKET_BIN || join(REPO, "build", "test", "docket"));
  const workdir = again ? again.workdir : mkdtempSync(join(tmpdir(), "docket-browser-"));
  const logPath = join(workdir, "server.log");
  const port = again ? again.port : await freePort();
  const log = openSync(logPath, "a");
  const proc = spawn(binary, ["serve", "--listen", `127.0.0.1:${port}`, "--db", join(workdir, "docket.db")], {
    cwd: workdir,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      DOCKET_ADMIN_EMAIL: ADMIN_EMAIL,
      DOCKET_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DOCKET_CHECK_SHAPES: "1",
      DOCKET_WEB_DIR: "",
      ASAN_OPTIONS: process.env.ASAN_OPTIONS || "detect_leaks=1",
      UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || "print_stacktrace=1",
      ...env,
    },
  });
  closeSync(log);
  let exitCode = null;
  const exited = new Promise((ok) =>
    proc.on("exit", (code, signal) => {
      exitCode = code === null ? `signal ${signal}` : code;
      ok();
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const logText = () => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };
  await waitFor(
    async () => {
      if (exitCode !== null) {
        throw new Error(`docket serve exited with ${exitCode}:\n${logText().slice(-4000)}`);
      }
      try {
        return (await fetch(`${base}/api/v1/health`)).ok;
      } catch {
        return false;
      }
    },
    { timeout: 60000, what: "docket serve to be ready" },
  );
  const admin = await new Api(base).login(ADMIN_EMAIL, ADMIN_PASSWORD);
  return {
    base,
    admin,
    logText,
    workdir,
    port,
    // Stops the server; throws when it did not stop cleanly or reported a
    // sanitizer finding or a shape mismatch. keep: leave the database for
    // startServer(this).
    async stop({ keep = false } = {}) {
      if (exitCode === null) {
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 20000);
        await exited;
        clearTimeout(timer);
      }
      const text = logText();
      const found = text.split("\n").filter((line) => MARKERS.some((m) => line.includes(m)));
      if (!keep) {
        rmSync(workdir, { recursive: true, force: true });
      }
      if (exitCode !== 0) {
        throw new Error(`docket serve exited with ${exitCode}:\n${text.slice(-4000)}`);
      }
      if (found.length) {
        throw new Error(`server log reports problems:\n${found.slice(0, 20).join("\n")}`);
      }
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

// A new page in its own context (own cookies and storage) that fails the
// test on any script error.
export async function newPage(browser, { locale = "en-US", viewport } = {}) {
  const context = await browser.newContext({
    locale,
    viewport: viewport || { width: 1280, height: 720 },
  });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  return page;
}

export async function signIn(page, base, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto(`${base}/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

// The ticket numbers of the table's rows, top to bottom.
export async function rowNumbers(page) {
  return page.locator("table.tickets-table tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.number)));
}
