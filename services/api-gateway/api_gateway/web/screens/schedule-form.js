// The create/edit form of a report schedule (a dialog), with a live preview of the next runs.
// data-testid: schedule-form, schedule-name, schedule-report, schedule-ledger, schedule-period,
//   schedule-n, schedule-kind, schedule-format, schedule-recurrence, schedule-days,
//   schedule-day, schedule-time, schedule-cron, schedule-timezone, schedule-to, schedule-cc,
//   schedule-bcc, schedule-list, schedule-subject, schedule-message, schedule-skip-empty,
//   schedule-enabled, preview-runs, preview-note, save-schedule, cancel-schedule

import { api, reports } from "/app/api.js";
import { dateTime, timezone } from "/app/format.js";
import { addressList, announce, busy, clearErrors, el, field, openDialog, showErrors } from "/app/ui.js";

export const PERIODS = [["today", "Today"], ["yesterday", "Yesterday"], ["this_week", "This week"],
  ["last_week", "Last week"], ["this_month", "This month"], ["last_month", "Last month"],
  ["this_quarter", "This quarter"], ["last_quarter", "Last quarter"],
  ["this_fy", "This financial year"], ["last_fy", "Last financial year"],
  ["last_n_days", "Last N days"]];
const KINDS = [["receivable", "Receivable"], ["payable", "Payable"]];
const FORMAT_LABELS = [["pdf", "PDF"], ["xlsx", "Excel (XLSX)"], ["csv", "CSV"]];
const MODES = [["daily", "Daily"], ["weekly", "Weekly"], ["monthly", "Monthly"], ["custom", "Custom (cron)"]];
export const DAYS = [["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"],
  ["sat", "Sat"], ["sun", "Sun"]];
// The API writes weekly presets as cron day numbers (0 = Sunday); reading them back lets an
// edit reopen in the preset it was made with.
const CRON_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTH_DAYS = [...Array.from({ length: 31 }, (_, i) => [String(i + 1), String(i + 1)]), ["last", "Last day"]];
const ZONES = ["Asia/Kolkata", "UTC", "Asia/Dubai", "Asia/Singapore", "Asia/Tokyo", "Europe/London",
  "Europe/Berlin", "America/New_York", "America/Chicago", "America/Los_Angeles", "Australia/Sydney"];
// What the preview may point at: everything else in the form is left alone while typing.
const RECURRENCE_FIELDS = ["cron", "timezone", "preset", "preset.time", "preset.day", "preset.days"];

const debounce = (fn, ms) => { let t; return () => { clearTimeout(t); t = setTimeout(fn, ms); }; };
const uid = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 9)}`;
const show = (node, visible) => { node.hidden = !visible; node.style.display = visible ? "" : "none"; };

// The daily/weekly/monthly shape of a cron expression the API made from a preset, else null.
export function presetFromCron(cron) {
  const m = /^(\d{1,2}) (\d{1,2}) (\S+) \* (\S+)$/.exec(cron || "");
  if (!m || Number(m[1]) > 59 || Number(m[2]) > 23) return null;
  const [, minute, hour, dom, dow] = m;
  const time = `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
  if (dom === "*" && dow === "*") return { kind: "daily", time };
  if (dom === "*" && /^[0-6](,[0-6])*$/.test(dow)) {
    return { kind: "weekly", time, days: dow.split(",").map((n) => CRON_DAYS[Number(n)]) };
  }
  if (dow !== "*") return null;
  if (dom === "L") return { kind: "monthly", time, day: "last" };
  if (/^\d{1,2}$/.test(dom) && Number(dom) >= 1 && Number(dom) <= 31) return { kind: "monthly", time, day: Number(dom) };
  return null;
}

// A run time in a given zone ("Mon, 04 May 2026, 09:00 IST"); the ISO text if the browser
// does not know the zone.
function inZone(iso, zone) {
  try {
    return new Intl.DateTimeFormat("en-IN", { timeZone: zone, weekday: "short", day: "2-digit",
      month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false,
      timeZoneName: "short" }).format(new Date(iso));
  } catch {
    return iso;
  }
}

// field() links the error slot; the hint is linked here too so screen readers read both.
function fld(label, input, hint) {
  const wrap = field(label, input, hint);
  const note = wrap.querySelector(".hint");
  if (note) {
    note.id = `${input.id}-hint`;
    input.setAttribute("aria-describedby", `${input.id}-error ${note.id}`);
  }
  return wrap;
}

const input = (name, testid, attrs = {}) => el("input", { name, autocomplete: "off", dataset: { testid }, ...attrs });
const select = (name, options, value, testid) => el("select", { name, dataset: { testid } },
  options.map(([v, label]) => el("option", { value: v, selected: String(v) === String(value) }, label)));
const check = (name, testid, checked, label) => el("label", { style: "font-weight:400" },
  input(name, testid, { type: "checkbox", checked }), ` ${label}`);

// One field's error set (or cleared with ""): the preview touches only the recurrence fields,
// so the save errors of the other fields stay in place.
function fieldError(form, path, message) {
  const node = form.querySelector(`[name="${CSS.escape(path)}"]`)
    || (message && form.querySelector(`[name="${CSS.escape(path.split(".")[0])}"]`));
  const slot = node && form.querySelector(`#${CSS.escape(node.id)}-error`);
  if (!slot) return;
  slot.hidden = !message;
  slot.textContent = message;
  if (message) node.setAttribute("aria-invalid", "true");
  else node.removeAttribute("aria-invalid");
}
const clearRecurrenceErrors = (form) => RECURRENCE_FIELDS.forEach((name) => fieldError(form, name, ""));

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
  const preset = s.cron ? presetFromCron(s.cron) : { kind: "daily", time: "09:00" };
  let listsProblem = null;
  const lists = await api.get("/api/v1/distribution-lists").then((r) => r.items, (error) => {
    listsProblem = `Distribution lists could not be loaded: ${error.message}`;
    return [];
  });
  const catalogue = await reports();
  const ids = { ledgers: uid("ledgers"), zones: uid("zones"), days: uid("days") };
  const formats = FORMAT_LABELS.filter(([v]) => catalogue.some((r) => r.formats.includes(v)));
  const c = {
    name: input("name", "schedule-name", { value: s.name, maxlength: 200, "aria-required": "true" }),
    report: select("report", catalogue.map((r) => [r.name, r.title]), s.report || catalogue[0].name, "schedule-report"),
    ledger: input("params.ledger", "schedule-ledger", { value: params.ledger, list: ids.ledgers }),
    period: select("params.period", PERIODS, params.period || "last_month", "schedule-period"),
    n: input("params.n", "schedule-n", { type: "number", min: 1, max: 366, value: params.n || 30 }),
    kind: select("params.kind", KINDS, params.kind || "receivable", "schedule-kind"),
    format: select("format", formats, s.format || "pdf", "schedule-format"),
    mode: select("preset", MODES, preset ? preset.kind : "custom", "schedule-recurrence"),
    day: select("preset.day", MONTH_DAYS, preset?.day ?? 1, "schedule-day"),
    time: input("preset.time", "schedule-time", { type: "time", value: preset?.time || "09:00" }),
    cron: input("cron", "schedule-cron", { value: s.cron, placeholder: "30 9 * * 1-5", spellcheck: "false" }),
    zone: input("timezone", "schedule-timezone", { value: s.timezone || timezone(), list: ids.zones }),
    to: input("recipients.to", "schedule-to", { value: rec.to.join(", ") }),
    cc: input("recipients.cc", "schedule-cc", { value: rec.cc.join(", ") }),
    bcc: input("recipients.bcc", "schedule-bcc", { value: rec.bcc.join(", ") }),
    list: select("recipients.distribution_list_id",
      [["", "None"], ...lists.map((l) => [l.id, `${l.name} (${l.to.length + l.cc.length + l.bcc.length} addresses)`])],
      rec.distribution_list_id || "", "schedule-list"),
    subject: input("subject", "schedule-subject", { value: s.subject, maxlength: 300 }),
    message: el("textarea", { name: "message", rows: 3, maxlength: 10000, dataset: { testid: "schedule-message" } }, s.message || ""),
  };
  const chosenDays = preset?.days || ["mon"];
  const days = el("fieldset", { name: "preset.days", id: ids.days, dataset: { testid: "schedule-days" },
    "aria-describedby": `${ids.days}-error`, style: "border:none;padding:0;margin:0 0 .8rem" },
  el("legend", { style: "font-weight:600;font-size:.9rem" }, "Days"),
  el("div", { class: "actions" }, DAYS.map(([v, label]) => el("label", { style: "font-weight:400" },
    el("input", { type: "checkbox", value: v, checked: chosenDays.includes(v) }), ` ${label}`))),
  el("p", { class: "field-error", id: `${ids.days}-error`, hidden: true }));

  const ledgerOptions = el("datalist", { id: ids.ledgers });
  const wraps = {
    ledger: fld("Ledger", c.ledger, "Start typing to pick from your ledgers."),
    period: fld("Period", c.period),
    n: fld("Number of days (N)", c.n, "The N complete days ending yesterday."),
    kind: fld("Kind", c.kind),
    day: fld("Day of the month", c.day, "Months without that day are skipped."),
    time: fld("Time", c.time, "Local time in the schedule's timezone."),
    cron: fld("Cron expression", c.cron, "Five fields: minute hour day-of-month month day-of-week."),
    to: fld("To", c.to, " "), // the hint's text depends on the report and the ledger (sync)
    list: fld("Distribution list", c.list, listsProblem || "Its addresses are added to the recipients at each run."),
  };
  const toHint = wraps.to.querySelector(".hint");
  const previewList = el("ol", { dataset: { testid: "preview-runs" } });
  const previewNote = el("p", { class: "hint", "aria-live": "polite", dataset: { testid: "preview-note" } }, "Loading…");
  const save = el("button", { type: "submit", dataset: { testid: "save-schedule" } }, existing ? "Save changes" : "Create schedule");
  const cancel = el("button", { type: "button", class: "secondary", dataset: { testid: "cancel-schedule" } }, "Cancel");
  const previewHeading = uid("preview");

  const form = el("form", { novalidate: true, dataset: { testid: "schedule-form" }, style: "border:none;padding:0" },
    el("p", { class: "form-summary", hidden: true }),
    fld("Name", c.name),
    el("div", { class: "row" }, fld("Report", c.report), fld("Format", c.format)),
    el("div", { class: "row" }, wraps.ledger, wraps.period, wraps.n, wraps.kind),
    el("h3", {}, "When"),
    el("div", { class: "row" }, fld("Repeat", c.mode), wraps.time, wraps.day),
    days, wraps.cron,
    fld("Timezone", c.zone, "An IANA name, e.g. Asia/Kolkata. Defaults to the tenant's timezone."),
    el("section", { "aria-labelledby": previewHeading, class: "panel" },
      el("h4", { id: previewHeading, style: "margin:0" }, "Next five runs"), previewNote, previewList),
    el("h3", {}, "Recipients"),
    wraps.to, fld("CC", c.cc), fld("BCC", c.bcc, "Separate addresses with commas."), wraps.list,
    fld("Subject", c.subject, "Leave empty for the default subject."), fld("Message", c.message),
    el("div", { class: "field" }, check("skip_if_empty", "schedule-skip-empty", !!s.skip_if_empty,
      "Skip the email when the report is empty"),
    check("enabled", "schedule-enabled", s.enabled !== false, "Enabled (runs on schedule)")),
    el("div", { class: "actions" }, save, cancel),
    ledgerOptions, el("datalist", { id: ids.zones }, ZONES.map((z) => el("option", { value: z }))));

  // The chosen report's definition decides which fields the form shows and what it sends.
  const chosen = () => catalogue.find((r) => r.name === c.report.value) || catalogue[0];
  const takes = (param) => chosen().schedule_params.includes(param);

  let knownLedgers = [];
  function sync() {
    const [report, mode] = [chosen(), c.mode.value];
    const policy = report.recipient_policy;
    [[wraps.ledger, takes("ledger")], [wraps.period, takes("period")],
      [wraps.n, takes("n") && c.period.value === "last_n_days"], [wraps.kind, takes("kind")],
      [wraps.list, policy.distribution_lists], [days, mode === "weekly"], [wraps.day, mode === "monthly"],
      [wraps.time, mode !== "custom"], [wraps.cron, mode === "custom"]].forEach(([node, on]) => show(node, on));
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

  function recurrence() {
    const body = { timezone: c.zone.value.trim() || null };
    const mode = c.mode.value;
    if (mode === "custom") return { ...body, cron: c.cron.value.trim() };
    const chosen = { kind: mode, time: c.time.value };
    if (mode === "weekly") chosen.days = [...days.querySelectorAll("input:checked")].map((box) => box.value);
    if (mode === "monthly") chosen.day = c.day.value === "last" ? "last" : Number(c.day.value);
    return { ...body, preset: chosen };
  }

  function incomplete() {
    const mode = c.mode.value;
    if (mode === "custom" && c.cron.value.trim().split(/\s+/).filter(Boolean).length !== 5) {
      return ["cron", "five fields: minute hour day-of-month month day-of-week"];
    }
    if (mode !== "custom" && !c.time.value) return ["preset.time", "choose a time"];
    if (mode === "weekly" && !days.querySelector("input:checked")) return ["preset.days", "choose at least one day"];
    return null;
  }

  function payload() {
    const reportParams = {};
    if (takes("ledger")) reportParams.ledger = c.ledger.value.trim();
    if (takes("period")) reportParams.period = c.period.value;
    if (takes("n") && c.period.value === "last_n_days") reportParams.n = c.n.value === "" ? null : Number(c.n.value);
    if (takes("kind")) reportParams.kind = c.kind.value;
    return {
      name: c.name.value.trim(), report: c.report.value, format: c.format.value, params: reportParams,
      ...recurrence(),
      recipients: { to: addressList(c.to.value), cc: addressList(c.cc.value), bcc: addressList(c.bcc.value),
        distribution_list_id: chosen().recipient_policy.distribution_lists ? c.list.value || null : null },
      subject: c.subject.value.trim() || null, message: c.message.value.trim() || null,
      enabled: form.elements.enabled.checked, skip_if_empty: form.elements.skip_if_empty.checked,
    };
  }

  // Answers can overtake each other while typing: only the latest request's answer is shown.
  let previewSeq = 0;
  async function refreshPreview() {
    const mine = ++previewSeq;
    // Half-typed values are answered here: asking the API would only produce a 422.
    const local = incomplete();
    if (local) {
      clearRecurrenceErrors(form);
      fieldError(form, ...local);
      previewList.replaceChildren();
      previewNote.textContent = "Complete the recurrence to see the next runs.";
      return;
    }
    try {
      const result = await api.post("/api/v1/schedules/preview?count=5", recurrence());
      if (mine !== previewSeq) return;
      clearRecurrenceErrors(form);
      previewList.replaceChildren(...result.runs.map((run) => el("li", {},
        el("time", { datetime: run.local }, inZone(run.local, result.timezone)),
        el("span", { class: "hint" }, ` · ${inZone(run.utc, "UTC")}`))));
      previewNote.textContent = result.runs.length
        ? `Cron ${result.cron} in ${result.timezone}; first run ${inZone(result.runs[0].local, result.timezone)}.`
        : "This recurrence has no upcoming runs.";
    } catch (error) {
      if (mine !== previewSeq) return;
      clearRecurrenceErrors(form);
      previewList.replaceChildren();
      for (const { field: path, message } of error.fieldErrors) fieldError(form, String(path), message);
      previewNote.textContent = error.status === 422
        ? `Fix the recurrence to see the next runs (${error.message}).`
        : `The preview is unavailable: ${error.message}`;
    }
  }
  const previewSoon = debounce(refreshPreview, 350);

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
    if (RECURRENCE_FIELDS.includes(event.target.name) || days.contains(event.target)) previewSoon();
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
  refreshPreview();
  if (takes("ledger")) findLedgers();
  return dialog;
}
