// A schedule's own page: its summary and actions, and its runs history (refreshing itself while a
// run moves), with a dialog showing one run's export and email attempts.
// data-testid: schedule-summary, schedule-state, edit-schedule, pause-schedule, resume-schedule,
//   run-now, runs-table, run-row (tr, data-id), run-status, run-details, runs-more, run-detail,
//   run-export, run-audit, run-retry (a run waiting to retry), run-error

import { api } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { announce, busy, el, openDialog } from "/app/ui.js";
import {
  attachmentCell, attempted, attemptHint, deliveryText, outcomeCell, recipientsCell, responsiveTable, statusBadge,
  triggerText,
} from "/app/screens/audit.js";
import { openScheduleForm } from "/app/screens/schedule-form.js";
import {
  button, commonActions, describeReport, lastResult, loadReports, recurrenceCell, rememberPress, reportOf, safely,
  stateCell,
} from "/app/screens/schedule-parts.js";
import { STATES } from "/app/states.js";
import { statusText, t } from "/app/i18n.js";

// Runs in these states are still moving: the history refreshes itself until they settle.
const ACTIVE = new Set(STATES.run.active);
const RUN = STATES.run.statuses;
const REFRESH_MS = 2500;

// A run waiting to try again (its export, or its email at the mail-service): which step, why the
// last attempt failed and when the next is due; a bare sending state would hide a refused server.
function retryText(retry) {
  if (!retry) return "";
  const when = retry.next_attempt_at ? dateTime(retry.next_attempt_at) : t("run.retry.soon");
  return t(retry.step === "email" ? "run.retry.email" : "run.retry.export",
    { attempts: retry.attempts, max: retry.max_attempts, when });
}
const retryNote = (retry) => (retry ? el("div", { class: "hint", dataset: { testid: "run-retry" } }, retryText(retry)) : null);
const runError = (r) => r.error || r.retry?.last_error;

const summaryItem = (label, value) => [el("dt", { style: "font-weight:600" }, label), el("dd", { style: "margin:0" }, value)];
const fact = (label, value) => el("p", { style: "margin:.2rem 0" }, el("strong", {}, `${label}: `), value ?? "—");

// Who a run sends to: the typed addresses, plus the directory's (ledger, empty To) or a list's.
function recipientsText(s, listName) {
  const r = s.recipients;
  const typed = [...r.to, ...r.cc.map((a) => `cc ${a}`), ...r.bcc.map((a) => `bcc ${a}`)];
  const fromDirectory = reportOf(s)?.recipient_policy.directory_param;
  if (!r.to.length && fromDirectory) typed.unshift(t("runs.directory_each_run"));
  if (r.distribution_list_id) typed.push(t("runs.the_list", { name: listName || t("runs.list_gone") }));
  return typed.join(", ") || "—";
}

function summary(s, listName, actions) {
  return el("section", { class: "panel", dataset: { testid: "schedule-summary" }, "aria-label": t("runs.schedule_summary") },
    el("h2", { style: "margin-top:0" }, s.name),
    el("dl", { style: "display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem" },
      summaryItem(t("schedules.report"), `${describeReport(s)} (${s.format.toUpperCase()})`),
      summaryItem(t("schedules.recurrence"), recurrenceCell(s)),
      summaryItem(t("schedules.timezone"), s.timezone),
      summaryItem(t("schedules.next_run"), s.next_run_at ? dateTime(s.next_run_at) : "—"),
      summaryItem(t("schedules.state"), stateCell(s)),
      summaryItem(t("schedules.last_result"), lastResult(s)),
      summaryItem(t("field.recipients"), recipientsText(s, listName)),
      s.owner_email ? summaryItem(t("runs.owner"), s.owner_email) : null),
    el("div", { class: "actions" }, actions));
}

const auditColumns = () => [
  { title: t("exports.status"), cell: (r) => el("div", {}, statusBadge(r.status),
    attempted(r) ? null : el("div", { class: "hint" }, attemptHint(r))) },
  { title: t("audit.time"), cell: (r) => dateTime(r.created_at) },
  { title: t("field.recipients"), cell: recipientsCell },
  { title: t("audit.delivery"), cell: (r) => el("div", {}, deliveryText(r.delivery_mode), el("div", { class: "hint" }, attachmentCell(r))) },
  { title: t("audit.attempt_column"), cell: (r) => (attempted(r) ? String(r.attempt) : "—"), numeric: true },
  { title: t("audit.outcome"), cell: outcomeCell },
];

// One run: its export and every email attempt, oldest first.
async function showRun(runId, onClose) {
  const run = await api.get(`/api/v1/schedule-runs/${runId}`).catch((error) => announce(error.message, "error"));
  if (!run) return;
  const x = run.export;
  const audit = responsiveTable(t("runs.attempts_caption"), auditColumns(), run.audit,
    { testid: "run-audit", empty: t("runs.no_email") });
  openDialog(t("runs.run_for", { time: dateTime(run.scheduled_for) }), el("div", { dataset: { testid: "run-detail" } },
    fact(t("schedules.state"), el("span", {}, statusBadge(run.status), retryNote(run.retry))),
    fact(t("audit.trigger"), triggerText(run.trigger)), fact(t("runs.attempts"), String(run.attempts)),
    fact(t("runs.started"), dateTime(run.started_at) || "—"), fact(t("runs.finished_column"), dateTime(run.finished_at) || "—"),
    runError(run) ? el("p", { class: "notice error" }, runError(run)) : null,
    el("h3", {}, t("runs.export")),
    x ? el("div", { dataset: { testid: "run-export" } }, fact(t("exports.status"), statusBadge(x.status)),
      fact(t("exports.rows"), x.row_count === null ? "—" : String(x.row_count)), fact(t("exports.file"), x.file_name || "—"),
      x.error ? el("p", { class: "notice error" }, x.error) : null)
      : el("p", { class: "hint" }, t("runs.no_export")),
    el("h3", {}, t("runs.emails")), audit), { onClose });
}

export const scheduleDetailScreen = {
  path: "/schedules/",
  pattern: /^\/schedules\/([0-9a-f-]{36})$/,
  get title() { return t("screen.schedule"); },
  nav: false,
  adminOnly: false,
  async render(container, { params: [id] }) {
    await loadReports();
    const top = el("div");
    const refocusTop = rememberPress(top);
    const holder = el("div");
    const more = button(t("action.load_more"), "runs-more", () => busy(more, safely(() => loadRuns(false))));
    container.append(el("p", {}, el("a", { href: "#/schedules" }, t("runs.all_schedules"))), top,
      el("h2", {}, t("schedules.runs")), holder, el("div", { class: "actions" }, more));
    let schedule;
    let runs = [];
    let cursor = null;
    let timer = null;

    async function loadSchedule() {
      schedule = await api.get(`/api/v1/schedules/${id}`);
      document.title = `${schedule.name} · LedgerPost`;
      const listId = schedule.recipients.distribution_list_id;
      // The schedule stores the list by id; its name is looked up (a deleted list has none).
      const listName = listId ? await api.get(`/api/v1/distribution-lists/${listId}`).then((l) => l.name, () => null) : null;
      top.replaceChildren(summary(schedule, listName, [
        button(t("action.edit"), "edit-schedule", () => openScheduleForm(schedule, safely(loadSchedule))),
        ...commonActions(schedule, {
          onChange: safely(loadSchedule),
          onRun: safely(() => loadRuns(true)), // the new run appears at the top of the table below
        })]));
      refocusTop();
    }

    const columns = [
      { title: t("runs.scheduled_for"), cell: (r) => dateTime(r.scheduled_for) },
      { title: t("runs.started"), cell: (r) => dateTime(r.started_at) || "—" },
      { title: t("runs.finished_column"), cell: (r) => dateTime(r.finished_at) || "—" },
      { title: t("schedules.state"), cell: (r) => el("div", {}, statusBadge(r.status, "run-status"), retryNote(r.retry)) },
      { title: t("audit.trigger"), cell: (r) => triggerText(r.trigger) },
      { title: t("runs.attempts"), cell: (r) => String(r.attempts), numeric: true },
      { title: t("runs.error"), cell: (r) => (runError(r) ? el("span", { class: "field-error", dataset: { testid: "run-error" } }, runError(r)) : "—") },
      { title: t("runs.details"), cell: (r) => el("button", { type: "button", class: "secondary", dataset: { testid: "run-details", run: r.id },
        "aria-label": t("runs.details_of", { time: dateTime(r.scheduled_for) }),
        onclick: () => showRun(r.id, () => holder.querySelector(`[data-run="${r.id}"]`)?.focus()) }, t("runs.details")) },
    ];

    function draw() {
      // A refresh replaces the table: the focused button is found again by its run.
      const focused = holder.contains(document.activeElement) ? document.activeElement.dataset.run : null;
      holder.replaceChildren(responsiveTable(t("runs.caption"), columns, runs, { testid: "runs-table",
        empty: t("runs.empty"), rowData: (tr, r) => Object.assign(tr.dataset, { testid: "run-row", id: r.id }) }));
      if (focused) holder.querySelector(`[data-run="${focused}"]`)?.focus();
      more.hidden = !cursor;
    }

    async function loadRuns(reset) {
      const before = new Map(runs.map((r) => [r.id, r.status]));
      const limit = reset ? Math.min(100, Math.max(20, runs.length)) : 20;
      const page = await api.get(`/api/v1/schedules/${id}/runs?limit=${limit}${!reset && cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      runs = reset ? page.items : [...runs, ...page.items];
      cursor = page.next_cursor;
      draw();
      const settled = runs.filter((r) => before.has(r.id) && ACTIVE.has(before.get(r.id)) && !ACTIVE.has(r.status));
      for (const r of settled) {
        announce(t("runs.settled", { time: dateTime(r.scheduled_for), status: statusText(r.status) }), r.status === RUN.SUCCEEDED ? "success" : r.status === RUN.FAILED ? "error" : "info");
      }
      if (settled.length) await loadSchedule(); // its last result changed
      watch();
    }

    // Poll only while something is moving and only while this screen is shown.
    function watch() {
      clearTimeout(timer);
      if (!runs.some((r) => ACTIVE.has(r.status))) return;
      timer = setTimeout(async () => {
        if (!holder.isConnected) return;
        try {
          await loadRuns(true);
        } catch (error) {
          announce(t("runs.refresh_failed", { reason: error.message }), "error");
          timer = setTimeout(watch, REFRESH_MS * 4);
        }
      }, REFRESH_MS);
    }

    await loadSchedule();
    await loadRuns(true);
  },
};
