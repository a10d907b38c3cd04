// signin.test.mjs — sign-in and sign-out through the real form, the
// session surviving a reload, and the English/Russian switch (chosen from
// the browser, switchable, remembered).

import { describe, before, after, test } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, signIn, shot, waitFor, ADMIN_EMAIL } from "./harness.mjs";

describe("sign-in and language", () => {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a wrong password is refused with a message and no session", async () => {
    const page = await newPage(browser);
    await page.goto(server.base + "/");
    await shot(page, "01-sign-in");
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor();
    const me = await page.request.get(server.base + "/api/v1/me");
    assert.equal(me.status(), 401);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("signing in opens the dashboard, a reload keeps the session, signing out ends it", async () => {
    const page = await newPage(browser);
    await signIn(page, server.base);
    assert.ok(await page.getByRole("navigation", { name: "Main" }).isVisible());
    await page.reload();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Account: Administrator" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const me = await page.request.get(server.base + "/api/v1/me");
    assert.equal(me.status(), 401);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("an agent sets their own availability from the account menu", async () => {
    const page = await newPage(browser);
    await signIn(page, server.base);
    await page.getByRole("button", { name: "Account: Administrator" }).click();
    await page.getByLabel("My availability").selectOption("online");
    await waitFor(async () => (await server.admin.get("/me")).availability === "online", { what: "online" });
    await page.keyboard.press("Escape");
    await page.getByLabel("My availability").waitFor({ state: "detached" });
    await page.getByRole("link", { name: "Dashboard" }).click();
    const team = page.getByRole("region", { name: "Team" });
    await team.getByText("Online").waitFor();
    await page.context().close();
  });

  test("a Russian browser gets the Russian UI", async () => {
    const page = await newPage(browser, { locale: "ru-RU" });
    await page.goto(server.base + "/");
    await page.getByRole("button", { name: "Войти" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "ru");
    await page.context().close();
  });

  test("the language can be switched and is remembered", async () => {
    const page = await newPage(browser);
    await signIn(page, server.base);
    await page.getByRole("combobox", { name: "Language" }).selectOption("ru");
    await page.getByRole("heading", { name: "Обзор", level: 1 }).waitFor();
    assert.ok(await page.getByRole("link", { name: "Все заявки" }).isVisible());
    await shot(page, "09-dashboard-ru");
    await page.reload();
    await page.getByRole("heading", { name: "Обзор", level: 1 }).waitFor();
    await page.getByRole("combobox", { name: "Язык" }).selectOption("en");
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem("docket.lang")), "en");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
