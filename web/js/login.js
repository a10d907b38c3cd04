// login.js — the sign-in page: email and password, POST /api/v1/auth/login,
// the contract's error message shown as an alert.

import { useState } from "/vendor/hooks.mjs";
import { api } from "./api.js";
import { t, setLanguage, language, LANGUAGES } from "./i18n.js";
import { html, errorText } from "./ui.js";

export function Login({ onSignedIn }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await api.login(email.trim(), password);
      await onSignedIn(user);
    } catch (err) {
      setError(err.status === 401 ? t("login.failed") : errorText(err));
      setBusy(false);
    }
  };

  return html`<div class="login-page">
    <main class="login-card">
      <div class="brand big"><span class="logo" aria-hidden="true">D</span>Docket</div>
      <h1>${t("login.title")}</h1>
      <form onSubmit=${submit} aria-describedby=${error ? "login-error" : undefined}>
        <label for="login-email">${t("login.email")}</label>
        <input
          id="login-email"
          type="email"
          name="email"
          autocomplete="username"
          required
          autofocus
          value=${email}
          onInput=${(e) => setEmail(e.currentTarget.value)}
        />
        <label for="login-password">${t("login.password")}</label>
        <input
          id="login-password"
          type="password"
          name="password"
          autocomplete="current-password"
          required
          value=${password}
          onInput=${(e) => setPassword(e.currentTarget.value)}
        />
        ${error && html`<p id="login-error" class="form-error" role="alert">${error}</p>`}
        <button type="submit" class="button primary block" disabled=${busy}>
          ${busy ? t("login.signing_in") : t("login.submit")}
        </button>
      </form>
      <div class="login-lang">
        <label for="login-lang">${t("shell.language")}</label>
        <select
          id="login-lang"
          value=${language()}
          onChange=${(e) => setLanguage(e.currentTarget.value)}
        >
          ${LANGUAGES.map((l) => html`<option value=${l.code}>${l.name}</option>`)}
        </select>
      </div>
    </main>
  </div>`;
}
