// Statement runs: month-end in one action. Every party of a ledger group (or the chosen
// ledgers) gets its own statement, to its party directory addresses, in its language; the
// screen follows the run while it sends (polling) and shows each party's outcome, with the
// failed ones resent in one click. `#/statement-runs/<id>` opens one run.
//
// Test ids: run-form, run-selection, run-group, run-ledgers, run-period, from-date, to-date,
// run-format, skip-zero, skip-activity, skip-email, confirm-balance, run-start, run-progress,
// run-counts, run-bar, resend-failed, items-table, item-status (one per row), items-more,
// runs-table.

import { api, idempotencyKey } from "/app/api.js";
import { dateField, dateInput, isoOf, mistypedDate, periodLine, setIso } from "/app/date-field.js";
import { count, dateTime, day, money } from "/app/format.js";
import { announce, busy, clearErrors, el, field, showErrors } from "/app/ui.js";
import { statusText, t } from "/app/i18n.js";
import { STATES } from "/app/states.js";
import { formatSelect } from "/app/screens/email-dialog.js";
import { presetRange } from "/app/screens/ledger.js";
import { responsiveTable } from "/app/screens/audit.js";
import { check, show } from "/app/screens/schedule-controls.js";

const PATH = "/api/v1/statement-runs";
const POLL_MS = 2000;
const ITEMS_PAGE = 100;
const ITEM = STATES.statement_item.statuses;
const RUN = STATES.statement_run.statuses;
const GOOD = new Set(STATES.statement_item.good);
const BAD = new Set(STATES.statement_item.bad);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const PRESETS = ["last_month", "this_month", "last_quarter", "this_quarter", "last_fy", "this_fy"];

// A balance as the statement prints it: 12,34,567.00 Dr (debit) or Cr, in the user's words.
const balance = (value) => {
  const text = String(value);
  const negative = text.startsWith("-");
  const amount = money(negative ? text.slice(1) : text);
  return /^-?0*\.?0*$/.test(text) ? amount : `${amount} ${t(negative ? "balance.cr" : "balance.dr")}`;
};

// A status as a coloured badge; the word is always there, so colour is never the only cue.
const statusBadge = (status, testid) => el("span", { class: `badge${GOOD.has(status) ? " good"
  : BAD.has(status) ? " bad" : ""}`, dataset: testid ? { testid, status } : { status } }, statusText(status));

function runForm(onStarted) {
  const selection = el("select", { name: "selection", "data-testid": "run-selection" },
    el("option", { value: "group" }, t("runs.by_group")), el("option", { value: "ledgers" }, t("runs.by_ledgers")));
  const group = el("input", { type: "text", name: "group", value: "Sundry Debtors", list: "run-groups", // i18n: Tally's group names, as the books spell them
    autocomplete: "off", "data-testid": "run-group" });
  const groups = el("datalist", { id: "run-groups" }, ["Sundry Debtors", "Sundry Creditors"].map((g) => el("option", { value: g }))); // i18n: Tally's group names, as the books spell them
  const ledgers = el("textarea", { name: "ledgers", rows: 3, "data-testid": "run-ledgers" });
  const period = el("select", { name: "period", "data-testid": "run-period" },
    [...PRESETS.map((p) => el("option", { value: p }, t(p === "this_fy" ? "period.this_fy_months" : `period.${p}`))),
      el("option", { value: "custom" }, t("period.custom"))]);
  const from = dateInput({ name: "from_date", testid: "from-date", required: true });
  const to = dateInput({ name: "to_date", testid: "to-date", required: true });
  const format = formatSelect("pdf");
  format.dataset.testid = "run-format";
  const start = el("button", { type: "submit", "data-testid": "run-start" }, t("runs.start"));
  const groupField = field(t("runs.group"), group, t("runs.group_hint"));
  groupField.append(groups);
  const ledgersField = field(t("runs.ledgers"), ledgers, t("runs.ledgers_hint"));
  const form = el("form", { novalidate: true, "aria-label": t("screen.statement_runs"), "data-testid": "run-form" },
    el("p", { class: "hint intro" }, t("runs.intro")),
    el("div", { class: "row" }, field(t("runs.send_to"), selection), groupField, ledgersField),
    el("div", { class: "row" }, field(t("field.period"), period), dateField(t("field.from_date"), from, { spell: false }),
      dateField(t("field.to_date"), to, { spell: false }), field(t("field.format"), format)),
    periodLine(from, to),
    el("fieldset", { class: "checks" }, el("legend", {}, t("runs.options")),
      check("skip_zero_balance", "skip-zero", true, t("runs.skip_zero_balance")),
      check("skip_without_activity", "skip-activity", false, t("runs.skip_without_activity")),
      check("skip_without_email", "skip-email", true, t("runs.skip_without_email")),
      check("confirm_balance", "confirm-balance", false, t("runs.confirm_balance"))),
    el("p", { class: "form-summary", role: "alert", hidden: true }),
    el("div", { class: "actions" }, start));
  const showSelection = () => {
    show(groupField, selection.value === "group");
    show(ledgersField, selection.value === "ledgers");
  };
  const applyPreset = () => {
    const range = presetRange(period.value);
    if (range) { setIso(from, range[0]); setIso(to, range[1]); }
  };
  selection.addEventListener("change", showSelection);
  period.addEventListener("change", applyPreset);
  for (const input of [from, to]) input.addEventListener("input", () => { period.value = "custom"; });
  showSelection();
  applyPreset();
  let key = idempotencyKey(); // one per run started: a double click starts it once
  form.addEventListener("input", () => { key = idempotencyKey(); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    if (mistypedDate(form, [from, to])) return;
    const flags = Object.fromEntries(["skip_zero_balance", "skip_without_activity", "skip_without_email",
      "confirm_balance"].map((name) => [name, form.elements[name].checked]));
    const chosen = selection.value === "group" ? { group: group.value.trim() }
      : { ledgers: ledgers.value.split("\n").map((line) => line.trim()).filter(Boolean) };
    const body = { ...chosen, from_date: isoOf(from), to_date: isoOf(to), format: format.value, ...flags };
    return busy(start, async () => {
      try {
        const run = await api.post(PATH, body, { headers: { "Idempotency-Key": key } });
        announce(t("runs.started", { count: run.counts.total }), "success");
        onStarted(run);
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  return form;
}

const COUNTED = [ITEM.QUEUED, ITEM.SENDING, ITEM.SENT, ITEM.FAILED, ITEM.BOUNCED, ITEM.SKIPPED];

function countsView(run) {
  const c = run.counts;
  const done = c.total - c.queued - c.sending;
  const reasons = Object.entries(c.skipped_by_reason).filter(([, n]) => n)
    .map(([reason, n]) => t(`runs.skip.${reason}`, { count: n }));
  return el("div", { "data-testid": "run-counts" },
    el("p", {}, t("runs.summary", { selection: run.group ?? run.ledgers.join(", "),
      from: day(run.from_date), to: day(run.to_date), format: run.format.toUpperCase() })),
    el("progress", { max: c.total || 1, value: done, "data-testid": "run-bar", "aria-label": t("runs.progress") }),
    el("p", { class: "hint" }, t("runs.done_of", { done: count(done), total: count(c.total) })),
    el("ul", { class: "counts" }, COUNTED.map((status) => el("li", { dataset: { status } },
      statusBadge(status), ` ${count(c[status])}`))),
    reasons.length ? el("p", { class: "hint" }, reasons.join(" · ")) : null);
}

// One node per cell: the phone layout sets a cell's children in the grid's value column.
function itemStatus(item) {
  return el("div", {}, statusBadge(item.status, "item-status"),
    item.skip_reason ? el("div", { class: "hint" }, t(`runs.reason.${item.skip_reason}`)) : null,
    BAD.has(item.status) && item.error ? el("div", { class: "field-error" }, item.error) : null,
    item.resends ? el("div", { class: "hint" }, t("runs.resent", { count: item.resends })) : null);
}

const itemColumns = () => [
  { title: t("runs.col.ledger"), cell: (i) => el("div", {}, i.ledger, i.party && i.party !== i.ledger ? el("div", { class: "hint" }, i.party) : null) },
  { title: t("runs.col.closing"), numeric: true, cell: (i) => balance(i.closing_balance) },
  { title: t("runs.col.status"), cell: itemStatus },
  { title: t("runs.col.to"), cell: (i) => [...i.to, ...i.cc].join(", ") || "—" },
  { title: t("runs.col.sent_at"), cell: (i) => (GOOD.has(i.status) && i.sent_at ? dateTime(i.sent_at) : "") },
];

// One run: its counts, refreshed while it sends, and the per-party table.
async function showRun(holder, run) {
  const progress = el("div", { "data-testid": "run-progress", "aria-live": "polite" });
  const resend = el("button", { type: "button", class: "secondary", "data-testid": "resend-failed", hidden: true },
    t("runs.resend_failed"));
  const items = el("div");
  const more = el("button", { type: "button", class: "secondary", "data-testid": "items-more", hidden: true },
    t("action.load_more"));
  holder.replaceChildren(el("h2", {}, t("runs.run_of", { when: dateTime(run.created_at) })),
    run.confirm_balance ? el("p", {}, el("a", { href: `#/confirmations/run/${run.id}`,
      "data-testid": "run-confirmations" }, t("runs.confirmations"))) : null, progress,
    el("div", { class: "actions" }, resend), items, el("div", { class: "actions" }, more));
  let rows = [];
  let cursor = null;
  const drawItems = () => items.replaceChildren(responsiveTable(t("runs.items_caption"), itemColumns(), rows,
    { testid: "items-table", rowData: (tr, item) => { tr.dataset.ledger = item.ledger; } }));
  const loadItems = async (fresh) => {
    const page = await api.get(`${PATH}/${run.id}/items?limit=${ITEMS_PAGE}${!fresh && cursor ? `&cursor=${cursor}` : ""}`);
    rows = fresh ? page.items : [...rows, ...page.items];
    cursor = page.next_cursor;
    more.hidden = !cursor;
    drawItems();
  };
  const draw = () => {
    progress.replaceChildren(countsView(run));
    resend.hidden = !(run.counts.failed + run.counts.bounced);
  };
  more.addEventListener("click", () => busy(more, () => loadItems(false)));
  resend.addEventListener("click", () => busy(resend, async () => {
    const answer = await api.post(`${PATH}/${run.id}/resend-failed`);
    announce(t("runs.resent_now", { count: answer.resent }), "success");
    run = answer.run;
    draw();
    await follow();
  }));
  // Poll while anything is queued or sending; the table follows the counts.
  async function follow() {
    await loadItems(true);
    while (run.status === RUN.RUNNING && holder.isConnected) {
      await sleep(POLL_MS);
      run = await api.get(`${PATH}/${run.id}`);
      draw();
      await loadItems(true);
    }
    if (holder.isConnected) announce(t("runs.finished", { sent: run.counts.sent, failed: run.counts.failed }), "info");
  }
  draw();
  await follow();
}

async function recentRuns(holder) {
  const page = await api.get(`${PATH}?limit=10`);
  holder.replaceChildren(responsiveTable(t("runs.recent"), [
    { title: t("runs.col.started"), cell: (r) => el("a", { href: `#/statement-runs/${r.id}` }, dateTime(r.created_at)) },
    { title: t("runs.col.selection"), cell: (r) => r.group ?? r.ledgers.join(", ") },
    { title: t("field.period"), cell: (r) => t("period.range", { from: day(r.from_date), to: day(r.to_date) }) },
    { title: t("runs.col.sent"), numeric: true, cell: (r) => `${count(r.counts.sent)} / ${count(r.counts.total - r.counts.skipped)}` },
    { title: t("runs.col.failed"), numeric: true, cell: (r) => count(r.counts.failed + r.counts.bounced) },
    { title: t("runs.col.status"), cell: (r) => statusText(r.status) },
  ], page.items, { testid: "runs-table", empty: t("runs.none") }));
}

export const statementRunsScreen = {
  path: "/statement-runs",
  pattern: /^\/statement-runs(?:\/([0-9a-f-]{36}))?$/,
  get title() { return t("screen.statement_runs"); },
  nav: true,
  adminOnly: false,
  async render(container, { params }) {
    const current = el("section", { class: "run" });
    const recent = el("section");
    const [runId] = params;
    if (runId) {
      container.append(el("p", {}, el("a", { href: "#/statement-runs" }, t("runs.back"))), current);
      await showRun(current, await api.get(`${PATH}/${runId}`));
      return;
    }
    const form = runForm((run) => {
      showRun(current, run).then(() => recentRuns(recent)).catch((error) => announce(error.message, "error"));
    });
    container.append(form, current, recent);
    await recentRuns(recent);
  },
};
