// A date field that does not depend on the browser's locale (a native <input type=date> shows
// 12/04/2026 on an en-US browser, which an Indian accountant reads as 12 April): typed and shown
// as dd-mm-yyyy, checked as it is left, spelled out beside it, with a calendar popup that works
// with the keyboard (arrows, PageUp/PageDown, Home/End, Enter, Escape) and with a finger.
// Screens read the ISO date with isoOf(input) and send that to the API.
//
// Test ids (from the `testid` given): <testid> (the text input), <testid>-calendar (the button),
// <testid>-spelled; the popup is role=dialog, its days are buttons named by their full date.

import {
  addDays, addMonths, day, daysBetween, daysInMonth, isoDate, monthTitle, parseDay, spelledDay, spelledPeriod,
  today, weekdayNames,
} from "/app/format.js";
import { t } from "/app/i18n.js";
import { el, field, showErrors } from "/app/ui.js";

// The shape, not words (the hint below says dd-mm-yyyy in the UI's language); a real date here
// would read as a filter already set.
const PLACEHOLDER = "__-__-____";

// The ISO date an input holds ("" when empty or not a date).
export const isoOf = (input) => parseDay(input.value) || "";
// Why an input's text is not a date ("" when it is a date, or empty).
export const dateProblem = (input) => (input.value.trim() && !isoOf(input)
  ? t("date.invalid", { example: day(today()) }) : "");

// Before a form is sent: the first mistyped date's problem next to it (and in the form's
// summary), focused; true when there was one. Never sent: the server would only say "not a date".
export function mistypedDate(form, inputs) {
  const input = inputs.find((candidate) => dateProblem(candidate));
  if (!input) return false;
  const message = dateProblem(input);
  showErrors(form, { message, fieldErrors: [{ field: input.name, message }] });
  input.focus();
  return true;
}

// A period in words in the UI's language: "1 April 2026 – 30 November 2026", "from 1 April 2026".
export const periodInWords = (from, to) => spelledPeriod(from, to, {
  from: (date) => t("date.period_from", { date }), upTo: (date) => t("date.period_until", { date }),
});

// "Period: 1 April 2026 – 30 November 2026 (244 days)", or why the two dates cannot be a period.
export function describePeriod(start, end) {
  if (!start || !end) return "";
  const days = daysBetween(start, end) + 1;
  return days > 0 ? t("date.period_days", { period: periodInWords(start, end), count: days })
    : t("date.period_reversed", { from: spelledDay(start), to: spelledDay(end) });
}

// The line beside a From and a To field that spells their period out, kept up to date as
// either changes (typed, picked, or set by a preset).
export function periodLine(from, to, testid = "period-summary") {
  const line = el("p", { class: "hint period-summary", "aria-live": "polite", dataset: { testid } });
  const update = () => { line.textContent = describePeriod(isoOf(from), isoOf(to)); };
  for (const input of [from, to]) {
    for (const type of ["input", "change", "date-set"]) input.addEventListener(type, update);
  }
  update();
  return line;
}

// Put an ISO date in (a program's change: no input event, so presets stay presets).
export function setIso(input, isoValue) {
  input.value = isoValue ? day(isoValue) : "";
  input.dispatchEvent(new CustomEvent("date-set", { bubbles: true }));
}

export function dateInput({ name, value = "", testid, required = false }) {
  return el("input", { type: "text", name, value: value ? day(value) : "", inputmode: "numeric",
    autocomplete: "off", placeholder: PLACEHOLDER, maxlength: 10, required, "data-date": "",
    dataset: testid ? { testid } : undefined });
}

// A calendar drawn in SVG: an emoji needs a colour font that many PCs and servers lack.
function calendarIcon() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  for (const [key, value] of Object.entries({ viewBox: "0 0 16 16", width: "16", height: "16",
    fill: "none", stroke: "currentColor", "stroke-width": "1.5", "aria-hidden": "true", focusable: "false" })) {
    svg.setAttribute(key, value);
  }
  for (const d of ["M2 3.5h12v10.5H2z", "M2 6.5h12", "M5 1.5v3", "M11 1.5v3", "M5 9h1M8 9h1M11 9h1M5 11.5h1M8 11.5h1"]) {
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

// A labelled date field: the input, its calendar button and popup, the date spelled out
// (`spell: false` where the form spells the whole period instead), and the error slot.
export function dateField(label, input, { hint = "", spell = true } = {}) {
  const wrap = field(label, input, hint ? `${t("date.hint")}: ${hint}` : t("date.hint"));
  const hintNode = wrap.querySelector(".hint");
  hintNode.id = `${input.id}-hint`;
  input.setAttribute("aria-describedby", `${input.id}-hint ${input.id}-error`);
  const testid = input.dataset.testid;
  const spelled = el("p", { class: "hint date-spelled", "aria-live": "polite",
    dataset: testid ? { testid: `${testid}-spelled` } : undefined });
  const calendarButton = el("button", { type: "button", class: "secondary date-button",
    "aria-label": `${t("date.choose")}: ${label}`, "aria-haspopup": "dialog", "aria-expanded": "false",
    dataset: testid ? { testid: `${testid}-calendar` } : undefined }, calendarIcon());
  const control = el("div", { class: "date-control" });
  input.replaceWith(control);
  control.append(input, calendarButton);
  hintNode.after(spelled);
  if (!spell) spelled.hidden = true;

  const errorSlot = wrap.querySelector(".field-error");
  const showState = () => {
    const iso = isoOf(input);
    spelled.textContent = iso ? spelledDay(iso) : "";
  };
  // Checked when left: a half-typed date is not an error yet.
  const check = () => {
    const problem = dateProblem(input);
    if (problem) {
      errorSlot.hidden = false;
      errorSlot.textContent = problem;
      input.setAttribute("aria-invalid", "true");
    } else {
      if (input.getAttribute("aria-invalid")) { errorSlot.hidden = true; errorSlot.textContent = ""; }
      input.removeAttribute("aria-invalid");
      const iso = isoOf(input);
      if (iso) input.value = day(iso); // 1/4/26 becomes 01-04-2026
    }
    showState();
  };
  input.addEventListener("input", showState);
  input.addEventListener("date-set", showState);
  input.addEventListener("change", check);
  input.addEventListener("keydown", (event) => {
    if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); picker.open(); }
  });
  const picker = calendar(input, calendarButton, label);
  calendarButton.addEventListener("click", () => (picker.isOpen() ? picker.close() : picker.open()));
  showState();
  return wrap;
}

// The popup: a month grid of day buttons with one in the tab order (roving focus).
function calendar(input, opener, label) {
  let shown = null; // the popup element while open
  let focusDay = "";

  function choose(isoValue) {
    input.value = day(isoValue);
    input.removeAttribute("aria-invalid");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    close();
    input.focus();
  }

  function render() {
    const [y, m] = focusDay.split("-").map(Number);
    const chosen = isoOf(input);
    const now = today();
    // Re-rendering removes the pressed button: focus goes back to its replacement.
    const nav = (text, name, move) => el("button", { type: "button", class: "secondary", "aria-label": name,
      onclick: () => { focusDay = move(focusDay); render(); shown.querySelector(`[aria-label="${name}"]`)?.focus(); } },
    text);
    const first = isoDate(y, m, 1);
    const lead = new Date(`${first}T00:00:00Z`).getUTCDay(); // weeks start on Sunday, as in India
    const cells = [];
    for (let i = 0; i < lead; i += 1) cells.push(el("td", {}));
    const weekdays = weekdayNames("long");
    const longDay = (iso) => weekdays[new Date(`${iso}T00:00:00Z`).getUTCDay()];
    for (let d = 1; d <= daysInMonth(y, m); d += 1) {
      const iso = isoDate(y, m, d);
      cells.push(el("td", { role: "gridcell", "aria-selected": String(iso === chosen) },
        el("button", { type: "button", class: `date-day${iso === chosen ? " chosen" : ""}`,
          tabindex: iso === focusDay ? "0" : "-1", "aria-current": iso === now ? "date" : undefined,
          "aria-label": `${longDay(iso)}, ${spelledDay(iso)}`, dataset: { iso },
          onclick: () => choose(iso) }, String(d))));
    }
    const rows = [];
    for (let i = 0; i < cells.length; i += 7) rows.push(el("tr", {}, cells.slice(i, i + 7)));
    const heading = el("h3", { id: `${input.id}-month`, "aria-live": "polite" }, monthTitle(y, m));
    shown.replaceChildren(
      el("div", { class: "date-head" },
        nav("«", t("date.previous_year"), (v) => addMonths(v, -12)),
        nav("‹", t("date.previous_month"), (v) => addMonths(v, -1)),
        heading,
        nav("›", t("date.next_month"), (v) => addMonths(v, 1)), nav("»", t("date.next_year"), (v) => addMonths(v, 12))),
      el("table", { role: "grid", "aria-labelledby": heading.id },
        el("thead", {}, el("tr", {}, weekdayNames("short").map((w, i) =>
          el("th", { scope: "col", abbr: weekdays[i] }, w)))),
        el("tbody", { onkeydown: onGridKey }, rows)),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "secondary", onclick: () => choose(now) }, t("date.today")),
        el("button", { type: "button", class: "secondary", onclick: () => { close(); input.focus(); } }, t("action.close"))));
  }

  function focusCurrent() { shown?.querySelector(`[data-iso="${focusDay}"]`)?.focus(); }

  function onGridKey(event) {
    const moves = {
      ArrowLeft: (v) => addDays(v, -1), ArrowRight: (v) => addDays(v, 1),
      ArrowUp: (v) => addDays(v, -7), ArrowDown: (v) => addDays(v, 7),
      PageUp: (v) => addMonths(v, event.shiftKey ? -12 : -1), PageDown: (v) => addMonths(v, event.shiftKey ? 12 : 1),
      Home: (v) => addDays(v, -new Date(`${v}T00:00:00Z`).getUTCDay()),
      End: (v) => addDays(v, 6 - new Date(`${v}T00:00:00Z`).getUTCDay()),
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    focusDay = move(focusDay);
    render();
    focusCurrent();
  }

  function onKey(event) {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation(); // closes the calendar, not a dialog around it
    close();
    input.focus();
  }
  function onOutside(event) {
    if (shown && !shown.contains(event.target) && event.target !== opener) close();
  }

  function open() {
    if (shown) return;
    focusDay = isoOf(input) || today();
    shown = el("div", { class: "date-popup", role: "dialog", "aria-modal": "false",
      "aria-label": `${t("date.choose")}: ${label}` });
    shown.addEventListener("keydown", onKey);
    // Tabbing out of the calendar closes it (it is not modal).
    shown.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !shown?.contains(event.relatedTarget) && event.relatedTarget !== opener) close();
    });
    opener.after(shown);
    opener.setAttribute("aria-expanded", "true");
    render();
    // Kept inside the window on a phone: moved left when it would overflow on the right.
    const box = shown.getBoundingClientRect();
    const overflow = box.right - (document.documentElement.clientWidth - 8);
    if (overflow > 0) shown.style.left = `${-Math.min(overflow, box.left - 8)}px`;
    document.addEventListener("pointerdown", onOutside, true);
    focusCurrent();
  }

  function close() {
    if (!shown) return;
    shown.remove();
    shown = null;
    opener.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", onOutside, true);
  }

  return { open, close, isOpen: () => shown !== null };
}

// A form's entries with date inputs as ISO dates (what the API takes).
export function formEntries(form) {
  return [...new FormData(form)].map(([key, value]) => {
    const input = form.elements[key];
    return [key, input && "date" in (input.dataset || {}) ? isoOf(input) : value];
  });
}
