// The "When" part of the schedule form: repeat daily, weekly, monthly or by a cron expression, at
// a time, on days or a day, in a timezone, with a live preview of the next runs; and the words
// for a saved recurrence, which the schedules screens show.
// data-testid: schedule-recurrence, schedule-days, schedule-day, schedule-time, schedule-cron,
//   schedule-timezone, preview-runs, preview-note

import { api } from "/app/api.js";
import { locale, timezone } from "/app/format.js";
import { t } from "/app/i18n.js";
import { el, fieldMessage } from "/app/ui.js";
import { debounce, fld, input, select, show, uid } from "/app/screens/schedule-controls.js";

const modes = () => [["daily", t("recurrence.daily")], ["weekly", t("recurrence.weekly")],
  ["monthly", t("recurrence.monthly")], ["custom", t("recurrence.custom_cron")]];
const days = () => [["mon", t("day.mon")], ["tue", t("day.tue")], ["wed", t("day.wed")], ["thu", t("day.thu")],
  ["fri", t("day.fri")], ["sat", t("day.sat")], ["sun", t("day.sun")]];
// The API writes weekly presets as cron day numbers (0 = Sunday); reading them back lets an
// edit reopen in the preset it was made with.
const CRON_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const monthDays = () => [...Array.from({ length: 31 }, (_, i) => [String(i + 1), String(i + 1)]),
  ["last", t("recurrence.last_day")]];
const ZONES = ["Asia/Kolkata", "UTC", "Asia/Dubai", "Asia/Singapore", "Asia/Tokyo", "Europe/London",
  "Europe/Berlin", "America/New_York", "America/Chicago", "America/Los_Angeles", "Australia/Sydney"];
// What the preview may point at: everything else in the form is left alone while typing.
const RECURRENCE_FIELDS = ["cron", "timezone", "preset", "preset.time", "preset.day", "preset.days"];

// The daily/weekly/monthly shape of a cron expression the API made from a preset, else null.
function presetFromCron(cron) {
  const m = /^(\d{1,2}) (\d{1,2}) (\S+) \* (\S+)$/.exec(cron || "");
  if (!m || Number(m[1]) > 59 || Number(m[2]) > 23) return null;
  const [, minute, hour, dom, dow] = m;
  const time = `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
  if (dom === "*" && dow === "*") return { kind: "daily", time };
  if (dom === "*" && /^[0-6](,[0-6])*$/.test(dow)) {
    return { kind: "weekly", time, days: dow.split(",").map((n) => CRON_DAYS[Number(n)]) };
  }
  if (dow !== "*") return null;
  if (dom === "L") return { kind: "monthly", time, day: "last" };
  if (/^\d{1,2}$/.test(dom) && Number(dom) >= 1 && Number(dom) <= 31) return { kind: "monthly", time, day: Number(dom) };
  return null;
}

// A saved recurrence in words, as the schedules screens show it: its preset, else "Custom".
export function describeRecurrence(cron) {
  const p = presetFromCron(cron);
  const dayName = (d) => days().find(([v]) => v === d)[1];
  if (!p) return t("recurrence.custom");
  if (p.kind === "daily") return t("recurrence.daily_at", { time: p.time });
  if (p.kind === "weekly") return t("recurrence.weekly_on", { days: p.days.map(dayName).join(", "), time: p.time });
  if (p.day === "last") return t("recurrence.monthly_last", { time: p.time });
  return t("recurrence.monthly_on", { day: String(p.day), time: p.time });
}

// A run time in a given zone ("Mon, 04 May 2026, 09:00 IST"); the ISO text if the browser
// does not know the zone.
function inZone(iso, zone) {
  try {
    return new Intl.DateTimeFormat(locale(), { timeZone: zone, weekday: "short", day: "2-digit",
      month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false,
      timeZoneName: "short" }).format(new Date(iso));
  } catch {
    return iso;
  }
}

// One field's error set (or cleared with ""): the preview touches only the recurrence fields,
// so the save errors of the other fields stay in place.
function fieldError(form, path, message) {
  const node = form.querySelector(`[name="${CSS.escape(path)}"]`)
    || (message && form.querySelector(`[name="${CSS.escape(path.split(".")[0])}"]`));
  const slot = node && form.querySelector(`#${CSS.escape(node.id)}-error`);
  if (!slot) return;
  slot.hidden = !message;
  slot.textContent = message;
  if (message) node.setAttribute("aria-invalid", "true");
  else node.removeAttribute("aria-invalid");
}
const clearRecurrenceErrors = (form) => RECURRENCE_FIELDS.forEach((name) => fieldError(form, name, ""));

// The part for `s` (a SchedulePublic, or {} for a new schedule): `nodes` go in the form where the
// recurrence is asked, `zoneOptions` at its end; start(form) once the form holds them.
export function recurrencePart(s) {
  const preset = s.cron ? presetFromCron(s.cron) : { kind: "daily", time: "09:00" };
  const ids = { zones: uid("zones"), days: uid("days") };
  const c = {
    mode: select("preset", modes(), preset ? preset.kind : "custom", "schedule-recurrence"),
    day: select("preset.day", monthDays(), preset?.day ?? 1, "schedule-day"),
    time: input("preset.time", "schedule-time", { type: "time", value: preset?.time || "09:00" }),
    cron: input("cron", "schedule-cron", { value: s.cron, placeholder: "30 9 * * 1-5", spellcheck: "false" }),
    zone: input("timezone", "schedule-timezone", { value: s.timezone || timezone(), list: ids.zones }),
  };
  const chosenDays = preset?.days || ["mon"];
  const weekDays = el("fieldset", { name: "preset.days", id: ids.days, dataset: { testid: "schedule-days" },
    "aria-describedby": `${ids.days}-error`, style: "border:none;padding:0;margin:0 0 .8rem" },
  el("legend", { style: "font-weight:600;font-size:.9rem" }, t("recurrence.days")),
  el("div", { class: "actions" }, days().map(([v, label]) => el("label", { style: "font-weight:400" },
    el("input", { type: "checkbox", value: v, checked: chosenDays.includes(v) }), ` ${label}`))),
  el("p", { class: "field-error", id: `${ids.days}-error`, hidden: true }));
  const wraps = {
    day: fld(t("recurrence.day_of_month"), c.day, t("recurrence.day_of_month_hint")),
    time: fld(t("recurrence.time"), c.time, t("recurrence.time_hint")),
    cron: fld(t("recurrence.cron"), c.cron, t("recurrence.cron_hint")),
  };
  const previewList = el("ol", { dataset: { testid: "preview-runs" } });
  const previewNote = el("p", { class: "hint", "aria-live": "polite", dataset: { testid: "preview-note" } }, t("common.loading"));
  const previewHeading = uid("preview");
  const nodes = [
    el("h3", {}, t("recurrence.when")),
    el("div", { class: "row" }, fld(t("recurrence.repeat"), c.mode), wraps.time, wraps.day),
    weekDays, wraps.cron,
    fld(t("schedules.timezone"), c.zone, t("recurrence.timezone_hint")),
    el("section", { "aria-labelledby": previewHeading, class: "panel" },
      el("h4", { id: previewHeading, style: "margin:0" }, t("recurrence.next_five")), previewNote, previewList)];
  const zoneOptions = el("datalist", { id: ids.zones }, ZONES.map((z) => el("option", { value: z })));
  let form = null; // errors are placed by field name in the whole form (see fieldError)

  function sync() {
    const mode = c.mode.value;
    [[weekDays, mode === "weekly"], [wraps.day, mode === "monthly"],
      [wraps.time, mode !== "custom"], [wraps.cron, mode === "custom"]].forEach(([node, on]) => show(node, on));
  }

  function recurrence() {
    const body = { timezone: c.zone.value.trim() || null };
    const mode = c.mode.value;
    if (mode === "custom") return { ...body, cron: c.cron.value.trim() };
    const chosen = { kind: mode, time: c.time.value };
    if (mode === "weekly") chosen.days = [...weekDays.querySelectorAll("input:checked")].map((box) => box.value);
    if (mode === "monthly") chosen.day = c.day.value === "last" ? "last" : Number(c.day.value);
    return { ...body, preset: chosen };
  }

  function incomplete() {
    const mode = c.mode.value;
    if (mode === "custom" && c.cron.value.trim().split(/\s+/).filter(Boolean).length !== 5) {
      return ["cron", t("recurrence.cron_five_fields")];
    }
    if (mode !== "custom" && !c.time.value) return ["preset.time", t("recurrence.choose_time")];
    if (mode === "weekly" && !weekDays.querySelector("input:checked")) return ["preset.days", t("recurrence.choose_day")];
    return null;
  }

  // Answers can overtake each other while typing: only the latest request's answer is shown.
  let previewSeq = 0;
  async function refreshPreview() {
    const mine = ++previewSeq;
    // Half-typed values are answered here: asking the API would only produce a 422.
    const local = incomplete();
    if (local) {
      clearRecurrenceErrors(form);
      fieldError(form, ...local);
      previewList.replaceChildren();
      previewNote.textContent = t("recurrence.complete_it");
      return;
    }
    try {
      const result = await api.post("/api/v1/schedules/preview?count=5", recurrence());
      if (mine !== previewSeq) return;
      clearRecurrenceErrors(form);
      previewList.replaceChildren(...result.runs.map((run) => el("li", {},
        el("time", { datetime: run.local }, inZone(run.local, result.timezone)),
        el("span", { class: "hint" }, ` · ${inZone(run.utc, "UTC")}`))));
      previewNote.textContent = result.runs.length
        ? t("recurrence.preview_note", { cron: result.cron, zone: result.timezone,
          first: inZone(result.runs[0].local, result.timezone) })
        : t("recurrence.no_runs");
    } catch (error) {
      if (mine !== previewSeq) return;
      clearRecurrenceErrors(form);
      previewList.replaceChildren();
      for (const problem of error.fieldErrors) fieldError(form, String(problem.field), fieldMessage(form, problem));
      previewNote.textContent = error.status === 422
        ? t("recurrence.fix_it", { reason: error.message })
        : t("recurrence.preview_unavailable", { reason: error.message });
    }
  }
  const previewSoon = debounce(refreshPreview, 350);

  function start(owner) {
    form = owner;
    form.addEventListener("input", (event) => {
      if (RECURRENCE_FIELDS.includes(event.target.name) || weekDays.contains(event.target)) previewSoon();
    });
    refreshPreview();
  }

  return { nodes, zoneOptions, sync, body: recurrence, start };
}
