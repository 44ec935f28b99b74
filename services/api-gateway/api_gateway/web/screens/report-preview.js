// Statement preview and print: a report on screen, as its PDF prints it, before any export.
//
// The gateway sends the PDF's own words and numbers (GET /api/v1/reports/{report}/preview):
// the header block, the opening rows, a page of body rows with a cursor, the closing rows. This
// module draws them as one document (letterhead, title, lines, table), adds pages on "Load
// more", and prints the whole document with the print layout of styles.css (@media print):
// A4 landscape, column headings repeated on every page, the PDF's footer in the page margins.
//
// Test ids: preview-button (on the screens), report-preview, preview-count, load-more-button,
// print-button, preview-table.

import { api } from "/app/api.js";
import { t } from "/app/i18n.js";
import { announce, busy, clearErrors, el } from "/app/ui.js";
import { showFieldErrors } from "/app/screens/email-dialog.js";

const RIGHT_ALIGNED = new Set(["money", "balance", "integer"]);

// The button a screen puts next to Export.
export function previewButton() {
  return el("button", { type: "button", class: "secondary", "data-testid": "preview-button" },
    t("preview.button"));
}

// A preview area for one screen: `load(form, path, params)` shows the first page of the report.
export function reportPreview() {
  const node = el("section", { class: "report-preview", "data-testid": "report-preview",
    "aria-label": t("preview.region"), hidden: true });
  let state = null; // {form, path, params, cursor, table, shown, total}

  async function page(form, path, params, cursor) {
    const query = new URLSearchParams(params);
    if (cursor) query.set("cursor", cursor);
    try {
      return await api.get(`${path}?${query}`);
    } catch (error) {
      if (error.problem?.code === "report_changed") {
        announce(t("preview.changed"));
        return page(form, path, params, null);
      }
      // The preview's query parameters are the export's `params`: errors go to those fields.
      error.fieldErrors = error.fieldErrors.map((e) => ({ ...e,
        field: ["cursor", "language"].includes(e.field) ? e.field : `params.${e.field}` }));
      showFieldErrors(form, error);
      return null;
    }
  }

  async function load(form, path, params) {
    clearErrors(form);
    const first = await page(form, path, params, null);
    if (!first) return false;
    state = { form, path, params, cursor: first.next_cursor, shown: 0, total: first.body_rows };
    node.replaceChildren(...drawDocument(first));
    node.hidden = false;
    state.table = node.querySelector("[data-testid=preview-table]");
    append(first);
    setPrintPage(first);
    announce(t("preview.ready", { count: first.body_rows }), "success");
    node.scrollIntoView({ block: "start" });
    return true;
  }

  function append(data) {
    const kinds = data.columns.map((c) => c.kind);
    state.table.querySelector("tbody.doc-body").append(...data.rows.map((r) => drawRow(r, kinds)));
    state.shown = data.start + data.rows.length;
    state.cursor = data.next_cursor;
    const count = node.querySelector("[data-testid=preview-count]");
    count.textContent = state.total === 0 ? t("preview.empty")
      : t("preview.showing", { shown: state.shown, total: state.total });
    node.querySelector("[data-testid=load-more-button]").hidden = !state.cursor;
  }

  async function loadMore() {
    const data = await page(state.form, state.path, state.params, state.cursor);
    if (!data) return false;
    if (data.start === 0) { // the books changed: the preview starts again
      state.table.querySelector("tbody.doc-body").replaceChildren();
      state.total = data.body_rows;
    }
    append(data);
    return true;
  }

  // The PDF is the whole report: print loads every page first.
  async function printAll() {
    while (state.cursor) if (!(await loadMore())) return;
    window.print();
  }

  function drawDocument(data) {
    const more = el("button", { type: "button", class: "secondary",
      "data-testid": "load-more-button" }, t("preview.load_more"));
    more.addEventListener("click", () => busy(more, loadMore));
    const print = el("button", { type: "button", "data-testid": "print-button" }, t("preview.print"));
    print.addEventListener("click", () => busy(print, printAll));
    const kinds = data.columns.map((c) => c.kind);
    const widths = data.columns.reduce((sum, c) => sum + c.width, 0);
    const toolbar = el("div", { class: "actions preview-toolbar" },
      el("span", { class: "hint", "data-testid": "preview-count", "aria-live": "polite" }),
      more, print);
    const letterhead = el("header", { class: "doc-letterhead" },
      block("doc-company", data.company), data.party ? block("doc-party", data.party) : null);
    const table = el("table", { class: "doc-table", "data-testid": "preview-table" },
      el("caption", { class: "visually-hidden" }, data.title),
      el("colgroup", {}, data.columns.map((c) =>
        // The PDF's share of the page per column, used by the print layout (styles.css).
        el("col", { style: `--share:${((100 * c.width) / widths).toFixed(2)}%` }))),
      el("thead", {}, el("tr", {}, data.columns.map((c) =>
        el("th", { scope: "col", class: `kind-${c.kind}` }, c.heading)))),
      el("tbody", { class: "doc-opening" }, data.opening.map((r) => drawRow(r, kinds))),
      el("tbody", { class: "doc-body" }),
      el("tbody", { class: "doc-closing" }, data.closing.map((r) => drawRow(r, kinds))));
    return [toolbar, el("article", { class: "document", lang: data.language },
      letterhead,
      el("h2", { class: "doc-title" }, data.title),
      data.lines.map((line) => el("p", { class: "doc-line" }, line)),
      el("p", { class: "doc-generated" }, data.generated),
      el("div", { class: "table-wrap" }, table))];
  }

  return { node, load };
}

function block(className, { name, lines }) {
  return el("div", { class: className }, el("p", { class: "doc-name" }, name),
    lines.map((line) => el("p", { class: "doc-detail" }, line)));
}

// A label on a bold row (Opening Balance, Total <party>) runs on into the empty cells to its
// right, as the PDF lets it, rather than wrapping in its own narrow column.
function drawRow(row, kinds) {
  const cells = [];
  for (let i = 0; i < row.cells.length; i += 1) {
    let span = 1;
    if (row.style !== "normal" && row.cells[i] !== null && !RIGHT_ALIGNED.has(kinds[i])) {
      while (i + span < row.cells.length && row.cells[i + span] === null) span += 1;
    }
    cells.push(el("td", { class: `kind-${kinds[i]}`, colspan: span > 1 ? span : undefined },
      row.cells[i] ?? ""));
    i += span - 1;
  }
  return el("tr", { class: `doc-row ${row.style}` }, cells);
}

// The PDF's footer in the printed page's margins: "Company — Title" left, "Page N of M" right
// in the document's words ("{pages} पैकी पृष्ठ {page}"). CSS counters say N and M; the words
// around them come from the preview, so the style is written here rather than in styles.css.
function setPrintPage(data) {
  const quoted = (text) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const pageOf = data.page_of.split(/(\{page\}|\{pages\})/).filter(Boolean).map((part) =>
    (part === "{page}" ? "counter(page)" : part === "{pages}" ? "counter(pages)" : quoted(part)))
    .join(" ");
  let style = document.getElementById("print-page");
  if (!style) {
    style = el("style", { id: "print-page" });
    document.head.append(style);
  }
  const box = "font: 7pt \"LedgerPost Document\", \"LedgerPost Devanagari\", sans-serif;" // i18n: print CSS
    + " color: #595959; vertical-align: top; padding-top: 6pt;"; // i18n: print CSS
  style.textContent = `@page { @bottom-left { content: ${quoted(data.footer)}; ${box} }`
    + ` @bottom-right { content: ${pageOf}; ${box} } }`;
}
