// A region's visits of a day (the backlog and how each stands), added, changed, rescheduled, cancelled; and the
// visits CSV imported from a file, its patients named by their external id (MRN).
import { STATUS_LABELS, attempt, dispatcherSignedIn, h, hashParams, localToday, logOut, request, say, setHashParams } from "./common.js";

const $ = (id) => document.getElementById(id);
const state = { visits: [], patients: new Map(), services: new Map(), editing: null, confirming: null };
const time = (value) => (value ? value.slice(0, 5) : "");

async function loadRegion() {
  const region = $("region").value;
  const patients = await request("GET", `/v1/regions/${region}/patients`);
  state.patients = new Map(patients.map((p) => [p.id, p]));
  const wanted = hashParams().get("patient");
  $("v-patient").replaceChildren(h("option", { value: "" }, "choose a patient"),
    ...[...patients].sort((a, b) => a.name.localeCompare(b.name)).map((p) => h("option", { value: p.id, selected: String(p.id) === wanted },
      p.external_id ? `${p.name} (${p.external_id})` : p.name)));
  await loadDay();
}

async function loadDay() {
  const region = $("region").value;
  const day = $("day").value;
  if (!region || !day) return;
  setHashParams({ region, date: day });
  $("v-date").value ||= day;
  // Only the latest read draws: an earlier one answering late (a slow first load) must not hide a visit just added.
  const asked = (state.asked = (state.asked || 0) + 1);
  const visits = await request("GET", `/v1/regions/${region}/visits?date=${day}`);
  if (asked !== state.asked) return;
  state.visits = visits;
  drawList();
}

function patientName(id) {
  return state.patients.get(id)?.name || "a patient";
}

function drawList() {
  const counts = {};
  for (const visit of state.visits) counts[visit.status] = (counts[visit.status] || 0) + 1;
  $("counts").textContent = state.visits.length
    ? `${state.visits.length} visit${state.visits.length === 1 ? "" : "s"}: ${Object.entries(counts).map(([s, n]) => `${n} ${STATUS_LABELS[s] || s}`).join(", ")}`
    : "";
  if (!state.visits.length) {
    $("visits").replaceChildren(h("p", { class: "hint" }, "No visit on this day yet: add one below, or import a file."));
    return;
  }
  const head = h("tr", {}, ["Window", "Patient", "Service", "Minutes", "Priority", "Status", "Notes", ""].map((t) => h("th", { scope: "col" }, t)));
  const rows = state.visits.map((visit) => {
    const name = patientName(visit.patient_id);
    const open = visit.status === "requested" || visit.status === "scheduled";
    const confirming = state.confirming === visit.id;
    return h("tr", { "data-visit": visit.id, class: `status-${visit.status}` },
      h("td", {}, `${time(visit.window.start)}–${time(visit.window.end)}`),
      h("th", { scope: "row" }, name),
      h("td", {}, state.services.get(visit.service)?.name || visit.service),
      h("td", {}, String(visit.duration_min)),
      h("td", {}, String(visit.priority)),
      h("td", { class: "status" }, STATUS_LABELS[visit.status] || visit.status),
      h("td", {}, visit.notes),
      h("td", { class: "actions" }, open ? [
        h("button", { type: "button", "aria-label": `Change ${name}'s visit`, onclick: () => edit(visit) }, "Change"),
        confirming
          ? [h("button", { type: "button", class: "danger", "aria-label": `Yes, cancel ${name}'s visit`, onclick: () => cancel(visit) }, "Yes, cancel it"),
            h("button", { type: "button", "aria-label": "Keep the visit", onclick: () => { state.confirming = null; drawList(); focusRow(visit.id); } }, "Keep it")]
          : h("button", { type: "button", "aria-label": `Cancel ${name}'s visit`, onclick: () => { state.confirming = visit.id; drawList(); focusRow(visit.id, "button:nth-of-type(2)"); } }, "Cancel"),
      ].flat() : null));
  });
  $("visits").replaceChildren(h("table", { "aria-label": "The day's visits" }, h("thead", {}, head), h("tbody", {}, rows)));
}

function focusRow(visitId, selector = "button") {
  document.querySelector(`tr[data-visit="${visitId}"] ${selector}`)?.focus();
}

async function cancel(visit) {
  await attempt(async () => {
    await request("POST", `/v1/visits/${visit.id}/cancellation`, { json: { replan: false } });
    state.confirming = null;
    await loadDay();
    say(`${patientName(visit.patient_id)}'s visit cancelled (a published day is re-planned from the day screen)`);
  });
}

// ---------------------------------------------------------------- the form (add, change, reschedule)

function resetForm() {
  state.editing = null;
  const day = $("day").value;
  $("visit-form").reset();
  $("v-date").value = day;
  $("v-patient").disabled = false;
  $("form-title").textContent = "Add a visit";
  $("v-save").textContent = "Add the visit";
  $("v-cancel").hidden = true;
}

function edit(visit) {
  state.editing = visit;
  $("form-title").textContent = `Change ${patientName(visit.patient_id)}'s visit (or move it to another day)`;
  $("v-save").textContent = "Save the changes";
  $("v-cancel").hidden = false;
  $("v-patient").value = String(visit.patient_id);
  $("v-patient").disabled = true;
  $("v-date").value = visit.date;
  $("v-start").value = time(visit.window.start);
  $("v-end").value = time(visit.window.end);
  $("v-service").value = visit.service;
  $("v-minutes").value = visit.duration_min;
  $("v-priority").value = visit.priority;
  $("v-notes").value = visit.notes;
  $("v-date").focus();
}

function formBody() {
  const body = {
    date: $("v-date").value,
    window: { start: $("v-start").value, end: $("v-end").value },
    service: $("v-service").value,
    priority: Number($("v-priority").value || 1),
    notes: $("v-notes").value.trim(),
  };
  if ($("v-minutes").value) body.duration_min = Number($("v-minutes").value);
  return body;
}

async function save(event) {
  event.preventDefault();
  await attempt(async () => {
    const editing = state.editing;
    const body = formBody();
    const saved = editing
      ? await request("PATCH", `/v1/visits/${editing.id}`, { json: body, headers: { "If-Match": `"${editing.version}"` } })
      : await request("POST", "/v1/visits", { json: { patient_id: Number($("v-patient").value), ...body } });
    const name = patientName(saved.patient_id);
    const moved = editing && editing.date !== saved.date;
    resetForm();
    await loadDay();
    const warnings = saved.warnings?.length ? `. ${saved.warnings.join(". ")}` : "";
    say(`${name}'s visit ${editing ? (moved ? `moved to ${saved.date}` : "saved") : "added"}, ${time(saved.window.start)}–${time(saved.window.end)}${warnings}`);
  });
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function importFile(event) {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) return;
  await attempt(async () => {
    const content = await file.text();
    // The file's own digest as its key: the same file sent twice (a double click, a retry) imports nothing twice.
    // (crypto.subtle exists only over HTTPS or on this machine: elsewhere the file goes without a key.)
    const headers = { "Content-Type": "text/csv" };
    if (crypto.subtle) headers["Idempotency-Key"] = `console-${await sha256(content)}`;
    const outcome = await request("POST", `/v1/regions/${$("region").value}/visits/import`, { content, headers });
    $("import-form").reset();
    await loadDay();
    const warnings = outcome.warnings.length ? `. ${outcome.warnings.join(". ")}` : "";
    say(`${outcome.imported} visit${outcome.imported === 1 ? "" : "s"} imported${warnings}`);
  });
}

// ---------------------------------------------------------------- start

async function start() {
  if (!(await dispatcherSignedIn())) return;
  const [regions, services] = await Promise.all([request("GET", "/v1/regions"), request("GET", "/v1/services")]);
  state.services = new Map(services.map((s) => [s.code, s]));
  $("v-service").replaceChildren(...services.filter((s) => s.home_allowed).map((s) => h("option", { value: s.code }, `${s.name} (${s.minutes} min)`)));
  const params = hashParams();
  $("region").replaceChildren(...regions.map((r) => h("option", { value: r.id, selected: r.id === params.get("region") }, r.name)));
  // A day typed while the page was still loading stays (its change came before anyone listened).
  $("day").value ||= params.get("date") || localToday();
  $("v-date").value = $("day").value;
  $("region").addEventListener("change", () => attempt(async () => { resetForm(); await loadRegion(); }));
  $("day").addEventListener("change", () => attempt(async () => { if (!state.editing) $("v-date").value = $("day").value; await loadDay(); }));
  $("logout").addEventListener("click", logOut);
  $("visit-form").addEventListener("submit", save);
  $("v-cancel").addEventListener("click", resetForm);
  $("import-form").addEventListener("submit", importFile);
  await attempt(loadRegion);
}

start();
