// Outstanding report: receivables or payables as of a date, exported (followed, downloaded) or
// emailed to internal recipients only (typed, or a distribution list).
//
// Test ids: as-of-input (date-field.js adds -calendar, -spelled), preview-button (report-preview.js),
// kind-select, export-button, email-button, job-status,
// download-button (shared export flow); in the dialog: list-select, list-addresses,
// to-input, cc-input, bcc-input, domain-warning (one per address box), delivery-note,
// send-button, email-result.

import { api } from "/app/api.js";
import { dateField, dateInput, isoOf, mistypedDate } from "/app/date-field.js";
import { spelledDay, today } from "/app/format.js";
import { busy, clearErrors, el, field } from "/app/ui.js";
import {
  addressInput, addressList, emailDialog, formatSelect, hintedField, localError, runExport,
} from "/app/screens/email-dialog.js";
import { t } from "/app/i18n.js";
import { previewButton, reportPreview } from "/app/screens/report-preview.js";

const kinds = () => [["receivable", t("kind.receivable")], ["payable", t("kind.payable")]];

export const outstandingScreen = {
  path: "/outstanding",
  get title() { return t("screen.outstanding"); },
  nav: true,
  adminOnly: false,
  async render(container) {

    const asOf = dateInput({ name: "params.as_of", value: today(), testid: "as-of-input", required: true });
    const kind = el("select", { name: "params.kind", "data-testid": "kind-select" },
      kinds().map(([value, label]) => el("option", { value }, label)));
    const format = formatSelect("pdf");
    const exportButton = el("button", { type: "submit", "data-testid": "export-button" }, t("report.export"));
    const emailButton = el("button", { type: "button", class: "secondary",
      "data-testid": "email-button" }, t("report.email"));
    const panel = el("div", { class: "job", "data-testid": "job-panel" });
    const showPreview = previewButton();
    const preview = reportPreview();
    const form = el("form", { novalidate: true, "aria-label": t("screen.outstanding") },
      el("div", { class: "row" },
        dateField(t("field.as_of"), asOf, { hint: t("outstanding.as_of_hint") }),
        field(t("outstanding.kind"), kind), field(t("field.format"), format)),
      el("p", { class: "form-summary", role: "alert", hidden: true }),
      el("div", { class: "actions" }, exportButton, showPreview, emailButton));
    container.append(form, panel, preview.node);

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      if (mistypedDate(form, [asOf])) return;
      busy(exportButton, () => runExport(form, panel, { report: "outstanding",
        format: format.value, params: { as_of: isoOf(asOf) || undefined, kind: kind.value } }));
    });

    showPreview.addEventListener("click", () => {
      clearErrors(form);
      if (mistypedDate(form, [asOf])) return;
      const params = { kind: kind.value, ...(isoOf(asOf) ? { as_of: isoOf(asOf) } : {}) };
      busy(showPreview, () => preview.load(form, "/api/v1/reports/outstanding/preview", params));
    });

    emailButton.addEventListener("click", () => {
      clearErrors(form);
      if (mistypedDate(form, [asOf])) return;
      if (!isoOf(asOf)) return localError(form, "params.as_of", t("outstanding.choose_as_of"));
      openOutstandingEmail({ as_of: isoOf(asOf), kind: kind.value, format: format.value });
    });
  },
};

// The admin settings are not readable by users: the domains of the (admin-checked)
// distribution lists' addresses, minus those flagged external, are the known internal domains.
function internalDomains(lists) {
  const domains = new Set();
  for (const list of lists) {
    const external = new Set(list.external.map((a) => a.toLowerCase()));
    for (const address of [...list.to, ...list.cc, ...list.bcc]) {
      if (!external.has(address.toLowerCase())) domains.add(domainOf(address));
    }
  }
  domains.delete("");
  return domains;
}
const domainOf = (address) => (address.includes("@") ? address.split("@").pop().trim().toLowerCase() : "");

function openOutstandingEmail(v) {
  let lists = [];
  let known = new Set();
  const listSelect = el("select", { name: "distribution_list_id", "data-testid": "list-select" },
    el("option", { value: "" }, t("outstanding.no_list")));
  const listAddresses = el("div", { class: "hint", "data-testid": "list-addresses" });
  const inputs = { to: addressInput("to"), cc: addressInput("cc"), bcc: addressInput("bcc") };
  const warnings = {};
  const boxes = Object.entries(inputs).map(([name, input]) => {
    const wrap = hintedField(t(`field.${name}`), input, name === "to"
      ? t("outstanding.to_hint") : t("outstanding.copy_hint"));
    // Not .field-error: a warning must survive clearErrors() when the form is sent.
    warnings[name] = el("p", { class: "field-warning", "data-testid": "domain-warning",
      id: `${input.id}-warn`, hidden: true, style: "margin:0;font-size:.9rem;color:#8a4b00" });
    input.setAttribute("aria-describedby", `${input.getAttribute("aria-describedby")} ${input.id}-warn`);
    wrap.append(warnings[name]);
    return wrap;
  });
  const domainsNote = el("p", { class: "hint" }, t("outstanding.loading_lists"));

  // Flag (never block) addresses outside the domains we know; the server has the final word.
  const check = () => {
    for (const [name, input] of Object.entries(inputs)) {
      const odd = known.size ? addressList(input.value).filter((a) => !known.has(domainOf(a))) : [];
      warnings[name].hidden = !odd.length;
      warnings[name].textContent = odd.length
        ? t("outstanding.domain_warning", { addresses: odd.join(", ") }) : "";
    }
  };
  for (const input of Object.values(inputs)) input.addEventListener("input", check);

  const showList = () => {
    const list = lists.find((l) => l.id === listSelect.value);
    if (!list) { listAddresses.replaceChildren(); return; }
    const external = new Set(list.external.map((a) => a.toLowerCase()));
    const line = (title, addresses) => (addresses.length ? el("li", {}, `${title}: `,
      addresses.flatMap((a, i) => [i ? ", " : "", a, external.has(a.toLowerCase())
        ? [" ", el("span", { class: "badge bad" }, t("lists.no_longer_internal"))] : ""])) : null);
    listAddresses.replaceChildren(el("p", {}, t("outstanding.list_adds", { name: list.name })),
      el("ul", {}, line(t("field.to"), list.to), line(t("field.cc"), list.cc), line(t("field.bcc"), list.bcc)));
  };
  listSelect.addEventListener("change", showList);

  api.get("/api/v1/distribution-lists").then((page) => {
    lists = page.items;
    known = internalDomains(lists);
    listSelect.append(...lists.map((l) => el("option", { value: l.id },
      t("lists.option", { name: l.name, count: l.to.length + l.cc.length + l.bcc.length }))));
    domainsNote.textContent = known.size
      ? t("outstanding.known_domains", { domains: [...known].sort().join(", ") })
      : t("outstanding.domains_unknown");
    check();
  }).catch((error) => {
    domainsNote.textContent = t("outstanding.lists_failed", { reason: error.message });
  });

  const receivable = v.kind === "receivable";
  emailDialog({
    title: receivable ? t("outstanding.email_title_receivable") : t("outstanding.email_title_payable"),
    intro: [el("p", { class: "notice" }, t("outstanding.internal_only")),
      el("p", {}, receivable ? t("outstanding.intro_receivable", { date: spelledDay(v.as_of) })
        : t("outstanding.intro_payable", { date: spelledDay(v.as_of) }))],
    recipients: [field(t("outstanding.list_optional"), listSelect), listAddresses, ...boxes, domainsNote],
    format: v.format,
    endpoint: "/api/v1/reports/outstanding/email",
    buildBody(form) {
      return { as_of: v.as_of, kind: v.kind, format: form.elements.format.value,
        to: addressList(inputs.to.value), cc: addressList(inputs.cc.value),
        bcc: addressList(inputs.bcc.value), distribution_list_id: listSelect.value || null,
        subject: form.elements.subject.value.trim() || null,
        message: form.elements.message.value.trim() || null };
    },
    afterQueued: (accepted) => (accepted.to_source === "distribution_list" ? t("email.from_list") : ""),
  });
}
