// live.test.mjs — what one person does reaches everyone else's screen
// without a reload: the table, the open panel (without touching a draft),
// the dashboard; the stream resumes after the server restarts, missing
// nothing; notifications (bell, sound, browser notification) for what
// concerns the signed-in agent.

import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, signIn, shot, waitFor, Api } from "./harness.mjs";

// Set before the app loads: counts chimes and browser notifications, and
// lets a test say the page is in the background.
function spyInit() {
  window.__chimes = 0;
  window.__notified = [];
  window.__hidden = false;
  Object.defineProperty(document, "hidden", { get: () => window.__hidden });
  const Ctx = window.AudioContext;
  if (Ctx) {
    const create = Ctx.prototype.createOscillator;
    Ctx.prototype.createOscillator = function spy() {
      window.__chimes += 1;
      return create.call(this);
    };
  }
  class FakeNotification {
    constructor(title, options) {
      window.__notified.push({ title, body: options && options.body });
    }
  }
  FakeNotification.permission = "granted";
  FakeNotification.requestPermission = async () => "granted";
  window.Notification = FakeNotification;
}

describe("live updates and notifications", () => {
  let server;
  let browser;
  let api;
  let alice;

  before(async () => {
    server = await startServer();
    api = server.admin;
    alice = await api.addUser({ name: "Alice Smith" });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function agentPage(email, password) {
    const page = await newPage(browser);
    await page.addInitScript(spyInit);
    await signIn(page, server.base, email, password);
    await page.locator(".live.live").waitFor();
    return page;
  }

  test("a change in one browser reaches another's table without a reload", async () => {
    const t = await api.ticket({ subject: "Seen by two" });
    const watcher = await agentPage();
    await watcher.goto(`${server.base}/tickets`);
    await watcher.locator(`tr[data-number="${t.number}"]`).waitFor();
    await watcher.locator(".live.live").waitFor();
    await watcher.evaluate(() => {
      window.__sameDocument = true;
    });
    const actor = await agentPage(alice.email, alice.password);
    await actor.goto(`${server.base}/tickets`);
    await actor.getByLabel(`Status of #${t.number}`, { exact: true }).selectOption("in_progress");
    await waitFor(
      async () => (await watcher.getByLabel(`Status of #${t.number}`, { exact: true }).inputValue()) === "in_progress",
      { what: "the watcher's row shows the new status" },
    );
    const created = await alice.api.ticket({ subject: "Brand new, live" });
    await watcher.locator(`tr[data-number="${created.number}"]`).waitFor();
    assert.equal(await watcher.evaluate(() => window.__sameDocument), true, "no reload happened");
    await actor.context().close();
    await watcher.context().close();
  });

  test("the open panel shows a new message without losing the draft", async () => {
    const t = await api.ticket({ subject: "Panel live" });
    const page = await agentPage();
    await page.goto(`${server.base}/tickets/${t.number}`);
    const panel = page.getByRole("complementary", { name: new RegExp(`^Ticket #${t.number}:`) });
    await panel.waitFor();
    await panel.getByLabel("Message", { exact: true }).fill("I am typing this");
    await alice.api.post(`/tickets/${t.number}/messages`, { kind: "note", body: "Alice was here" });
    await alice.api.patch(`/tickets/${t.number}`, { priority: "major" });
    await panel.getByText("Alice was here").waitFor();
    await waitFor(async () => (await panel.getByLabel("Priority", { exact: true }).inputValue()) === "major", {
      what: "priority updated in the panel",
    });
    assert.equal(await panel.getByLabel("Message", { exact: true }).inputValue(), "I am typing this");
    await page.context().close();
  });

  test("the dashboard counts follow changes", async () => {
    const page = await agentPage();
    const widget = page.getByRole("link", { name: /^Unresolved tickets/ });
    await waitFor(async () => /\d/.test(await widget.locator(".widget-value").textContent()), { what: "counts loaded" });
    const before = Number((await widget.locator(".widget-value").textContent()).replace(/\D/g, ""));
    const total = (await api.get("/tickets?status=todo,waiting,in_progress&limit=1")).total;
    assert.equal(before, total);
    await alice.api.ticket({ subject: "Counted live" });
    await waitFor(
      async () => Number((await widget.locator(".widget-value").textContent()).replace(/\D/g, "")) === before + 1,
      { what: "unresolved count + 1" },
    );
    await shot(page, "02-dashboard");
    await widget.click();
    await page.getByRole("heading", { name: "Tickets", level: 1 }).waitFor();
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("status"), "todo,waiting,in_progress");
    await page.context().close();
  });

  test("every dashboard widget links to its filtered table", async () => {
    const page = await agentPage();
    const team = page.getByRole("region", { name: "Team" });
    await team.getByRole("row", { name: /Alice Smith/ }).getByRole("link").click();
    await page.getByRole("heading", { name: "Tickets", level: 1 }).waitFor();
    let q = new URL(page.url()).searchParams;
    assert.equal(q.get("assignee"), String(alice.user.id));
    assert.equal(q.get("status"), "todo,waiting,in_progress", "the team's count is of unresolved tickets");
    const expected = {
      "Unassigned tickets": { assignee: "none" },
      "Unread tickets": { unread: "true" },
      "Assigned to me": { assignee: "me" },
    };
    for (const [name, params] of Object.entries(expected)) {
      await page.getByRole("link", { name: "Dashboard" }).click();
      await page.getByRole("link", { name: new RegExp(`^${name}`) }).click();
      await page.getByRole("heading", { name: "Tickets", level: 1 }).waitFor();
      q = new URL(page.url()).searchParams;
      for (const [k, v] of Object.entries(params)) {
        assert.equal(q.get(k), v, `${name}: ${k}`);
      }
    }
    await page.context().close();
  });

  test("the stream resumes after the server restarts and misses nothing", async () => {
    const t = await api.ticket({ subject: "Survives a restart" });
    const page = await agentPage();
    await page.goto(`${server.base}/tickets`);
    await page.locator(`tr[data-number="${t.number}"]`).waitFor();
    await page.locator(".live.live").waitFor();
    await server.stop({ keep: true });
    await page.locator(".live.reconnecting").waitFor();
    server = await startServer(server);
    api = server.admin;
    // Made before the browser is back: only a resume from its last id
    // brings it.
    await new Api(server.base)
      .login(alice.email, alice.password)
      .then((a) => a.patch(`/tickets/${t.number}`, { status: "waiting" }));
    await waitFor(
      async () => (await page.getByLabel(`Status of #${t.number}`, { exact: true }).inputValue()) === "waiting",
      { timeout: 20000, what: "the change made during the outage" },
    );
    await page.locator(".live.live").waitFor();
    await page.context().close();
  });

  test("the bell lists assignments, replies on my tickets and mentions, with a sound", async () => {
    const page = await agentPage(alice.email, alice.password);
    const bell = page.getByRole("button", { name: /^Notifications/ });
    assert.equal(await bell.getAttribute("aria-label"), "Notifications");

    const t = await api.ticket({ subject: "For Alice" });
    await api.patch(`/tickets/${t.number}`, { assignee_id: alice.user.id });
    await waitFor(async () => (await bell.getAttribute("aria-label")) === "Notifications, 1 unread", {
      what: "one notification",
    });
    const customer = await api.addUser({ kind: "customer", role: "customer", name: "Cust Omer" });
    const mine = await api.ticket({ subject: "Customer's ticket", requester_id: customer.user.id, assignee_id: alice.user.id });
    await customer.api.post(`/tickets/${mine.number}/messages`, { body: "Any update?" });
    const other = await api.ticket({ subject: "Someone else's" });
    await api.post(`/tickets/${other.number}/messages`, { kind: "note", body: "@Alice can you look at this?" });
    await api.post(`/tickets/${other.number}/messages`, { kind: "note", body: "no mention here" });
    await waitFor(async () => (await bell.getAttribute("aria-label")) === "Notifications, 4 unread", {
      what: "four notifications",
    });
    assert.ok((await page.evaluate(() => window.__chimes)) > 0, "a sound was played");
    await bell.click();
    const list = page.getByRole("region", { name: "Notifications" });
    const text = await list.textContent();
    assert.match(text, new RegExp(`#${t.number} was assigned to you by Administrator`));
    assert.match(text, new RegExp(`#${mine.number} was assigned to you by Administrator`));
    assert.match(text, new RegExp(`Cust Omer wrote on #${mine.number}`));
    assert.match(text, new RegExp(`Administrator mentioned you on #${other.number}`));
    await shot(page, "07-notifications");
    await list.getByRole("link", { name: new RegExp(`mentioned you on #${other.number}`) }).click();
    await page.getByRole("complementary", { name: new RegExp(`^Ticket #${other.number}:`) }).waitFor();
    await waitFor(async () => (await bell.getAttribute("aria-label")) === "Notifications, 3 unread", {
      what: "the opened one is read",
    });
    // What was missed while the app was closed is there after a reload.
    await page.reload();
    await page.getByRole("button", { name: "Notifications, 3 unread" }).waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a browser notification appears when the page is in the background", async () => {
    const page = await agentPage(alice.email, alice.password);
    await page.evaluate(() => {
      window.__hidden = true;
    });
    const t = await api.ticket({ subject: "Background ping" });
    await api.patch(`/tickets/${t.number}`, { assignee_id: alice.user.id });
    const shown = await waitFor(() => page.evaluate(() => window.__notified[0]), { what: "a browser notification" });
    assert.equal(shown.title, "Docket");
    assert.equal(shown.body, `#${t.number} was assigned to you by Administrator`);
    await page.evaluate(() => {
      window.__hidden = false;
    });
    const before = await page.evaluate(() => window.__notified.length);
    const t2 = await api.ticket({ subject: "Foreground ping" });
    await api.patch(`/tickets/${t2.number}`, { assignee_id: alice.user.id });
    await page.getByRole("button", { name: /^Notifications, \d+ unread/ }).waitFor();
    await waitFor(async () => (await page.getByRole("button", { name: /^Notifications/ }).getAttribute("aria-label")).includes("unread"), { what: "bell" });
    await page.getByRole("button", { name: /^Notifications/ }).click();
    await page.getByRole("region", { name: "Notifications" }).getByText(`#${t2.number} was assigned to you`).waitFor();
    assert.equal(await page.evaluate(() => window.__notified.length), before, "no browser notification in the foreground");
    await page.context().close();
  });
});
