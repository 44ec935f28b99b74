// Company profile (admins): the letterhead printed at the top of every PDF and Excel report —
// legal name, address lines, GSTIN, PAN, phone and email — and the company's default language. The server checks GSTIN and PAN
// (format, GSTIN check character, the GSTIN's PAN part) and answers 422 naming the field.
//
// data-testid: profile-form, default-language, save-profile.

import { api } from "/app/api.js";
import { announce, busy, clearErrors, el, field, showErrors } from "/app/ui.js";
import { LANGUAGES, t } from "/app/i18n.js";

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
      // The web app's language for users who chose none ("": each browser decides).
      default_language: el("select", { name: "default_language", "data-testid": "default-language" },
        el("option", { value: "" }, t("profile.language_browser")),
        Object.entries(LANGUAGES).map(([code, name]) => el("option", { value: code, lang: code }, name))),
    };
    const save = el("button", { type: "submit", "data-testid": "save-profile" }, t("profile.save"));
    const form = el("form", { novalidate: true, "data-testid": "profile-form", "aria-label": t("screen.company_profile") },
      el("p", { class: "hint" }, t("profile.intro")),
      field(t("profile.legal_name"), f.legal_name, t("profile.legal_name_hint")),
      field(t("profile.address"), f.address, t("profile.address_hint")),
      el("div", { class: "row" },
        field(t("profile.gstin"), f.gstin, t("profile.gstin_hint")),
        field(t("profile.pan"), f.pan, t("profile.pan_hint"))),
      el("div", { class: "row" }, field(t("profile.phone"), f.phone), field(t("field.email"), f.email)),
      field(t("profile.default_language"), f.default_language, t("profile.default_language_hint")),
      el("p", { class: "form-summary", hidden: true }),
      el("div", { class: "actions" }, save));

    function fill(tenant) {
      for (const key of TEXT_FIELDS) f[key].value = tenant[key] ?? "";
      f.address.value = (tenant.address || []).join("\n");
      f.default_language.value = tenant.default_language || "";
    }

    // Every field is sent: "" clears it on the server, which is what an emptied box means.
    function collect() {
      const body = Object.fromEntries(TEXT_FIELDS.map((key) => [key, f[key].value.trim()]));
      body.address = f.address.value.split("\n").map((line) => line.trim()).filter(Boolean);
      body.default_language = f.default_language.value; // "" clears it
      return body;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      announce(t("profile.saving"));
      return busy(save, async () => {
        let saved;
        try {
          saved = await api.put(PATH, collect());
        } catch (error) {
          showErrors(form, error);
          return;
        }
        fill(saved);
        announce(t("profile.saved"), "success");
      });
    });

    // Filled before it is shown: a form shown first and filled when the answer came back
    // overwrote whatever the admin had typed meanwhile, and saving sent the old profile.
    fill(await api.get(PATH));
    container.append(form);
  },
};
