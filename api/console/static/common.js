// What both pages share: the API client with its login, a DOM builder that never parses data as HTML,
// and clock times read from ISO strings in the region's timezone.

const TOKEN_KEY = "nurse-dispatch-token";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function request(method, path, { json, form, headers = {} } = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = new URLSearchParams(form);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (response.status === 401 && path !== "/v1/auth/token") {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  }
  if (!response.ok) throw new ApiError(response.status, body || {});
  return body;
}

export function logOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
}

// Resolves with /v1/me once someone is logged in (showing the login form until then).
export async function loggedIn() {
  if (sessionStorage.getItem(TOKEN_KEY)) {
    try {
      return await request("GET", "/v1/me");
    } catch (error) {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }
  const message = h("p", { role: "alert" });
  const form = h("form", {},
    h("h1", {}, "Nurse Dispatch"),
    h("label", {}, "User name ", h("input", { name: "username", autocomplete: "username", required: true })),
    h("label", {}, "Password ", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
    h("button", { type: "submit" }, "Log in"),
    message);
  const screen = h("section", { id: "login", class: "login" }, form);
  document.body.prepend(screen);
  form.username.focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      message.textContent = "";
      try {
        const token = await request("POST", "/v1/auth/token",
          { form: { username: form.username.value, password: form.password.value } });
        sessionStorage.setItem(TOKEN_KEY, token.access_token);
        screen.remove();
        resolve(await request("GET", "/v1/me"));
      } catch (error) {
        message.textContent = error.message;
      }
    });
  });
}

// h("button", {class: "x", onclick: f}, "text", child): attributes are set, text is text, never HTML.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "style" && typeof value === "object") Object.assign(element.style, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// "2026-11-25T09:30:00-07:00" → "09:30": the wall-clock time in the region, whatever the browser's zone.
export function hhmm(iso) {
  return iso ? iso.slice(11, 16) : "";
}

export function minutesOfDay(iso) {
  return Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
}

export function hoursAndMinutes(seconds) {
  const minutes = Math.round(seconds / 60);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")}` : `${minutes} min`;
}

export function localToday() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

export function hashParams() {
  return new URLSearchParams(location.hash.slice(1));
}

export function setHashParams(values) {
  const params = hashParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) params.delete(key);
    else params.set(key, value);
  }
  history.replaceState(null, "", `#${params}`);
}

// The domain's words and numbers (statuses, transitions, report kinds, bounds, the re-time tolerance),
// read once from the API rather than repeated here.
let vocabularyRead = null;
export function vocabulary() {
  vocabularyRead ??= request("GET", "/v1/vocabulary");
  return vocabularyRead;
}

export const STATUS_LABELS = {
  requested: "requested", scheduled: "scheduled", en_route: "on the way", in_progress: "in progress",
  done: "done", cancelled: "cancelled", no_show: "no show",
};
