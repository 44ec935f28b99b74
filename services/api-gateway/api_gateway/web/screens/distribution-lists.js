// Distribution lists (admins): named To/CC/BCC sets of the tenant's own people, used when
// sending reports. Only internal addresses are accepted; addresses that stopped being internal
// (an admin removed a domain) are flagged so they can be fixed.
//
// data-testid: add-list, lists-table, edit-list, delete-list, list-form, save-list,
// confirm-delete, external-warning, internal-domains.

import { api } from "/app/api.js";
import { addressList, announce, busy, clearErrors, el, field, openDialog, showErrors, table } from "/app/ui.js";
import { confirmDialog } from "/app/screens/party-directory.js";
import { t } from "/app/i18n.js";

const PATH = "/api/v1/distribution-lists";
const FIELDS = [["to", "To"], ["cc", "CC"], ["bcc", "BCC"]];

// One address per line in the cell, with a visible (not colour-only) mark on external ones.
function addresses(list, external) {
  return el("div", {}, (list || []).map((address) => el("div", {}, address,
    external.has(address.toLowerCase())
      ? [" ", el("span", { class: "badge bad", title: "Not an internal address" }, "external")] : null)));
}

export const distributionListsScreen = {
  path: "/admin/distribution-lists",
  get title() { return t("screen.distribution_lists"); },
  nav: true,
  adminOnly: true,
  async render(container) {
    const add = el("button", { type: "button", "data-testid": "add-list", onclick: () => edit(null) }, "Add list");
    const listArea = el("div", {});
    const domainsLine = el("p", { class: "hint", style: "margin-bottom:.8rem", "data-testid": "internal-domains" });

    // The internal domains decide what a list may hold; saying them up front saves a round trip.
    async function showDomains() {
      try {
        const { internal_domains: domains } = await api.get("/api/v1/admin/tenant");
        domainsLine.replaceChildren(domains.length ? `Internal domains: ${domains.join(", ")} (` : "No internal domains are set yet (",
          el("a", { href: "#/admin/email-settings" }, domains.length ? "change" : "set them", " in Email settings"), ").");
      } catch {
        domainsLine.replaceChildren(); // only a hint: the server still checks every address
      }
    }

    function render(items) {
      listArea.replaceChildren(table("Distribution lists", [
        { title: "Name", cell: (l) => el("div", {}, el("div", {}, l.name), l.external.length
          ? el("span", { class: "badge bad", "data-testid": "external-warning" },
            `Warning: ${l.external.length} external address${l.external.length > 1 ? "es" : ""}`) : null) },
        ...FIELDS.map(([key, title]) => ({ title,
          cell: (l) => addresses(l[key], new Set(l.external.map((a) => a.toLowerCase()))) })),
        { title: "Actions", cell: (l) => el("div", { class: "actions", style: "flex-wrap:nowrap" },
          el("button", { type: "button", class: "secondary", "data-testid": "edit-list",
            "aria-label": `Edit ${l.name}`, onclick: () => edit(l) }, "Edit"),
          el("button", { type: "button", class: "secondary", "data-testid": "delete-list",
            "aria-label": `Delete ${l.name}`, onclick: () => remove(l) }, "Delete")) },
      ], items, { empty: "No distribution lists yet: add one." }));
      // Wide enough to stay readable: at phone width the table scrolls sideways instead.
      listArea.querySelector("table")?.setAttribute("style", "min-width:44rem");
      listArea.querySelector("table")?.setAttribute("data-testid", "lists-table");
      const flagged = items.filter((l) => l.external.length).length;
      if (flagged) {
        listArea.prepend(el("p", { class: "notice error" }, `${flagged} list${flagged > 1 ? "s hold" : " holds"} ` +
          "addresses outside the internal domains: outstanding reports to them are refused until fixed."));
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
      const inputs = Object.fromEntries(FIELDS.map(([key]) => {
        const box = el("textarea", { name: key, rows: 2, spellcheck: "false" });
        box.value = (list?.[key] || []).join(", ");
        return [key, box];
      }));
      const save = el("button", { type: "submit", "data-testid": "save-list" }, list ? "Save changes" : "Add list");
      const form = el("form", { novalidate: true, "data-testid": "list-form" },
        field("Name", name, "Unique; compared ignoring case."),
        field("To", inputs.to, "Separate addresses with commas or semicolons. Internal addresses only."),
        field("CC", inputs.cc, "Optional."),
        field("BCC", inputs.bcc, "Optional; hidden from the other recipients."),
        list?.external.length ? el("p", { class: "notice error" },
          `Not internal any more: ${list.external.join(", ")}. Remove them to save the list.`) : null,
        el("p", { class: "form-summary", hidden: true }),
        el("div", { class: "actions" }, save,
          el("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Cancel")));
      const dialog = openDialog(list ? `Edit ${list.name}` : "Add a distribution list", form, { onClose: refocus });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        clearErrors(form);
        const body = { name: name.value.trim(),
          ...Object.fromEntries(FIELDS.map(([key]) => [key, addressList(inputs[key].value)])) };
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
          announce(`${list ? "Saved" : "Added"} the list ${saved.name}.`, "success");
        });
      });
    }

    async function remove(list) {
      if (!await confirmDialog("Delete distribution list",
        `Delete the list "${list.name}"? Schedules that send to it will fail until given another list.`,
        "Delete")) return;
      try {
        await api.del(`${PATH}/${list.id}`);
      } catch (error) {
        announce(`Could not delete: ${error.message}`, "error");
        return;
      }
      await reload();
      refocus();
      announce(`Deleted the list ${list.name}.`, "success");
    }

    container.append(
      el("p", {}, "Named groups of your own people to send reports to. Only addresses in the internal domains are allowed."),
      domainsLine, el("div", { class: "actions", style: "margin-bottom:1rem" }, add), listArea);
    await Promise.all([load(), showDomains()]);
  },
};
