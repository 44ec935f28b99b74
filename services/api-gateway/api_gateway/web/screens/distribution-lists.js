// Distribution lists (admins): named To/CC/BCC sets of the tenant's own people, used when
// sending reports. Only internal addresses are accepted; addresses that stopped being internal
// (an admin removed a domain) are flagged so they can be fixed.
//
// data-testid: add-list, lists-table, edit-list, delete-list, list-form, save-list,
// confirm-delete, external-warning, internal-domains.

import { api } from "/app/api.js";
import { addressList, announce, busy, clearErrors, el, field, openDialog, phrase, showErrors, table } from "/app/ui.js";
import { confirmDialog } from "/app/screens/party-directory.js";
import { t } from "/app/i18n.js";

const PATH = "/api/v1/distribution-lists";
const FIELDS = ["to", "cc", "bcc"];

// One address per line in the cell, with a visible (not colour-only) mark on external ones.
function addresses(list, external) {
  return el("div", {}, (list || []).map((address) => el("div", {}, address,
    external.has(address.toLowerCase())
      ? [" ", el("span", { class: "badge bad", title: t("lists.not_internal") }, t("lists.external"))] : null)));
}

export const distributionListsScreen = {
  path: "/admin/distribution-lists",
  get title() { return t("screen.distribution_lists"); },
  nav: true,
  adminOnly: true,
  async render(container) {
    const add = el("button", { type: "button", "data-testid": "add-list", onclick: () => edit(null) }, t("lists.add"));
    const listArea = el("div", {});
    const domainsLine = el("p", { class: "hint", style: "margin-bottom:.8rem", "data-testid": "internal-domains" });

    // The internal domains decide what a list may hold; saying them up front saves a round trip.
    async function showDomains() {
      try {
        const { internal_domains: domains } = await api.get("/api/v1/admin/tenant");
        const link = el("a", { href: "#/admin/email-settings" }, domains.length ? t("lists.change_domains") : t("lists.set_domains"));
        domainsLine.replaceChildren(...(domains.length
          ? phrase("lists.domains", { domains: domains.join(", "), link }) : phrase("lists.no_domains", { link })));
      } catch {
        domainsLine.replaceChildren(); // only a hint: the server still checks every address
      }
    }

    function render(items) {
      const fieldTitles = { to: t("field.to"), cc: t("field.cc"), bcc: t("field.bcc") };
      listArea.replaceChildren(table(t("screen.distribution_lists"), [
        { title: t("field.name"), cell: (l) => el("div", {}, el("div", {}, l.name), l.external.length
          ? el("span", { class: "badge bad", "data-testid": "external-warning" },
            t("lists.external_warning", { count: l.external.length })) : null) },
        ...FIELDS.map((key) => ({ title: fieldTitles[key],
          cell: (l) => addresses(l[key], new Set(l.external.map((a) => a.toLowerCase()))) })),
        { title: t("schedules.actions"), cell: (l) => el("div", { class: "actions", style: "flex-wrap:nowrap" },
          el("button", { type: "button", class: "secondary", "data-testid": "edit-list",
            "aria-label": t("action.edit_named", { name: l.name }), onclick: () => edit(l) }, t("action.edit")),
          el("button", { type: "button", class: "secondary", "data-testid": "delete-list",
            "aria-label": t("action.delete_named", { name: l.name }), onclick: () => remove(l) }, t("action.delete"))) },
      ], items, { empty: t("lists.empty") }));
      // Wide enough to stay readable: at phone width the table scrolls sideways instead.
      listArea.querySelector("table")?.setAttribute("style", "min-width:44rem");
      listArea.querySelector("table")?.setAttribute("data-testid", "lists-table");
      const flagged = items.filter((l) => l.external.length).length;
      if (flagged) {
        listArea.prepend(el("p", { class: "notice error" }, t("lists.flagged", { count: flagged })));
      }
    }

    async function load() {
      const { items } = await api.get(PATH);
      render(items);
      return items;
    }
    const reload = () => load().catch((error) => announce(error.message, "error"));
    const refocus = () => { if (!document.activeElement || document.activeElement === document.body) add.focus(); };

    function edit(list) {
      const name = el("input", { name: "name", autocomplete: "off", value: list?.name || "" });
      const inputs = Object.fromEntries(FIELDS.map((key) => {
        const box = el("textarea", { name: key, rows: 2, spellcheck: "false" });
        box.value = (list?.[key] || []).join(", ");
        return [key, box];
      }));
      const save = el("button", { type: "submit", "data-testid": "save-list" }, list ? t("action.save_changes") : t("lists.add"));
      const form = el("form", { novalidate: true, "data-testid": "list-form" },
        field(t("field.name"), name, t("lists.name_hint")),
        field(t("field.to"), inputs.to, t("lists.to_hint")),
        field(t("field.cc"), inputs.cc, t("common.optional")),
        field(t("field.bcc"), inputs.bcc, t("party.bcc_hint")),
        list?.external.length ? el("p", { class: "notice error" },
          t("lists.not_internal_any_more", { addresses: list.external.join(", ") })) : null,
        el("p", { class: "form-summary", hidden: true }),
        el("div", { class: "actions" }, save,
          el("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, t("action.cancel"))));
      const dialog = openDialog(list ? t("action.edit_named", { name: list.name }) : t("lists.add_title"), form, { onClose: refocus });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        clearErrors(form);
        const body = { name: name.value.trim(),
          ...Object.fromEntries(FIELDS.map((key) => [key, addressList(inputs[key].value)])) };
        return busy(save, async () => {
          let saved;
          try {
            saved = list ? await api.put(`${PATH}/${list.id}`, body) : await api.post(PATH, body);
          } catch (error) {
            showErrors(form, error); // e.g. to.0 not internal, name already taken (409)
            return;
          }
          dialog.close();
          await reload();
          announce(t(list ? "lists.saved" : "lists.added", { name: saved.name }), "success");
        });
      });
    }

    async function remove(list) {
      if (!await confirmDialog(t("lists.delete_title"), t("lists.delete_message", { name: list.name }),
        t("action.delete"))) return;
      try {
        await api.del(`${PATH}/${list.id}`);
      } catch (error) {
        announce(t("action.delete_failed", { reason: error.message }), "error");
        return;
      }
      await reload();
      refocus();
      announce(t("lists.deleted", { name: list.name }), "success");
    }

    container.append(
      el("p", {}, t("lists.intro")),
      domainsLine, el("div", { class: "actions", style: "margin-bottom:1rem" }, add), listArea);
    await Promise.all([load(), showDomains()]);
  },
};
