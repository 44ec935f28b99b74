// Company profile (admins): the letterhead printed at the top of every PDF and Excel report —
// legal name, address lines, GSTIN, PAN, phone and email. The server checks GSTIN and PAN
// (format, GSTIN check character, the GSTIN's PAN part) and answers 422 naming the field.
//
// data-testid: profile-form, save-profile.

import { api } from "/app/api.js";
import { announce, busy, clearErrors, el, field, showErrors } from "/app/ui.js";
import { t } from "/app/i18n.js";

const PATH = "/api/v1/admin/tenant";
const TEXT_FIELDS = ["legal_name", "gstin", "pan", "phone", "email"];

const input = (name, attrs = {}) => el("input", { name, type: "text", ...attrs });

export const companyProfileScreen = {
  path: "/admin/company",
  get title() { return t("screen.company_profile"); },
  nav: true,
  adminOnly: true,
  async render(container) {
    const f = {
      legal_name: input("legal_name", { maxlength: 200 }),
      address: el("textarea", { name: "address", rows: 4 }),
      gstin: input("gstin", { maxlength: 20, spellcheck: "false", autocomplete: "off",
        style: "text-transform:uppercase" }),
      pan: input("pan", { maxlength: 12, spellcheck: "false", autocomplete: "off",
        style: "text-transform:uppercase" }),
      phone: input("phone", { type: "tel", maxlength: 40 }),
      email: input("email", { type: "email", maxlength: 320 }),
    };
    const save = el("button", { type: "submit", "data-testid": "save-profile" }, "Save profile");
    const form = el("form", { novalidate: true, "data-testid": "profile-form", "aria-label": "Company profile" },
      el("p", { class: "hint" }, "Printed at the top of every PDF and Excel report. " +
        "A party ledger's statement also shows the party's name, address and GSTIN from your books."),
      field("Legal name", f.legal_name, "As registered; leave blank to print the tenant's name."),
      field("Address", f.address, "One line per line, as it should print."),
      el("div", { class: "row" },
        field("GSTIN", f.gstin, "15 characters, e.g. 27AAPFU0939F1ZV."),
        field("PAN", f.pan, "10 characters, e.g. AAPFU0939F; must match the GSTIN's.")),
      el("div", { class: "row" }, field("Phone", f.phone), field("Email", f.email)),
      el("p", { class: "form-summary", hidden: true }),
      el("div", { class: "actions" }, save));

    function fill(tenant) {
      for (const key of TEXT_FIELDS) f[key].value = tenant[key] ?? "";
      f.address.value = (tenant.address || []).join("\n");
    }

    // Every field is sent: "" clears it on the server, which is what an emptied box means.
    function collect() {
      const body = Object.fromEntries(TEXT_FIELDS.map((key) => [key, f[key].value.trim()]));
      body.address = f.address.value.split("\n").map((line) => line.trim()).filter(Boolean);
      return body;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      announce("Saving the company profile…");
      return busy(save, async () => {
        let saved;
        try {
          saved = await api.put(PATH, collect());
        } catch (error) {
          showErrors(form, error);
          return;
        }
        fill(saved);
        announce("Company profile saved.", "success");
      });
    });

    container.append(form);
    fill(await api.get(PATH));
  },
};
