// The region's nurses: certifications with their expiry (flagged 30 days ahead, as the API says), licences,
// home by address, active; a nurse's login given here by her region's dispatcher, its temporary password shown once.
import { attempt, dispatcherSignedIn, h, hashParams, logOut, request, say, setHashParams, vocabulary } from "./common.js";

const $ = (id) => document.getElementById(id);
const state = { nurses: [], editing: null, loginFor: null, certifications: [] };

async function loadNurses() {
  const region = $("region").value;
  setHashParams({ region });
  const asked = (state.asked = (state.asked || 0) + 1);
  const nurses = await request("GET", `/v1/regions/${region}/nurses`);
  if (asked !== state.asked) return; // a later read (after a save) draws instead
  state.nurses = nurses.sort((a, b) => a.name.localeCompare(b.name));
  drawList();
}

function certificationText(cert) {
  return cert.expires_on ? `${cert.name} (until ${cert.expires_on})` : cert.name;
}

function drawList() {
  if (!state.nurses.length) {
    $("nurses").replaceChildren(h("p", { class: "hint" }, "No nurse in this region yet: add the first below."));
    return;
  }
  const head = h("tr", {}, ["Name", "Certifications", "Licensed in", "Home", "Phone", "Login", "Active", ""].map((t) => h("th", { scope: "col" }, t)));
  const rows = state.nurses.map((nurse) => h("tr", { "data-nurse": nurse.id },
    h("th", { scope: "row" }, nurse.name),
    h("td", {},
      nurse.certifications.map(certificationText).join(", ") || h("span", { class: "muted" }, "none"),
      nurse.certification_warnings.map((w) => h("div", { class: /expired/.test(w) ? "expired" : "warning", role: "note" }, w))),
    h("td", {}, nurse.licensed_states.join(", ")),
    h("td", {}, nurse.home_address || `${nurse.home.lat.toFixed(4)}, ${nurse.home.lon.toFixed(4)}`),
    h("td", {}, nurse.phone || ""),
    h("td", { class: "login-name" }, nurse.login || h("span", { class: "muted" }, "none"),
      nurse.login_temporary ? h("div", { class: "muted" }, "temporary password") : null),
    h("td", {}, nurse.active ? "yes" : "no"),
    h("td", { class: "actions" },
      h("button", { type: "button", "aria-label": `Edit ${nurse.name}`, onclick: () => edit(nurse) }, "Edit"),
      nurse.login ? null : h("button", {
        type: "button", "aria-label": `Give ${nurse.name} a login`, disabled: !nurse.active, onclick: () => openLogin(nurse),
      }, "Give her a login"),
      nurse.login_temporary ? h("button", {
        type: "button", "aria-label": `A new temporary password for ${nurse.name}`, disabled: !nurse.active,
        onclick: () => newTemporaryPassword(nurse),
      }, "New temporary password") : null)));
  $("nurses").replaceChildren(h("table", { "aria-label": "The region's nurses" }, h("thead", {}, head), h("tbody", {}, rows)));
}

// ---------------------------------------------------------------- the form (add or edit)

function drawCertificationInputs() {
  $("n-certifications").replaceChildren(...state.certifications.map((name) => h("span", { class: "cert" },
    h("label", {}, h("input", { type: "checkbox", id: `cert-${name}`, value: name }), name),
    h("input", { type: "date", id: `cert-${name}-expires`, "aria-label": `${name} expires on` }))));
}

function resetForm() {
  state.editing = null;
  $("nurse-form").reset();
  $("form-title").textContent = "Add a nurse";
  $("n-save").textContent = "Add the nurse";
  $("n-cancel").hidden = true;
}

function edit(nurse) {
  state.editing = nurse;
  $("form-title").textContent = `Change ${nurse.name}`;
  $("n-save").textContent = "Save the changes";
  $("n-cancel").hidden = false;
  $("n-name").value = nurse.name;
  $("n-phone").value = nurse.phone || "";
  $("n-address").value = nurse.home_address || "";
  $("n-location").value = nurse.home_address ? "" : `${nurse.home.lat}, ${nurse.home.lon}`;
  $("n-states").value = nurse.licensed_states.join(", ");
  for (const name of state.certifications) {
    const held = nurse.certifications.find((c) => c.name === name);
    $(`cert-${name}`).checked = Boolean(held);
    $(`cert-${name}-expires`).value = held?.expires_on || "";
  }
  $("n-break-start").value = nurse.break ? nurse.break.window.start.slice(0, 5) : "";
  $("n-break-end").value = nurse.break ? nurse.break.window.end.slice(0, 5) : "";
  $("n-break-min").value = nurse.break ? nurse.break.duration_min : "";
  $("n-max-visits").value = nurse.max_visits ?? "";
  $("n-active").checked = nurse.active;
  $("n-name").focus();
}

function formBody() {
  const body = {
    name: $("n-name").value.trim(),
    phone: $("n-phone").value.trim() || null,
    licensed_states: $("n-states").value.split(/[\s,]+/).filter(Boolean),
    certifications: state.certifications.filter((name) => $(`cert-${name}`).checked)
      .map((name) => ({ name, expires_on: $(`cert-${name}-expires`).value || null })),
    max_visits: $("n-max-visits").value === "" ? null : Number($("n-max-visits").value),
    active: $("n-active").checked,
  };
  const address = $("n-address").value.trim();
  const location = $("n-location").value.trim();
  if (location) {
    const [lat, lon] = location.split(/[\s,]+/).map(Number);
    body.home = { lat, lon };
  }
  if (address || state.editing) body.home_address = address || null;
  const breakStart = $("n-break-start").value;
  const breakEnd = $("n-break-end").value;
  const breakMinutes = $("n-break-min").value;
  body.break = breakStart || breakEnd || breakMinutes
    ? { window: { start: breakStart, end: breakEnd }, duration_min: Number(breakMinutes) } : null;
  return body;
}

async function save(event) {
  event.preventDefault();
  await attempt(async () => {
    const body = formBody();
    const editing = state.editing;
    const saved = editing
      ? await request("PATCH", `/v1/nurses/${editing.id}`, { json: body, headers: { "If-Match": `"${editing.version}"` } })
      : await request("POST", `/v1/regions/${$("region").value}/nurses`, { json: body });
    await loadNurses();
    resetForm();
    const notes = [...(saved.warnings || []), ...saved.certification_warnings];
    say(`${saved.name} ${editing ? "saved" : "added"}${notes.length ? `. ${notes.join(". ")}` : ""}`);
    document.querySelector(`tr[data-nurse="${saved.id}"] button`)?.focus();
  });
}

// ---------------------------------------------------------------- her login

function suggestedUsername(name) {
  return name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim().replace(/\s+/g, ".").replace(/[^a-z0-9.-]/g, "");
}

function openLogin(nurse) {
  state.loginFor = nurse;
  $("login-result").hidden = true;
  $("login-title").textContent = `A login for ${nurse.name}`;
  $("login-username").value = suggestedUsername(nurse.name);
  $("login-form").hidden = false;
  $("login-username").focus();
}

function closeLogin() {
  const nurse = state.loginFor;
  state.loginFor = null;
  $("login-form").hidden = true;
  if (nurse) document.querySelector(`tr[data-nurse="${nurse.id}"] button`)?.focus();
}

async function createLogin(event) {
  event.preventDefault();
  await giveLogin(state.loginFor, $("login-username").value.trim());
}

// She lost the slip before choosing her own password: the same login, a new temporary password (the first stops).
async function newTemporaryPassword(nurse) {
  await giveLogin(nurse, nurse.login);
}

async function giveLogin(nurse, username) {
  await attempt(async () => {
    const login = await request("POST", `/v1/nurses/${nurse.id}/account`, { json: { username } });
    $("login-form").hidden = true;
    state.loginFor = null;
    await loadNurses();
    $("login-result").replaceChildren(
      h("p", {}, h("strong", {}, `${login.name}'s login`), ": user name ", h("code", { class: "username" }, login.username),
        ", temporary password ", h("code", { class: "password" }, login.temporary_password)),
      h("p", { class: "hint" }, "Shown this once: give it to her now. She logs in at this address and changes it."),
      h("button", { type: "button", onclick: () => { $("login-result").hidden = true; } }, "Done, she has it"));
    $("login-result").hidden = false;
    $("login-result").focus();
    say(`${login.name} has a login: ${login.username}`);
  });
}

// ---------------------------------------------------------------- start

async function start() {
  if (!(await dispatcherSignedIn())) return;
  const [regions, words] = await Promise.all([request("GET", "/v1/regions"), vocabulary()]);
  state.certifications = words.certifications;
  drawCertificationInputs();
  const wanted = hashParams().get("region");
  $("region").replaceChildren(...regions.map((r) => h("option", { value: r.id, selected: r.id === wanted }, r.name)));
  $("region").addEventListener("change", () => attempt(async () => { resetForm(); await loadNurses(); }));
  $("logout").addEventListener("click", logOut);
  $("nurse-form").addEventListener("submit", save);
  $("n-cancel").addEventListener("click", resetForm);
  $("login-form").addEventListener("submit", createLogin);
  $("login-close").addEventListener("click", closeLogin);
  $("login-form").addEventListener("keydown", (event) => { if (event.key === "Escape") closeLogin(); });
  await attempt(loadNurses);
}

start();
