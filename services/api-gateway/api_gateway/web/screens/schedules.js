// Report schedules: the list (users: their own; admins: the tenant's) with per-row actions,
// and one schedule's runs history with the export and email attempts of each run.
// data-testid: list: new-schedule, schedules-table, schedule-row (tr, data-id), edit-schedule,
//   pause-schedule, resume-schedule, run-now, schedule-runs, delete-schedule, confirm-delete,
//   schedules-more, run-started, schedule-state; detail: schedule-summary, schedule-state,
//   edit-schedule, pause-schedule, resume-schedule, run-now, runs-table, run-row
//   (tr, data-id), run-status, run-details, runs-more, run-detail, run-export, run-audit

import { api, idempotencyKey, reportsByName } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { announce, busy, el, openDialog } from "/app/ui.js";
import { attachmentCell, outcomeCell, recipientsCell, responsiveTable, statusBadge } from "/app/screens/audit.js";
import { DAYS, PERIODS, openScheduleForm, presetFromCron } from "/app/screens/schedule-form.js";
import { STATES } from "/app/states.js";

// Runs in these states are still moving: the history refreshes itself until they settle.
const ACTIVE = new Set(STATES.run.active);
const RUN = STATES.run.statuses;
const REFRESH_MS = 2500;

function describeRecurrence(cron) {
  const p = presetFromCron(cron);
  const dayName = (d) => DAYS.find(([v]) => v === d)[1];
  if (!p) return "Custom";
  if (p.kind === "daily") return `Daily at ${p.time}`;
  if (p.kind === "weekly") return `Weekly on ${p.days.map(dayName).join(", ")} at ${p.time}`;
  return `Monthly on ${p.day === "last" ? "the last day" : `day ${p.day}`} at ${p.time}`;
}

let known = {}; // the reports by name (GET /api/v1/reports), loaded when a screen renders

// The report's title and its saved parameters, read by their meaning (never by report name).
function describeReport(s) {
  const p = s.params || {};
  const parts = [];
  if (p.ledger) parts.push(p.ledger);
  if (p.period) {
    parts.push(p.period === "last_n_days" ? `Last ${p.n} days` : PERIODS.find(([v]) => v === p.period)?.[1] || p.period);
  }
  if (p.kind) parts.push(p.kind);
  const title = known[s.report]?.title || s.report;
  return parts.length ? `${title}: ${parts.join(" · ")}` : title;
}

// Callbacks of buttons and timers: a failed reload is announced, never an unhandled rejection.
const safely = (fn) => (...args) => fn(...args).catch((error) => announce(error.message, "error"));

// A re-render replaces the button just pressed: the focus goes back to its successor (the same
// action, or the Pause/Resume that took its place) in the same row, so keyboard users stay put.
function rememberPress(root) {
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

const button = (label, testid, onclick, cls = "secondary") =>
  el("button", { type: "button", class: cls, dataset: { testid }, onclick }, label);

function stateCell(s) {
  if (s.enabled) return el("span", { class: "badge good", dataset: { testid: "schedule-state" } }, "enabled");
  return el("div", {}, el("span", { class: "badge bad", dataset: { testid: "schedule-state" } }, "paused"),
    s.paused_reason ? el("div", { class: "hint" }, s.paused_reason) : null);
}

const lastResult = (s) => (s.last_run_status
  ? el("div", {}, statusBadge(s.last_run_status), el("div", { class: "hint" }, dateTime(s.last_run_at)))
  : "never run");

const recurrenceCell = (s) => el("div", {}, describeRecurrence(s.cron), el("div", {}, el("code", {}, s.cron)));

// Pause/Resume and Run now, shared by the list and the detail screen.
function commonActions(s, { onChange, onRun }) {
  const toggle = s.enabled
    ? button("Pause", "pause-schedule", () => busy(toggle, () => post(s, "pause", "paused").then(onChange)))
    : button("Resume", "resume-schedule", () => busy(toggle, () => post(s, "resume", "resumed").then(onChange)));
  const run = button("Run now", "run-now", () => busy(run, async () => {
    try {
      // One key per click: a double-submit of the same click cannot start two runs.
      const started = await api.post(`/api/v1/schedules/${s.id}/run`, undefined,
        { headers: { "Idempotency-Key": idempotencyKey() } });
      announce(`Run started for "${s.name}".`, "success");
      await onRun(started);
    } catch (error) {
      announce(error.message, "error");
    }
  }), "");
  return [toggle, run];
}

// Pause or resume; the outcome is announced either way and the caller re-reads the schedule.
const post = (s, action, done) => api.post(`/api/v1/schedules/${s.id}/${action}`).then(
  () => announce(`Schedule "${s.name}" ${done}.`, "success"), (error) => announce(error.message, "error"));

const runStarted = (s) => el("p", { class: "notice success", dataset: { testid: "run-started" } },
  `Run started for "${s.name}". `, el("a", { href: `#/schedules/${s.id}` }, "Follow its runs"), ".");

function confirmDelete(s, onDeleted) {
  const yes = el("button", { type: "button", dataset: { testid: "confirm-delete" } }, "Delete");
  const no = el("button", { type: "button", class: "secondary" }, "Cancel");
  const dialog = openDialog("Delete schedule?", el("div", {},
    el("p", {}, `"${s.name}" and its run history will be deleted. This cannot be undone.`),
    el("div", { class: "actions" }, yes, no)));
  no.addEventListener("click", () => dialog.close());
  yes.addEventListener("click", () => busy(yes, async () => {
    try {
      await api.del(`/api/v1/schedules/${s.id}`);
      dialog.close();
      announce(`Schedule "${s.name}" deleted.`, "success");
      onDeleted();
    } catch (error) {
      announce(error.message, "error");
    }
  }));
  no.focus(); // the safe choice has the focus
}

export const schedulesScreen = {
  path: "/schedules",
  title: "Schedules",
  nav: true,
  adminOnly: false,
  async render(container, { role }) {
    known = await reportsByName();
    const notice = el("div");
    const holder = el("div");
    const refocus = rememberPress(holder);
    const more = button("Load more", "schedules-more", () => busy(more, safely(() => load(false))));
    const reload = safely(() => load(true));
    container.append(
      el("p", { class: "hint" }, role === "admin" ? "Every schedule of the company." : "Your schedules."),
      el("div", { class: "actions" }, button("New schedule", "new-schedule", () => openScheduleForm(null, reload), "")),
      notice, holder, el("div", { class: "actions" }, more));
    let items = [];
    let cursor = null;

    const columns = [
      { title: "Name", cell: (s) => el("a", { href: `#/schedules/${s.id}` }, s.name) },
      { title: "Report", cell: (s) => el("div", {}, describeReport(s), el("div", { class: "hint" }, s.format.toUpperCase())) },
      { title: "Recurrence", cell: recurrenceCell },
      { title: "Timezone", cell: (s) => s.timezone },
      { title: "Next run", cell: (s) => (s.next_run_at ? dateTime(s.next_run_at) : "—") },
      { title: "State", cell: stateCell },
      { title: "Last result", cell: lastResult },
      { title: "Actions", cell: (s) => el("div", { class: "actions" },
        button("Edit", "edit-schedule", () => openScheduleForm(s, reload)),
        ...commonActions(s, { onChange: reload, onRun: () => { notice.replaceChildren(runStarted(s)); return reload(); } }),
        el("a", { href: `#/schedules/${s.id}`, dataset: { testid: "schedule-runs" } }, "Runs"),
        button("Delete", "delete-schedule", () => confirmDelete(s, reload))) },
    ];

    function draw() {
      holder.replaceChildren(responsiveTable("Report schedules", columns, items, { testid: "schedules-table",
        empty: "No schedules yet. Create one with “New schedule”.",
        rowData: (tr, s) => Object.assign(tr.dataset, { testid: "schedule-row", id: s.id }) }));
      more.hidden = !cursor;
      refocus();
    }

    async function load(reset) {
      // A reset re-reads as many rows as are shown, so an action does not shrink the list.
      const limit = reset ? Math.min(100, Math.max(20, items.length)) : 20;
      const page = await api.get(`/api/v1/schedules?limit=${limit}${!reset && cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      items = reset ? page.items : [...items, ...page.items];
      cursor = page.next_cursor;
      draw();
    }
    await load(true);
  },
};

const summaryItem = (label, value) => [el("dt", { style: "font-weight:600" }, label), el("dd", { style: "margin:0" }, value)];
const fact = (label, value) => el("p", { style: "margin:.2rem 0" }, el("strong", {}, `${label}: `), value ?? "—");

// Who a run sends to: the typed addresses, plus the directory's (ledger, empty To) or a list's.
function recipientsText(s, listName) {
  const r = s.recipients;
  const typed = [...r.to, ...r.cc.map((a) => `cc ${a}`), ...r.bcc.map((a) => `bcc ${a}`)];
  const fromDirectory = known[s.report]?.recipient_policy.directory_param;
  if (!r.to.length && fromDirectory) typed.unshift("the party directory's addresses, looked up at each run");
  if (r.distribution_list_id) typed.push(`the distribution list "${listName || "(no longer exists)"}"`);
  return typed.join(", ") || "—";
}

function summary(s, listName, actions) {
  return el("section", { class: "panel", dataset: { testid: "schedule-summary" }, "aria-label": "Schedule summary" },
    el("h2", { style: "margin-top:0" }, s.name),
    el("dl", { style: "display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem" },
      summaryItem("Report", `${describeReport(s)} (${s.format.toUpperCase()})`),
      summaryItem("Recurrence", recurrenceCell(s)),
      summaryItem("Timezone", s.timezone),
      summaryItem("Next run", s.next_run_at ? dateTime(s.next_run_at) : "—"),
      summaryItem("State", stateCell(s)),
      summaryItem("Last result", lastResult(s)),
      summaryItem("Recipients", recipientsText(s, listName)),
      s.owner_email ? summaryItem("Owner", s.owner_email) : null),
    el("div", { class: "actions" }, actions));
}

const AUDIT_COLUMNS = [
  { title: "Time", cell: (r) => dateTime(r.created_at) },
  { title: "Status", cell: (r) => statusBadge(r.status) },
  { title: "Recipients", cell: recipientsCell },
  { title: "Delivery", cell: (r) => el("div", {}, r.delivery_mode || "—", el("div", { class: "hint" }, attachmentCell(r))) },
  { title: "Attempt", cell: (r) => String(r.attempt), numeric: true },
  { title: "SMTP reply or error", cell: outcomeCell },
];

// One run: its export and every email attempt, oldest first.
async function showRun(runId, onClose) {
  const run = await api.get(`/api/v1/schedule-runs/${runId}`).catch((error) => announce(error.message, "error"));
  if (!run) return;
  const x = run.export;
  const audit = responsiveTable("Email attempts of this run", AUDIT_COLUMNS, run.audit,
    { testid: "run-audit", empty: "No email has been sent for this run." });
  openDialog(`Run for ${dateTime(run.scheduled_for)}`, el("div", { dataset: { testid: "run-detail" } },
    fact("State", statusBadge(run.status)), fact("Trigger", run.trigger), fact("Attempts", String(run.attempts)),
    fact("Started", dateTime(run.started_at) || "—"), fact("Finished", dateTime(run.finished_at) || "—"),
    run.error ? el("p", { class: "notice error" }, run.error) : null,
    el("h3", {}, "Export"),
    x ? el("div", { dataset: { testid: "run-export" } }, fact("Status", statusBadge(x.status)),
      fact("Rows", x.row_count === null ? "—" : String(x.row_count)), fact("File", x.file_name || "—"),
      x.error ? el("p", { class: "notice error" }, x.error) : null)
      : el("p", { class: "hint" }, "No export yet."),
    el("h3", {}, "Emails"), audit), { onClose });
}

export const scheduleDetailScreen = {
  path: "/schedules/",
  pattern: /^\/schedules\/([0-9a-f-]{36})$/,
  title: "Schedule",
  nav: false,
  adminOnly: false,
  async render(container, { params: [id] }) {
    known = await reportsByName();
    const top = el("div");
    const refocusTop = rememberPress(top);
    const holder = el("div");
    const more = button("Load more", "runs-more", () => busy(more, safely(() => loadRuns(false))));
    container.append(el("p", {}, el("a", { href: "#/schedules" }, "← All schedules")), top,
      el("h2", {}, "Runs"), holder, el("div", { class: "actions" }, more));
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
        button("Edit", "edit-schedule", () => openScheduleForm(schedule, safely(loadSchedule))),
        ...commonActions(schedule, {
          onChange: safely(loadSchedule),
          onRun: safely(() => loadRuns(true)), // the new run appears at the top of the table below
        })]));
      refocusTop();
    }

    const columns = [
      { title: "Scheduled for", cell: (r) => dateTime(r.scheduled_for) },
      { title: "Started", cell: (r) => dateTime(r.started_at) || "—" },
      { title: "Finished", cell: (r) => dateTime(r.finished_at) || "—" },
      { title: "State", cell: (r) => statusBadge(r.status, "run-status") },
      { title: "Trigger", cell: (r) => r.trigger },
      { title: "Attempts", cell: (r) => String(r.attempts), numeric: true },
      { title: "Error", cell: (r) => (r.error ? el("span", { class: "field-error" }, r.error) : "—") },
      { title: "Details", cell: (r) => el("button", { type: "button", class: "secondary", dataset: { testid: "run-details", run: r.id },
        "aria-label": `Details of the run for ${dateTime(r.scheduled_for)}`,
        onclick: () => showRun(r.id, () => holder.querySelector(`[data-run="${r.id}"]`)?.focus()) }, "Details") },
    ];

    function draw() {
      // A refresh replaces the table: the focused button is found again by its run.
      const focused = holder.contains(document.activeElement) ? document.activeElement.dataset.run : null;
      holder.replaceChildren(responsiveTable("Runs, newest first", columns, runs, { testid: "runs-table",
        empty: "No runs yet.", rowData: (tr, r) => Object.assign(tr.dataset, { testid: "run-row", id: r.id }) }));
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
        announce(`The run for ${dateTime(r.scheduled_for)} ${r.status}.`, r.status === RUN.SUCCEEDED ? "success" : r.status === RUN.FAILED ? "error" : "info");
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
          announce(`Could not refresh the runs: ${error.message}`, "error");
          timer = setTimeout(watch, REFRESH_MS * 4);
        }
      }, REFRESH_MS);
    }

    await loadSchedule();
    await loadRuns(true);
  },
};
