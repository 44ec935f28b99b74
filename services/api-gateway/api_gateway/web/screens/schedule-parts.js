// What the schedules list and a schedule's own page both show and do: a schedule described in
// words (report, recurrence, state, last result), its Pause/Resume and Run now buttons, and the
// focus kept on the pressed button across a re-render.
// data-testid: schedule-state, pause-schedule, resume-schedule, run-now

import { api, idempotencyKey, reportsByName } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { announce, busy, el } from "/app/ui.js";
import { reportTitle, t } from "/app/i18n.js";
import { statusBadge } from "/app/screens/audit.js";
import { periods } from "/app/screens/schedule-form.js";
import { describeRecurrence } from "/app/screens/schedule-recurrence.js";

let known = {}; // the reports by name (GET /api/v1/reports), loaded when a screen renders
export const loadReports = async () => { known = await reportsByName(); };
export const reportOf = (s) => known[s.report];

// The report's title and its saved parameters, read by their meaning (never by report name).
export function describeReport(s) {
  const p = s.params || {};
  const parts = [];
  if (p.ledger) parts.push(p.ledger);
  if (p.period) {
    parts.push(p.period === "last_n_days" ? t("period.last_n", { count: Number(p.n) })
      : periods().find(([v]) => v === p.period)?.[1] || p.period);
  }
  if (p.kind) parts.push(p.kind === "payable" ? t("kind.payables") : t("kind.receivables"));
  const title = reportTitle(s.report, reportOf(s)?.title);
  return parts.length ? `${title}: ${parts.join(" · ")}` : title;
}

// Callbacks of buttons and timers: a failed reload is announced, never an unhandled rejection.
export const safely = (fn) => (...args) => fn(...args).catch((error) => announce(error.message, "error"));

// A re-render replaces the button just pressed: the focus goes back to its successor (the same
// action, or the Pause/Resume that took its place) in the same row, so keyboard users stay put.
export function rememberPress(root) {
  let last = null;
  root.addEventListener("click", (event) => {
    const pressed = event.target.closest?.("button[data-testid]");
    if (pressed) last = { row: pressed.closest("tr")?.dataset.id, testid: pressed.dataset.testid };
  }, true);
  return () => {
    const current = document.activeElement;
    if (!last || (current && current !== document.body && current.isConnected)) return;
    const scope = last.row ? root.querySelector(`tr[data-id="${last.row}"]`) : root;
    const twin = { "pause-schedule": "resume-schedule", "resume-schedule": "pause-schedule" }[last.testid];
    (scope?.querySelector(`[data-testid="${last.testid}"]`) || scope?.querySelector(`[data-testid="${twin}"]`))?.focus();
  };
}

export const button = (label, testid, onclick, cls = "secondary") =>
  el("button", { type: "button", class: cls, dataset: { testid }, onclick }, label);

export function stateCell(s) {
  if (s.enabled) return el("span", { class: "badge good", dataset: { testid: "schedule-state" } }, t("schedules.enabled"));
  return el("div", {}, el("span", { class: "badge bad", dataset: { testid: "schedule-state" } }, t("schedules.paused")),
    s.paused_reason ? el("div", { class: "hint" }, s.paused_reason) : null);
}

export const lastResult = (s) => (s.last_run_status
  ? el("div", {}, statusBadge(s.last_run_status), el("div", { class: "hint" }, dateTime(s.last_run_at)))
  : t("schedules.never_run"));

export const recurrenceCell = (s) => el("div", {}, describeRecurrence(s.cron), el("div", {}, el("code", {}, s.cron)));

// Pause/Resume and Run now, shared by the list and the detail screen.
export function commonActions(s, { onChange, onRun }) {
  const toggle = s.enabled
    ? button(t("schedules.pause"), "pause-schedule", () => busy(toggle, () => post(s, "pause", t("schedules.paused_message", { name: s.name })).then(onChange)))
    : button(t("schedules.resume"), "resume-schedule", () => busy(toggle, () => post(s, "resume", t("schedules.resumed_message", { name: s.name })).then(onChange)));
  const run = button(t("schedules.run_now"), "run-now", () => busy(run, async () => {
    try {
      // One key per click: a double-submit of the same click cannot start two runs.
      const started = await api.post(`/api/v1/schedules/${s.id}/run`, undefined,
        { headers: { "Idempotency-Key": idempotencyKey() } });
      announce(t("schedules.run_started", { name: s.name }), "success");
      await onRun(started);
    } catch (error) {
      announce(error.message, "error");
    }
  }), "");
  return [toggle, run];
}

// Pause or resume; the outcome is announced either way and the caller re-reads the schedule.
const post = (s, action, done) => api.post(`/api/v1/schedules/${s.id}/${action}`).then(
  () => announce(done, "success"), (error) => announce(error.message, "error"));

