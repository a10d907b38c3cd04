// mail.test.mjs — where a reply's email stands, as an agent sees it: queued
// while the relay is unreachable, then "not delivered" with the reason on
// the message and in the History tab once the worker gives it up, live.

import { describe, before, after, test } from "node:test";
import { startServer, launch, newPage, signIn, shot, freePort } from "./harness.mjs";

describe("email delivery of replies", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    // A relay port nobody listens on, one attempt: the worker gives the
    // reply up at its first try.
    const closed = await freePort();
    server = await startServer(undefined, {
      DOCKET_SMTP: `smtp://127.0.0.1:${closed}`,
      DOCKET_OUTBOX_ATTEMPTS: "1",
      DOCKET_OUTBOX_POLL_MS: "50",
    });
    browser = await launch();
    page = await newPage(browser);
    await signIn(page, server.base);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a reply the relay never takes says so on the message and in the history", async () => {
    const t = await server.admin.ticket({ subject: "Refund please", requester: { email: "c@example.org" } });
    await page.goto(`${server.base}/tickets/${t.number}`);
    const p = page.getByRole("complementary", { name: new RegExp(`^Ticket #${t.number}:`) });
    await p.waitFor();
    await p.getByRole("radio", { name: "Reply to customer" }).check();
    await p.getByLabel("Message", { exact: true }).fill("Refunded today.");
    await p.getByRole("button", { name: "Send reply" }).click();
    const reply = p.getByRole("article", { name: "Public reply · Administrator" });
    await reply.getByText(/^Email not delivered: SMTP/).waitFor();
    await shot(page, "14-delivery-failed");
    await p.getByRole("tab", { name: "History" }).click();
    await p.getByRole("list", { name: "History" }).getByText(/could not email a reply/).waitFor();
  });

  test("a note is never emailed and shows no delivery", async () => {
    const t = await server.admin.ticket({ subject: "Internal only" });
    await page.goto(`${server.base}/tickets/${t.number}`);
    const p = page.getByRole("complementary", { name: new RegExp(`^Ticket #${t.number}:`) });
    await p.getByRole("radio", { name: "Internal note" }).check();
    await p.getByLabel("Message", { exact: true }).fill("Check the ledger.");
    await p.getByRole("button", { name: "Add note" }).click();
    const note = p.getByRole("article", { name: "Internal note · Administrator" });
    await note.waitFor();
    if ((await note.getByText(/^Email/).count()) !== 0) {
      throw new Error("a note shows an email delivery");
    }
  });
});
