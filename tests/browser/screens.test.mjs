// screens.test.mjs — every main screen on a laptop (1280×720) and a phone
// (390×844): nothing runs off the side of the page, the controls stay
// reachable, and a screenshot of each is saved under
// build/test-output/browser/ to be looked at. Also paging through more
// tickets than fit on one page.

import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, signIn, shot, rowNumbers, waitFor } from "./harness.mjs";

const PHONE = { width: 390, height: 844 };

async function overflowsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

describe("screens and paging", () => {
  let server;
  let browser;
  let api;
  let sample;

  before(async () => {
    server = await startServer();
    api = server.admin;
    browser = await launch();
    const alice = await api.addUser({ name: "Alice Smith" });
    const subjects = [
      ["Cannot sign in after the password reset", "major", "todo"],
      ["Invoice 4411 was charged twice", "normal", "waiting"],
      ["Не приходит письмо с подтверждением", "normal", "in_progress"],
      ["Feature request: dark mode for the portal", "minor", "todo"],
      ["Dotaz k faktuře za říjen", "minor", "closed"],
    ];
    for (const [subject, priority, status] of subjects) {
      sample = await api.ticket({
        subject,
        priority,
        status,
        description: "Hello,\n\nthis started yesterday.\n\nThanks",
        tags: ["billing"],
        assignee_id: alice.user.id,
        deadline: "2026-12-20T09:00:00Z",
        channel: "email",
      });
    }
    await api.post(`/tickets/${sample.number}/messages`, { kind: "reply", body: "Thanks, we are on it." });
    await api.post(`/tickets/${sample.number}/messages`, { kind: "note", body: "Escalated to billing." });
    for (let i = 0; i < 55; i++) {
      await api.ticket({ subject: `Bulk ticket ${i}` });
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("paging moves through the list by cursor, forth and back", async () => {
    const page = await newPage(browser);
    await signIn(page, server.base);
    await page.goto(`${server.base}/tickets?limit=25`);
    const first = (await api.get("/tickets?limit=25&sort=-number")).items.map((t) => t.number);
    await waitFor(async () => JSON.stringify(await rowNumbers(page)) === JSON.stringify(first), { what: "page 1" });
    const pages = page.getByRole("navigation", { name: "Pages" });
    assert.match(await pages.textContent(), /1–25 of 60/);
    await pages.getByRole("button", { name: /Next/ }).click();
    const p1 = await api.get("/tickets?limit=25&sort=-number");
    const second = (await api.get(`/tickets?limit=25&sort=-number&cursor=${encodeURIComponent(p1.next_cursor)}`)).items.map((t) => t.number);
    await waitFor(async () => JSON.stringify(await rowNumbers(page)) === JSON.stringify(second), { what: "page 2" });
    assert.match(await pages.textContent(), /26–50 of 60/);
    await pages.getByRole("button", { name: /Previous/ }).click();
    await waitFor(async () => JSON.stringify(await rowNumbers(page)) === JSON.stringify(first), { what: "back to page 1" });
    assert.equal(await pages.getByRole("button", { name: /Previous/ }).isDisabled(), true);
    await page.getByLabel("Per page").selectOption("100");
    await waitFor(async () => (await rowNumbers(page)).length === 60, { what: "all 60 on one page" });
    assert.equal(await pages.getByRole("button", { name: /Next/ }).isDisabled(), true);
    await page.context().close();
  });

  test("the laptop screens", async () => {
    const page = await newPage(browser);
    await signIn(page, server.base);
    await page.getByRole("link", { name: /^Unresolved tickets/ }).locator(".widget-value").filter({ hasText: /\d/ }).waitFor();
    await shot(page, "10-laptop-dashboard");
    await page.goto(`${server.base}/tickets?sort=-priority`);
    await page.locator("tbody tr").first().waitFor();
    await shot(page, "11-laptop-tickets");
    await page.goto(`${server.base}/tickets/${sample.number}`);
    await page.getByRole("complementary", { name: /^Ticket #/ }).getByText("Escalated to billing.").waitFor();
    await shot(page, "12-laptop-panel");
    assert.equal(await overflowsSideways(page), false);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the phone screens fit the width and keep every control reachable", async () => {
    const page = await newPage(browser, { viewport: PHONE });
    await page.goto(`${server.base}/`);
    await shot(page, "20-phone-sign-in");
    await signIn(page, server.base);
    await page.getByRole("link", { name: /^Unresolved tickets/ }).locator(".widget-value").filter({ hasText: /\d/ }).waitFor();
    assert.equal(await overflowsSideways(page), false, "dashboard fits");
    await shot(page, "21-phone-dashboard");

    await page.getByRole("link", { name: "All tickets" }).click();
    await page.locator("tbody tr").first().waitFor();
    assert.equal(await overflowsSideways(page), false, "tickets fit (the table scrolls inside its box)");
    assert.ok(await page.getByRole("button", { name: "New ticket" }).isVisible());
    assert.ok(await page.getByRole("searchbox", { name: "Search tickets" }).isVisible());
    await shot(page, "22-phone-tickets");

    await page.getByRole("link", { name: /^Bulk ticket 54$/ }).waitFor();
    await page.goto(`${server.base}/tickets/${sample.number}`);
    const panel = page.getByRole("complementary", { name: /^Ticket #/ });
    await panel.getByText("Escalated to billing.").waitFor();
    assert.equal(await overflowsSideways(page), false, "panel fits");
    await panel.getByLabel("Message", { exact: true }).scrollIntoViewIfNeeded();
    assert.ok(await panel.getByLabel("Message", { exact: true }).isVisible());
    // Nothing is painted over the composer: its button is what a tap hits.
    await panel.getByLabel("Message", { exact: true }).fill("From the phone");
    const send = panel.getByRole("button", { name: "Send reply" });
    await send.scrollIntoViewIfNeeded();
    const hit = await send.evaluate((b) => {
      const r = b.getBoundingClientRect();
      const el = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return b.contains(el);
    });
    assert.ok(hit, "the Send reply button is not covered");
    await panel.getByLabel("Message", { exact: true }).fill("");
    await shot(page, "23-phone-panel");
    await panel.getByRole("button", { name: "Close panel" }).click();

    await page.getByRole("button", { name: "New ticket" }).click();
    const dialog = page.getByRole("dialog", { name: "New ticket" });
    await dialog.getByLabel("Subject").waitFor();
    assert.equal(await overflowsSideways(page), false, "form fits");
    await shot(page, "24-phone-new-ticket");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
