// Shared by the two report screens (ledger, outstanding): the export flow (submit, follow the
// job, download) and the email dialog (recipients, texts, delivery note, send, follow the email).
// Kept here so both screens behave the same and the rules live in one place.
//
// Test ids: export-button, email-button (set by the screens), job-status, download-button,
// send-button, email-result, delivery-note.

import { api, download, idempotencyKey } from "/app/api.js";
import { bytes, dateTime } from "/app/format.js";
import { has, statusText, t } from "/app/i18n.js";
import { addressList, announce, busy, clearErrors, el, field, openDialog, phrase, showErrors } from "/app/ui.js";
import { STATES } from "/app/states.js";

// The formats and their names, in the user's language (read at render time).
export const formats = () => [["pdf", t("format.pdf")], ["xlsx", t("format.xlsx")], ["csv", t("format.csv")]];
const EXPORT = STATES.export.statuses;
const EMAIL = STATES.email.statuses;
const POLL_MS = 1000;
const EMAIL_FOLLOW_LIMIT = 120; // polls, so about two minutes
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function formatSelect(value = "pdf") {
  return el("select", { name: "format" }, formats().map(([v, label]) =>
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
  if (format === "csv") return t("email.delivery_csv");
  return t("email.delivery_link", { name: format === "xlsx" ? t("format.excel") : t("format.pdf") });
}

export function describeRecipients({ to = [], cc = [], bcc = [] }) {
  return [to.join(", "), cc.length ? t("email.recipients_cc", { list: cc.join(", ") }) : "",
    bcc.length ? t("email.recipients_bcc", { count: bcc.length }) : ""].filter(Boolean).join("; ");
}

// --- Export: POST the job, then poll its Location every second while the panel is shown. ----
// Resolves after the POST (true when accepted), so the caller's button is busy only that long.

export async function runExport(form, panel, body) {
  clearErrors(form);
  const run = String(Date.now()); // a newer export takes the panel over; older loops stop
  panel.dataset.run = run;
  panel.replaceChildren(el("p", {}, t("export.submitting")));
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
      panel.append(el("p", { class: "notice error" }, t("export.lost_track", { reason: error.message })));
      announce(t("export.lost_track", { reason: error.message }), "error");
      return;
    }
  }
}

function announceJob(job) {
  const messages = {
    [EXPORT.QUEUED]: [t("export.announce_queued"), "info"],
    [EXPORT.RUNNING]: [t("export.announce_running"), "info"],
    [EXPORT.SUCCEEDED]: [t("export.announce_ready", { count: Number(job.row_count || 0) }), "success"],
    [EXPORT.FAILED]: [t("export.announce_failed", { reason: job.error || t("export.no_reason") }), "error"],
    [EXPORT.EXPIRED]: [t("export.announce_expired"), "error"],
  };
  const [text, kind] = messages[job.status] || [t("export.announce_other", { status: statusText(job.status) }), "info"];
  announce(text, kind);
}

export function jobStatusText(job) {
  switch (job.status) {
    case EXPORT.QUEUED: return t("export.job_queued");
    case EXPORT.RUNNING: return t("export.job_running", { count: Number(job.progress || 0) });
    case EXPORT.SUCCEEDED: return t("export.job_ready", { count: Number(job.row_count || 0), size: bytes(job.file_size) });
    case EXPORT.FAILED: return t("export.job_failed", { reason: job.error || t("export.no_reason") });
    case EXPORT.EXPIRED: return t("export.job_expired");
    default: return statusText(job.status);
  }
}

export function downloadButton(job) {
  const name = job.file_name || t("export.the_file");
  const button = el("button", { type: "button", "data-testid": "download-button",
    "aria-label": t("export.download_named", { name }) }, t("export.download"));
  button.addEventListener("click", () => busy(button, async () => {
    try {
      await download(job.download_url, job.file_name || "report");
      announce(t("export.downloaded", { name }), "success");
    } catch (error) {
      announce(t("export.download_failed", { reason: error.message }), "error");
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
      ? el("progress", { "aria-label": t("export.progress") }) : null,
    done ? el("div", { class: "actions" }, downloadButton(job),
      el("span", { class: "hint" }, job.expires_at
        ? t("export.file_until", { name: job.file_name, time: dateTime(job.expires_at) }) : job.file_name)) : null].filter(Boolean));
  if (restoreFocus) panel.querySelector("button")?.focus();
}

// --- Email dialog --------------------------------------------------------------------------

// opts: {title, intro: nodes, recipients: nodes, format, buildBody(form),
//        endpoint, afterQueued?(accepted) -> extra text}
export function emailDialog(opts) {
  // One key per attempt: a double click (or a lost answer sent again) sends once; "Try again"
  // after a failed send is a new attempt, so it takes a new key.
  let key = idempotencyKey();
  const format = formatSelect(opts.format);
  const note = el("p", { class: "hint", "data-testid": "delivery-note" }, deliveryNote(format.value));
  format.addEventListener("change", () => { note.textContent = deliveryNote(format.value); });
  const result = el("div", { "data-testid": "email-result" });
  const send = el("button", { type: "submit", "data-testid": "send-button" }, t("email.send"));
  const cancel = el("button", { type: "button", class: "secondary" }, t("action.cancel"));
  // Why the last send failed, beside the button that tries again.
  const failure = el("p", { class: "send-failure", "data-testid": "send-failure", hidden: true });
  const form = el("form", { novalidate: true, style: "border:0;padding:0;margin:0" },
    opts.intro,
    opts.recipients,
    // Left empty, the server writes both from the company's email template in the recipient's
    // language (the party's for a statement), which a text prefilled here would override.
    field(t("field.subject"), el("input", { type: "text", name: "subject", maxlength: 300,
      placeholder: t("email.subject_placeholder") }), t("email.texts_hint")),
    field(t("field.message"), el("textarea", { name: "message", rows: 6, maxlength: 10000,
      placeholder: t("email.message_placeholder") })),
    field(t("field.format"), format),
    note,
    el("p", { class: "form-summary", role: "alert", hidden: true }),
    el("div", { class: "actions" }, send, cancel, failure),
    result);
  const dialog = openDialog(opts.title, form);
  cancel.addEventListener("click", () => dialog.close());
  let inFlight = false; // accepted and not yet final: the form waits
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (inFlight) return;
    clearErrors(form);
    busy(send, async () => {
      try {
        const response = await api.raw("POST", opts.endpoint,
          { body: opts.buildBody(form), headers: { "Idempotency-Key": key } });
        return await response.json();
      } catch (error) {
        showFieldErrors(form, error); // nothing was queued: Send again reuses the key
        return null;
      }
    }).then(async (accepted) => {
      if (!accepted) return;
      inFlight = true;
      failure.hidden = true;
      const extra = opts.afterQueued?.(accepted);
      const text = t("email.queued_to", { who: describeRecipients(accepted.recipients), extra: extra ? ` ${extra}` : "" });
      result.replaceChildren(el("p", { class: "notice" }, text));
      reveal(result);
      announce(text);
      // busy() re-enabled Send: off while the email goes, focus off the disabled button.
      send.disabled = true;
      cancel.textContent = t("action.close");
      cancel.focus();
      const outcome = await followEmail(accepted.email_id, result);
      inFlight = false;
      if (STATES.email.bad.includes(outcome.status)) {
        // The reason beside the button, and the same request again under a new key.
        key = idempotencyKey();
        failure.hidden = false;
        failure.replaceChildren(t("email.failed_reason", { reason: outcome.reason }),
          outcome.said ? el("span", { class: "hint", translate: "no" }, ` (${outcome.said})`) : "");
        send.textContent = t("email.try_again");
        send.disabled = false;
        if (form.contains(document.activeElement) || document.activeElement === document.body) send.focus();
      } else if (outcome.status === EMAIL.SENT) {
        send.textContent = t("email.sent_button");
      }
    });
  });
  return { form, dialog };
}

// The dialog scrolls (its backdrop does): bring what changed into view.
const reveal = (node) => node.scrollIntoView?.({ block: "nearest" });

// Follow one email until it is sent, failed or rejected (or ~2 minutes pass), showing each
// step in `result`. Resolves with {status, reason}: the email's final status and why it failed,
// or a null status when it could not be followed to the end.
export async function followEmail(emailId, result) {
  const show = (text, kind = "info", said = null) => {
    result.replaceChildren(el("p", { class: `notice${kind === "info" ? "" : ` ${kind}`}`,
      "data-status": kind }, text, said ? el("span", { class: "hint", translate: "no" }, ` (${said})`) : null));
    reveal(result);
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
      show(t("email.lost_track", { reason: error.message }), "error");
      return { status: null, reason: error.message };
    }
    const who = describeRecipients(email);
    if (email.status === EMAIL.SENT) { show(t("email.sent_to", { who }), "success"); return { status: email.status }; }
    if (STATES.email.bad.includes(email.status)) {
      // The failure's kind in the reader's words, the server's own words beside it.
      const kind = `send_error.${email.error_class}`;
      const reason = has(kind) ? t(kind) : email.error || statusText(email.status);
      const said = has(kind) ? email.error : null;
      show(t("email.not_sent_to", { who, reason }), "error", said);
      return { status: email.status, reason, said };
    }
    if (email.status !== last) {
      last = email.status;
      show(email.status === EMAIL.SENDING ? t("email.sending_to", { who }) : t("email.preparing", { who }));
    }
  }
  result.append(el("p", { class: "hint" }, phrase("email.still_waiting",
    { link: el("a", { href: "#/audit" }, t("email.audit_link")) })));
  reveal(result);
  announce(t("email.still_waiting_short"));
  return { status: null };
}

// Problem details in plain words: errors next to their inputs, translated by code, the summary
// naming fields by their labels ("From", not "params.from_date"); see ui.showErrors.
export const showFieldErrors = showErrors;

// Used by the screens' Email buttons before opening a dialog: field errors without a request.
export function localError(form, fieldName, message) {
  showErrors(form, { message, fieldErrors: [{ field: fieldName, message }] });
  form.querySelector(`[name="${fieldName}"]`)?.focus();
}

export { addressList };
