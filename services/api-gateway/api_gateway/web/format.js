// Amounts in Indian grouping, dates and times in the tenant's timezone.

let tenantZone = "Asia/Kolkata";
export const setTimezone = (zone) => { tenantZone = zone || tenantZone; };
export const timezone = () => tenantZone;

// 12,34,567.89: the last three digits, then groups of two (lakh, crore).
export function money(value) {
  if (value === null || value === undefined || value === "") return "";
  const number = Number(value);
  const sign = number < 0 ? "-" : "";
  const [whole, fraction] = Math.abs(number).toFixed(2).split(".");
  const head = whole.slice(0, -3);
  const tail = whole.slice(-3);
  const grouped = head ? `${head.replace(/\B(?=(\d{2})+(?!\d))/g, ",")},${tail}` : tail;
  return `${sign}${grouped}.${fraction}`;
}

export function bytes(size) {
  if (size === null || size === undefined) return "";
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

// An ISO instant shown in the tenant's timezone: "24 Nov 2026, 14:05".
export function dateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-IN", {
    timeZone: tenantZone, day: "2-digit", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(new Date(iso));
}

// A calendar date (YYYY-MM-DD) shown as 24-11-2026.
export function day(isoDate) {
  if (!isoDate) return "";
  const [y, m, d] = isoDate.slice(0, 10).split("-");
  return `${d}-${m}-${y}`;
}

// Today in the tenant's timezone, as YYYY-MM-DD.
export function today() {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: tenantZone, year: "numeric", month: "2-digit", day: "2-digit",
  }).format(new Date());
  return parts;
}
