// Import from Tally (admins): upload TallyPrime / Tally.ERP 9 XML exports (masters and Day
// Book); the export-service imports them in the background while this screen follows its
// progress, then shows the report: per kind what was applied, unchanged or refused, and why.
//
// data-testid: tally-form, tally-files, tally-upload, tally-status, tally-report, tally-history.

import { api } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { STATES } from "/app/states.js";
import { announce, busy, clearErrors, el, field, showErrors, table } from "/app/ui.js";
import { statusText, t } from "/app/i18n.js";

const PATH = "/api/v1/admin/imports";
const IMPORT = STATES.import.statuses;
const FINAL = new Set(STATES.import.final);
const GOOD = new Set(STATES.import.good);
const POLL_MS = 1000;
const kinds = () => [["ledgers", t("tally.ledgers")], ["vouchers", t("tally.vouchers")], ["bills", t("tally.bills")]];
const SHOWN_ERRORS = 50;

function reportView(item) {
  if (!GOOD.has(item.status)) {
    return el("p", { class: "notice error" }, t("tally.failed_reason", { reason: item.error }));
  }
  if (!item.report) return null;
  const counts = kinds().map(([kind, title]) => ({ title, ...item.report[kind] }));
  const errors = kinds().flatMap(([kind, title]) =>
    item.report[kind].errors.map((e) => ({ kind: title, ...e })));
  const skipped = item.report.vouchers.skipped;
  return el("div", {},
    table(t("tally.what_it_did"), [
      { title: t("field.kind"), cell: (r) => r.title },
      { title: t("tally.read"), numeric: true, cell: (r) => String(r.received) },
      { title: t("tally.applied"), numeric: true, cell: (r) => String(r.applied) },
      { title: t("tally.unchanged"), numeric: true, cell: (r) => String(r.unchanged) },
      { title: t("tally.refused"), numeric: true, cell: (r) => String(r.errors.length) },
    ], counts),
    skipped ? el("p", { class: "hint" }, t("tally.skipped", { count: skipped })) : null,
    errors.length ? table(errors.length > SHOWN_ERRORS
      ? t("tally.refused_first", { count: errors.length, shown: SHOWN_ERRORS })
      : t("tally.refused_count", { count: errors.length }), [
      { title: t("field.kind"), cell: (r) => r.kind },
      { title: t("tally.line"), numeric: true, cell: (r) => String(r.line) },
      { title: t("tally.field"), cell: (r) => r.field },
      { title: t("tally.reason"), cell: (r) => r.message },
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
    const upload = el("button", { type: "submit", "data-testid": "tally-upload" }, t("tally.import"));
    const status = el("p", { "data-testid": "tally-status", role: "status" });
    const report = el("div", { "data-testid": "tally-report" });
    const history = el("div", { "data-testid": "tally-history" });
    const form = el("form", { novalidate: true, "data-testid": "tally-form", "aria-label": t("screen.tally_import") },
      el("p", { class: "hint" }, t("tally.intro")),
      field(t("tally.files"), files, t("tally.files_hint")),
      el("p", { class: "form-summary", hidden: true }),
      el("div", { class: "actions" }, upload), status, report);

    async function loadHistory() {
      const items = await api.get(PATH);
      history.replaceChildren(table(t("tally.recent"), [
        { title: t("runs.started"), cell: (r) => dateTime(r.created_at) },
        { title: t("field.files"), cell: (r) => r.file_names.join(", ") },
        { title: t("exports.status"), cell: (r) => statusText(r.status) },
        { title: t("tally.vouchers_added"), numeric: true, cell: (r) => String(r.report?.vouchers.applied ?? "") },
      ], items, { empty: t("tally.none_yet") }));
    }

    async function follow(item) {
      while (!FINAL.has(item.status) && container.isConnected) {
        status.textContent = item.status === IMPORT.QUEUED ? t("tally.waiting")
          : t("tally.importing", { count: item.vouchers_read });
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        item = await api.get(`${PATH}/${item.id}`);
      }
      const good = GOOD.has(item.status);
      status.textContent = good ? t("tally.imported") : "";
      report.replaceChildren(reportView(item) ?? "");
      announce(good ? t("tally.finished") : t("tally.failed"), good ? "success" : "error");
      await loadHistory();
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      report.replaceChildren();
      if (!files.files?.length) {
        showErrors(form, { message: t("tally.choose_first"),
          fieldErrors: [{ field: "files", message: t("tally.choose_files") }] });
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
