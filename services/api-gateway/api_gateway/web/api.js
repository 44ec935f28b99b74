// The gateway's API, with the bearer token and RFC 9457 problem details turned into errors
// that screens can show in plain words (and map to form fields).

const TOKEN_KEY = "ledgerpost.token";

// How a problem's code becomes words (main.js hands in i18n's problemText; this module imports
// nothing, so Node can run it in the unit tests).
let translate = (code, fallback) => fallback;
export function translateProblems(translator) { translate = translator; }

// A refusal in the user's language: problem details carry a stable `code` (top level and per
// field error), translated by the catalogue's "error.<code>"; the server's English otherwise.
export class ApiError extends Error {
  constructor(status, problem) {
    const code = problem?.code || (problem?.detail || problem?.title ? undefined : "request_failed");
    super(translate(code, problem?.detail || problem?.title || `request failed (${status})`, { status })); // i18n: English fallback; translateProblems gives the words
    this.status = status;
    this.code = code;
    this.problem = problem || {};
    // [{field: "to.1", message: "...", code}]: a field error without its own code has the problem's.
    this.fieldErrors = (Array.isArray(problem?.errors) ? problem.errors : [])
      .map((error) => ({ ...error, code: error.code || code }));
  }
}

// The host application hands the SPA its token in the URL fragment (#token=...), which is
// never sent to a server; the app keeps it for the browser tab only.
export function adoptTokenFromLocation() {
  const match = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash);
  if (!match) return false;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, "", window.location.pathname + window.location.search);
  return true;
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

// The token's claims (not verified here: the gateway verifies every request).
export function claims() {
  const value = token.get();
  if (!value) return null;
  try {
    const payload = value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

async function request(method, path, { body, headers = {}, raw = false } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  const bearer = token.get();
  if (bearer) init.headers.Authorization = `Bearer ${bearer}`; // i18n: an HTTP header
  if (body instanceof FormData || typeof body === "string") {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { code: "network", detail: "the server could not be reached; check your connection" }); // i18n: English detail; the code is translated
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = { detail: `${response.status} ${response.statusText}` };
    }
    if (response.status === 401) window.dispatchEvent(new CustomEvent("ledgerpost:signed-out"));
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

export const api = {
  get: (path, options) => request("GET", path, options),
  post: (path, body, options = {}) => request("POST", path, { ...options, body }),
  put: (path, body, options = {}) => request("PUT", path, { ...options, body }),
  del: (path, options) => request("DELETE", path, options),
  raw: (method, path, options = {}) => request(method, path, { ...options, raw: true }),
};

// The reports the server knows (`GET /api/v1/reports`): names, titles, formats, parameters and
// recipient policy. Screens read them from here instead of naming reports; fetched once per page.
let catalogue = null;
export function reports() {
  catalogue ||= api.get("/api/v1/reports").catch((error) => { catalogue = null; throw error; });
  return catalogue;
}

// The same, by name; {} when they could not be loaded (screens then show bare names).
export async function reportsByName() {
  try {
    return Object.fromEntries((await reports()).map((report) => [report.name, report]));
  } catch {
    return {};
  }
}

// A fresh Idempotency-Key per user action: a double click sends once.
export function idempotencyKey() {
  return crypto.randomUUID();
}

// The file name a Content-Disposition gives: `filename*` (RFC 6266, the name in its own
// script) before the quoted ASCII fallback; "" when it names none.
export function dispositionName(disposition) {
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // A malformed escape: the fallback below still names the file.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/i.exec(disposition);
  return plain ? plain[1] ?? plain[2] : "";
}

// Download a protected file (the Authorization header rules out a plain link).
export async function download(path, fallbackName) {
  const response = await api.raw("GET", path);
  const disposition = response.headers.get("content-disposition") || "";
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), {
    href: url,
    download: dispositionName(disposition) || fallbackName,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
