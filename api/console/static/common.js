// What both pages share: the API client with its login, a DOM builder that never parses data as HTML,
// and clock times read from ISO strings in the region's timezone.

// The session: an access token (an hour) and a refresh token (rotated on every use, bound to this
// device, ending after a shift). Both in localStorage, so that a reopened tab or a home-screen launch
// finds them (sessionStorage dies with the tab; IndexedDB would hold them no safer from a script on
// this origin, which the CSP's script-src 'self' keeps out, and is not synchronous).
const TOKEN_KEY = "nurse-dispatch-token";
const REFRESH_KEY = "nurse-dispatch-refresh";
const DEVICE_KEY = "nurse-dispatch-device";
const USER_KEY = "nurse-dispatch-user";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// A request that never reached the server (no network, a dead zone): the caller may keep it for later.
export class OfflineError extends Error {
  constructor() {
    super("No network: kept on this phone and sent when the network returns.");
  }
}

export function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function currentUsername() {
  return localStorage.getItem(USER_KEY);
}

function forgetSession() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(REFRESH_KEY);
  localStorage.removeItem(USER_KEY);
}

// `content`: a body sent as it is (a CSV file), with the Content-Type given in `headers`.
async function send(method, path, { json, form, content, headers = {} } = {}) {
  const token = localStorage.getItem(TOKEN_KEY);
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = new URLSearchParams(form);
  } else if (content !== undefined) {
    init.body = content;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new OfflineError();
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (error) {
    body = { detail: `HTTP ${response.status}` };
  }
  return { response, body };
}

// The next access token from the refresh token, one tab at a time (a refresh token works once: two tabs
// using the same one would look like theft and end the session). True if there is a fresh token now.
async function renewed(staleToken) {
  const renew = async () => {
    if (localStorage.getItem(TOKEN_KEY) !== staleToken) return Boolean(localStorage.getItem(TOKEN_KEY)); // another tab did
    const refreshToken = localStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    const { response, body } = await send("POST", "/v1/auth/refresh", { json: { refresh_token: refreshToken, device_id: deviceId() } });
    if (!response.ok) {
      if (response.status === 401) forgetSession();
      return false;
    }
    localStorage.setItem(TOKEN_KEY, body.access_token);
    localStorage.setItem(REFRESH_KEY, body.refresh_token);
    return true;
  };
  return navigator.locks ? navigator.locks.request("nurse-dispatch-refresh", renew) : renew();
}

export async function request(method, path, options = {}) {
  const token = localStorage.getItem(TOKEN_KEY);
  let { response, body } = await send(method, path, options);
  if (response.status === 401 && !path.startsWith("/v1/auth/")) {
    if (await renewed(token)) ({ response, body } = await send(method, path, options));
    if (response.status === 401) {
      forgetSession();
      location.reload();
    }
  }
  if (!response.ok) throw new ApiError(response.status, body || {});
  return body;
}

export async function logOut() {
  const refreshToken = localStorage.getItem(REFRESH_KEY);
  forgetSession();
  if (refreshToken) {
    try {
      await send("POST", "/v1/auth/logout", { json: { refresh_token: refreshToken } });
    } catch (error) {
      // Offline: the session ends by itself at the end of the shift; this phone has forgotten it already.
    }
  }
  location.reload();
}

// She chooses her own password. The server then ends every token and session of hers, this one's too, so this page
// logs in again with the new password (a new session for this device).
export async function changeOwnPassword(currentPassword, newPassword) {
  await request("POST", "/v1/me/password", { json: { current_password: currentPassword, new_password: newPassword } });
  const token = await request("POST", "/v1/auth/token",
    { form: { username: currentUsername(), password: newPassword, device_id: deviceId() } });
  localStorage.setItem(TOKEN_KEY, token.access_token);
  if (token.refresh_token) localStorage.setItem(REFRESH_KEY, token.refresh_token);
}

// Resolves with /v1/me once someone is logged in (showing the login form until then).
export async function loggedIn() {
  if (localStorage.getItem(TOKEN_KEY) || localStorage.getItem(REFRESH_KEY)) {
    try {
      return await request("GET", "/v1/me");
    } catch (error) {
      if (error instanceof OfflineError && currentUsername() && location.pathname.endsWith("/nurse.html")) return { username: currentUsername(), role: "nurse", offline: true };
      forgetSession();
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
          { form: { username: form.username.value, password: form.password.value, device_id: deviceId() } });
        localStorage.setItem(TOKEN_KEY, token.access_token);
        if (token.refresh_token) localStorage.setItem(REFRESH_KEY, token.refresh_token);
        localStorage.setItem(USER_KEY, form.username.value);
        screen.remove();
        resolve(await request("GET", "/v1/me"));
      } catch (error) {
        message.textContent = error.message;
      }
    });
  });
}

// h("button", {class: "x", onclick: f}, "text", child): attributes are set, text is text, never HTML.
// The dispatcher's pages: /v1/me once logged in and the page shown; a nurse goes to her own page (and this resolves to null).
export async function dispatcherSignedIn() {
  const me = await loggedIn();
  if (me.role === "nurse") {
    location.replace("nurse.html");
    return null;
  }
  document.getElementById("app").hidden = false;
  return me;
}

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

// The page's one message line (#message): a status, or an error read out as an alert.
export function say(text, isError = false) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.className = isError ? "error" : "";
  message.setAttribute("role", isError ? "alert" : "status");
}

// Run an action, saying what went wrong in the page's message line instead of throwing.
export async function attempt(action) {
  try {
    say("");
    return await action();
  } catch (error) {
    say(error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`, true);
    return undefined;
  }
}
