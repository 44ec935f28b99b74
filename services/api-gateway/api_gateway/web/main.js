// The app shell: who is signed in, the navigation their role may use, and hash routing to the
// screens registered in screens/index.js.

import { adoptTokenFromLocation, api, claims, token } from "/app/api.js";
import { setTimezone } from "/app/format.js";
import { announce, el } from "/app/ui.js";
import { SCREENS } from "/app/screens/index.js";

const main = document.getElementById("main");

function allowed(screen, role) {
  return !screen.adminOnly || role === "admin";
}

function renderNav(role) {
  const nav = document.getElementById("nav");
  nav.replaceChildren(el("ul", {}, SCREENS.filter((s) => s.nav && allowed(s, role)).map((s) =>
    el("li", {}, el("a", { href: `#${s.path}`, dataset: { path: s.path } }, s.title)))));
}

function markCurrent(path) {
  for (const link of document.querySelectorAll("#nav a")) {
    if (path.startsWith(link.dataset.path)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  const who = claims();
  if (!who) return showSignIn();
  const path = window.location.hash.slice(1) || "/ledger";
  const match = SCREENS.map((s) => ({ s, m: path.match(s.pattern || new RegExp(`^${s.path}$`)) }))
    .find(({ m }) => m);
  if (!match) { main.replaceChildren(el("h1", {}, "Not found")); return; }
  const { s: screen, m } = match;
  announce("");  // the previous screen's message does not belong to this one
  markCurrent(path);
  if (!allowed(screen, who.role)) {
    main.replaceChildren(el("h1", {}, "Not available"),
      el("p", { class: "notice" }, "This screen is for administrators."));
    return;
  }
  document.title = `${screen.title} · LedgerPost`;
  main.replaceChildren(el("h1", {}, screen.title));
  try {
    await screen.render(main, { params: m.slice(1), role: who.role, user: who });
  } catch (error) {
    main.append(el("p", { class: "notice error" }, error.message));
    announce(error.message, "error");
  }
  main.focus();
}

// Development only: the gateway mints demo tokens; elsewhere the host app hands one over.
async function showSignIn() {
  document.getElementById("nav").replaceChildren();
  main.replaceChildren(el("h1", {}, "Sign in"));
  let options;
  try {
    options = await api.get("/dev/sign-in");
  } catch {
    main.append(el("p", { class: "notice" },
      "Open LedgerPost from the accounting application: it signs you in (#token=...)."));
    return;
  }
  main.append(el("p", {}, `Development sign-in for the ${options.tenant} tenant:`),
    el("div", { class: "actions" }, options.roles.map((role) => el("button", {
      type: "button",
      onclick: async () => {
        const { token: minted } = await api.post("/dev/sign-in", { role });
        token.set(minted);
        await start();
      },
    }, `Sign in as ${role}`))));
}

async function start() {
  const who = claims();
  if (!who) return showSignIn();
  try {
    const me = await api.get("/api/v1/me");
    setTimezone(me.tenant.timezone);
    document.getElementById("who").replaceChildren(
      `${me.email} (${me.role}) · ${me.tenant.name} `,
      el("button", { type: "button", class: "link", onclick: () => { token.clear(); start(); } }, "Sign out"));
  } catch (error) {
    token.clear();
    announce(error.message, "error");
    return showSignIn();
  }
  renderNav(who.role);
  await route();
}

window.addEventListener("hashchange", route);
window.addEventListener("ledgerpost:signed-out", () => { token.clear(); showSignIn(); });
document.querySelector(".menu-toggle").addEventListener("click", (event) => {
  const open = event.currentTarget.getAttribute("aria-expanded") === "true";
  event.currentTarget.setAttribute("aria-expanded", String(!open));
  document.getElementById("nav").classList.toggle("open", !open);
});
adoptTokenFromLocation();
start();
