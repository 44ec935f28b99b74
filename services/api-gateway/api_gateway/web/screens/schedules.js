// Report schedules: the list (users: their own; admins: the tenant's) with per-row actions.
// A schedule's own page, with its runs history, is schedule-detail.js.
// data-testid: new-schedule, schedules-table, schedule-row (tr, data-id), edit-schedule,
//   pause-schedule, resume-schedule, run-now, schedule-runs, delete-schedule, confirm-delete,
//   schedules-more, run-started, schedule-state

import { api } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { announce, busy, el, openDialog, phrase } from "/app/ui.js";
import { responsiveTable } from "/app/screens/audit.js";
import { openScheduleForm } from "/app/screens/schedule-form.js";
import {
  button, commonActions, describeReport, lastResult, loadReports, recurrenceCell, rememberPress, safely, stateCell,
} from "/app/screens/schedule-parts.js";
import { t } from "/app/i18n.js";

const runStarted = (s) => el("p", { class: "notice success", dataset: { testid: "run-started" } },
  phrase("schedules.run_started_follow", { name: s.name,
    link: el("a", { href: `#/schedules/${s.id}` }, t("schedules.follow_runs")) }));

function confirmDelete(s, onDeleted) {
  const yes = el("button", { type: "button", dataset: { testid: "confirm-delete" } }, t("action.delete"));
  const no = el("button", { type: "button", class: "secondary" }, t("action.cancel"));
  const dialog = openDialog(t("schedules.delete_title"), el("div", {},
    el("p", {}, t("schedules.delete_message", { name: s.name })),
    el("div", { class: "actions" }, yes, no)));
  no.addEventListener("click", () => dialog.close());
  yes.addEventListener("click", () => busy(yes, async () => {
    try {
      await api.del(`/api/v1/schedules/${s.id}`);
      dialog.close();
      announce(t("schedules.deleted", { name: s.name }), "success");
      onDeleted();
    } catch (error) {
      announce(error.message, "error");
    }
  }));
  no.focus(); // the safe choice has the focus
}

export const schedulesScreen = {
  path: "/schedules",
  get title() { return t("screen.schedules"); },
  nav: true,
  adminOnly: false,
  async render(container, { role }) {
    await loadReports();
    const notice = el("div");
    const holder = el("div");
    const refocus = rememberPress(holder);
    const more = button(t("action.load_more"), "schedules-more", () => busy(more, safely(() => load(false))));
    const reload = safely(() => load(true));
    container.append(
      el("p", { class: "hint" }, role === "admin" ? t("schedules.intro_admin") : t("schedules.intro_user")),
      el("div", { class: "actions" }, button(t("schedules.new"), "new-schedule", () => openScheduleForm(null, reload), "")),
      notice, holder, el("div", { class: "actions" }, more));
    let items = [];
    let cursor = null;

    const columns = [
      { title: t("field.name"), cell: (s) => el("a", { href: `#/schedules/${s.id}` }, s.name) },
      { title: t("schedules.report"), cell: (s) => el("div", {}, describeReport(s), el("div", { class: "hint" }, s.format.toUpperCase())) },
      { title: t("schedules.recurrence"), cell: recurrenceCell },
      { title: t("schedules.timezone"), cell: (s) => s.timezone },
      { title: t("schedules.next_run"), cell: (s) => (s.next_run_at ? dateTime(s.next_run_at) : "—") },
      { title: t("schedules.state"), cell: stateCell },
      { title: t("schedules.last_result"), cell: lastResult },
      { title: t("schedules.actions"), cell: (s) => el("div", { class: "actions" },
        button(t("action.edit"), "edit-schedule", () => openScheduleForm(s, reload)),
        ...commonActions(s, { onChange: reload, onRun: () => { notice.replaceChildren(runStarted(s)); return reload(); } }),
        el("a", { href: `#/schedules/${s.id}`, dataset: { testid: "schedule-runs" } }, t("schedules.runs")),
        button(t("action.delete"), "delete-schedule", () => confirmDelete(s, reload))) },
    ];

    function draw() {
      holder.replaceChildren(responsiveTable(t("schedules.caption"), columns, items, { testid: "schedules-table",
        empty: t("schedules.empty"),
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
