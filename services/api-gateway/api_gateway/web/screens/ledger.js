// Ledger report: pick a ledger and a period, export it (follow the job, download) or email the
// statement to the party (To filled from the party directory when it has an entry).
//
// Test ids: ledger-input, preview-button (report-preview.js), directory-status, period-select, period-summary, export-button, email-button,
// job-status, download-button (shared export flow); in the dialog: to-input, cc-input,
// bcc-input, to-source ("from the party directory" marker), delivery-note, send-button,
// email-result.

import { api } from "/app/api.js";
import { day, today } from "/app/format.js";
import { busy, clearErrors, el, field } from "/app/ui.js";
import {
  addressInput, addressList, emailDialog, formatSelect, hintedField, localError, runExport,
} from "/app/screens/email-dialog.js";
import { t } from "/app/i18n.js";
import { previewButton, reportPreview } from "/app/screens/report-preview.js";

const DEBOUNCE_MS = 250;

// --- Period presets, computed on calendar dates (no Date objects: no timezone drift). --------

const iso = (y, m, d) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
const lastDay = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m is 1-12
function monthBack(y, m, n) { const i = y * 12 + (m - 1) - n; return [Math.floor(i / 12), (i % 12) + 1]; }

// "This …" periods run to today (as the scheduler's do); "Last …" periods are complete.
export function presetRange(preset, todayIso = today()) {
  const [y, m] = todayIso.split("-").map(Number);
  const quarterStart = m - ((m - 1) % 3); // Jan/Apr/Jul/Oct: also the Indian FY's quarters
  const fyStart = m >= 4 ? y : y - 1; // the financial year runs April to March
  switch (preset) {
    case "this_month": return [iso(y, m, 1), todayIso];
    case "last_month": { const [py, pm] = monthBack(y, m, 1); return [iso(py, pm, 1), iso(py, pm, lastDay(py, pm))]; }
    case "this_quarter": return [iso(y, quarterStart, 1), todayIso];
    case "last_quarter": {
      const [sy, sm] = monthBack(y, quarterStart, 3);
      const [ey, em] = monthBack(y, quarterStart, 1);
      return [iso(sy, sm, 1), iso(ey, em, lastDay(ey, em))];
    }
    case "this_fy": return [iso(fyStart, 4, 1), todayIso];
    case "last_fy": return [iso(fyStart - 1, 4, 1), iso(fyStart, 3, 31)];
    default: return null;
  }
}

const PRESETS = [["this_month", "This month"], ["last_month", "Last month"],
  ["this_quarter", "This quarter"], ["last_quarter", "Last quarter"],
  ["this_fy", "This financial year (April–March)"], ["last_fy", "Last financial year"],
  ["custom", "Custom dates"]];

export const ledgerScreen = {
  path: "/ledger",
  get title() { return t("screen.ledger"); },
  nav: true,
  adminOnly: false,
  async render(container, { user }) {
    let company = "";
    api.get("/api/v1/me").then((me) => { company = me.tenant.name; }).catch(() => {});
    let options = []; // the last ledgers the picker showed (name, has_directory_entry)

    const ledger = el("input", { type: "text", name: "params.ledger", list: "ledger-options",
      autocomplete: "off", required: true, "data-testid": "ledger-input" });
    const datalist = el("datalist", { id: "ledger-options" });
    const directory = el("p", { class: "hint", "data-testid": "directory-status", "aria-live": "polite" });
    const period = el("select", { name: "period", "data-testid": "period-select" },
      PRESETS.map(([value, label]) => el("option", { value }, label)));
    const from = el("input", { type: "date", name: "params.from_date", required: true });
    const to = el("input", { type: "date", name: "params.to_date", required: true });
    const format = formatSelect("pdf");
    const exportButton = el("button", { type: "submit", "data-testid": "export-button" }, "Export");
    const emailButton = el("button", { type: "button", class: "secondary",
      "data-testid": "email-button" }, "Email…");
    const panel = el("div", { class: "job", "data-testid": "job-panel" });
    const showPreview = previewButton();
    const preview = reportPreview();
    // The date inputs follow the browser's locale; this line states the period the Indian way.
    const periodText = el("p", { class: "hint", "data-testid": "period-summary" });

    const ledgerField = hintedField("Ledger", ledger, "Type part of a name to search.");
    ledgerField.append(datalist, directory);
    const form = el("form", { novalidate: true, "aria-label": "Ledger report" },
      ledgerField,
      el("div", { class: "row" }, field("Period", period), field("From", from), field("To", to),
        field("Format", format)),
      periodText,
      el("p", { class: "form-summary", role: "alert", hidden: true }),
      el("div", { class: "actions" }, exportButton, showPreview, emailButton));
    container.append(form, panel, preview.node);

    // Period: a preset fills both dates; editing a date by hand makes it "Custom dates".
    const describePeriod = () => {
      const days = (Date.parse(to.value) - Date.parse(from.value)) / 86_400_000 + 1;
      periodText.textContent = from.value && to.value
        ? `Period: ${day(from.value)} to ${day(to.value)}${days > 0 ? ` (${days} days)` : ""}` : "";
    };
    const applyPreset = () => {
      const range = presetRange(period.value);
      if (range) [from.value, to.value] = range;
      describePeriod();
    };
    period.value = "this_month";
    applyPreset();
    period.addEventListener("change", applyPreset);
    for (const input of [from, to]) {
      input.addEventListener("input", () => { period.value = "custom"; describePeriod(); });
    }

    // Ledger picker: search as the user types (debounced; a stale answer never wins).
    const known = () => options.find((o) => o.name.toLowerCase() === ledger.value.trim().toLowerCase());
    const showDirectory = () => {
      const match = known();
      directory.textContent = !ledger.value.trim() ? ""
        : !match ? "Not a ledger name yet: pick one from the suggestions."
        : match.has_directory_entry ? "✓ Has a party directory entry: its addresses fill the email."
        : "No party directory entry: type the addresses when emailing.";
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
          label: `${o.group_name}${o.has_directory_entry ? " · in party directory" : ""}` })));
        showDirectory();
      } catch (error) {
        if (mine === asked) directory.textContent = `Ledgers could not be searched: ${error.message}`;
      }
    };
    ledger.addEventListener("input", () => {
      showDirectory();
      clearTimeout(timer);
      timer = setTimeout(search, DEBOUNCE_MS);
    });
    search();

    const values = () => ({ ledger: known()?.name || ledger.value.trim(), from_date: from.value,
      to_date: to.value, format: format.value });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const v = values();
      busy(exportButton, () => runExport(form, panel, { report: "ledger", format: v.format,
        params: { ledger: v.ledger, from_date: v.from_date, to_date: v.to_date } }));
    });

    // On screen first: the statement in the words the party's PDF will have.
    showPreview.addEventListener("click", () => {
      const { ledger: name, from_date, to_date } = values();
      busy(showPreview, () => preview.load(form, "/api/v1/reports/ledger/preview",
        { ledger: name, from_date, to_date }));
    });

    emailButton.addEventListener("click", () => {
      clearErrors(form);
      const v = values();
      if (!v.ledger) return localError(form, "params.ledger", "choose a ledger to email");
      if (!v.from_date) return localError(form, "params.from_date", "choose the first day");
      if (!v.to_date) return localError(form, "params.to_date", "choose the last day");
      openLedgerEmail(v, company || user?.email || "");
    });
  },
};

function openLedgerEmail(v, company) {
  const period = `${day(v.from_date)} to ${day(v.to_date)}`;
  const toInput = addressInput("to");
  const ccInput = addressInput("cc");
  const bccInput = addressInput("bcc");
  // Added and removed rather than [hidden]: .badge sets display, which beats the attribute.
  const source = el("span", { class: "badge good", "data-testid": "to-source" },
    "from the party directory");
  const label = el("span", {}, "To ");
  const toHint = "Looking up the party directory…";
  const toField = hintedField(label, toInput, toHint);
  const toHintNode = toField.querySelector(".hint");
  let entry = null; // the directory entry, when one exists

  // Fill from the directory only what the user has not typed yet.
  api.get(`/api/v1/party-emails/lookup?ledger=${encodeURIComponent(v.ledger)}`).then((found) => {
    entry = found;
    if (!toInput.value.trim()) toInput.value = found.to.join(", ");
    if (!ccInput.value.trim()) ccInput.value = found.cc.join(", ");
    if (!bccInput.value.trim()) bccInput.value = found.bcc.join(", ");
    toHintNode.textContent = `Filled in from the party directory entry for ${found.ledger_name}`
      + `${found.party_name && found.party_name !== found.ledger_name ? ` (${found.party_name})` : ""}`
      + "; you can change it. "
      + "Separate several addresses with commas.";
    markSource();
  }).catch((error) => {
    toHintNode.textContent = error.status === 404
      ? `The party directory has no entry for ${v.ledger}: type the party's address. `
        + "Separate several addresses with commas."
      : `The party directory could not be read (${error.message}): type the address.`;
  });

  // Untouched directory recipients: To (and every directory CC/BCC) still as filled in.
  const fromDirectory = () => entry !== null
    && toInput.value.trim() === entry.to.join(", ")
    && entry.cc.every((a) => addressList(ccInput.value).includes(a))
    && entry.bcc.every((a) => addressList(bccInput.value).includes(a));
  const markSource = () => { if (fromDirectory()) label.append(source); else source.remove(); };
  for (const input of [toInput, ccInput, bccInput]) input.addEventListener("input", markSource);

  emailDialog({
    title: `Email the statement of ${v.ledger}`,
    intro: el("p", {}, `Ledger: ${v.ledger} · Period: ${period}. `
      + "The statement is rendered when you send and emailed once it is ready."),
    recipients: [toField,
      hintedField("CC", ccInput, "Optional; separate several addresses with commas."),
      hintedField("BCC", bccInput, "Optional; not shown to the other recipients.")],
    subject: `Statement of account: ${v.ledger}, ${period}`,
    message: `Dear Sir/Madam,\n\nPlease find the statement of your account (${v.ledger}) `
      + `${company ? `with ${company} ` : ""}for the period ${period}.\n\n`
      + `Kindly let us know of any differences.\n\nRegards,\n${company}`,
    format: v.format,
    endpoint: "/api/v1/reports/ledger/email",
    buildBody(form) {
      const body = { ledger: v.ledger, from_date: v.from_date, to_date: v.to_date,
        format: form.elements.format.value, cc: addressList(ccInput.value),
        bcc: addressList(bccInput.value), subject: form.elements.subject.value.trim() || null,
        message: form.elements.message.value.trim() || null };
      // Left out, the server uses the directory entry itself and records it as the source.
      if (!fromDirectory()) body.to = addressList(toInput.value);
      return body;
    },
    afterQueued: (accepted) => (accepted.to_source === "directory"
      ? " (To from the party directory)" : ""),
  });
}
