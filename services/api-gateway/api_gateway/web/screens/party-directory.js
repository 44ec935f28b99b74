// Party directory (admins): who receives each ledger's statements, and in which language they are
// written. Search, add, edit and delete entries, import a CSV (with a row-by-row report) and export
// the directory as CSV.
//
// data-testid: party-search, search-button, add-entry, export-csv, import-form, import-file,
// import-button, import-report, party-table, load-more, edit-entry, delete-entry,
// entry-form, entry-language, save-entry, confirm-delete, bounced-address.

import { api, download } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { addressList, announce, busy, clearErrors, el, field, openDialog, showErrors, table } from "/app/ui.js";
import { LANGUAGES, t } from "/app/i18n.js";

const PATH = "/api/v1/party-emails";
const PAGE = 50;
const joined = (list) => (list || []).join(", ");
// A statement's language (shared/languages.py: the app's own), named in its own script.
const languageName = (code) => LANGUAGES[code] || code;
// One address per line in a cell: easier to scan than a wrapped comma list. An address whose
// email bounced is flagged, with its latest bounce's date and the receiving server's words,
// so it is corrected before the next statement goes out.
const lines = (list, bounced = []) => {
  const flags = new Map(bounced.map((b) => [b.address, b]));
  return el("div", {}, (list || []).map((address) => {
    const bounce = flags.get(address.toLowerCase());
    if (!bounce) return el("div", {}, address);
    const why = [bounce.status_code, bounce.diagnostic].filter(Boolean).join(" ");
    return el("div", { "data-testid": "bounced-address" }, address, " ",
      el("span", { class: "badge bad", title: why }, t("party.bounced")),
      el("div", { class: "hint" }, t("party.bounced_on", { when: dateTime(bounce.bounced_at) })));
  }));
};

// A yes/no question in a dialog; resolves true only when the action button was pressed.
// Cancel comes first, so the dialog opens with focus on the harmless choice.
export function confirmDialog(title, message, action) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = el("button", { type: "button", "data-testid": "confirm-delete" }, action);
    const no = el("button", { type: "button", class: "secondary" }, t("action.cancel"));
    const dialog = openDialog(title, el("div", {}, el("p", {}, message),
      el("div", { class: "actions" }, no, yes)), { onClose: () => resolve(answer) });
    yes.addEventListener("click", () => { answer = true; dialog.close(); });
    no.addEventListener("click", () => dialog.close());
  });
}

export const partyDirectoryScreen = {
  path: "/admin/party-directory",
  get title() { return t("screen.party_directory"); },
  nav: true,
  adminOnly: true,
  async render(container) {
    let rows = [];
    let cursor = null;
    let query = "";
    let generation = 0; // a new search drops answers (and "load more" pages) of the older one

    const search = el("input", { type: "search", name: "q", autocomplete: "off", "data-testid": "party-search" });
    const searchForm = el("form", { role: "search", class: "panel", "aria-label": t("party.search_label") },
      field(t("party.search_field"), search),
      el("div", { class: "actions" }, el("button", { type: "submit", "data-testid": "search-button" }, t("party.search"))));
    const add = el("button", { type: "button", "data-testid": "add-entry", onclick: () => edit(null) }, t("party.add"));
    const exportButton = el("button", { type: "button", class: "secondary", "data-testid": "export-csv" }, t("party.export_csv"));
    const listArea = el("div", {});
    const more = el("button", { type: "button", class: "secondary", hidden: true, "data-testid": "load-more" }, t("action.load_more"));

    // --- Listing -----------------------------------------------------------------------
    function renderRows() {
      listArea.replaceChildren(table(query ? t("party.caption_matching", { query }) : t("party.caption"), [
        { title: t("field.ledger"), cell: (r) => r.ledger_name },
        { title: t("party.party"), cell: (r) => r.party_name || "" },
        { title: t("field.to"), cell: (r) => lines(r.to, r.bounced) },
        { title: t("field.cc"), cell: (r) => lines(r.cc, r.bounced) },
        { title: t("field.bcc"), cell: (r) => lines(r.bcc, r.bounced) },
        { title: t("field.language"), cell: (r) => el("span", { lang: r.language }, languageName(r.language)) },
        { title: t("schedules.actions"), cell: (r) => el("div", { class: "actions", style: "flex-wrap:nowrap" },
          el("button", { type: "button", class: "secondary", "data-testid": "edit-entry",
            "aria-label": t("action.edit_named", { name: r.ledger_name }), onclick: () => edit(r) }, t("action.edit")),
          el("button", { type: "button", class: "secondary", "data-testid": "delete-entry",
            "aria-label": t("action.delete_named", { name: r.ledger_name }), onclick: () => remove(r) }, t("action.delete"))) },
      ], rows, { empty: query ? t("party.none_match", { query }) : t("party.empty") }));
      // Wide enough to stay readable: at phone width the table scrolls sideways instead.
      listArea.querySelector("table")?.setAttribute("style", "min-width:52rem");
      listArea.querySelector("table")?.setAttribute("data-testid", "party-table");
      more.hidden = !cursor;
    }

    async function load({ append = false } = {}) {
      if (!append) {
        generation += 1;
        more.hidden = true; // the old cursor belongs to the old search
      }
      const mine = generation;
      const params = new URLSearchParams({ limit: String(PAGE) });
      if (query) params.set("q", query);
      if (append && cursor) params.set("cursor", cursor);
      const page = await api.get(`${PATH}?${params}`);
      if (mine !== generation) return;
      rows = append ? [...rows, ...page.items] : page.items;
      cursor = page.next_cursor;
      renderRows();
      announce(cursor ? t("party.shown_more", { count: rows.length }) : t("party.shown", { count: rows.length }));
    }
    const reload = () => load().catch((error) => announce(error.message, "error"));

    searchForm.addEventListener("submit", (event) => {
      event.preventDefault();
      query = search.value.trim();
      reload();
    });
    more.addEventListener("click", () => busy(more, () => load({ append: true })
      .catch((error) => announce(error.message, "error"))));
    exportButton.addEventListener("click", () => busy(exportButton, async () => {
      announce(t("party.preparing_csv"));
      try {
        await download(`${PATH}/export`, "party-emails.csv");
        announce(t("party.downloaded", { name: "party-emails.csv" }), "success");
      } catch (error) {
        announce(t("party.export_failed", { reason: error.message }), "error");
      }
    }));

    // After a dialog closes the row that opened it may have been redrawn: keep focus somewhere useful.
    const refocus = () => { if (!document.activeElement || document.activeElement === document.body) add.focus(); };

    // --- Add / edit --------------------------------------------------------------------
    function edit(entry) {
      const inputs = {
        ledger_name: el("input", { name: "ledger_name", autocomplete: "off", value: entry?.ledger_name || "" }),
        party_name: el("input", { name: "party_name", autocomplete: "off", value: entry?.party_name || "" }),
      };
      for (const key of ["to", "cc", "bcc"]) {
        inputs[key] = el("textarea", { name: key, rows: 2, spellcheck: "false" });
        inputs[key].value = joined(entry?.[key]);
      }
      // PUT replaces the whole entry: the language must go back as it was, never fall to English.
      const current = entry?.language || "en";
      inputs.language = el("select", { name: "language", "data-testid": "entry-language" },
        Object.entries(LANGUAGES).map(([value, name]) =>
          el("option", { value, lang: value, selected: value === current }, name)));
      const save = el("button", { type: "submit", "data-testid": "save-entry" }, entry ? t("action.save_changes") : t("party.add"));
      const form = el("form", { novalidate: true, "data-testid": "entry-form" },
        field(t("party.ledger_name"), inputs.ledger_name, t("party.ledger_name_hint")),
        field(t("party.party_name"), inputs.party_name, t("common.optional")),
        field(t("field.to"), inputs.to, t("party.to_hint")),
        field(t("field.cc"), inputs.cc, t("common.optional")),
        field(t("field.bcc"), inputs.bcc, t("party.bcc_hint")),
        field(t("field.language"), inputs.language, t("party.language_hint")),
        el("p", { class: "form-summary", hidden: true }),
        el("div", { class: "actions" }, save,
          el("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, t("action.cancel"))));
      const dialog = openDialog(entry ? t("action.edit_named", { name: entry.ledger_name }) : t("party.add_title"), form,
        { onClose: refocus });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        clearErrors(form);
        const body = {
          ledger_name: inputs.ledger_name.value.trim(),
          party_name: inputs.party_name.value.trim() || null,
          to: addressList(inputs.to.value), cc: addressList(inputs.cc.value), bcc: addressList(inputs.bcc.value),
          language: inputs.language.value,
        };
        return busy(save, async () => {
          let saved;
          try {
            saved = entry ? await api.put(`${PATH}/${entry.id}`, body) : await api.post(PATH, body);
          } catch (error) {
            showErrors(form, error);
            return;
          }
          dialog.close();
          await reload();
          announce(t(entry ? "party.saved" : "party.added", { name: saved.ledger_name }), "success");
        });
      });
    }

    async function remove(entry) {
      if (!await confirmDialog(t("party.delete_title"), t("party.delete_message", { name: entry.ledger_name }),
        t("action.delete"))) return;
      try {
        await api.del(`${PATH}/${entry.id}`);
      } catch (error) {
        announce(t("action.delete_failed", { reason: error.message }), "error");
        return;
      }
      await reload();
      refocus();
      announce(t("party.deleted", { name: entry.ledger_name }), "success");
    }

    // --- CSV import --------------------------------------------------------------------
    const file = el("input", { type: "file", name: "file", accept: ".csv,text/csv", "data-testid": "import-file" });
    const importButton = el("button", { type: "submit", "data-testid": "import-button" }, t("tally.import"));
    const report = el("div", { "data-testid": "import-report" });
    const importForm = el("form", { novalidate: true, "data-testid": "import-form", "aria-labelledby": "import-heading" },
      el("h2", { id: "import-heading" }, t("party.import_heading")),
      field(t("party.csv_file"), file, t("party.csv_hint")),
      el("p", { class: "form-summary", hidden: true }),
      el("div", { class: "actions" }, importButton), report);
    importForm.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(importForm);
      report.replaceChildren();
      const chosen = file.files?.[0];
      if (!chosen) {
        showErrors(importForm, { message: t("party.choose_csv"), fieldErrors: [{ field: "file", message: t("party.choose_csv_field") }] });
        return undefined;
      }
      const data = new FormData();
      data.append("file", chosen, chosen.name);
      announce(t("party.importing", { name: chosen.name }));
      return busy(importButton, async () => {
        let result;
        try {
          result = await api.post(`${PATH}/import`, data);
        } catch (error) {
          showErrors(importForm, error);
          return;
        }
        const summary = t("party.imported", { name: chosen.name, created: result.created,
          updated: result.updated, rejected: result.rejected.length });
        report.replaceChildren(
          el("p", { class: `notice ${result.rejected.length ? "error" : "success"}` }, summary),
          result.rejected.length ? table(t("party.rejected_caption"), [
            { title: t("party.row"), numeric: true, cell: (r) => String(r.row) },
            { title: t("tally.reason"), cell: (r) => r.reason },
          ], result.rejected) : null);
        file.value = "";
        await reload();
        announce(summary, result.rejected.length ? "error" : "success");
      });
    });

    container.append(
      el("p", {}, t("party.intro")),
      searchForm,
      el("div", { class: "actions", style: "margin-bottom:1rem" }, add, exportButton),
      importForm, // above the table, so its report is not pushed below a long list
      listArea,
      el("div", { class: "actions", style: "margin:.6rem 0 1rem" }, more));
    await load();
  },
};
