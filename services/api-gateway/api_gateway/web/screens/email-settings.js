// Email settings (admins): the tenant's SMTP server, how reports are delivered per format, the
// internal domains, and a "send test email" button that reports the server's own answer.
//
// data-testid: settings-form, settings-note, settings-warnings, save-settings, password-stored,
// password-change, password-clear, password-keep, password-input, test-email-form,
// test-email-to, send-test-email, test-email-result.

import { api } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { addressList, announce, busy, clearErrors, el, field, phrase, showErrors } from "/app/ui.js";
import { STATES } from "/app/states.js";
import { t } from "/app/i18n.js";
import { mailboxSection } from "/app/screens/mailbox-settings.js";

const PATH = "/api/v1/admin/email-settings";
// The API's own defaults, so a first save without touching them stores what the server would.
const DEFAULTS = {
  host: "", port: 587, security: "starttls", username: "", has_password: false,
  from_email: "", from_name: "", reply_to: "", timeout_seconds: 30, max_attachment_mb: 10,
  delivery: { csv: "attach", xlsx: "link", pdf: "link" }, link_ttl_days: 7, internal_domains: [],
  warnings: [],
};
const FORMATS = ["csv", "xlsx", "pdf"];

const input = (name, attrs = {}) => el("input", { name, type: "text", ...attrs });
const options = (pairs) => pairs.map(([value, label]) => el("option", { value }, label));
// min-width:0 lets a fieldset shrink below its widest select at phone width.
const group = (legend, ...children) => el("fieldset", { style: "border:1px solid var(--line);" +
  "border-radius:6px;padding:.5rem .8rem;margin:0 0 1rem;min-width:0" }, el("legend", {}, legend), ...children);

export const emailSettingsScreen = {
  path: "/admin/email-settings",
  get title() { return t("screen.email_settings"); },
  nav: true,
  adminOnly: true,
  async render(container, { user }) {
    let stored = null;
    // Internal domains live on the tenant and may exist before SMTP is configured: the empty
    // form starts from them, so a first save does not wipe them.
    let tenantDomains = [];
    try {
      stored = await api.get(PATH);
    } catch (error) {
      if (error.status !== 404) throw error; // 404 only means "never configured"
      tenantDomains = (await api.get("/api/v1/admin/tenant")).internal_domains || [];
    }

    const f = {
      host: input("host", { autocomplete: "off", spellcheck: "false" }),
      port: input("port", { type: "number", min: 1, max: 65535, inputmode: "numeric" }),
      security: el("select", { name: "security" }, options([
        ["starttls", t("smtp.starttls")], ["ssl", t("smtp.ssl")], ["none", t("smtp.none")]])),
      username: input("username", { autocomplete: "off" }),
      from_email: input("from_email", { type: "email", autocomplete: "off" }),
      from_name: input("from_name"),
      reply_to: input("reply_to", { type: "email", autocomplete: "off" }),
      timeout_seconds: input("timeout_seconds", { type: "number", min: 1, max: 120 }),
      max_attachment_mb: input("max_attachment_mb", { type: "number", min: 1, max: 25 }),
      link_ttl_days: input("link_ttl_days", { type: "number", min: 1, max: 30 }),
      internal_domains: el("textarea", { name: "internal_domains", rows: 3, spellcheck: "false" }),
    };
    const delivery = Object.fromEntries(FORMATS.map((key) => [key, el("select",
      { name: `delivery.${key}` }, options([["attach", t("smtp.attach_small")],
        ["link", t("smtp.always_link")]]))]));

    // The password is write-only: the API only says whether one is stored. "keep" omits it
    // from the body, "clear" sends null, a typed value replaces it.
    const password = el("input", { name: "password", type: "password",
      autocomplete: "new-password", "data-testid": "password-input" });
    const passwordField = field(t("field.password"), password, t("smtp.password_hint"));
    const passwordBox = el("div", {});
    let passwordMode = "keep";
    let hasPassword = false;
    const button = (label, testid, onclick) => el("button",
      { type: "button", class: "secondary", "data-testid": testid, onclick }, label);
    function renderPassword(mode) {
      passwordMode = mode;
      password.value = "";
      if (!hasPassword) return passwordBox.replaceChildren(passwordField);
      const stateLine = (text, ...buttons) => el("div", { class: "field", role: "group", "aria-label": t("field.password") },
        el("span", { style: "font-weight:600;font-size:.9rem", "aria-hidden": "true" }, t("field.password")),
        el("p", { style: "margin:0", "data-testid": "password-stored" }, text),
        el("div", { class: "actions" }, buttons));
      if (mode === "keep") {
        passwordBox.replaceChildren(stateLine(t("smtp.password_stored"),
          button(t("smtp.change"), "password-change", () => { renderPassword("change"); password.focus(); markDirty(); }),
          button(t("smtp.clear"), "password-clear", () => { renderPassword("clear"); markDirty(); })));
      } else if (mode === "change") {
        passwordBox.replaceChildren(passwordField, el("p", { class: "hint", "data-testid": "password-stored" },
          t("smtp.password_replaces")), el("div", { class: "actions" },
          button(t("smtp.keep_password"), "password-keep", () => renderPassword("keep"))));
      } else {
        passwordBox.replaceChildren(stateLine(t("smtp.password_removed"),
          button(t("smtp.undo"), "password-keep", () => renderPassword("keep"))));
      }
      return undefined;
    }

    // A changed server needs the stored password typed again (password_required): open the
    // field, so the server's message sits next to it.
    function revealPassword(fieldErrors) {
      if (hasPassword && passwordMode === "keep" && fieldErrors.some((e) => e.field === "password")) {
        renderPassword("change");
      }
    }

    const note = el("p", { class: "notice", "data-testid": "settings-note" }, t("smtp.not_configured"));
    const warnings = el("div", { "data-testid": "settings-warnings" });
    const savedLine = el("p", { class: "hint" });
    const save = el("button", { type: "submit", "data-testid": "save-settings" }, t("smtp.save"));
    const formatName = { csv: t("format.csv"), xlsx: t("format.xlsx"), pdf: t("format.pdf") };
    const form = el("form", { novalidate: true, "data-testid": "settings-form", "aria-label": t("smtp.form_label") },
      group(t("smtp.mail_server"),
        el("div", { class: "row" }, field(t("smtp.host"), f.host, t("smtp.host_hint")),
          field(t("smtp.port"), f.port), field(t("smtp.security"), f.security)),
        el("div", { class: "row" }, field(t("smtp.username"), f.username, t("smtp.username_hint")),
          el("div", { class: "field" }, passwordBox)),
        field(t("smtp.timeout"), f.timeout_seconds, t("smtp.timeout_hint"))),
      group(t("smtp.sender"),
        el("div", { class: "row" }, field(t("smtp.from_email"), f.from_email), field(t("smtp.from_name"), f.from_name),
          field(t("smtp.reply_to"), f.reply_to, t("common.optional")))),
      group(t("audit.delivery"),
        el("div", { class: "row" }, FORMATS.map((key) => field(t("smtp.format_reports", { format: formatName[key] }), delivery[key]))),
        el("div", { class: "row" },
          field(t("smtp.attachment_limit"), f.max_attachment_mb, t("smtp.attachment_limit_hint")),
          field(t("smtp.link_days"), f.link_ttl_days, t("smtp.link_days_hint")))),
      group(t("smtp.internal_domains"),
        field(t("smtp.own_domains"), f.internal_domains, t("smtp.own_domains_hint"))),
      el("p", { class: "form-summary", hidden: true }),
      el("div", { class: "actions" }, save, savedLine));

    let dirty = false;
    const testHint = el("p", { class: "hint" });
    function markDirty() {
      dirty = true;
      testHint.textContent = t("smtp.unsaved");
    }
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);

    function showWarnings(list) {
      warnings.replaceChildren(...(list || []).map((w) => el("p", { class: "notice error" }, t("smtp.warning", { warning: w }))));
    }

    function fill(values) {
      const v = { ...DEFAULTS, internal_domains: tenantDomains, ...values };
      for (const key of ["host", "port", "security", "username", "from_email", "from_name",
        "reply_to", "timeout_seconds", "max_attachment_mb", "link_ttl_days"]) f[key].value = v[key] ?? "";
      for (const key of FORMATS) delivery[key].value = v.delivery?.[key] || DEFAULTS.delivery[key];
      f.internal_domains.value = (v.internal_domains || []).join("\n");
      hasPassword = Boolean(v.has_password);
      renderPassword("keep");
      note.hidden = Boolean(values);
      showWarnings(v.warnings);
      const when = v.updated_at ? dateTime(v.updated_at) : "";
      savedLine.textContent = !when ? ""
        : v.updated_by ? t("smtp.saved_by", { time: when, who: v.updated_by }) : t("smtp.saved_at", { time: when });
      dirty = false;
      testHint.textContent = values ? t("smtp.test_uses_saved") : "";
    }

    // A blank number is sent as null so the API names the field, rather than a silent default.
    const number = (node) => (node.value.trim() === "" ? null : Number(node.value));
    const text = (node) => node.value.trim();
    const optional = (node) => node.value.trim() || null;
    function collect() {
      const body = {
        host: text(f.host), port: number(f.port), security: f.security.value,
        username: optional(f.username), from_email: text(f.from_email),
        from_name: optional(f.from_name), reply_to: optional(f.reply_to),
        timeout_seconds: number(f.timeout_seconds), max_attachment_mb: number(f.max_attachment_mb),
        delivery: Object.fromEntries(FORMATS.map((key) => [key, delivery[key].value])),
        link_ttl_days: number(f.link_ttl_days),
        internal_domains: addressList(f.internal_domains.value),
      };
      if (passwordMode === "clear") body.password = null;
      else if (password.value) body.password = password.value;
      return body;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      announce(t("smtp.saving"));
      return busy(save, async () => {
        try {
          stored = await api.put(PATH, collect());
        } catch (error) {
          revealPassword(error.fieldErrors || []);
          showErrors(form, error);
          return;
        }
        fill(stored);
        const count = stored.warnings.length;
        announce(count ? t("smtp.saved_warnings", { count, warnings: stored.warnings.join("; ") })
          : t("smtp.saved"), count ? "info" : "success");
      });
    });

    // --- Send test email ---------------------------------------------------------------
    const to = el("input", { name: "to", type: "email", autocomplete: "email",
      value: user?.email || "", "data-testid": "test-email-to" });
    const send = el("button", { type: "submit", "data-testid": "send-test-email" }, t("smtp.send_test"));
    const result = el("div", { "data-testid": "test-email-result" });
    const testForm = el("form", { novalidate: true, "data-testid": "test-email-form", "aria-labelledby": "test-email-heading" },
      el("h2", { id: "test-email-heading" }, t("smtp.test_heading")),
      field(t("smtp.send_to"), to, t("smtp.send_to_hint")), testHint,
      el("p", { class: "form-summary", hidden: true }),
      el("div", { class: "actions" }, send), result);

    function showResult(answer) {
      const lines = [];
      if (answer.ok) {
        lines.push(t("smtp.test_sent", { reply: [answer.smtp_code, answer.smtp_reply]
          .filter((x) => x !== null && x !== undefined).join(" ") }).trim());
      } else if (answer.status === STATES.email_test.statuses.PENDING) {
        lines.push(t("smtp.test_pending", { reason: answer.reason || t("smtp.test_pending_reason") }));
      } else {
        lines.push(t("smtp.test_failed", { reason: answer.reason || t("smtp.test_refused") }));
        if (answer.error_class) lines.push(t("smtp.error_class", { class: answer.error_class }));
        if (answer.smtp_code) lines.push(t("smtp.server_replied", { reply: `${answer.smtp_code} ${answer.smtp_reply || ""}`.trim() }));
      }
      const ms = answer.duration_ms;
      if (ms !== null && ms !== undefined) {
        lines.push(t("smtp.took", { duration: ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s` }));
      }
      result.replaceChildren(el("div", { class: `notice ${answer.ok ? "success" : "error"}` },
        lines.map((line) => el("p", { style: "margin:.2rem 0" }, line))));
      announce(lines[0], answer.ok ? "success" : "error");
    }

    testForm.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(testForm);
      clearErrors(form);
      // Unsaved edits (or no saved settings at all) are tried as typed; the password goes
      // along only when typed (or cleared), otherwise the server uses the stored one.
      const unsaved = dirty || !stored;
      const body = { to: to.value.trim() };
      if (unsaved) body.settings = collect();
      const limit = (unsaved ? number(f.timeout_seconds) : stored.timeout_seconds) || 30;
      const started = Date.now();
      const elapsed = el("span", {}, "0 s");
      result.replaceChildren(el("p", { class: "notice" },
        el("progress", { "aria-label": t("smtp.sending_test") }), " ",
        phrase("smtp.sending_through", { host: unsaved ? f.host.value || t("smtp.form_server") : stored.host,
          limit, elapsed })));
      const tick = setInterval(() => { elapsed.textContent = `${Math.round((Date.now() - started) / 1000)} s`; }, 1000);
      announce(t("smtp.sending_announce", { to: body.to, limit }));
      return busy(send, async () => {
        try {
          showResult(await api.post(`${PATH}/test`, body));
        } catch (error) {
          result.replaceChildren();
          // Errors about the unsaved settings (settings.port) belong next to the settings form.
          const own = (error.fieldErrors || []).filter((e) => !String(e.field).startsWith("settings."));
          const theirs = (error.fieldErrors || []).filter((e) => String(e.field).startsWith("settings."))
            .map((e) => ({ ...e, field: String(e.field).slice("settings.".length) }));
          revealPassword(theirs);
          if (theirs.length) showErrors(form, { message: error.message, fieldErrors: theirs });
          showErrors(testForm, { message: error.message, fieldErrors: own });
        } finally {
          clearInterval(tick);
        }
      });
    });

    container.append(note, warnings, form, el("section", { class: "panel-wrap" }, testForm));
    fill(stored);
    // The mailbox read for bounces sits next to the server that sends (its own form).
    container.append(await mailboxSection());
  },
};
