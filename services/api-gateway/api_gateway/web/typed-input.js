// What a person has typed or chosen on a screen, kept while the screen is drawn again (the
// language switch draws every label anew, from scratch): read before, put back after into the
// field of the same name. Only fields that differ from how the screen drew them are kept, so a
// screen's own defaults and freshly loaded values stand everywhere else.
//
//   const putBack = keepTyped(main);  ...draw the screen again...  const lost = putBack();

const CONTROLS = "input:not([type=hidden]), select, textarea"; // i18n: a CSS selector
const CHOICE = new Set(["checkbox", "radio"]);
// Putting a value back may draw more fields (a report chosen draws its parameters): a few
// rounds, each filling what the previous one drew.
const ROUNDS = 3;

// Each field under `root` by a name that is the same in every language: its form (test id, else
// its place among the forms), its own name (else test id, else type), a choice's value, and
// how many fields before it had the same name.
function fieldsOf(root) {
  const forms = [...root.querySelectorAll("form")];
  const count = new Map();
  return [...root.querySelectorAll(CONTROLS)].map((control) => {
    const form = control.closest("form");
    const where = form ? form.dataset.testid || `form-${forms.indexOf(form)}` : "";
    const what = control.name || control.dataset.testid || control.type;
    const base = `${where}/${what}${CHOICE.has(control.type) ? `=${control.value}` : ""}`;
    const n = count.get(base) || 0;
    count.set(base, n + 1);
    return [`${base}#${n}`, control];
  });
}

const chosen = (select) => [...select.options].filter((o) => o.selected).map((o) => o.value);

// The field's state when the person changed it from how it was drawn, else null.
function changed(control) {
  if (control.type === "file") return control.files?.length ? { files: control.files } : null;
  if (CHOICE.has(control.type)) return control.checked !== control.defaultChecked ? { checked: control.checked } : null;
  if (control.tagName === "SELECT") {
    return [...control.options].some((o) => o.selected !== o.defaultSelected) ? { chosen: chosen(control) } : null;
  }
  return control.value !== control.defaultValue ? { value: control.value } : null;
}

// Put a state back as if typed (the screen's listeners follow: previews, hints, filters), and
// only where it differs: a preset already put back has filled its dates, which stay a preset.
function write(control, state) {
  if (state.files) {
    control.files = state.files;
  } else if ("checked" in state) {
    if (control.checked === state.checked) return;
    control.checked = state.checked;
  } else if (state.chosen) {
    if (chosen(control).join("\n") === state.chosen.join("\n")) return;
    for (const option of control.options) option.selected = state.chosen.includes(option.value);
  } else {
    if (control.value === state.value) return;
    control.value = state.value;
  }
  control.dispatchEvent(new Event("input", { bubbles: true }));
  control.dispatchEvent(new Event("change", { bubbles: true }));
}

// Read what was typed under `root` now; the function returned puts it back into the screen drawn
// there since, and answers how many values found no field to go to.
export function keepTyped(root) {
  const kept = new Map();
  for (const [key, control] of fieldsOf(root)) {
    const state = changed(control);
    if (state) kept.set(key, state);
  }
  return function putBack() {
    for (let round = 0; round < ROUNDS && kept.size; round += 1) {
      const before = kept.size;
      for (const [key, control] of fieldsOf(root)) {
        if (!kept.has(key)) continue;
        write(control, kept.get(key));
        kept.delete(key);
      }
      if (kept.size === before) break;
    }
    return kept.size;
  };
}
