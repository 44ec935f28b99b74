// Shared by the two report screens (ledger, outstanding): the export flow (submit, follow the
// job, download) and the email dialog (recipients, texts, delivery note, send, follow the email).
// Kept here so both screens behave the same and the rules live in one place.
//
// Test ids: export-button, email-button (set by the screens), job-status, download-button,
// send-button, email-result, delivery-note.

import { api, download, idempotencyKey } from "/app/api.js";
import { bytes, dateTime } from "/app/format.js";
import { addressList, announce, busy, clearErrors, el, field, openDialog, showErrors } from "/app/ui.js";
import { STATES } from "/app/states.js";

export const FORMATS = [["pdf", "PDF"], ["xlsx", "Excel (XLSX)"], ["csv", "CSV"]];
const EXPORT = STATES.export.statuses;
const EMAIL = STATES.email.statuses;
const POLL_MS = 1000;
const EMAIL_FOLLOW_LIMIT = 120; // polls, so about two minutes
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (n) => Number(n || 0).toLocaleString("en-IN");

export function formatSelect(value = "pdf") {
  return el("select", { name: "format" }, FORMATS.map(([v, label]) =>
    el("option", { value: v, selected: v === value }, label)));
}

// A field whose hint is announced with the input (ui.field only links the error slot).
export function hintedField(label, input, hint) {
  const wrap = field(label, input, hint);
  const node = wrap.querySelector(".hint");
  if (node) {
    node.id = `${input.id}-hint`;
    input.setAttribute("aria-describedby", `${input.id}-hint ${input.id}-error`);
  }
  return wrap;
}

// Several addresses in one box: a plain text input, since type=email rejects ";".
export function addressInput(name, value = "") {
  return el("input", { type: "text", name, value, inputmode: "email", autocomplete: "off",
    spellcheck: "false", "data-testid": `${name}-input` });
}

// The tenant's delivery rule is admin-only, so the dialog states the default rule.
export function deliveryNote(format) {
  if (format === "csv") {
    return "The CSV file is attached when it is within the company's attachment limit "
      + "(10 MB unless an administrator changed it); a larger file is sent as a download link.";
  }
  const name = format === "xlsx" ? "Excel" : "PDF";
  return `${name} files are sent as a download link by default (an administrator can choose `
    + "to attach them instead). Links expire with the file.";
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
export function describeRecipients({ to = [], cc = [], bcc = [] }) {
  return [to.join(", "), cc.length ? `CC ${cc.join(", ")}` : "",
    bcc.length ? `BCC ${plural(bcc.length, "address")}` : ""].filter(Boolean).join("; ");
}

// --- Export: POST the job, then poll its Location every second while the panel is shown. ----
// Resolves after the POST (true when accepted), so the caller's button is busy only that long.

export async function runExport(form, panel, body) {
  clearErrors(form);
  const run = String(Date.now()); // a newer export takes the panel over; older loops stop
  panel.dataset.run = run;
  panel.replaceChildren(el("p", {}, "Submitting the export…"));
  let response;
  try {
    response = await api.raw("POST", "/api/v1/exports/jobs",
      { body, headers: { "Idempotency-Key": idempotencyKey() } });
  } catch (error) {
    panel.replaceChildren();
    showFieldErrors(form, error);
    return false;
  }
  const job = await response.json();
  followJob(panel, run, job, response.headers.get("Location") || `/api/v1/exports/jobs/${job.id}`);
  return true;
}

// Resolves once the job is final (or the panel was left or taken over by a newer export).
async function followJob(panel, run, first, location) {
  let job = first;
  let shown = "";
  let failures = 0;
  while (panel.isConnected && panel.dataset.run === run) {
    if (job.status !== shown) { announceJob(job); shown = job.status; }
    renderJob(panel, job);
    if (!STATES.export.active.includes(job.status)) return;
    await sleep(POLL_MS);
    try {
      job = await api.get(location);
      failures = 0;
    } catch (error) {
      // A blip (network, restart) should not end the follow-up; anything else does.
      if ((error.status === 0 || error.status >= 500) && ++failures < 10) continue;
      panel.append(el("p", { class: "notice error" }, `Lost track of the export: ${error.message}`));
      announce(`Lost track of the export: ${error.message}`, "error");
      return;
    }
  }
}

function announceJob(job) {
  const messages = {
    [EXPORT.QUEUED]: ["Export queued.", "info"],
    [EXPORT.RUNNING]: ["Export running.", "info"],
    [EXPORT.SUCCEEDED]: [`Export ready: ${count(job.row_count)} rows. Use Download to save it.`, "success"],
    [EXPORT.FAILED]: [`The export failed: ${job.error || "no reason was given"}`, "error"],
    [EXPORT.EXPIRED]: ["The export's file has expired.", "error"],
  };
  const [text, kind] = messages[job.status] || [`Export ${job.status}.`, "info"];
  announce(text, kind);
}

export function jobStatusText(job) {
  switch (job.status) {
    case EXPORT.QUEUED: return "Queued: waiting for a worker…";
    case EXPORT.RUNNING: return `Running: ${count(job.progress)} rows written so far…`;
    case EXPORT.SUCCEEDED: return `Ready: ${count(job.row_count)} rows, ${bytes(job.file_size)}`;
    case EXPORT.FAILED: return `Failed: ${job.error || "no reason was given"}`;
    case EXPORT.EXPIRED: return "Expired: the file was removed; export again.";
    default: return job.status;
  }
}

export function downloadButton(job) {
  const button = el("button", { type: "button", "data-testid": "download-button",
    "aria-label": `Download ${job.file_name || "the file"}` }, "Download");
  button.addEventListener("click", () => busy(button, async () => {
    try {
      await download(job.download_url, job.file_name || "report");
      announce(`Downloaded ${job.file_name || "the file"}.`, "success");
    } catch (error) {
      announce(`The download failed: ${error.message}`, "error");
    }
  }));
  return button;
}

function renderJob(panel, job) {
  const done = job.status === EXPORT.SUCCEEDED;
  const bad = STATES.export.bad.includes(job.status);
  const restoreFocus = panel.contains(document.activeElement);
  panel.replaceChildren(...[
    el("p", { class: `notice${bad ? " error" : done ? " success" : ""}`, "data-testid": "job-status",
      "data-status": job.status }, jobStatusText(job)),
    STATES.export.active.includes(job.status)
      ? el("progress", { "aria-label": "Export progress" }) : null,
    done ? el("div", { class: "actions" }, downloadButton(job),
      el("span", { class: "hint" }, `${job.file_name}${job.expires_at
        ? ` · available until ${dateTime(job.expires_at)}` : ""}`)) : null].filter(Boolean));
  if (restoreFocus) panel.querySelector("button")?.focus();
}

// --- Email dialog --------------------------------------------------------------------------

// opts: {title, intro: nodes, recipients: nodes, subject, message, format, buildBody(form),
//        endpoint, afterQueued?(accepted) -> extra text}
export function emailDialog(opts) {
  const key = idempotencyKey(); // one per opening: a double click (or a retry) sends once
  const format = formatSelect(opts.format);
  const note = el("p", { class: "hint", "data-testid": "delivery-note" }, deliveryNote(format.value));
  format.addEventListener("change", () => { note.textContent = deliveryNote(format.value); });
  const result = el("div", { "data-testid": "email-result" });
  const send = el("button", { type: "submit", "data-testid": "send-button" }, "Send email");
  const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
  const form = el("form", { novalidate: true, style: "border:0;padding:0;margin:0" },
    opts.intro,
    opts.recipients,
    field("Subject", el("input", { type: "text", name: "subject", value: opts.subject, maxlength: 300 })),
    field("Message", el("textarea", { name: "message", rows: 6, maxlength: 10000 }, opts.message)),
    field("Format", format),
    note,
    el("p", { class: "form-summary", role: "alert", hidden: true }),
    el("div", { class: "actions" }, send, cancel),
    result);
  const dialog = openDialog(opts.title, form);
  cancel.addEventListener("click", () => dialog.close());
  let sent = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (sent) return;
    clearErrors(form);
    busy(send, async () => {
      let accepted;
      try {
        const response = await api.raw("POST", opts.endpoint,
          { body: opts.buildBody(form), headers: { "Idempotency-Key": key } });
        accepted = await response.json();
      } catch (error) {
        showFieldErrors(form, error);
        return;
      }
      sent = true;
      const extra = opts.afterQueued?.(accepted) || "";
      const text = `Queued to ${describeRecipients(accepted.recipients)}${extra}.`;
      result.replaceChildren(el("p", { class: "notice" }, text));
      announce(text);
      cancel.textContent = "Close";
      followEmail(accepted.email_id, result, (label) => { send.textContent = label; });
    }).then(() => {
      // busy() re-enabled Send; keep it off (a new send is a new dialog, with a new key) and
      // move focus off the disabled button so keyboard users are not stranded.
      if (sent) { send.disabled = true; cancel.focus(); }
    });
  });
  return { form, dialog };
}

// Follow one email until it is sent, failed or rejected (or ~2 minutes pass).
// `onFinal` gets a short label for the (disabled) Send button: "Sent" or "Not sent".
export async function followEmail(emailId, result, onFinal = () => {}) {
  const show = (text, kind = "info") => {
    result.replaceChildren(el("p", { class: `notice${kind === "info" ? "" : ` ${kind}`}`,
      "data-status": kind }, text));
    announce(text, kind);
  };
  let last = "";
  for (let i = 0; i < EMAIL_FOLLOW_LIMIT; i += 1) {
    await sleep(POLL_MS);
    let email;
    try {
      email = await api.get(`/api/v1/emails/${emailId}`);
    } catch (error) {
      if (error.status === 0 || error.status >= 500) continue;
      show(`Could not follow the email: ${error.message}`, "error");
      return;
    }
    const who = describeRecipients(email);
    if (email.status === EMAIL.SENT) { show(`Sent to ${who}.`, "success"); onFinal("Sent"); return; }
    if (STATES.email.bad.includes(email.status)) {
      show(`Not sent to ${who}: ${email.error || email.status}`, "error");
      onFinal("Not sent");
      return;
    }
    if (email.status !== last) {
      last = email.status;
      show(email.status === EMAIL.SENDING ? `Sending to ${who}…`
        : `Queued to ${who}: preparing the report file…`);
    }
  }
  result.append(el("p", { class: "hint" }, "Still not sent after two minutes. The outcome will "
    + "appear in the ", el("a", { href: "#/audit" }, "email audit"), "."));
  announce("The email is still waiting; check the email audit later.");
}

// Problem details in plain words: errors land next to the inputs named after their field
// path; the summary names fields by their labels ("From", not "params.from_date").
export function showFieldErrors(form, error) {
  const inputFor = (path) => form.querySelector(`[name="${CSS.escape(path)}"]`)
    || form.querySelector(`[name="${CSS.escape(path.split(".")[0])}"]`);
  const labelOf = (path) => {
    const input = inputFor(path);
    const label = input && form.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    if (label) return label.firstChild.textContent.trim();
    const plain = path.replace(/^params\./, "").replace(/\.(\d+)$/, (_, i) => ` (address ${Number(i) + 1})`)
      .replace(/_/g, " ");
    return plain.charAt(0).toUpperCase() + plain.slice(1);
  };
  const fieldErrors = (error.fieldErrors || []).map(({ field: path, message }) => ({
    field: inputFor(String(path)) ? String(path) : labelOf(String(path)), message }));
  // A detail that only repeats "field: message" pairs is rewritten; a real sentence is kept.
  const repeats = fieldErrors.length
    && (error.fieldErrors || []).every((e) => error.message.includes(`${e.field}: `));
  const message = repeats ? (error.fieldErrors || []).map((e) =>
    `${labelOf(String(e.field))}: ${e.message}`).join("; ") : error.message;
  showErrors(form, { message, fieldErrors });
}

// Used by the screens' Email buttons before opening a dialog: field errors without a request.
export function localError(form, fieldName, message) {
  showErrors(form, { message, fieldErrors: [{ field: fieldName, message }] });
  form.querySelector(`[name="${fieldName}"]`)?.focus();
}

export { addressList };
