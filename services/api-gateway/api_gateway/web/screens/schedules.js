// Report schedules: the list (users: their own; admins: the tenant's) with per-row actions.
// A schedule's own page, with its runs history, is schedule-detail.js.
// data-testid: new-schedule, schedules-table, schedule-row (tr, data-id), edit-schedule,
//   pause-schedule, resume-schedule, run-now, schedule-runs, delete-schedule, confirm-delete,
//   schedules-more, run-started, schedule-state

import { api } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { announce, busy, el, openDialog } from "/app/ui.js";
import { responsiveTable } from "/app/screens/audit.js";
import { openScheduleForm } from "/app/screens/schedule-form.js";
import {
  button, commonActions, describeReport, lastResult, loadReports, recurrenceCell, rememberPress, safely, stateCell,
} from "/app/screens/schedule-parts.js";
import { t } from "/app/i18n.js";

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
  get title() { return t("screen.schedules"); },
  nav: true,
  adminOnly: false,
  async render(container, { role }) {
    await loadReports();
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
