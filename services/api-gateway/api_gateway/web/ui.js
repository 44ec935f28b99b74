// Small building blocks every screen uses: elements, status messages, dialogs that trap and
// return focus, field errors from problem details, busy buttons and tables.

import { has, problemText, t } from "/app/i18n.js";

// el("button", {type: "button", onclick}, "Save") — children may be strings or nodes.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A catalogue text whose placeholders may be nodes (a link inside a sentence): the text's
// parts in order, for el(): phrase("email.still_waiting", { link: el("a", ...) }).
export function phrase(key, params = {}) {
  const nodes = Object.fromEntries(Object.entries(params).filter(([, v]) => v instanceof Node));
  const text = t(key, Object.fromEntries(Object.entries(params).filter(([, v]) => !(v instanceof Node))));
  return text.split(/(\{\w+\})/).filter(Boolean).map((part) => nodes[part.slice(1, -1)] ?? part);
}

// Announce progress, success or an error in the live region (and show it).
let fading;
export function announce(message, kind = "info") {
  const region = document.getElementById("status");
  region.className = `status ${kind}`;
  region.textContent = message;
  // Errors stay until the next message; the rest fade so they never hide the page for long.
  clearTimeout(fading);
  if (message && kind !== "error") fading = setTimeout(() => { region.textContent = ""; }, 6000);
}

// A labelled form field; errors attach to it by name (the problem's `field`).
export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const error = el("p", { class: "field-error", id: `${id}-error`, hidden: true });
  input.setAttribute("aria-describedby", `${id}-error`);
  return el("div", { class: "field" }, el("label", { for: id }, label), input,
    hint ? el("p", { class: "hint" }, hint) : null, error);
}

// The input a problem's field path belongs to: name="to" catches "to.1" too, and
// name="recipients.cc" catches "recipients.cc.2".
function inputFor(form, path) {
  const list = path.replace(/\.\d+$/, "");
  return form.querySelector(`[name="${CSS.escape(path)}"]`)
    || form.querySelector(`[name="${CSS.escape(list)}"]`)
    || form.querySelector(`[name="${CSS.escape(path.split(".")[0])}"]`);
}

// A field path as the person sees it: the form's own label ("From", not "params.from_date"),
// with the position of one address in a list ("To (address 2)", not "to.1").
export function fieldLabel(form, path) {
  const name = String(path);
  const input = inputFor(form, name);
  const label = input && (form.querySelector(`label[for="${CSS.escape(input.id)}"]`)
    || input.closest("fieldset")?.querySelector("legend"));
  const item = /\.(\d+)$/.exec(name);
  const position = item ? ` (${t("form.item", { n: Number(item[1]) + 1 })})` : "";
  if (label) return `${label.firstChild.textContent.trim()}${position}`;
  const last = name.replace(/\.\d+$/, "").split(".").pop();
  return `${has(`field.${last}`) ? t(`field.${last}`) : last.replace(/_/g, " ")}${position}`;
}

// A problem's field error in the user's language, by its stable code (else the server's words);
// {value} in its text is what was typed there (one address of a list for "to.1").
export function fieldMessage(form, fieldError) {
  const name = String(fieldError.field);
  const input = inputFor(form, name);
  const item = /\.(\d+)$/.exec(name);
  let value = input && "value" in input ? input.value.trim() : undefined;
  if (value !== undefined && item && input.name !== name) value = addressList(value)[Number(item[1])];
  return problemText(fieldError.code, fieldError.message, value ? { value } : {});
}

// Show problem-details field errors next to their inputs; anything unmatched goes to the
// form's summary under the field's label, never its raw path.
export function showErrors(form, error) {
  clearErrors(form);
  const leftovers = [];
  for (const fieldError of error.fieldErrors || []) {
    const name = String(fieldError.field);
    const message = fieldMessage(form, fieldError);
    const input = inputFor(form, name);
    const slot = input && form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (slot) {
      slot.hidden = false;
      slot.textContent = slot.textContent ? `${slot.textContent}; ${message}` : message;
      input.setAttribute("aria-invalid", "true");
    } else {
      leftovers.push(`${fieldLabel(form, name)}: ${message}`);
    }
  }
  // Errors placed next to their fields are not repeated in the summary.
  const placed = (error.fieldErrors || []).length > 0 && !leftovers.length;
  const text = placed ? t("form.fix_highlighted") : leftovers.join("; ") || error.message;
  const summary = form.querySelector(".form-summary");
  if (summary) {
    summary.hidden = false;
    summary.textContent = text;
  }
  announce(text, "error");
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const summary = form.querySelector(".form-summary");
  if (summary) { summary.hidden = true; summary.textContent = ""; }
}

// Run `action` with the button disabled and marked busy; errors are announced.
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// A modal dialog: focus moves in, Tab stays in, Escape closes, focus returns to the opener.
export function openDialog(title, content, { onClose } = {}) {
  const opener = document.activeElement;
  const heading = el("h2", { id: `dlg-${Date.now()}` }, title);
  const close = el("button", { type: "button", class: "dialog-close", "aria-label": t("action.close") }, "×");
  const box = el("div", { class: "dialog", role: "dialog", "aria-modal": "true",
    "aria-labelledby": heading.id }, el("div", { class: "dialog-head" }, heading, close), content);
  const backdrop = el("div", { class: "backdrop" }, box);
  const focusables = () => [...box.querySelectorAll(
    "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])")] // i18n: a CSS selector
    .filter((n) => !n.disabled && n.offsetParent !== null);
  function shut() {
    backdrop.remove();
    document.removeEventListener("keydown", onKey, true);
    if (opener && opener.focus) opener.focus();
    onClose?.();
  }
  function onKey(event) {
    if (event.key === "Escape") { event.preventDefault(); shut(); return; }
    if (event.key !== "Tab") return;
    const nodes = focusables();
    if (!nodes.length) return;
    const [first, last] = [nodes[0], nodes[nodes.length - 1]];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }
  close.addEventListener("click", shut);
  document.addEventListener("keydown", onKey, true);
  document.body.append(backdrop);
  (focusables()[1] || focusables()[0] || box).focus();
  return { close: shut, box };
}

// A table from column specs [{title, cell: (row) => node|string}] (a caption for screen readers).
export function table(caption, columns, rows, { empty } = {}) {
  if (!rows.length) return el("p", { class: "empty" }, empty ?? t("table.empty"));
  return el("div", { class: "table-wrap" }, el("table", {},
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col" }, c.title)))),
    el("tbody", {}, rows.map((row) => el("tr", {}, columns.map((c) => el("td",
      { class: c.numeric ? "num" : undefined }, c.cell(row))))))));
}

// Comma/semicolon/newline separated addresses -> list.
export const addressList = (text) => String(text || "").split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
