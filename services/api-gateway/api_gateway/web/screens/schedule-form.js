// The create/edit form of a report schedule (a dialog): the report and its parameters, when it
// runs (schedule-recurrence.js, with the live preview of the next runs), and who receives it.
// data-testid: schedule-form, schedule-name, schedule-report, schedule-ledger, schedule-period,
//   schedule-n, schedule-kind, schedule-format, schedule-to, schedule-cc, schedule-bcc,
//   schedule-list, schedule-subject, schedule-message, schedule-skip-empty, schedule-enabled,
//   save-schedule, cancel-schedule; the recurrence's are listed in schedule-recurrence.js

import { api, reports } from "/app/api.js";
import { formats } from "/app/screens/email-dialog.js";
import { dateTime } from "/app/format.js";
import { addressList, announce, busy, clearErrors, el, openDialog, showErrors } from "/app/ui.js";
import { check, debounce, fld, input, select, show, uid } from "/app/screens/schedule-controls.js";
import { recurrencePart } from "/app/screens/schedule-recurrence.js";
import { reportTitle, t } from "/app/i18n.js";

// The schedule's relative periods, in the user's language (read at render time).
export const periods = () => [["today", t("period.today")], ["yesterday", t("period.yesterday")],
  ["this_week", t("period.this_week")], ["last_week", t("period.last_week")],
  ["this_month", t("period.this_month")], ["last_month", t("period.last_month")],
  ["this_quarter", t("period.this_quarter")], ["last_quarter", t("period.last_quarter")],
  ["this_fy", t("period.this_fy")], ["last_fy", t("period.last_fy")],
  ["last_n_days", t("period.last_n_days")]];
const kinds = () => [["receivable", t("kind.receivable")], ["payable", t("kind.payable")]];

// "recipients.cc.2" names one address; the form has one input per list, where the error goes
// (ui.showErrors), saying which address it is about.
function groupAddressErrors(error, body) {
  error.fieldErrors = error.fieldErrors.map((fieldError) => {
    const m = /^recipients\.(to|cc|bcc)\.(\d+)$/.exec(String(fieldError.field));
    const address = m ? body.recipients[m[1]][Number(m[2])] || "" : "";
    const { message } = fieldError;
    return !m || message.includes(address) ? fieldError : { ...fieldError, message: `${address}: ${message}` };
  });
}

// Opens the form for `existing` (a SchedulePublic) or a new schedule; onSaved(schedule) after.
export async function openScheduleForm(existing, onSaved) {
  const s = existing || {};
  const params = s.params || {};
  const rec = s.recipients || { to: [], cc: [], bcc: [] };
  let listsProblem = null;
  const lists = await api.get("/api/v1/distribution-lists").then((r) => r.items, (error) => {
    listsProblem = t("lists.load_failed", { reason: error.message });
    return [];
  });
  const catalogue = await reports();
  const ids = { ledgers: uid("ledgers") };
  const when = recurrencePart(s); // the "When" fields and the preview
  const formatChoices = formats().filter(([v]) => catalogue.some((r) => r.formats.includes(v)));
  const c = {
    name: input("name", "schedule-name", { value: s.name, maxlength: 200, "aria-required": "true" }),
    report: select("report", catalogue.map((r) => [r.name, reportTitle(r.name, r.title)]), s.report || catalogue[0].name, "schedule-report"),
    ledger: input("params.ledger", "schedule-ledger", { value: params.ledger, list: ids.ledgers }),
    period: select("params.period", periods(), params.period || "last_month", "schedule-period"),
    n: input("params.n", "schedule-n", { type: "number", min: 1, max: 366, value: params.n || 30 }),
    kind: select("params.kind", kinds(), params.kind || "receivable", "schedule-kind"),
    format: select("format", formatChoices, s.format || "pdf", "schedule-format"),
    to: input("recipients.to", "schedule-to", { value: rec.to.join(", ") }),
    cc: input("recipients.cc", "schedule-cc", { value: rec.cc.join(", ") }),
    bcc: input("recipients.bcc", "schedule-bcc", { value: rec.bcc.join(", ") }),
    list: select("recipients.distribution_list_id",
      [["", t("schedules.no_list")], ...lists.map((l) => [l.id,
        t("lists.option", { name: l.name, count: l.to.length + l.cc.length + l.bcc.length })])],
      rec.distribution_list_id || "", "schedule-list"),
    subject: input("subject", "schedule-subject", { value: s.subject, maxlength: 300 }),
    message: el("textarea", { name: "message", rows: 3, maxlength: 10000, dataset: { testid: "schedule-message" } }, s.message || ""),
  };

  const ledgerOptions = el("datalist", { id: ids.ledgers });
  const wraps = {
    ledger: fld(t("field.ledger"), c.ledger, t("schedules.ledger_hint")),
    period: fld(t("field.period"), c.period),
    n: fld(t("schedules.days_n"), c.n, t("schedules.days_n_hint")),
    kind: fld(t("field.kind"), c.kind),
    to: fld(t("field.to"), c.to, " "), // the hint's text depends on the report and the ledger (sync)
    list: fld(t("field.distribution_list_id"), c.list, listsProblem || t("schedules.list_hint")),
  };
  const toHint = wraps.to.querySelector(".hint");
  const save = el("button", { type: "submit", dataset: { testid: "save-schedule" } }, existing ? t("action.save_changes") : t("schedules.create"));
  const cancel = el("button", { type: "button", class: "secondary", dataset: { testid: "cancel-schedule" } }, t("action.cancel"));

  const form = el("form", { novalidate: true, dataset: { testid: "schedule-form" }, style: "border:none;padding:0" },
    el("p", { class: "form-summary", hidden: true }),
    fld(t("field.name"), c.name),
    el("div", { class: "row" }, fld(t("schedules.report"), c.report), fld(t("field.format"), c.format)),
    el("div", { class: "row" }, wraps.ledger, wraps.period, wraps.n, wraps.kind),
    ...when.nodes,
    el("h3", {}, t("field.recipients")),
    wraps.to, fld(t("field.cc"), c.cc), fld(t("field.bcc"), c.bcc, t("schedules.bcc_hint")), wraps.list,
    fld(t("field.subject"), c.subject, t("schedules.subject_hint")), fld(t("field.message"), c.message),
    el("div", { class: "field" }, check("skip_if_empty", "schedule-skip-empty", !!s.skip_if_empty,
      t("schedules.skip_if_empty")),
    check("enabled", "schedule-enabled", s.enabled !== false, t("schedules.enabled_check"))),
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
      ? t("schedules.to_internal", { report: reportTitle(report.name, report.title) })
      : !policy.directory_param
        ? t("schedules.to_type")
        : match && !match.has_directory_entry
          ? t("schedules.to_no_entry")
          : t("schedules.to_directory");
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
        l.has_directory_entry ? t("ledger.group_in_directory", { group: l.group_name }) : l.group_name)));
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
        announce(t("schedules.saved", { name: saved.name,
          next: saved.next_run_at ? dateTime(saved.next_run_at) : t("schedules.no_next_run") }), "success");
        onSaved?.(saved);
      } catch (error) {
        groupAddressErrors(error, body);
        showErrors(form, error);
        form.querySelector("[aria-invalid]:not(fieldset)")?.focus();
      }
    });
  });

  const dialog = openDialog(existing ? t("schedules.edit_title", { name: s.name }) : t("schedules.new"), form);
  cancel.addEventListener("click", () => dialog.close());
  sync();
  when.start(form);
  if (takes("ledger")) findLedgers();
  return dialog;
}
