// The mailbox read for bounces (admins), shown under the SMTP settings: the IMAP server, the
// login (password write-only, as SMTP's), the folder, how its reading goes, and a "test"
// button that logs in and opens the folder read-only.
//
// data-testid: mailbox-form, mailbox-note, mailbox-status, mailbox-password-stored,
// mailbox-password-clear, save-mailbox, test-mailbox, mailbox-test-result.

import { api } from "/app/api.js";
import { dateTime } from "/app/format.js";
import { t } from "/app/i18n.js";
import { announce, busy, clearErrors, el, field, showErrors } from "/app/ui.js";

const PATH = "/api/v1/admin/mailbox-settings";
// The API's own defaults, so a first save stores what the server would.
const DEFAULTS = {
  host: "", port: 993, security: "ssl", username: "", has_password: false, folder: "INBOX",
  timeout_seconds: 30, enabled: true,
};

const input = (name, attrs = {}) => el("input", { name, type: "text", ...attrs });

export async function mailboxSection() {
  let stored = null;
  try {
    stored = await api.get(PATH);
  } catch (error) {
    if (error.status !== 404) throw error; // 404 only means "never configured"
  }
  const f = {
    host: input("host", { autocomplete: "off", spellcheck: "false" }),
    port: input("port", { type: "number", min: 1, max: 65535, inputmode: "numeric" }),
    security: el("select", { name: "security" },
      el("option", { value: "ssl" }, t("mailbox.security.ssl")),
      el("option", { value: "starttls" }, t("mailbox.security.starttls")),
      el("option", { value: "none" }, t("mailbox.security.none"))),
    username: input("username", { autocomplete: "off" }),
    password: el("input", { name: "password", type: "password", autocomplete: "new-password" }),
    folder: input("folder", { spellcheck: "false" }),
    timeout_seconds: input("timeout_seconds", { type: "number", min: 1, max: 120 }),
    enabled: el("input", { name: "enabled", type: "checkbox" }),
  };
  // Write-only: blank keeps the stored password, "clear" sends null, a typed one replaces it.
  const clearPassword = el("input", { type: "checkbox", name: "password_clear",
    "data-testid": "mailbox-password-clear" });
  const passwordStored = el("p", { class: "hint", "data-testid": "mailbox-password-stored" });
  const clearLine = el("p", { class: "hint", style: "margin:0" },
    el("label", { style: "font-weight:normal" }, clearPassword, " ", t("mailbox.password_clear")));

  const note = el("p", { class: "notice", "data-testid": "mailbox-note" }, t("mailbox.not_configured"));
  const status = el("div", { "data-testid": "mailbox-status" });
  const save = el("button", { type: "submit", "data-testid": "save-mailbox" }, t("mailbox.save"));
  const test = el("button", { type: "button", class: "secondary", "data-testid": "test-mailbox" },
    t("mailbox.test"));
  const result = el("div", { "data-testid": "mailbox-test-result", "aria-live": "polite" });
  const form = el("form", { novalidate: true, "data-testid": "mailbox-form",
    "aria-labelledby": "mailbox-heading" },
  el("h2", { id: "mailbox-heading" }, t("mailbox.heading")),
  el("p", { class: "hint" }, t("mailbox.intro")),
  note,
  el("div", { class: "row" }, field(t("mailbox.host"), f.host, t("mailbox.host_hint")),
    field(t("mailbox.port"), f.port), field(t("mailbox.security"), f.security)),
  el("div", { class: "row" }, field(t("mailbox.username"), f.username),
    el("div", {}, field(t("mailbox.password"), f.password), passwordStored, clearLine)),
  el("div", { class: "row" }, field(t("mailbox.folder"), f.folder, t("mailbox.folder_hint")),
    field(t("mailbox.timeout"), f.timeout_seconds, t("mailbox.timeout_hint"))),
  el("label", {}, f.enabled, " ", t("mailbox.enabled")),
  status,
  el("p", { class: "form-summary", hidden: true }),
  el("div", { class: "actions" }, save, test), result);

  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });

  function showStatus(values) {
    if (!values) return status.replaceChildren();
    const lines = [t("mailbox.bounces_recorded", { count: values.bounces_recorded })];
    lines.push(values.last_scan_at
      ? t("mailbox.last_read", { when: dateTime(values.last_scan_at), uid: values.last_uid })
      : t("mailbox.not_read_yet"));
    const nodes = lines.map((line) => el("p", { class: "hint", style: "margin:.2rem 0" }, line));
    if (values.last_scan_error) {
      nodes.push(el("p", { class: "notice error" }, t("mailbox.last_error", { reason: values.last_scan_error })));
    }
    return status.replaceChildren(...nodes);
  }

  function fill(values) {
    const v = { ...DEFAULTS, ...values };
    for (const key of ["host", "port", "security", "username", "folder", "timeout_seconds"]) f[key].value = v[key] ?? "";
    f.enabled.checked = Boolean(v.enabled);
    f.password.value = "";
    clearPassword.checked = false;
    passwordStored.textContent = v.has_password ? t("mailbox.password_stored") : "";
    clearLine.hidden = !v.has_password;
    note.hidden = Boolean(values);
    showStatus(values);
    dirty = false;
  }

  const number = (node) => (node.value.trim() === "" ? null : Number(node.value));
  function collect() {
    const body = {
      host: f.host.value.trim(), port: number(f.port), security: f.security.value,
      username: f.username.value.trim(), folder: f.folder.value.trim(),
      timeout_seconds: number(f.timeout_seconds),
    };
    if (clearPassword.checked) body.password = null;
    else if (f.password.value) body.password = f.password.value;
    return body;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    announce(t("mailbox.saving"));
    return busy(save, async () => {
      try {
        stored = await api.put(PATH, { ...collect(), enabled: f.enabled.checked });
      } catch (error) {
        showErrors(form, error);
        return;
      }
      fill(stored);
      announce(t("mailbox.saved"), "success");
    });
  });

  test.addEventListener("click", () => {
    clearErrors(form);
    // Unsaved edits (or nothing saved yet) are tried as typed; the stored password is used
    // when none is typed, for the same server only.
    const body = dirty || !stored ? { settings: collect() } : {};
    result.replaceChildren(el("p", { class: "notice" }, el("progress", { "aria-label": t("mailbox.testing") }),
      " ", t("mailbox.testing")));
    announce(t("mailbox.testing"));
    return busy(test, async () => {
      let answer;
      try {
        answer = await api.post(`${PATH}/test`, body);
      } catch (error) {
        result.replaceChildren();
        const fieldErrors = (error.fieldErrors || []).map((e) => ({ ...e, field: String(e.field).replace(/^settings\./, "") }));
        showErrors(form, { message: error.message, fieldErrors });
        return;
      }
      const lines = answer.ok
        ? [t("mailbox.test_ok", { count: answer.messages })]
        : [t("mailbox.test_failed", { reason: answer.reason }), t("mailbox.error_class", { name: answer.error_class })];
      result.replaceChildren(el("div", { class: `notice ${answer.ok ? "success" : "error"}` },
        lines.map((line) => el("p", { style: "margin:.2rem 0" }, line))));
      announce(lines[0], answer.ok ? "success" : "error");
    });
  });

  fill(stored);
  return el("section", { class: "panel-wrap" }, form);
}
