// Balance confirmations: the parties asked to confirm their balance (a ledger email or a
// statement run with "ask to confirm"), by statement run and answer (no reply, confirmed,
// disputed with the difference), with the auditor's CSV and PDF of the list as filtered, and,
// for admins, the reminders due now.
//
// Test ids: confirmations-run (the run filter), confirmations-filter (the answer tabs' group;
// each tab's data-status is "" for all), confirmations-table, confirmation-status (one per
// row), export-csv, export-pdf, export-panel, send-reminders, load-more-button.

import { api } from "/app/api.js";
import { count, dateTime, day, money } from "/app/format.js";
import { announce, busy, el } from "/app/ui.js";
import { responsiveTable } from "/app/screens/audit.js";
import { runExport } from "/app/screens/email-dialog.js";
import { STATES } from "/app/states.js";
import { statusText, t } from "/app/i18n.js";

const PAGE = 50;
const ANSWERS = STATES.confirmation.statuses;

// A signed amount as a statement shows it: 12,34,567.00 Dr (नावे / नामे), Cr for negatives.
function drCr(value) {
  if (value === null || value === undefined) return "";
  const text = String(value);
  const negative = text.startsWith("-");
  return `${money(negative ? text.slice(1) : text)} ${t(negative ? "balance.cr" : "balance.dr")}`;
}

function answerCell(c) {
  const tone = STATES.confirmation.good.includes(c.status) ? " good"
    : STATES.confirmation.bad.includes(c.status) ? " bad" : "";
  return [el("span", { class: `badge${tone}`, "data-testid": "confirmation-status",
    "data-status": c.status }, statusText(c.status)),
  c.replies > 1 ? el("div", { class: "hint" }, t("confirmations.changed")) : null];
}

const columns = () => [
  { title: t("confirmations.party"), cell: (c) => [c.party, c.party !== c.ledger
    ? el("div", { class: "hint" }, c.ledger) : null,
  // Renamed in the books since: the name the statement carried, as the auditor reads it.
  c.ledger_as_sent && c.ledger_as_sent !== c.ledger
    ? el("div", { class: "hint" }, t("confirmations.sent_as", { name: c.ledger_as_sent })) : null] },
  { title: t("confirmations.as_of"), cell: (c) => day(c.as_of) },
  { title: t("confirmations.balance"), cell: (c) => drCr(c.balance), numeric: true },
  { title: t("confirmations.answer"), cell: answerCell },
  { title: t("confirmations.party_balance"), cell: (c) => drCr(c.party_balance), numeric: true },
  { title: t("confirmations.difference"), cell: (c) => (c.difference === null ? "" : money(c.difference)),
    numeric: true },
  { title: t("confirmations.answered"), cell: (c) => (c.replied_at ? dateTime(c.replied_at)
    : el("span", { class: "hint" }, t("confirmations.link_until", { when: dateTime(c.expires_at) }))) },
  { title: t("confirmations.reminders"), cell: (c) => count(c.reminders_sent), numeric: true },
  { title: t("confirmations.note"), cell: (c) => c.note || "" },
];

// A run as its filter option says it: what it covered and its period.
function runLabel(run) {
  const what = run.group || t("confirmations.listed_ledgers", { count: (run.ledgers || []).length });
  return t("confirmations.run_option", { what, period: t("period.range", { from: day(run.from_date),
    to: day(run.to_date) }) });
}

export const confirmationsScreen = {
  path: "/confirmations",
  // `#/confirmations/run/<id>` opens with that statement run chosen (a run's page links here).
  pattern: /^\/confirmations(?:\/run\/([0-9a-f-]{36}))?$/,
  get title() { return t("screen.confirmations"); },
  nav: true,
  adminOnly: false,
  async render(container, { role, params }) {
    const [chosenRun] = params;
    let items = [];
    let cursor = null;
    let status = "";
    const runs = await api.get("/api/v1/statement-runs?limit=100").then(
      (page) => page.items.filter((run) => run.confirm_balance), () => []);
    const runSelect = el("select", { id: "confirmations-run", "data-testid": "confirmations-run" },
      el("option", { value: "" }, t("confirmations.all_runs")),
      runs.map((run) => el("option", { value: run.id, selected: run.id === chosenRun }, runLabel(run))));
    const tabs = el("div", { class: "actions tabs", role: "group", "aria-label": t("confirmations.answer"),
      "data-testid": "confirmations-filter" });
    const holder = el("div", { "data-testid": "confirmations-table" });
    const more = el("button", { type: "button", class: "secondary", "data-testid": "load-more-button",
      hidden: true }, t("action.load_more"));
    const panel = el("div", { "data-testid": "export-panel", "aria-live": "polite" });
    const exportButton = (format) => el("button", { type: "button", class: "secondary",
      "data-testid": `export-${format}` }, t(`confirmations.export_${format}`));
    const csv = exportButton("csv");
    const pdf = exportButton("pdf");
    const remind = role === "admin" ? el("button", { type: "button", class: "secondary",
      "data-testid": "send-reminders" }, t("confirmations.remind")) : null;

    container.append(
      el("p", { class: "hint" }, t("confirmations.intro")),
      el("div", { class: "row" }, el("div", { class: "field" },
        el("label", { for: "confirmations-run" }, t("confirmations.run")), runSelect)),
      tabs, holder, el("div", { class: "actions" }, more),
      el("h2", {}, t("confirmations.exports_title")),
      el("p", { class: "hint" }, t("confirmations.exports_hint")),
      el("div", { class: "actions" }, csv, pdf), panel,
      remind ? el("h2", {}, t("confirmations.reminders")) : null,
      remind ? el("p", { class: "hint" }, t("confirmations.remind_hint")) : null,
      remind ? el("div", { class: "actions" }, remind) : null);

    const filters = () => ({
      ...(runSelect.value ? { statement_run_id: runSelect.value } : {}),
      ...(status ? { status } : {}),
    });

    const drawTabs = (counts) => {
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const options = [["", t("confirmations.filter_all", { count: count(total) })],
        ...[ANSWERS.NO_REPLY, ANSWERS.CONFIRMED, ANSWERS.DISPUTED].map((s) =>
          [s, t("confirmations.filter_status", { status: statusText(s), count: count(counts[s] || 0) })])];
      tabs.replaceChildren(...options.map(([value, label]) => el("button", {
        type: "button", class: value === status ? "" : "secondary", "aria-pressed": String(value === status),
        dataset: { status: value },
        onclick: () => { status = value; load(false); },
      }, label)));
    };

    const load = async (append) => {
      const query = new URLSearchParams({ limit: String(PAGE), ...filters() });
      if (append && cursor) query.set("cursor", cursor);
      try {
        const page = await api.get(`/api/v1/confirmations?${query}`);
        items = append ? [...items, ...page.items] : page.items;
        cursor = page.next_cursor;
        drawTabs(page.counts);
        // On a phone each confirmation is a card, every value labelled by its column.
        holder.replaceChildren(responsiveTable(t("confirmations.caption"), columns(), items,
          { testid: "confirmations-rows", empty: t("confirmations.empty") }));
        more.hidden = !cursor;
        announce(t("confirmations.shown", { count: items.length }));
      } catch (error) {
        announce(t("confirmations.load_failed", { reason: error.message }), "error");
      }
    };

    runSelect.addEventListener("change", () => load(false));
    more.addEventListener("click", () => busy(more, () => load(true)));
    for (const [button, format] of [[csv, "csv"], [pdf, "pdf"]]) {
      button.addEventListener("click", () => busy(button, () => runExport(container, panel,
        { report: "confirmations", format, params: filters() })));
    }
    remind?.addEventListener("click", () => busy(remind, async () => {
      try {
        const sent = await api.post("/api/v1/confirmations/reminders",
          runSelect.value ? { statement_run_id: runSelect.value } : {});
        announce(sent.reminded ? t("confirmations.reminded", { count: sent.reminded })
          : t("confirmations.none_due"), "success");
        await load(false);
      } catch (error) {
        announce(error.message, "error");
      }
    }));
    await load(false);
  },
};
