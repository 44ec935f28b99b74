// My exports: the caller's export jobs, newest first (admins see the tenant's), with live status
// while any is queued or running, and a Download button once a job has succeeded.
//
// Test ids: refresh-button, exports-table (the table's wrapper), job-status (one per row,
// with data-job-id), download-button (one per succeeded row), load-more-button.

import { api, reportsByName } from "/app/api.js";
import { bytes, count, dateTime, day } from "/app/format.js";
import { announce, busy, el, table } from "/app/ui.js";
import { downloadButton } from "/app/screens/email-dialog.js";
import { STATES } from "/app/states.js";
import { reportTitle, statusText, t } from "/app/i18n.js";

const PAGE = 20;
const POLL_MS = 2000;
const EXPORT = STATES.export.statuses;
const ACTIVE = new Set(STATES.export.active);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let known = {}; // the reports by name (GET /api/v1/reports), loaded when the screen renders

// The report's title and what its parameters say, e.g. "Ledger statement: Sharma Traders ·
// 01-04-2025 to 30-09-2025"; parameters are read by their meaning, never by the report's name.
function summary(job) {
  const p = job.params || {};
  const parts = [];
  if (p.ledger) parts.push(p.ledger);
  if (p.from_date) parts.push(t("period.range", { from: day(p.from_date), to: day(p.to_date) }));
  if (p.kind) parts.push(p.kind === "payable" ? t("kind.payables") : t("kind.receivables"));
  if (p.as_of) parts.push(t("report.as_of", { date: day(p.as_of) }));
  const title = reportTitle(job.report, known[job.report]?.title);
  return parts.length ? `${title}: ${parts.join(" · ")}` : title;
}

// Status with its live progress (or the failure's reason) in one cell, to keep the table narrow.
function statusCell(job) {
  const tone = STATES.export.good.includes(job.status) ? " good" : STATES.export.bad.includes(job.status) ? " bad" : "";
  return [el("span", { class: `badge${tone}`, "data-testid": "job-status", "data-job-id": job.id,
    "data-status": job.status }, statusText(job.status)),
  job.status === EXPORT.RUNNING ? el("div", {}, el("progress", { "aria-label": t("exports.progress_of", { report: summary(job) }) }),
    el("div", { class: "hint" }, t("exports.rows_so_far", { count: Number(job.progress || 0) }))) : null,
  job.status === EXPORT.QUEUED ? el("div", { class: "hint" }, t("exports.waiting")) : null,
  job.status === EXPORT.FAILED && job.error ? el("div", { class: "hint" }, job.error) : null];
}

// Download first after the report: on a phone the table scrolls sideways, so it stays in reach.
const columns = () => [
  { title: t("exports.created"), cell: (j) => dateTime(j.created_at) },
  { title: t("exports.report"), cell: (j) => [summary(j), el("div", { class: "hint" }, j.format.toUpperCase())] },
  { title: t("exports.status"), cell: statusCell },
  { title: t("exports.file"), cell: (j) => (j.status === EXPORT.SUCCEEDED && j.download_url ? downloadButton(j) : "") },
  { title: t("exports.rows"), cell: (j) => (j.row_count === null ? "" : count(j.row_count)), numeric: true },
  { title: t("exports.size"), cell: (j) => bytes(j.file_size), numeric: true },
  { title: t("exports.expires"), cell: (j) => (j.status === EXPORT.SUCCEEDED ? dateTime(j.expires_at) : "") },
];

export const exportsScreen = {
  path: "/exports",
  get title() { return t("screen.exports"); },
  nav: true,
  adminOnly: false,
  async render(container, { role }) {
    known = await reportsByName();
    let jobs = [];
    let cursor = null;
    const refresh = el("button", { type: "button", class: "secondary", "data-testid": "refresh-button" },
      t("action.refresh"));
    const more = el("button", { type: "button", class: "secondary", "data-testid": "load-more-button",
      hidden: true }, t("action.load_more"));
    const holder = el("div", { "data-testid": "exports-table" });
    container.append(
      el("p", { class: "hint" }, role === "admin" ? t("exports.intro_admin") : t("exports.intro_user")),
      el("div", { class: "actions" }, refresh), holder, el("div", { class: "actions" }, more));

    // Re-render the table, keeping keyboard focus on the same row's button if it had it.
    const draw = () => {
      const focused = document.activeElement;
      const focusId = holder.contains(focused) ? focused.closest("tr")?.dataset.jobId : null;
      holder.replaceChildren(table(t("exports.caption"), columns(), jobs, { empty: t("exports.empty") }));
      holder.querySelectorAll("tbody tr").forEach((tr, i) => { tr.dataset.jobId = jobs[i].id; });
      if (focusId) holder.querySelector(`tr[data-job-id="${focusId}"] button`)?.focus();
      more.hidden = !cursor;
    };

    const load = async (append) => {
      const query = `limit=${PAGE}${append && cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      try {
        const page = await api.get(`/api/v1/exports/jobs?${query}`);
        jobs = append ? [...jobs, ...page.items.filter((j) => !jobs.some((k) => k.id === j.id))] : page.items;
        cursor = page.next_cursor;
        draw();
        announce(cursor ? t("exports.shown_more", { count: jobs.length }) : t("exports.shown", { count: jobs.length }));
        watch();
      } catch (error) {
        announce(t("exports.load_failed", { reason: error.message }), "error");
      }
    };
    refresh.addEventListener("click", () => busy(refresh, () => load(false)));
    more.addEventListener("click", () => busy(more, () => load(true)));

    // Follow queued and running jobs (one loop at a time) until none is left or we leave.
    let watching = false;
    async function watch() {
      if (watching) return;
      watching = true;
      try {
        while (holder.isConnected && jobs.some((j) => ACTIVE.has(j.status))) {
          await sleep(POLL_MS);
          const active = jobs.filter((j) => ACTIVE.has(j.status));
          const fresh = await Promise.all(active.map((j) =>
            api.get(`/api/v1/exports/jobs/${j.id}`).catch(() => j)));
          const changed = fresh.filter((f, i) => f.status !== active[i].status
            || f.progress !== active[i].progress);
          if (!changed.length || !holder.isConnected) continue;
          const byId = new Map(fresh.map((f) => [f.id, f]));
          jobs = jobs.map((j) => byId.get(j.id) || j);
          draw();
          for (const job of changed.filter((f) => !ACTIVE.has(f.status))) {
            announce(t(job.error ? "exports.settled_error" : "exports.settled",
              { report: summary(job), status: statusText(job.status), reason: job.error }),
              job.status === EXPORT.SUCCEEDED ? "success" : "error");
          }
        }
      } finally {
        watching = false;
      }
    }

    await load(false);
  },
};
