// The email audit: every send attempt (admins: the tenant's; users: their own), filtered and
// paged with the API's cursor. Also exports the cells and the phone-friendly table the schedule screens reuse.
// data-testid: audit-filters, audit-filter-status, audit-filter-trigger, audit-filter-report,
//   audit-filter-recipient, audit-filter-from, audit-filter-to, audit-filter-bounced, audit-apply, audit-clear,
//   audit-table, audit-status (one per row), audit-page, audit-first, audit-previous, audit-next

import { api, reportsByName } from "/app/api.js";
import { dateField, dateInput, formEntries, isoOf, mistypedDate, periodInWords } from "/app/date-field.js";
import { bytes, dateTime } from "/app/format.js";
import { announce, busy, clearErrors, el, field, showErrors, table } from "/app/ui.js";
import { STATES } from "/app/states.js";
import { has, reportTitle, statusText, t } from "/app/i18n.js";

const PAGE_SIZE = 25;
// A word has one tone whatever it describes (an attempt, a run, an export), so the kinds merge.
const GOOD = new Set(Object.values(STATES).flatMap((kind) => kind.good));
const BAD = new Set(Object.values(STATES).flatMap((kind) => kind.bad));
const AUDIT = STATES.audit.statuses;
const statuses = () => [["", t("audit.any_status")],
  ...[AUDIT.SENT, AUDIT.FAILED, AUDIT.RETRYING, AUDIT.SENDING, AUDIT.REJECTED].map((s) => [s, statusText(s)])];
const TRIGGERS = ["manual", "scheduled", "test"];
const triggers = () => [["", t("audit.any_trigger")], ...TRIGGERS.map((v) => [v, triggerText(v)])];

// What started a send, and how it was delivered, in the user's language (the API's words else).
export function triggerText(trigger) {
  const words = { manual: t("trigger.manual"), scheduled: t("trigger.scheduled"), test: t("trigger.test") };
  return words[trigger] || trigger || "—";
}
export function deliveryText(mode) {
  const words = { attachment: t("delivery.attachment"), link: t("delivery.link") };
  return words[mode] || mode || "—";
}
// Wide tables become one card per row on phones, each value labelled by its column. Kept here
// (not in styles.css, which this screen does not own) and added to the page once.

// ui.table plus a test id and the phone layout (`.stacked` in styles.css); rowData(tr, row) may mark each row.
export function responsiveTable(caption, columns, rows, { testid, empty, rowData } = {}) {
  const wrap = table(caption, columns, rows, { empty });
  wrap.dataset.testid = testid;
  if (!rows.length) return wrap;
  wrap.classList.add("stacked");
  wrap.querySelectorAll("tbody tr").forEach((tr, i) => {
    tr.querySelectorAll("td").forEach((td, j) => { td.dataset.label = columns[j].title; });
    rowData?.(tr, rows[i]);
  });
  return wrap;
}

// A state as a coloured badge; the word is always there, so colour is never the only cue.
export function statusBadge(status, testid) {
  const tone = GOOD.has(status) ? " good" : BAD.has(status) ? " bad" : "";
  return el("span", { class: `badge${tone}`, dataset: testid ? { testid } : undefined }, statusText(status));
}

// Each address with its status once known (accepted, refused by the server, bounced later),
// and for a bounce or refusal the code and the receiving server's words.
export function recipientsCell(row) {
  const outcomes = new Map((row.recipients || []).map((r) => [`${r.kind}:${r.address}`, r]));
  return el("div", {}, ["to", "cc", "bcc"].filter((key) => row[key]?.length).map((key) =>
    el("div", {}, el("span", { class: "hint" }, `${t(`field.${key}`)}: `),
      row[key].map((address) => recipientLine(address, outcomes.get(`${key}:${address}`))))));
}

function recipientLine(address, outcome) {
  if (!outcome?.status) return el("div", {}, address);
  const why = [outcome.status_code, outcome.diagnostic].filter(Boolean).join(" ");
  return el("div", { dataset: { testid: "recipient" } }, address, " ",
    statusBadge(outcome.status, "recipient-status"),
    why && outcome.status !== STATES.recipient.statuses.ACCEPTED
      ? el("div", { class: "hint", title: why, style: "overflow-wrap:anywhere" },
        why.length > 140 ? `${why.slice(0, 140)}…` : why) : null);
}

// What the SMTP server answered, or why there was no answer; refused recipients one by one.
export function outcomeCell(row) {
  const parts = [];
  if (row.smtp_code) parts.push(el("div", {}, el("code", {}, String(row.smtp_code)), " ", row.smtp_reply || ""));
  if (row.error) {
    // The failure's kind in the reader's words; the server's own words below it, as it gave
    // them (addresses and replies an administrator may need to quote).
    const kind = `send_error.${row.error_class}`;
    if (has(kind)) parts.push(el("div", { class: "field-error" }, t(kind)));
    parts.push(el("div", { class: has(kind) ? "hint" : "field-error", translate: "no" },
      has(kind) ? row.error : row.error_class ? `${row.error_class}: ${row.error}` : row.error));
  }
  for (const [address, reason] of Object.entries(row.refused_recipients || {})) {
    parts.push(el("div", { class: "field-error" }, t("audit.refused", { address, reason })));
  }
  return parts.length ? el("div", {}, parts) : "—";
}

// A row the mail-service or the gateway filed without talking to an SMTP server (the company's
// rule refused an address, SMTP not set up, the report not produced): it has no sender, and its
// `attempt` counts only the tries before it (0 for a refusal at request time), so it has no
// attempt number of its own to show.
export const attempted = (row) => row.attempt > 0 && Boolean(row.from_email);
export const attemptHint = (row) => (attempted(row) ? t("audit.attempt", { n: row.attempt }) : t("audit.not_attempted"));

export function attachmentCell(row) {
  if (!row.attachment_name) return row.delivery_mode === "link" ? t("audit.link_only") : "—";
  return el("div", { style: "overflow-wrap:anywhere" }, row.attachment_name,
    el("div", { class: "hint" }, bytes(row.attachment_size)));
}

// Status first: it is what people look for. Seven columns that share the width (table-layout
// fixed, long words wrap), so nothing is hidden at desktop width; on a phone each row is a card.
const withHint = (main, hint) => el("div", {}, main, hint ? el("div", { class: "hint" }, hint) : null);
const columns = (known) => [
  { title: t("exports.status"), cell: (r) => withHint(statusBadge(r.status, "audit-status"),
    attemptHint(r)) },
  { title: t("audit.time"), cell: (r) => withHint(dateTime(r.created_at), triggerText(r.trigger)) },
  { title: t("exports.report"), cell: (r) => withHint(r.report ? reportTitle(r.report, known[r.report]?.title) : "—",
    t("audit.requested_by", { who: r.requested_by })) },
  { title: t("field.recipients"), cell: recipientsCell },
  { title: t("field.subject"), cell: (r) => r.subject || "—" },
  { title: t("audit.delivery"), cell: (r) => withHint(deliveryText(r.delivery_mode), r.attachment_name ? attachmentCell(r) : null) },
  { title: t("audit.outcome"), cell: outcomeCell },
];

const choice = (name, options, testid) => el("select", { name, dataset: { testid } },
  options.map(([value, label]) => el("option", { value }, label)));

export const auditScreen = {
  path: "/audit",
  get title() { return t("screen.audit"); },
  nav: true,
  adminOnly: false,
  async render(container, { role }) {
    const known = await reportsByName();
    const reports = [["", t("audit.any_report")], ...Object.values(known).map((r) => [r.name, reportTitle(r.name, r.title)])];
    // The chosen dates in words ("1 April 2026 – 30 November 2026"), beside the date fields.
    const periodLine = el("p", { class: "hint period-summary", "aria-live": "polite",
      dataset: { testid: "audit-period" } });
    const filters = el("form", { role: "search", "aria-label": t("audit.filter_label"), novalidate: true,
      dataset: { testid: "audit-filters" } },
    el("p", { class: "form-summary", role: "alert", hidden: true }),
    el("div", { class: "row" },
      field(t("exports.status"), choice("status", statuses(), "audit-filter-status")),
      field(t("audit.trigger"), choice("trigger", triggers(), "audit-filter-trigger")),
      field(t("exports.report"), choice("report", reports, "audit-filter-report")),
      field(t("audit.recipient"), el("input", { name: "recipient", type: "search", maxlength: 320, autocomplete: "off",
        dataset: { testid: "audit-filter-recipient" } }), t("audit.recipient_hint")),
      dateField(t("audit.from_date"), dateInput({ name: "from_date", testid: "audit-filter-from" }), { spell: false }),
      dateField(t("audit.to_date"), dateInput({ name: "to_date", testid: "audit-filter-to" }), { spell: false })),
    periodLine,
    el("p", {}, el("label", {}, el("input", { type: "checkbox", name: "only_bounced", value: "true",
      dataset: { testid: "audit-filter-bounced" } }), " ", t("audit.only_bounced"))),
    el("div", { class: "actions" },
      el("button", { type: "submit", dataset: { testid: "audit-apply" } }, t("audit.apply")),
      el("button", { type: "reset", class: "secondary", dataset: { testid: "audit-clear" } }, t("audit.clear"))));
    const results = el("div", { "aria-busy": "false" });
    const pageLabel = el("span", { "aria-live": "polite", dataset: { testid: "audit-page" } });
    const first = el("button", { type: "button", class: "secondary", dataset: { testid: "audit-first" } }, t("audit.first_page"));
    const previous = el("button", { type: "button", class: "secondary", dataset: { testid: "audit-previous" } }, t("audit.previous_page"));
    const next = el("button", { type: "button", class: "secondary", dataset: { testid: "audit-next" } }, t("audit.next_page"));
    container.append(
      el("p", { class: "hint" }, role === "admin" ? t("audit.intro_admin") : t("audit.intro_user")),
      filters, results, el("div", { class: "actions" }, first, previous, next, pageLabel));

    // The API pages forwards only; the cursors of the pages seen so far make "Previous" work.
    let cursors = [null];
    let nextCursor = null;
    let loadSeq = 0; // filters change faster than answers come: only the latest answer is shown

    function query(cursor) {
      const search = new URLSearchParams({ limit: String(PAGE_SIZE) });
      for (const [key, value] of formEntries(filters)) if (String(value).trim()) search.set(key, String(value).trim());
      if (cursor) search.set("cursor", cursor);
      return `/api/v1/email-audit?${search}`;
    }

    async function load(button) {
      const mine = ++loadSeq;
      // A reversed range is a typing slip, not an empty result: say so instead of asking.
      const { from_date: from, to_date: to } = filters.elements;
      const [start, end] = [isoOf(from), isoOf(to)];
      periodLine.textContent = start || end ? t("audit.period", { period: periodInWords(start, end) }) : "";
      if (mistypedDate(filters, [from, to])) return;
      if (start && end && start > end) {
        showErrors(filters, { message: t("audit.reversed"),
          fieldErrors: [{ field: "to_date", message: t("audit.reversed_field") }] });
        results.replaceChildren();
        pageLabel.textContent = "";
        nextCursor = null;
        cursors = [null];
        return;
      }
      const cursor = cursors[cursors.length - 1];
      results.setAttribute("aria-busy", "true");
      announce(t("audit.loading"));
      try {
        const page = await api.get(query(cursor));
        if (mine !== loadSeq) return;
        clearErrors(filters);
        nextCursor = page.next_cursor;
        const shown = responsiveTable(t("audit.caption"), columns(known), page.items, { testid: "audit-table",
          empty: cursors.length > 1 ? t("audit.no_more") : t("audit.none_match") });
        shown.classList.add("audit-table");
        results.replaceChildren(shown);
        pageLabel.textContent = t("audit.page", { page: cursors.length, count: page.items.length });
        announce(t("audit.loaded", { page: cursors.length, count: page.items.length }), "success");
      } catch (error) {
        if (mine !== loadSeq) return;
        if (error.fieldErrors.length) showErrors(filters, error);
        else announce(error.message, "error");
        if (button === next) cursors.pop(); // stay on the page that is shown
      } finally {
        results.setAttribute("aria-busy", "false");
        first.disabled = previous.disabled = cursors.length === 1;
        next.disabled = !nextCursor;
      }
    }
    const go = (button, change) => busy(button, async () => { change(); await load(button); })
      .finally(() => { first.disabled = previous.disabled = cursors.length === 1; next.disabled = !nextCursor; });

    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      go(filters.querySelector("[type=submit]"), () => { cursors = [null]; });
    });
    // Selects and dates apply at once; the recipient waits for Enter or "Apply".
    filters.addEventListener("change", (event) => {
      if (event.target.name !== "recipient") go(filters.querySelector("[type=submit]"), () => { cursors = [null]; });
    });
    filters.addEventListener("reset", () => setTimeout(() => go(filters.querySelector("[type=submit]"), () => { cursors = [null]; })));
    first.addEventListener("click", () => go(first, () => { cursors = [null]; }));
    previous.addEventListener("click", () => go(previous, () => { if (cursors.length > 1) cursors.pop(); }));
    next.addEventListener("click", () => go(next, () => { if (nextCursor) cursors.push(nextCursor); }));
    await load();
  },
};
