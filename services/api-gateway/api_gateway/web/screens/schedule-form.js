// The create/edit form of a report schedule (a dialog): the report and its parameters, when it
// runs (schedule-recurrence.js, with the live preview of the next runs), and who receives it.
// data-testid: schedule-form, schedule-name, schedule-report, schedule-ledger, schedule-period,
//   schedule-n, schedule-kind, schedule-format, schedule-to, schedule-cc, schedule-bcc,
//   schedule-list, schedule-subject, schedule-message, schedule-skip-empty, schedule-enabled,
//   save-schedule, cancel-schedule; the recurrence's are listed in schedule-recurrence.js

import { api, reports } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { addressList, announce, busy, clearErrors, el, openDialog, showErrors } from "/app/ui.js";
import { check, debounce, fld, input, select, show, uid } from "/app/screens/schedule-controls.js";
import { recurrencePart } from "/app/screens/schedule-recurrence.js";

export const PERIODS = [["today", "Today"], ["yesterday", "Yesterday"], ["this_week", "This week"],
  ["last_week", "Last week"], ["this_month", "This month"], ["last_month", "Last month"],
  ["this_quarter", "This quarter"], ["last_quarter", "Last quarter"],
  ["this_fy", "This financial year"], ["last_fy", "Last financial year"],
  ["last_n_days", "Last N days"]];
const KINDS = [["receivable", "Receivable"], ["payable", "Payable"]];
const FORMAT_LABELS = [["pdf", "PDF"], ["xlsx", "Excel (XLSX)"], ["csv", "CSV"]];

// "recipients.cc.2" names one address; the form has one input per list, so the error goes
// there, saying which address it is about.
function groupAddressErrors(error, body) {
  error.fieldErrors = error.fieldErrors.map(({ field: path, message }) => {
    const m = /^recipients\.(to|cc|bcc)\.(\d+)$/.exec(String(path));
    if (!m) return { field: path, message };
    const address = body.recipients[m[1]][Number(m[2])] || "";
    return { field: `recipients.${m[1]}`, message: message.includes(address) ? message : `${address}: ${message}` };
  });
}

// Opens the form for `existing` (a SchedulePublic) or a new schedule; onSaved(schedule) after.
export async function openScheduleForm(existing, onSaved) {
  const s = existing || {};
  const params = s.params || {};
  const rec = s.recipients || { to: [], cc: [], bcc: [] };
  let listsProblem = null;
  const lists = await api.get("/api/v1/distribution-lists").then((r) => r.items, (error) => {
    listsProblem = `Distribution lists could not be loaded: ${error.message}`;
    return [];
  });
  const catalogue = await reports();
  const ids = { ledgers: uid("ledgers") };
  const when = recurrencePart(s); // the "When" fields and the preview
  const formats = FORMAT_LABELS.filter(([v]) => catalogue.some((r) => r.formats.includes(v)));
  const c = {
    name: input("name", "schedule-name", { value: s.name, maxlength: 200, "aria-required": "true" }),
    report: select("report", catalogue.map((r) => [r.name, r.title]), s.report || catalogue[0].name, "schedule-report"),
    ledger: input("params.ledger", "schedule-ledger", { value: params.ledger, list: ids.ledgers }),
    period: select("params.period", PERIODS, params.period || "last_month", "schedule-period"),
    n: input("params.n", "schedule-n", { type: "number", min: 1, max: 366, value: params.n || 30 }),
    kind: select("params.kind", KINDS, params.kind || "receivable", "schedule-kind"),
    format: select("format", formats, s.format || "pdf", "schedule-format"),
    to: input("recipients.to", "schedule-to", { value: rec.to.join(", ") }),
    cc: input("recipients.cc", "schedule-cc", { value: rec.cc.join(", ") }),
    bcc: input("recipients.bcc", "schedule-bcc", { value: rec.bcc.join(", ") }),
    list: select("recipients.distribution_list_id",
      [["", "None"], ...lists.map((l) => [l.id, `${l.name} (${l.to.length + l.cc.length + l.bcc.length} addresses)`])],
      rec.distribution_list_id || "", "schedule-list"),
    subject: input("subject", "schedule-subject", { value: s.subject, maxlength: 300 }),
    message: el("textarea", { name: "message", rows: 3, maxlength: 10000, dataset: { testid: "schedule-message" } }, s.message || ""),
  };

  const ledgerOptions = el("datalist", { id: ids.ledgers });
  const wraps = {
    ledger: fld("Ledger", c.ledger, "Start typing to pick from your ledgers."),
    period: fld("Period", c.period),
    n: fld("Number of days (N)", c.n, "The N complete days ending yesterday."),
    kind: fld("Kind", c.kind),
    to: fld("To", c.to, " "), // the hint's text depends on the report and the ledger (sync)
    list: fld("Distribution list", c.list, listsProblem || "Its addresses are added to the recipients at each run."),
  };
  const toHint = wraps.to.querySelector(".hint");
  const save = el("button", { type: "submit", dataset: { testid: "save-schedule" } }, existing ? "Save changes" : "Create schedule");
  const cancel = el("button", { type: "button", class: "secondary", dataset: { testid: "cancel-schedule" } }, "Cancel");

  const form = el("form", { novalidate: true, dataset: { testid: "schedule-form" }, style: "border:none;padding:0" },
    el("p", { class: "form-summary", hidden: true }),
    fld("Name", c.name),
    el("div", { class: "row" }, fld("Report", c.report), fld("Format", c.format)),
    el("div", { class: "row" }, wraps.ledger, wraps.period, wraps.n, wraps.kind),
    ...when.nodes,
    el("h3", {}, "Recipients"),
    wraps.to, fld("CC", c.cc), fld("BCC", c.bcc, "Separate addresses with commas."), wraps.list,
    fld("Subject", c.subject, "Leave empty for the default subject."), fld("Message", c.message),
    el("div", { class: "field" }, check("skip_if_empty", "schedule-skip-empty", !!s.skip_if_empty,
      "Skip the email when the report is empty"),
    check("enabled", "schedule-enabled", s.enabled !== false, "Enabled (runs on schedule)")),
    el("div", { class: "actions" }, save, cancel),
    ledgerOptions, when.zoneOptions);

  // The chosen report's definition decides which fields the form shows and what it sends.
  const chosen = () => catalogue.find((r) => r.name === c.report.value) || catalogue[0];
  const takes = (param) => chosen().schedule_params.includes(param);

  let knownLedgers = [];
  function sync() {
    const report = chosen();
    const policy = report.recipient_policy;
    [[wraps.ledger, takes("ledger")], [wraps.period, takes("period")],
      [wraps.n, takes("n") && c.period.value === "last_n_days"], [wraps.kind, takes("kind")],
      [wraps.list, policy.distribution_lists]].forEach(([node, on]) => show(node, on));
    when.sync();
    for (const option of c.format.options) option.hidden = !report.formats.includes(option.value);
    const match = knownLedgers.find((l) => l.name.toLowerCase() === c.ledger.value.trim().toLowerCase());
    toHint.textContent = policy.internal_only
      ? `Internal addresses only: the ${report.name} report never leaves the company.`
      : !policy.directory_param
        ? "Type at least one address."
        : match && !match.has_directory_entry
          ? "This ledger has no party directory entry: type at least one address."
          : "Leave empty to use the party directory's addresses for this ledger, looked up at each run.";
  }

  function payload() {
    const reportParams = {};
    if (takes("ledger")) reportParams.ledger = c.ledger.value.trim();
    if (takes("period")) reportParams.period = c.period.value;
    if (takes("n") && c.period.value === "last_n_days") reportParams.n = c.n.value === "" ? null : Number(c.n.value);
    if (takes("kind")) reportParams.kind = c.kind.value;
    return {
      name: c.name.value.trim(), report: c.report.value, format: c.format.value, params: reportParams,
      ...when.body(),
      recipients: { to: addressList(c.to.value), cc: addressList(c.cc.value), bcc: addressList(c.bcc.value),
        distribution_list_id: chosen().recipient_policy.distribution_lists ? c.list.value || null : null },
      subject: c.subject.value.trim() || null, message: c.message.value.trim() || null,
      enabled: form.elements.enabled.checked, skip_if_empty: form.elements.skip_if_empty.checked,
    };
  }

  // The picker is a convenience: a typed name is still checked by the API when saving.
  const findLedgers = debounce(async () => {
    try {
      const { items } = await api.get(`/api/v1/ledgers?limit=20&search=${encodeURIComponent(c.ledger.value.trim())}`);
      knownLedgers = items;
      ledgerOptions.replaceChildren(...items.map((l) => el("option", { value: l.name },
        l.has_directory_entry ? `${l.group_name} · in the party directory` : l.group_name)));
      sync();
    } catch { /* keep the previous suggestions */ }
  }, 250);

  form.addEventListener("input", (event) => {
    if (event.target === c.ledger) findLedgers();
    sync();
  });
  form.addEventListener("change", () => sync());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = payload();
    busy(save, async () => {
      clearErrors(form);
      try {
        const saved = existing
          ? await api.put(`/api/v1/schedules/${existing.id}`, body)
          : await api.post("/api/v1/schedules", body);
        dialog.close();
        announce(`Schedule "${saved.name}" saved. Next run: ${saved.next_run_at ? dateTime(saved.next_run_at) : "none (paused)"}.`, "success");
        onSaved?.(saved);
      } catch (error) {
        groupAddressErrors(error, body);
        showErrors(form, error);
        form.querySelector("[aria-invalid]:not(fieldset)")?.focus();
      }
    });
  });

  const dialog = openDialog(existing ? `Edit "${s.name}"` : "New schedule", form);
  cancel.addEventListener("click", () => dialog.close());
  sync();
  when.start(form);
  if (takes("ledger")) findLedgers();
  return dialog;
}
