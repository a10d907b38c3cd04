// panel.test.mjs — the ticket panel: reply vs internal note (stored as such
// and shown differently), attachments, editable fields, the History tab,
// followers, the requester's other tickets, and drafts that survive.

import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, signIn, shot, waitFor } from "./harness.mjs";

describe("ticket panel", () => {
  let server;
  let browser;
  let page;
  let api;
  let alice;

  function panel(number) {
    return page.getByRole("complementary", { name: new RegExp(`^Ticket #${number}:`) });
  }

  async function open(number) {
    await page.goto(`${server.base}/tickets/${number}`);
    await panel(number).waitFor();
    return panel(number);
  }

  async function messages(number) {
    return (await api.get(`/tickets/${number}/messages?limit=500`)).items;
  }

  before(async () => {
    server = await startServer();
    api = server.admin;
    alice = await api.addUser({ name: "Alice Smith" });
    browser = await launch();
    page = await newPage(browser);
    await signIn(page, server.base);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a reply and an internal note are stored as such and look different", async () => {
    const t = await api.ticket({ subject: "Wi-Fi keeps dropping", description: "Since Monday." });
    const p = await open(t.number);
    await p.getByRole("radio", { name: "Reply to customer" }).check();
    await p.getByLabel("Message", { exact: true }).fill("Could you restart the router?");
    await p.getByRole("button", { name: "Send reply" }).click();
    await waitFor(async () => (await messages(t.number)).length === 1, { what: "reply stored" });

    await p.getByRole("radio", { name: "Internal note" }).check();
    assert.ok(await p.getByRole("button", { name: "Add note" }).isVisible());
    await p.getByLabel("Message", { exact: true }).fill("Router model is on the known-bad list.");
    await p.getByRole("button", { name: "Add note" }).click();
    await waitFor(async () => (await messages(t.number)).length === 2, { what: "note stored" });

    const [reply, note] = await messages(t.number);
    assert.equal(reply.kind, "reply");
    assert.equal(reply.body, "Could you restart the router?");
    assert.equal(note.kind, "note");
    const replyCard = p.getByRole("article", { name: "Public reply · Administrator" });
    const noteCard = p.getByRole("article", { name: "Internal note · Administrator" });
    await replyCard.waitFor();
    await noteCard.waitFor();
    // This server has no relay: the reply's email waits, and says so.
    await replyCard.getByText("Email queued").waitFor();
    const bg = (loc) => loc.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(await bg(replyCard), await bg(noteCard));
    assert.equal(await p.getByLabel("Message", { exact: true }).inputValue(), "");
    await shot(page, "04-ticket-panel");
  });

  test("a customer's message shows as a customer message", async () => {
    const customer = await api.addUser({ kind: "customer", role: "customer", name: "Carol Customer" });
    const t = await customer.api.post("/tickets", { subject: "My order is late", description: "Order 1234" });
    await customer.api.post(`/tickets/${t.number}/messages`, { body: "Any news?" });
    const p = await open(t.number);
    await p.getByRole("article", { name: "Customer message · Carol Customer" }).waitFor();
    assert.match(await p.getByRole("article", { name: "Customer message · Carol Customer" }).textContent(), /Any news\?/);
  });

  test("files are attached to a reply and can be downloaded", async () => {
    const t = await api.ticket({ subject: "Screenshot attached" });
    const p = await open(t.number);
    await p.getByLabel("Attach files").setInputFiles({
      name: "error-log.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("kernel panic at 03:00\n"),
    });
    await p.getByText("error-log.txt").waitFor();
    await p.getByLabel("Message", { exact: true }).fill("Here is the log.");
    await p.getByRole("button", { name: "Send reply" }).click();
    await waitFor(async () => (await messages(t.number)).length === 1, { what: "message with attachment" });
    const [m] = await messages(t.number);
    assert.equal(m.attachments.length, 1);
    assert.equal(m.attachments[0].name, "error-log.txt");
    const link = p.getByRole("link", { name: /error-log\.txt/ });
    await link.waitFor();
    const res = await page.request.get(server.base + (await link.getAttribute("href")));
    assert.equal(res.status(), 200);
    assert.equal(await res.text(), "kernel panic at 03:00\n");
  });

  test("fields are edited in the panel and the History tab shows who changed what", async () => {
    const t = await api.ticket({ subject: "Old subject", priority: "minor" });
    const p = await open(t.number);
    await p.getByLabel("Priority", { exact: true }).selectOption("major");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).priority === "major", { what: "priority" });
    await p.getByLabel("Status", { exact: true }).selectOption("waiting");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).status === "waiting", { what: "status" });
    await p.getByLabel("Assignee", { exact: true }).selectOption(String(alice.user.id));
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).assignee?.id === alice.user.id, { what: "assignee" });
    await p.getByLabel("Deadline", { exact: true }).fill("2026-12-31T12:00");
    await p.getByLabel("Deadline", { exact: true }).press("Enter");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).deadline !== null, { what: "deadline" });
    await p.getByLabel("Tags", { exact: true }).fill("network, Outage");
    await p.getByLabel("Tags", { exact: true }).press("Enter");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).tags.join() === "network,outage", { what: "tags" });
    const subject = p.getByLabel("Subject", { exact: true });
    await subject.fill("New subject");
    await subject.press("Enter");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).subject === "New subject", { what: "subject" });

    await p.getByRole("tab", { name: "History" }).click();
    const history = p.getByRole("list", { name: "History" });
    await history.waitFor();
    await waitFor(async () => (await history.textContent()).includes("New subject"), { what: "subject change in history" });
    const text = await history.textContent();
    assert.match(text, /Administrator created the ticket/);
    assert.match(text, /Priority:\s*Minor\s*→\s*Major/);
    assert.match(text, /Status:\s*To do\s*→\s*Waiting/);
    assert.match(text, /Assignee:\s*—\s*→\s*Alice Smith/);
    assert.match(text, /Subject:\s*Old subject\s*→\s*New subject/);
    await shot(page, "05-ticket-history");
    await p.getByRole("tab", { name: "Conversation" }).click();
  });

  test("followers are added and removed", async () => {
    const t = await api.ticket({ subject: "Follow me" });
    const p = await open(t.number);
    await p.getByLabel("Add follower", { exact: true }).selectOption(String(alice.user.id));
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).followers.length === 1, { what: "follower added" });
    await p.getByRole("button", { name: "Remove follower Alice Smith" }).click();
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).followers.length === 0, { what: "follower removed" });
  });

  test("the requester's other tickets are listed and open", async () => {
    const requester = { email: "dave@example.org", name: "Dave Requester" };
    const first = await api.ticket({ subject: "Dave's first problem", requester });
    const second = await api.ticket({ subject: "Dave's second problem", requester });
    const p = await open(second.number);
    const others = p.getByRole("region", { name: "Requester's other tickets" });
    await others.getByRole("link", { name: `#${first.number} Dave's first problem` }).click();
    await panel(first.number).waitFor();
    const linked = panel(first.number).getByRole("region", { name: "Linked conversations" });
    assert.match(await linked.textContent(), /No linked conversations\./);
  });

  test("a draft survives closing the panel and a reload", async () => {
    const t = await api.ticket({ subject: "Draft keeper" });
    let p = await open(t.number);
    await p.getByLabel("Message", { exact: true }).fill("Half-written answer");
    await p.getByRole("button", { name: "Close panel" }).click();
    await page.reload();
    p = await open(t.number);
    assert.equal(await p.getByLabel("Message", { exact: true }).inputValue(), "Half-written answer");
    assert.deepEqual(page.errors, []);
  });

  test("focusing a field and leaving it never undoes someone else's change", async () => {
    const t = await api.ticket({ subject: "Before the rename", tags: ["one"] });
    const p = await open(t.number);
    const subject = p.getByLabel("Subject", { exact: true });
    await subject.focus();
    await alice.api.patch(`/tickets/${t.number}`, { subject: "Renamed by Alice", tags: ["two"] });
    await p.getByLabel("Tags", { exact: true }).focus();
    await page.keyboard.press("Tab");
    await waitFor(async () => (await subject.inputValue()) === "Renamed by Alice", { what: "live rename shown" });
    const after = await api.get(`/tickets/${t.number}`);
    assert.equal(after.subject, "Renamed by Alice");
    assert.deepEqual(after.tags, ["two"]);
  });

  test("typing a deadline saves it once, not on every keystroke", async () => {
    const t = await api.ticket({ subject: "One deadline change" });
    const p = await open(t.number);
    const deadline = p.getByLabel("Deadline", { exact: true });
    await deadline.focus();
    await page.keyboard.type("12312026");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.type("0930AM");
    assert.equal((await api.get(`/tickets/${t.number}`)).deadline, null, "nothing saved while typing");
    await deadline.press("Enter");
    await waitFor(async () => (await api.get(`/tickets/${t.number}`)).deadline !== null, { what: "deadline saved" });
    const events = (await api.get(`/tickets/${t.number}/events?limit=500`)).items;
    assert.equal(events.filter((e) => e.type === "ticket.updated" && e.changes.deadline).length, 1, "one deadline change");
  });

  test("a note's draft comes back as a note, and r switches to a reply", async () => {
    const t = await api.ticket({ subject: "Private draft" });
    let p = await open(t.number);
    await p.getByRole("radio", { name: "Internal note" }).check();
    await p.getByLabel("Message", { exact: true }).fill("PRIVATE: do not send");
    await p.getByRole("button", { name: "Close panel" }).click();
    p = await open(t.number);
    assert.equal(await p.getByRole("radio", { name: "Internal note" }).getAttribute("aria-checked"), "true");
    assert.equal(await p.getByLabel("Message", { exact: true }).inputValue(), "PRIVATE: do not send");
    assert.ok(await p.getByRole("button", { name: "Add note" }).isVisible());
    await p.getByRole("tab", { name: "History" }).focus();
    await page.keyboard.press("r");
    await waitFor(async () => (await p.getByRole("radio", { name: "Reply to customer" }).getAttribute("aria-checked")) === "true", {
      what: "r chose a reply",
    });
    await p.getByLabel("Message", { exact: true }).fill("");
  });

  test("Escape closes an open menu without closing the panel", async () => {
    const t = await api.ticket({ subject: "Menus over the panel" });
    const p = await open(t.number);
    const bell = page.getByRole("button", { name: /^Notifications/ });
    await bell.click();
    await page.getByRole("region", { name: "Notifications" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("region", { name: "Notifications" }).waitFor({ state: "detached" });
    assert.ok(await p.isVisible(), "the panel is still open");
    assert.equal(await bell.evaluate((b) => b === document.activeElement), true, "focus back on the bell");
  });

  test("with the panel open its fields are the only ones by those names", async () => {
    const t = await api.ticket({ subject: "Unambiguous" });
    await open(t.number);
    for (const name of ["Status", "Priority", "Assignee", "Group", "Subject", "Message"]) {
      assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, name);
    }
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Edit ticket #${t.number}` });
    await dialog.waitFor();
    assert.equal(await page.getByLabel("Subject", { exact: true }).count(), 1, "Subject with the dialog open");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Close panel" }).click();
    assert.equal(await page.getByRole("button", { name: "New ticket", exact: true }).count(), 1);
  });

  test("opening an unread ticket makes its row plain, and closing returns focus to it", async () => {
    const t = await alice.api.ticket({ subject: "Unread until opened" });
    await page.goto(`${server.base}/tickets`);
    const row = page.locator(`tr[data-number="${t.number}"]`);
    await waitFor(async () => (await row.getAttribute("class"))?.includes("unread"), { what: "bold row" });
    await row.getByRole("link").click();
    await panel(t.number).waitFor();
    await page.getByRole("button", { name: "Close panel" }).click();
    await waitFor(async () => !(await row.getAttribute("class")).includes("unread"), { what: "plain row" });
    assert.equal(await row.getByRole("link").evaluate((a) => a === document.activeElement), true);
  });

  test("a ticket that does not exist says so", async () => {
    await page.goto(`${server.base}/tickets/999999`);
    await page.getByRole("alert").filter({ hasText: "Ticket #999999 does not exist" }).waitFor();
  });
});
