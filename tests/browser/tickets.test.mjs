// tickets.test.mjs — the tickets table: create, edit and delete through
// the UI; every sortable column both ways; each filter, the quick views and
// search; in-place status, priority and assignee changes from the row;
// keyboard shortcuts; customer text shown as text.
// The table must show exactly what the API answers for the same query, so
// most checks compare the rows' numbers with an API call.

import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  launch,
  newPage,
  signIn,
  shot,
  rowNumbers,
  waitFor,
  unique,
} from "./harness.mjs";

const SORTS = [
  ["Number", "number"],
  ["Subject", "subject"],
  ["Status", "status"],
  ["Priority", "priority"],
  ["Created", "created_at"],
  ["Deadline", "deadline"],
];

describe("tickets table", () => {
  let server;
  let browser;
  let page;
  let api;
  let alice;
  let group;
  const tag = unique("tag");

  async function apiNumbers(query) {
    const page1 = await api.get(`/tickets?${query}`);
    return page1.items.map((t) => t.number);
  }

  async function expectRows(query, what) {
    const want = await apiNumbers(query);
    await waitFor(async () => JSON.stringify(await rowNumbers(page)) === JSON.stringify(want), {
      what: `${what}: rows ${JSON.stringify(want)} (got ${JSON.stringify(await rowNumbers(page))})`,
    });
    return want;
  }

  function filters() {
    return page.getByRole("group", { name: "Filters" });
  }

  before(async () => {
    server = await startServer();
    api = server.admin;
    browser = await launch();
    alice = await api.addUser({ name: "Alice Smith" });
    group = await api.post("/groups", { name: `Billing ${unique("")}`, members: [alice.user.id] });
    // A varied help desk: every sort key differs between tickets.
    const rows = [
      ["Printer on fire", "major", "todo", "2026-12-05T10:00:00Z", "email"],
      ["Invoice charged twice", "normal", "waiting", null, "web"],
      ["Не приходит письмо", "minor", "in_progress", "2026-12-02T10:00:00Z", "email"],
      ["VPN drops hourly", "major", "closed", "2026-12-09T10:00:00Z", "phone"],
      ["Add dark mode", "normal", "todo", null, "portal"],
    ];
    for (const [subject, priority, status, deadline, channel] of rows) {
      await api.ticket({ subject, priority, status, deadline, channel });
    }
    await api.ticket({ subject: "Refund please", tags: [tag], assignee_id: alice.user.id, group_id: group.id });
    page = await newPage(browser);
    await signIn(page, server.base);
    await page.getByRole("link", { name: "All tickets" }).click();
    await page.getByRole("heading", { name: "Tickets", level: 1 }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the table lists the tickets newest first with every column", async () => {
    await expectRows("sort=-number", "default order");
    for (const name of ["Subject", "Status", "Priority", "Assignee", "Requester", "Channel", "Created", "Deadline", "Tags"]) {
      assert.ok(await page.getByRole("columnheader", { name, exact: true }).isVisible(), name);
    }
    await shot(page, "03-tickets");
  });

  for (const [label, field] of SORTS) {
    test(`sorting by ${label} both ways`, async () => {
      const header = page.getByRole("columnheader", { name: label, exact: true });
      await header.getByRole("button").click();
      await expectRows(`sort=${field}`, `${label} ascending`);
      assert.equal(await header.getAttribute("aria-sort"), "ascending");
      await header.getByRole("button").click();
      await expectRows(`sort=-${field}`, `${label} descending`);
      assert.equal(await header.getAttribute("aria-sort"), "descending");
    });
  }

  test("sorting by subject really orders the subjects", async () => {
    await page.goto(`${server.base}/tickets?sort=subject`);
    await expectRows("sort=subject", "subject ascending");
    const subjects = await page.locator("td.col-subject a").allTextContents();
    const sorted = [...subjects].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    assert.deepEqual(subjects, sorted);
  });

  test("each filter narrows the table to what the API answers", async () => {
    await page.goto(`${server.base}/tickets`);
    await expectRows("sort=-number", "no filter");
    const cases = [
      ["Status", "waiting", "status=waiting"],
      ["Priority", "major", "priority=major"],
      ["Channel", "email", "channel=email"],
      ["Assignee", String(alice.user.id), `assignee=${alice.user.id}`],
      ["Group", String(group.id), `group=${group.id}`],
    ];
    for (const [label, value, query] of cases) {
      await filters().getByLabel(label, { exact: true }).selectOption(value);
      const rows = await expectRows(`${query}&sort=-number`, `filter ${label}`);
      assert.ok(rows.length > 0, `${label} matches something`);
      await filters().getByLabel(label, { exact: true }).selectOption("");
      await expectRows("sort=-number", `filter ${label} cleared`);
    }
    await filters().getByLabel("Status", { exact: true }).selectOption({ label: "Unresolved" });
    await expectRows("status=todo,waiting,in_progress&sort=-number", "unresolved");
    await filters().getByLabel("Status", { exact: true }).selectOption("");

    await filters().getByLabel("Tag", { exact: true }).fill(tag);
    await filters().getByLabel("Tag", { exact: true }).press("Enter");
    assert.equal((await expectRows(`tag=${tag}&sort=-number`, "tag")).length, 1);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expectRows("sort=-number", "filters cleared");
  });

  test("the assignee filter offers me and unassigned, and so do the quick views", async () => {
    const mine = await api.ticket({ subject: "Mine to fix", assignee_id: api.user.id });
    await filters().getByLabel("Assignee", { exact: true }).selectOption("me");
    assert.deepEqual(await expectRows("assignee=me&sort=-number", "assignee me"), [mine.number]);
    await filters().getByLabel("Assignee", { exact: true }).selectOption("none");
    await expectRows("assignee=none&sort=-number", "assignee none");
    await filters().getByLabel("Assignee", { exact: true }).selectOption("");

    const unassigned = filters().getByRole("button", { name: "Unassigned", exact: true });
    await unassigned.click();
    assert.equal(await unassigned.getAttribute("aria-pressed"), "true");
    await expectRows("assignee=none&sort=-number", "unassigned view");
    await unassigned.click();

    await page.getByRole("link", { name: "My tickets" }).click();
    await expectRows("assignee=me&sort=-number", "my tickets view");
    await page.getByRole("link", { name: "All tickets" }).click();
    await expectRows("sort=-number", "all tickets");
  });

  test("unread tickets are bold and the unread view lists them", async () => {
    const fresh = await alice.api.ticket({ subject: "Something new from Alice" });
    await page.reload();
    const row = page.locator(`tr[data-number="${fresh.number}"]`);
    await waitFor(async () => (await row.getAttribute("class"))?.includes("unread"), { what: "unread row" });
    const weight = await row.locator("td.col-subject").evaluate((td) => getComputedStyle(td).fontWeight);
    assert.ok(Number(weight) >= 700, `bold, got ${weight}`);
    await filters().getByRole("button", { name: "Unread only" }).click();
    const rows = await expectRows("unread=true&sort=-number", "unread only");
    assert.ok(rows.includes(fresh.number));
    await filters().getByRole("button", { name: "Unread only" }).click();
  });

  test("the date range filter uses the creation day", async () => {
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    await page.goto(`${server.base}/tickets`);
    await filters().getByLabel("Created from").fill(day);
    await expectRows("sort=-number", "created from today: everything");
    await filters().getByLabel("Created to").fill("2020-01-01");
    await waitFor(async () => (await rowNumbers(page)).length === 0, { what: "nothing created before 2020" });
    assert.ok(await page.getByText("No tickets match these filters.").isVisible());
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expectRows("sort=-number", "cleared");
  });

  test("search finds by number, by subject and by any word of the thread, in any case", async () => {
    const t = await api.ticket({ subject: "Scanner jammed" });
    await api.post(`/tickets/${t.number}/messages`, { kind: "note", body: "Заменили ПРИНТЕРНЫЙ картридж" });
    const search = page.getByRole("searchbox", { name: "Search tickets" });
    for (const q of [`#${t.number}`, "scanner", "принтерный"]) {
      await search.fill(q);
      await search.press("Enter");
      await page.getByRole("heading", { name: `Search: ${q}`, level: 1 }).waitFor();
      const rows = await expectRows(`q=${encodeURIComponent(q)}&sort=-number`, `search ${q}`);
      assert.ok(rows.includes(t.number), `${q} finds #${t.number}`);
    }
    await search.fill("");
    await search.press("Enter");
    await page.getByRole("heading", { name: "Tickets", level: 1 }).waitFor();
  });

  test("status, priority and assignee change in place from the row", async () => {
    const t = await api.ticket({ subject: "Change me in place" });
    await page.goto(`${server.base}/tickets`);
    await page.getByLabel(`Status of #${t.number}`, { exact: true }).selectOption("in_progress");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).status === "in_progress", { what: "status saved" });
    await page.getByLabel(`Priority of #${t.number}`, { exact: true }).selectOption("major");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).priority === "major", { what: "priority saved" });
    await page.getByLabel(`Assignee of #${t.number}`, { exact: true }).selectOption(String(alice.user.id));
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).assignee?.id === alice.user.id, { what: "assignee saved" });
    await page.getByLabel(`Assignee of #${t.number}`, { exact: true }).selectOption("");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).assignee === null, { what: "unassigned" });
    assert.equal(new URL(page.url()).pathname, "/tickets", "the ticket did not open");
  });

  test("a ticket is created with every field through the form", async () => {
    await page.getByRole("button", { name: "New ticket" }).click();
    const dialog = page.getByRole("dialog", { name: "New ticket" });
    await dialog.getByLabel("Subject").fill("Laptop will not boot");
    await dialog.getByLabel("Description").fill("Black screen since the update.");
    await dialog.getByLabel("Requester email").fill("erin@example.org");
    await dialog.getByLabel("Requester name").fill("Erin Customer");
    await dialog.getByLabel("Status").selectOption("waiting");
    await dialog.getByLabel("Priority").selectOption("major");
    await dialog.getByLabel("Assignee").selectOption(String(alice.user.id));
    await dialog.getByLabel("Group").selectOption(String(group.id));
    await dialog.getByLabel("Deadline").fill("2026-12-24T17:30");
    await dialog.getByLabel("Channel").selectOption("phone");
    await dialog.getByLabel("Tags").fill("Hardware, urgent");
    await dialog.getByRole("checkbox", { name: "Alice Smith" }).check();
    await shot(page, "06-new-ticket");
    await dialog.getByRole("button", { name: "Create ticket" }).click();
    await page.getByRole("complementary", { name: /^Ticket #\d+: Laptop will not boot$/ }).waitFor();
    const number = Number(new URL(page.url()).pathname.split("/").pop());
    const t = await api.get(`/tickets/${number}`);
    assert.equal(t.subject, "Laptop will not boot");
    assert.equal(t.description, "Black screen since the update.");
    assert.equal(t.requester.email, "erin@example.org");
    assert.equal(t.requester.name, "Erin Customer");
    assert.equal(t.status, "waiting");
    assert.equal(t.priority, "major");
    assert.equal(t.assignee.id, alice.user.id);
    assert.equal(t.group.id, group.id);
    assert.equal(new Date(t.deadline).getTime(), new Date("2026-12-24T17:30").getTime());
    assert.equal(t.channel, "phone");
    assert.deepEqual(t.tags, ["hardware", "urgent"]);
    assert.deepEqual(t.followers.map((f) => f.id), [alice.user.id]);
    await page.getByRole("button", { name: "Close panel" }).click();
  });

  test("a missing subject is refused with the server's message beside the field", async () => {
    await page.getByRole("button", { name: "New ticket" }).click();
    const dialog = page.getByRole("dialog", { name: "New ticket" });
    const before = (await api.get("/tickets?limit=1")).total;
    await dialog.getByRole("button", { name: "Create ticket" }).click();
    await dialog.getByRole("alert").waitFor();
    assert.match(await dialog.getByRole("alert").textContent(), /subject/i);
    assert.equal((await api.get("/tickets?limit=1")).total, before);
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  test("a ticket is edited from its row action; only changed fields are sent", async () => {
    const t = await api.ticket({ subject: "Edit me", priority: "minor" });
    await page.goto(`${server.base}/tickets`);
    await page.getByRole("button", { name: `Actions for #${t.number}` }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    const dialog = page.getByRole("dialog", { name: `Edit ticket #${t.number}` });
    // Someone else changes the priority while the form is open.
    await api.patch(`/tickets/${t.number}`, { priority: "major" });
    await dialog.getByLabel("Subject").fill("Edited subject");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    const after = await api.get(`/tickets/${t.number}`);
    assert.equal(after.subject, "Edited subject");
    assert.equal(after.priority, "major", "the other change is kept");
    await waitFor(async () => (await page.locator(`tr[data-number="${t.number}"] td.col-subject`).textContent()).includes("Edited subject"), { what: "row shows the edit" });
  });

  test("a ticket is deleted from its row action after confirmation", async () => {
    const t = await api.ticket({ subject: "Delete me" });
    await page.goto(`${server.base}/tickets`);
    await page.getByRole("button", { name: `Actions for #${t.number}` }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ticket #${t.number}?` });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.equal((await api.get(`/tickets/${t.number}`)).number, t.number);
    await page.getByRole("button", { name: `Actions for #${t.number}` }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog", { name: `Delete ticket #${t.number}?` }).getByRole("button", { name: "Delete" }).click();
    await waitFor(async () => !(await rowNumbers(page)).includes(t.number), { what: "row gone" });
    await assert.rejects(api.get(`/tickets/${t.number}`), (e) => e.status === 404);
  });

  test("keyboard: / searches, j and k move, Enter opens, r replies, Esc closes", async () => {
    await page.goto(`${server.base}/tickets`);
    const rows = await expectRows("sort=-number", "table");
    await page.locator("body").press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "global-search");
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    const selected = page.locator("tbody tr.selected");
    assert.equal(Number(await selected.getAttribute("data-number")), rows[1]);
    await page.keyboard.press("Enter");
    await page.getByRole("complementary", { name: new RegExp(`^Ticket #${rows[1]}:`) }).waitFor();
    await page.keyboard.press("r");
    await waitFor(() => page.evaluate(() => document.activeElement.id === "composer-body"), { what: "composer focused" });
    await page.keyboard.press("Escape");
    await page.getByRole("complementary").waitFor({ state: "detached" });
    assert.equal(new URL(page.url()).pathname, "/tickets");
  });

  test("customer text is shown as text, never run", async () => {
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const t = await api.ticket({ subject: `Hi ${evil}`, description: `Body ${evil}` });
    await page.goto(`${server.base}/tickets/${t.number}`);
    await page.getByRole("complementary", { name: /^Ticket #/ }).waitFor();
    await page.getByText("Body <img src=x", { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator("img[src='x']").count(), 0);
    assert.equal(await page.locator(`tr[data-number="${t.number}"] script`).count(), 0);
    assert.deepEqual(page.errors, []);
  });
});
