// Numbers, dates and times the Indian way whatever the browser's locale: amounts and counts in
// Indian grouping (12,34,567.89), calendar dates typed and shown as dd-mm-yyyy and spelled out
// in the UI's language ("1 April 2026"), instants in the tenant's timezone. Pure functions (no
// DOM), so Node runs them in the unit tests (tests/unit/test_web_format.py).

let tenantZone = "Asia/Kolkata";
export const setTimezone = (zone) => { tenantZone = zone || tenantZone; };
export const timezone = () => tenantZone;

// The UI's language ("en", "mr", "hi") for spelled-out dates and month names; digits stay
// Latin (nu-latn) so a spelled date reads like the dd-mm-yyyy beside it.
let uiLanguage = "en";
export const setLanguage = (language) => { uiLanguage = language || uiLanguage; };
export const locale = () => `${uiLanguage}-IN-u-nu-latn`;

// 1234567 -> "12,34,567": the last three digits, then groups of two (lakh, crore).
function groupIndian(digits) {
  const head = digits.slice(0, -3);
  const tail = digits.slice(-3);
  return head ? `${head.replace(/\B(?=(\d{2})+(?!\d))/g, ",")},${tail}` : tail;
}

// An amount with two decimals: 12,34,567.89. The API's decimal strings are grouped as written
// (no float: 18-digit amounts keep their paise); numbers are rounded to paise.
export function money(value) {
  if (value === null || value === undefined || value === "") return "";
  const text = String(value).trim();
  const exact = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  let sign;
  let whole;
  let fraction;
  if (exact) {
    [, sign, whole, fraction = ""] = exact;
    whole = whole.replace(/^0+(?=\d)/, "");
    fraction = fraction.padEnd(2, "0");
  } else {
    const number = Number(text);
    if (!Number.isFinite(number)) return text;
    sign = number < 0 ? "-" : "";
    [whole, fraction] = Math.abs(number).toFixed(2).split(".");
  }
  const zero = /^0*$/.test(whole + fraction);
  return `${sign === "-" && !zero ? "-" : ""}${groupIndian(whole)}.${fraction}`;
}

// A whole count (rows, vouchers): 1,00,000.
export function count(value) {
  const number = Math.trunc(Number(value || 0));
  return `${number < 0 ? "-" : ""}${groupIndian(String(Math.abs(number)))}`;
}

export function bytes(size) {
  if (size === null || size === undefined) return "";
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

// An ISO instant shown in the tenant's timezone, in the UI's language: "24 Nov 2026, 14:05"
// (मराठी "24 नोव्हें, 2026, 14:05").
export function dateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), {
    timeZone: tenantZone, day: "2-digit", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(new Date(iso));
}

// --- Calendar dates: ISO "YYYY-MM-DD" strings, never Date objects in local time (no drift). --

const pad = (n, width = 2) => String(n).padStart(width, "0");
export const isoDate = (y, m, d) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
export const daysInMonth = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m is 1-12
const utc = (isoValue) => new Date(`${isoValue}T00:00:00Z`);

// "2026-11-24" -> "24-11-2026".
export function day(isoValue) {
  if (!isoValue) return "";
  const [y, m, d] = isoValue.slice(0, 10).split("-");
  return `${d}-${m}-${y}`;
}

// What a person types, read as day-month-year whatever the browser's locale: "24-11-2026",
// "24/11/2026", "24.11.26", "1-4-2026", "24112026". Returns the ISO date, or null when the
// text is not a real date (31-02-2026, 00-01-2026) or not in that order.
export function parseDay(text) {
  const typed = String(text || "").trim();
  const digitsOnly = /^(\d{2})(\d{2})(\d{4})$/.exec(typed);
  const split = /^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{2}|\d{4})$/.exec(typed);
  const parts = digitsOnly || split;
  if (!parts) return null;
  const d = Number(parts[1]);
  const m = Number(parts[2]);
  // Two-digit years are this century's: accounts are about recent years.
  const y = parts[3].length === 2 ? 2000 + Number(parts[3]) : Number(parts[3]);
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return isoDate(y, m, d);
}

// Whole days from `a` to `b` (ISO dates); negative when b is earlier.
export const daysBetween = (a, b) => Math.round((utc(b) - utc(a)) / 86_400_000);

// The date `n` days after `isoValue` (n may be negative).
export function addDays(isoValue, n) {
  const moved = utc(isoValue);
  moved.setUTCDate(moved.getUTCDate() + n);
  return moved.toISOString().slice(0, 10);
}

// The same day `n` months later, kept inside the month (31 Jan + 1 month = 28/29 Feb).
export function addMonths(isoValue, n) {
  const [y, m, d] = isoValue.split("-").map(Number);
  const index = y * 12 + (m - 1) + n;
  const [ny, nm] = [Math.floor(index / 12), (index % 12) + 1];
  return isoDate(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

// "2026-04-01" -> "1 April 2026" (मराठी: "1 एप्रिल, 2026"; हिन्दी: "1 अप्रैल 2026").
export function spelledDay(isoValue) {
  if (!isoValue) return "";
  return new Intl.DateTimeFormat(locale(), {
    timeZone: "UTC", day: "numeric", month: "long", year: "numeric",
  }).format(utc(isoValue));
}

// "1 April 2026 – 30 November 2026"; one end missing: "from …" / "up to …", the words made by
// `words` (the SPA passes the catalogue's: Hindi puts them after the date, "1 अप्रैल 2026 से").
const ENGLISH_ENDS = { from: (date) => `from ${date}`, upTo: (date) => `up to ${date}` }; // i18n: English default; the app passes the catalogue's words
export function spelledPeriod(from, to, words = ENGLISH_ENDS) {
  if (from && to) return `${spelledDay(from)} – ${spelledDay(to)}`;
  if (from) return words.from(spelledDay(from));
  if (to) return words.upTo(spelledDay(to));
  return "";
}

// "April 2026" for a calendar's heading; weekday names from Sunday, for its columns.
export function monthTitle(y, m) {
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", month: "long", year: "numeric" })
    .format(utc(isoDate(y, m, 1)));
}
export function weekdayNames(style = "short") {
  const format = new Intl.DateTimeFormat(locale(), { timeZone: "UTC", weekday: style });
  return [0, 1, 2, 3, 4, 5, 6].map((i) => format.format(utc(isoDate(2026, 3, 1 + i)))); // 1 March 2026: a Sunday
}

// Today in the tenant's timezone, as YYYY-MM-DD.
export function today() {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: tenantZone, year: "numeric", month: "2-digit", day: "2-digit",
  }).format(new Date());
}
