// Import from Tally (admins): upload TallyPrime / Tally.ERP 9 XML exports (masters and Day
// Book); the export-service imports them in the background while this screen follows its
// progress, then shows the report: per kind what was applied, unchanged or refused, and why.
//
// data-testid: tally-form, tally-files, tally-upload, tally-status, tally-report, tally-history.

import { api } from "/app/api.js";
import { count, dateTime } from "/app/format.js";
import { STATES } from "/app/states.js";
import { announce, busy, clearErrors, el, field, showErrors, table } from "/app/ui.js";
import { t } from "/app/i18n.js";

const PATH = "/api/v1/admin/imports";
const IMPORT = STATES.import.statuses;
const FINAL = new Set(STATES.import.final);
const GOOD = new Set(STATES.import.good);
const POLL_MS = 1000;
const KINDS = [["ledgers", "Ledgers"], ["vouchers", "Vouchers"], ["bills", "Bills"]];
const SHOWN_ERRORS = 50;

function reportView(item) {
  if (!GOOD.has(item.status)) {
    return el("p", { class: "notice error" }, `The import failed: ${item.error}`);
  }
  if (!item.report) return null;
  const counts = KINDS.map(([kind, title]) => ({ title, ...item.report[kind] }));
  const errors = KINDS.flatMap(([kind, title]) =>
    item.report[kind].errors.map((e) => ({ kind: title, ...e })));
  const skipped = item.report.vouchers.skipped;
  return el("div", {},
    table("What the import did", [
      { title: "Kind", cell: (r) => r.title },
      { title: "Read", numeric: true, cell: (r) => String(r.received) },
      { title: "Added or changed", numeric: true, cell: (r) => String(r.applied) },
      { title: "Unchanged", numeric: true, cell: (r) => String(r.unchanged) },
      { title: "Refused", numeric: true, cell: (r) => String(r.errors.length) },
    ], counts),
    skipped ? el("p", { class: "hint" }, `${skipped} cancelled or optional vouchers were skipped.`) : null,
    errors.length ? table(`Refused (${errors.length}${errors.length > SHOWN_ERRORS ? `, the first ${SHOWN_ERRORS} shown` : ""})`, [
      { title: "Kind", cell: (r) => r.kind },
      { title: "No.", numeric: true, cell: (r) => String(r.line) },
      { title: "Field", cell: (r) => r.field },
      { title: "Reason", cell: (r) => r.message },
    ], errors.slice(0, SHOWN_ERRORS)) : null);
}

export const booksImportScreen = {
  path: "/admin/tally-import",
  get title() { return t("screen.tally_import"); },
  nav: true,
  adminOnly: true,
  async render(container) {
    const files = el("input", { type: "file", name: "files", multiple: true, accept: ".xml,text/xml,application/xml",
      "data-testid": "tally-files" });
    const upload = el("button", { type: "submit", "data-testid": "tally-upload" }, "Import");
    const status = el("p", { "data-testid": "tally-status", role: "status" });
    const report = el("div", { "data-testid": "tally-report" });
    const history = el("div", { "data-testid": "tally-history" });
    const form = el("form", { novalidate: true, "data-testid": "tally-form", "aria-label": "Import from Tally" },
      el("p", { class: "hint" }, "In Tally, export Display > List of Accounts (masters) and the Day Book as XML, " +
        "then choose both files here. Importing the same export again changes nothing."),
      field("Tally XML files", files, "Masters and Day Book; UTF-16 (Tally's default) or UTF-8."),
      el("p", { class: "form-summary", hidden: true }),
      el("div", { class: "actions" }, upload), status, report);

    async function loadHistory() {
      const items = await api.get(PATH);
      history.replaceChildren(table("Recent imports", [
        { title: "Started", cell: (r) => dateTime(r.created_at) },
        { title: "Files", cell: (r) => r.file_names.join(", ") },
        { title: "Status", cell: (r) => r.status },
        { title: "Vouchers added", numeric: true, cell: (r) => String(r.report?.vouchers.applied ?? "") },
      ], items, { empty: "No imports yet." }));
    }

    async function follow(item) {
      while (!FINAL.has(item.status) && container.isConnected) {
        status.textContent = item.status === IMPORT.QUEUED ? "Waiting for the importer…"
          : `Importing: ${count(item.vouchers_read)} vouchers read…`;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        item = await api.get(`${PATH}/${item.id}`);
      }
      const good = GOOD.has(item.status);
      status.textContent = good ? "Imported." : "";
      report.replaceChildren(reportView(item) ?? "");
      announce(good ? "The Tally import finished." : "The Tally import failed.", good ? "success" : "error");
      await loadHistory();
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      report.replaceChildren();
      if (!files.files?.length) {
        showErrors(form, { message: "Choose the Tally XML files first.",
          fieldErrors: [{ field: "files", message: "choose one or more XML files" }] });
        return undefined;
      }
      const data = new FormData();
      for (const chosen of files.files) data.append("files", chosen, chosen.name);
      return busy(upload, async () => {
        let item;
        try {
          item = await api.post(`${PATH}/tally`, data);
        } catch (error) {
          showErrors(form, error);
          return;
        }
        files.value = "";
        await follow(item);
      });
    });

    container.append(form, history);
    await loadHistory();
  },
};
