// The app's words in the user's language. Catalogues are plain JSON (web/i18n/<lang>.json),
// one flat key per string; English is always loaded too, so a key missing in another
// catalogue (the unit tests forbid it) would still show words rather than the key.
//
//   t("signin.development", { tenant: "demo" })  ->  "Development sign-in for the demo tenant:"
//
// {name} in a string is replaced by params.name. With params.count, "<key>.one" or
// "<key>.other" is used when the catalogue has them (the language's plural rule decides).
// Numbers given as params are shown in Indian grouping in every language (12,34,567).

import { setLanguage as setFormatLanguage } from "/app/format.js";
import { STATES } from "/app/states.js";

// Each language in its own script, as the picker shows it (names, not translations).
export const LANGUAGES = Object.freeze({ en: "English", mr: "मराठी", hi: "हिन्दी" }); // i18n: proper names
export const DEFAULT_LANGUAGE = "en";

const loaded = {}; // language -> its catalogue
let current = DEFAULT_LANGUAGE;
let plurals = new Intl.PluralRules(DEFAULT_LANGUAGE);

async function load(language) {
  if (!loaded[language]) {
    const response = await fetch(`/app/i18n/${language}.json`, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`catalogue ${language}: ${response.status}`);
    loaded[language] = await response.json();
  }
  return loaded[language];
}

// The language a BCP 47 tag names ("mr-IN" -> "mr"), or null for one we do not have.
export function languageOf(tag) {
  const primary = String(tag || "").trim().replace("_", "-").split("-")[0].toLowerCase();
  return Object.hasOwn(LANGUAGES, primary) ? primary : null;
}

// Before the server has said (the sign-in page): the browser's first language we have.
export function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language]) {
    const language = languageOf(tag);
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
}

export const language = () => current;

// Marathi and Hindi are drawn only once both Devanagari faces are there: text laid out while a
// face was still loading kept Chromium's fallback (empty boxes) in some runs.
async function devanagariFonts(wanted) {
  if (wanted === DEFAULT_LANGUAGE || !document.fonts?.load) return;
  await Promise.all(["400", "700"].map((weight) =>
    document.fonts.load(`${weight} 1em "LedgerPost Devanagari"`, "क").catch(() => []))); // i18n: a CSS font
}

// Load the catalogue and switch to it; listeners of "ledgerpost:language" re-render.
export async function setLanguage(wanted) {
  const next = languageOf(wanted) || DEFAULT_LANGUAGE;
  await Promise.all([load(DEFAULT_LANGUAGE), load(next), devanagariFonts(next)]);
  const changed = next !== current;
  current = next;
  plurals = new Intl.PluralRules(next);
  setFormatLanguage(next); // spelled-out dates and month names follow
  document.documentElement.lang = next;
  if (changed) window.dispatchEvent(new CustomEvent("ledgerpost:language", { detail: next }));
  return next;
}

const shown = (value) => (typeof value === "number" ? value.toLocaleString("en-IN") : String(value));

export function has(key) {
  return Object.hasOwn(loaded[current] || {}, key) || Object.hasOwn(loaded[DEFAULT_LANGUAGE] || {}, key);
}

function lookup(key) {
  return loaded[current]?.[key] ?? loaded[DEFAULT_LANGUAGE]?.[key];
}

export function t(key, params = {}) {
  let text;
  if (typeof params.count === "number") text = lookup(`${key}.${plurals.select(params.count)}`) ?? lookup(`${key}.other`);
  text ??= lookup(key);
  if (text === undefined) {
    console.warn(`i18n: no text for ${key}`); // i18n: a console message for developers
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (params[name] === undefined ? whole : shown(params[name])));
}

// A status word (from STATES) in the user's language.
const STATUS_WORDS = new Set(Object.values(STATES).flatMap((kind) => Object.values(kind.statuses)));
export function statusText(status) {
  if (!status) return "—";
  return STATUS_WORDS.has(status) && has(`status.${status}`) ? t(`status.${status}`) : status;
}

// A report's title (GET /reports answers English) in the user's language, by the report's name.
export function reportTitle(name, serverTitle) {
  return has(`report.title.${name}`) ? t(`report.title.${name}`) : serverTitle || name;
}

// Problem details stay English for machines; people read them by their stable code. English
// screens show the server's own words (they name the limit or the value at fault); the others
// the catalogue's "error.<code>", else (no such key, or a {value} its text needs is unknown)
// the server's words.
export function problemText(code, fallback, params = {}) {
  if (fallback && current === DEFAULT_LANGUAGE) return fallback;
  if (!code || !has(`error.${code}`)) return fallback;
  const text = t(`error.${code}`, params);
  return /\{\w+\}/.test(text) ? fallback : text;
}
