// The schedule form's control builders, shared by its parts (schedule-form.js and
// schedule-recurrence.js): inputs, selects and checkboxes tagged with their data-testid, a field
// whose hint is read with its input, ids made unique per form, showing or hiding a field.

import { el, field } from "/app/ui.js";

export const debounce = (fn, ms) => { let t; return () => { clearTimeout(t); t = setTimeout(fn, ms); }; };
export const uid = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 9)}`;
export const show = (node, visible) => { node.hidden = !visible; node.style.display = visible ? "" : "none"; };

// field() links the error slot; the hint is linked here too so screen readers read both.
export function fld(label, input, hint) {
  const wrap = field(label, input, hint);
  const note = wrap.querySelector(".hint");
  if (note) {
    note.id = `${input.id}-hint`;
    input.setAttribute("aria-describedby", `${input.id}-error ${note.id}`);
  }
  return wrap;
}

export const input = (name, testid, attrs = {}) => el("input", { name, autocomplete: "off", dataset: { testid }, ...attrs });
export const select = (name, options, value, testid) => el("select", { name, dataset: { testid } },
  options.map(([v, label]) => el("option", { value: v, selected: String(v) === String(value) }, label)));
export const check = (name, testid, checked, label) => el("label", { style: "font-weight:400" },
  input(name, testid, { type: "checkbox", checked }), ` ${label}`);
