// app.js — entry point of the agent web app (being built: issue 3).
import { h, render } from "/vendor/preact.mjs";
import htm from "/vendor/htm.mjs";

const html = htm.bind(h);
render(html`<main><h1>Docket</h1></main>`, document.getElementById("app"));
