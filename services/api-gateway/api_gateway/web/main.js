// The app shell: who is signed in, the language switch, the navigation their role may use, and
// hash routing to the screens registered in screens/index.js.
//
// The language is the server's answer (`GET /api/v1/me`: the user's saved choice, the token's
// locale, the tenant's default, the browser's Accept-Language); before signing in, the token's
// locale or the browser's. The switch applies at once (shell and screen re-rendered, no reload)
// and saves the choice (`PUT /api/v1/me`).

import { adoptTokenFromLocation, api, claims, token, translateProblems } from "/app/api.js";
import { setTimezone } from "/app/format.js";
import { LANGUAGES, browserLanguage, language, languageOf, problemText, setLanguage, t } from "/app/i18n.js";
import { announce, el } from "/app/ui.js";
import { SCREENS } from "/app/screens/index.js";
import { keepTyped } from "/app/typed-input.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const menuToggle = document.querySelector(".menu-toggle");
let me = null; // GET /api/v1/me of the signed-in user

function allowed(screen, role) {
  return !screen.adminOnly || role === "admin";
}

// The words of index.html, and the language picker, in the current language.
function renderShell() {
  document.querySelector(".skip-link").textContent = t("shell.skip_to_content");
  menuToggle.textContent = t("shell.menu");
  nav.setAttribute("aria-label", t("shell.navigation"));
  const picker = el("select", { id: "language", "aria-label": t("shell.language"),
    "data-testid": "language-select", onchange: (event) => switchLanguage(event.target.value) },
  Object.entries(LANGUAGES).map(([code, name]) => el("option", { value: code, lang: code,
    selected: code === language() }, name)));
  document.getElementById("language-slot").replaceChildren(picker);
}

// The everyday screens in a row; the administrators' settings behind one button, so the row fits
// on one line at 1,280 px in every language (Marathi and Hindi labels are longer).
const link = (s) => el("li", {}, el("a", { href: `#${s.path}`, dataset: { path: s.path } }, s.title));
function renderNav(role) {
  const shown = SCREENS.filter((s) => s.nav && allowed(s, role));
  const admin = shown.filter((s) => s.adminOnly);
  const items = shown.filter((s) => !s.adminOnly).map(link);
  if (admin.length) {
    const list = el("ul", { id: "nav-admin" }, admin.map(link));
    const toggle = el("button", { type: "button", class: "nav-group-toggle", "aria-expanded": "false",
      "aria-controls": "nav-admin", "data-testid": "nav-admin" }, t("nav.admin"));
    const group = el("li", { class: "nav-group" }, toggle, list);
    toggle.addEventListener("click", () => setGroup(group, toggle.getAttribute("aria-expanded") !== "true"));
    group.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { setGroup(group, false); toggle.focus(); }
    });
    items.push(group);
  }
  nav.replaceChildren(el("ul", {}, items));
}
function setGroup(group, open) {
  group.classList.toggle("open", open);
  group.querySelector(".nav-group-toggle").setAttribute("aria-expanded", String(open));
}

function renderWho() {
  document.getElementById("who").replaceChildren(
    `${t("shell.who", { email: me.email, role: t(`role.${me.role}`), company: me.tenant.name })} `,
    el("button", { type: "button", class: "link", onclick: () => { token.clear(); me = null; start(); } },
      t("shell.sign_out")));
}

function markCurrent(path) {
  for (const anchor of nav.querySelectorAll("a")) {
    if (path.startsWith(anchor.dataset.path)) anchor.setAttribute("aria-current", "page");
    else anchor.removeAttribute("aria-current");
  }
  // The settings button stands for the screen open behind it.
  const group = nav.querySelector(".nav-group");
  if (group) {
    group.querySelector(".nav-group-toggle").classList.toggle("current", Boolean(group.querySelector("[aria-current]")));
  }
}

// The phone menu: open with its button, closed again by any navigation.
function setMenu(open) {
  menuToggle.setAttribute("aria-expanded", String(open));
  nav.classList.toggle("open", open);
  const group = nav.querySelector(".nav-group");
  if (!open && group) setGroup(group, false);
}

async function route() {
  const who = claims();
  if (!who) return showSignIn();
  setMenu(false);
  const path = window.location.hash.slice(1) || "/ledger";
  const match = SCREENS.map((s) => ({ s, m: path.match(s.pattern || new RegExp(`^${s.path}$`)) }))
    .find(({ m }) => m);
  if (!match) { main.replaceChildren(el("h1", {}, t("shell.not_found"))); return; }
  const { s: screen, m } = match;
  announce("");  // the previous screen's message does not belong to this one
  markCurrent(path);
  if (!allowed(screen, who.role)) {
    main.replaceChildren(el("h1", {}, t("shell.not_available")),
      el("p", { class: "notice" }, t("shell.admins_only")));
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
  nav.replaceChildren();
  menuToggle.style.display = "none"; // nothing to open before signing in
  document.getElementById("who").replaceChildren();
  document.title = `${t("signin.title")} · LedgerPost`;
  main.replaceChildren(el("h1", {}, t("signin.title")));
  let options;
  try {
    options = await api.get("/dev/sign-in");
  } catch {
    main.append(el("p", { class: "notice" }, t("signin.from_host")));
    return;
  }
  main.append(el("p", {}, t("signin.development", { tenant: options.tenant })),
    el("div", { class: "actions" }, options.roles.map((role) => el("button", {
      type: "button",
      "data-role": role,
      onclick: async () => {
        const { token: minted } = await api.post("/dev/sign-in", { role });
        token.set(minted);
        await start();
      },
    }, t("signin.as", { role: t(`role.${role}`) })))));
}

// The switch: the new words at once, then the choice saved for this user in this tenant. The
// screen is drawn again in the new words with what was typed on it put back (nothing is sent or
// saved by switching); the picker keeps the focus it had.
async function switchLanguage(wanted) {
  const putBack = keepTyped(main);
  await setLanguage(wanted);
  renderShell();
  if (!me) { await showSignIn(); return; }
  renderWho();
  renderNav(me.role);
  await route();
  const lost = putBack();
  if (lost) announce(t("shell.input_not_kept", { count: lost }), "error");
  document.getElementById("language")?.focus();
  try {
    me = await api.put("/api/v1/me", { language: language() });
  } catch (error) {
    announce(t("shell.language_not_saved", { reason: error.message }), "error");
  }
}

async function start() {
  const who = claims();
  await setLanguage(languageOf(who?.locale) || browserLanguage());
  renderShell();
  if (!who) return showSignIn();
  try {
    me = await api.get("/api/v1/me");
    setTimezone(me.tenant.timezone);
    await setLanguage(me.language);
    renderShell();
    renderWho();
  } catch (error) {
    token.clear();
    me = null;
    announce(error.message, "error");
    return showSignIn();
  }
  renderNav(who.role);
  menuToggle.style.display = "";
  await route();
}

// A token handed over while the app is open (the sign-in page) signs in at once.
window.addEventListener("hashchange", () => (adoptTokenFromLocation() ? start() : route()));
window.addEventListener("ledgerpost:signed-out", () => { token.clear(); me = null; showSignIn(); });
// A click anywhere else closes the settings menu.
document.addEventListener("click", (event) => {
  const group = nav.querySelector(".nav-group.open");
  if (group && !group.contains(event.target)) setGroup(group, false);
});
menuToggle.addEventListener("click", () => setMenu(menuToggle.getAttribute("aria-expanded") !== "true"));
translateProblems(problemText);
adoptTokenFromLocation();
start();
