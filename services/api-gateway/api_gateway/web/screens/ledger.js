// Ledger report: pick a ledger and a period, export it (follow the job, download) or email the
// statement to the party (To filled from the party directory when it has an entry).
//
// Test ids: ledger-input, preview-button (report-preview.js), directory-status, period-select,
// from-date, to-date (date-field.js adds -calendar), period-summary, export-button, email-button,
// job-status, download-button (shared export flow); in the dialog: to-input, cc-input,
// bcc-input, to-source ("from the party directory" marker), to-bounced, delivery-note, send-button,
// email-result.

import { api } from "/app/api.js";
import { dateField, dateInput, isoOf, mistypedDate, periodInWords, periodLine, setIso } from "/app/date-field.js";
import { dateTime, daysInMonth, isoDate, today } from "/app/format.js";
import { busy, clearErrors, el, field } from "/app/ui.js";
import {
  addressInput, addressList, emailDialog, formatSelect, hintedField, localError, runExport,
} from "/app/screens/email-dialog.js";
import { t } from "/app/i18n.js";
import { previewButton, reportPreview } from "/app/screens/report-preview.js";

const DEBOUNCE_MS = 250;

// --- Period presets, computed on calendar dates (no Date objects: no timezone drift). --------

function monthBack(y, m, n) { const i = y * 12 + (m - 1) - n; return [Math.floor(i / 12), (i % 12) + 1]; }

// "This …" periods run to today (as the scheduler's do); "Last …" periods are complete.
export function presetRange(preset, todayIso = today()) {
  const [y, m] = todayIso.split("-").map(Number);
  const quarterStart = m - ((m - 1) % 3); // Jan/Apr/Jul/Oct: also the Indian FY's quarters
  const fyStart = m >= 4 ? y : y - 1; // the financial year runs April to March
  switch (preset) {
    case "this_month": return [isoDate(y, m, 1), todayIso];
    case "last_month": { const [py, pm] = monthBack(y, m, 1); return [isoDate(py, pm, 1), isoDate(py, pm, daysInMonth(py, pm))]; }
    case "this_quarter": return [isoDate(y, quarterStart, 1), todayIso];
    case "last_quarter": {
      const [sy, sm] = monthBack(y, quarterStart, 3);
      const [ey, em] = monthBack(y, quarterStart, 1);
      return [isoDate(sy, sm, 1), isoDate(ey, em, daysInMonth(ey, em))];
    }
    case "this_fy": return [isoDate(fyStart, 4, 1), todayIso];
    case "last_fy": return [isoDate(fyStart - 1, 4, 1), isoDate(fyStart, 3, 31)];
    default: return null;
  }
}

const presets = () => [["this_month", t("period.this_month")], ["last_month", t("period.last_month")],
  ["this_quarter", t("period.this_quarter")], ["last_quarter", t("period.last_quarter")],
  ["this_fy", t("period.this_fy_months")], ["last_fy", t("period.last_fy")],
  ["custom", t("period.custom")]];

export const ledgerScreen = {
  path: "/ledger",
  get title() { return t("screen.ledger"); },
  nav: true,
  adminOnly: false,
  async render(container) {
    let options = []; // the last ledgers the picker showed (name, has_directory_entry)

    const ledger = el("input", { type: "text", name: "params.ledger", list: "ledger-options",
      autocomplete: "off", required: true, "data-testid": "ledger-input" });
    const datalist = el("datalist", { id: "ledger-options" });
    const directory = el("p", { class: "hint", "data-testid": "directory-status", "aria-live": "polite" });
    const period = el("select", { name: "period", "data-testid": "period-select" },
      presets().map(([value, label]) => el("option", { value }, label)));
    const from = dateInput({ name: "params.from_date", testid: "from-date", required: true });
    const to = dateInput({ name: "params.to_date", testid: "to-date", required: true });
    const format = formatSelect("pdf");
    const exportButton = el("button", { type: "submit", "data-testid": "export-button" }, t("report.export"));
    const emailButton = el("button", { type: "button", class: "secondary",
      "data-testid": "email-button" }, t("report.email"));
    const panel = el("div", { class: "job", "data-testid": "job-panel" });
    const showPreview = previewButton();
    const preview = reportPreview();
    // The whole period in words, in the UI's language, beside the two dates.
    const periodText = periodLine(from, to);

    const ledgerField = hintedField(t("field.ledger"), ledger, t("ledger.search_hint"));
    ledgerField.append(datalist, directory);
    const form = el("form", { novalidate: true, "aria-label": t("screen.ledger") },
      ledgerField,
      el("div", { class: "row" }, field(t("field.period"), period),
        dateField(t("field.from_date"), from, { spell: false }),
        dateField(t("field.to_date"), to, { spell: false }), field(t("field.format"), format)),
      periodText,
      el("p", { class: "form-summary", role: "alert", hidden: true }),
      el("div", { class: "actions" }, exportButton, showPreview, emailButton));
    container.append(form, panel, preview.node);

    // Period: a preset fills both dates; editing a date by hand makes it "Custom dates".
    const applyPreset = () => {
      const range = presetRange(period.value);
      if (range) { setIso(from, range[0]); setIso(to, range[1]); }
    };
    period.value = "this_month";
    applyPreset();
    period.addEventListener("change", applyPreset);
    for (const input of [from, to]) {
      input.addEventListener("input", () => { period.value = "custom"; });
    }

    // Ledger picker: search as the user types (debounced; a stale answer never wins).
    const known = () => options.find((o) => o.name.toLowerCase() === ledger.value.trim().toLowerCase());
    const showDirectory = () => {
      const match = known();
      directory.textContent = !ledger.value.trim() ? ""
        : !match ? t("ledger.not_a_ledger")
        : match.has_directory_entry ? t("ledger.has_directory_entry")
        : t("ledger.no_directory_entry");
    };
    let timer;
    let asked = 0;
    const search = async () => {
      const mine = ++asked;
      const query = ledger.value.trim();
      try {
        const page = await api.get(`/api/v1/ledgers?search=${encodeURIComponent(query)}&limit=20`);
        if (mine !== asked) return;
        options = page.items;
        datalist.replaceChildren(...options.map((o) => el("option", { value: o.name,
          label: o.has_directory_entry ? t("ledger.group_in_directory", { group: o.group_name }) : o.group_name })));
        showDirectory();
      } catch (error) {
        if (mine === asked) directory.textContent = t("ledger.search_failed", { reason: error.message });
      }
    };
    ledger.addEventListener("input", () => {
      showDirectory();
      clearTimeout(timer);
      timer = setTimeout(search, DEBOUNCE_MS);
    });
    search();

    const values = () => ({ ledger: known()?.name || ledger.value.trim(), from_date: isoOf(from),
      to_date: isoOf(to), format: format.value });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      if (mistypedDate(form, [from, to])) return;
      const v = values();
      busy(exportButton, () => runExport(form, panel, { report: "ledger", format: v.format,
        params: { ledger: v.ledger, from_date: v.from_date, to_date: v.to_date } }));
    });

    // On screen first: the statement in the words the party's PDF will have.
    showPreview.addEventListener("click", () => {
      clearErrors(form);
      if (mistypedDate(form, [from, to])) return;
      const { ledger: name, from_date, to_date } = values();
      busy(showPreview, () => preview.load(form, "/api/v1/reports/ledger/preview",
        { ledger: name, from_date, to_date }));
    });

    emailButton.addEventListener("click", () => {
      clearErrors(form);
      if (mistypedDate(form, [from, to])) return;
      const v = values();
      if (!v.ledger) return localError(form, "params.ledger", t("ledger.choose_ledger"));
      if (!v.from_date) return localError(form, "params.from_date", t("ledger.choose_first_day"));
      if (!v.to_date) return localError(form, "params.to_date", t("ledger.choose_last_day"));
      openLedgerEmail(v);
    });
  },
};

function openLedgerEmail(v) {
  const period = periodInWords(v.from_date, v.to_date);
  const toInput = addressInput("to");
  const ccInput = addressInput("cc");
  const bccInput = addressInput("bcc");
  // Added and removed rather than [hidden]: .badge sets display, which beats the attribute.
  const source = el("span", { class: "badge good", "data-testid": "to-source" },
    t("email.from_directory"));
  const label = el("span", {}, `${t("field.to")} `);
  const toHint = t("email.looking_up_directory");
  const toField = hintedField(label, toInput, toHint);
  const toHintNode = toField.querySelector(".hint");
  let entry = null; // the directory entry, when one exists

  // Fill from the directory only what the user has not typed yet.
  api.get(`/api/v1/party-emails/lookup?ledger=${encodeURIComponent(v.ledger)}`).then((found) => {
    entry = found;
    if (!toInput.value.trim()) toInput.value = found.to.join(", ");
    if (!ccInput.value.trim()) ccInput.value = found.cc.join(", ");
    if (!bccInput.value.trim()) bccInput.value = found.bcc.join(", ");
    const party = found.party_name && found.party_name !== found.ledger_name
      ? `${found.ledger_name} (${found.party_name})` : found.ledger_name;
    toHintNode.textContent = t("email.filled_from_directory", { party });
    // An address whose email bounced will most likely bounce again: say so before sending.
    if (found.bounced?.length) {
      const latest = found.bounced.map((b) => b.bounced_at).sort().at(-1);
      toField.append(el("p", { class: "notice error", "data-testid": "to-bounced" },
        t("email.directory_bounced", { addresses: found.bounced.map((b) => b.address).join(", "),
          when: dateTime(latest) })));
    }
    markSource();
  }).catch((error) => {
    toHintNode.textContent = error.status === 404
      ? t("email.no_directory_entry", { ledger: v.ledger })
      : t("email.directory_unreadable", { reason: error.message });
  });

  // Untouched directory recipients: To (and every directory CC/BCC) still as filled in.
  const fromDirectory = () => entry !== null
    && toInput.value.trim() === entry.to.join(", ")
    && entry.cc.every((a) => addressList(ccInput.value).includes(a))
    && entry.bcc.every((a) => addressList(bccInput.value).includes(a));
  const markSource = () => { if (fromDirectory()) label.append(source); else source.remove(); };
  for (const input of [toInput, ccInput, bccInput]) input.addEventListener("input", markSource);

  emailDialog({
    title: t("ledger.email_title", { ledger: v.ledger }),
    intro: el("p", {}, t("ledger.email_intro", { ledger: v.ledger, period })),
    recipients: [toField,
      hintedField(t("field.cc"), ccInput, t("email.cc_hint")),
      hintedField(t("field.bcc"), bccInput, t("email.bcc_hint")),
      el("div", { class: "field" }, el("label", {}, el("input", { type: "checkbox",
        name: "confirm_balance", "data-testid": "confirm-balance" }), ` ${t("ledger.confirm_balance")}`))],
    format: v.format,
    endpoint: "/api/v1/reports/ledger/email",
    buildBody(form) {
      const body = { ledger: v.ledger, from_date: v.from_date, to_date: v.to_date,
        format: form.elements.format.value, cc: addressList(ccInput.value),
        bcc: addressList(bccInput.value), subject: form.elements.subject.value.trim() || null,
        message: form.elements.message.value.trim() || null,
        confirm_balance: form.elements.confirm_balance.checked };
      // Left out, the server uses the directory entry itself and records it as the source.
      if (!fromDirectory()) body.to = addressList(toInput.value);
      return body;
    },
    afterQueued: (accepted) => [accepted.to_source === "directory" ? t("email.to_from_directory") : "",
      accepted.confirmation_id ? t("ledger.confirmation_asked") : ""].filter(Boolean).join(" "),
  });
}
