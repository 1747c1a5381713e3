// The region's patients: address (geocoded), phone, the nurses she prefers or must never see, her clearance (read
// from her evaluations, never written here), her external id (MRN); search; a patients CSV imported from a file.
import { attempt, dispatcherSignedIn, h, hashParams, logOut, request, say, setHashParams } from "./common.js";

const $ = (id) => document.getElementById(id);
const state = { patients: [], nurses: [], editing: null, searching: null };

async function loadRegion() {
  const region = $("region").value;
  setHashParams({ region });
  state.nurses = (await request("GET", `/v1/regions/${region}/nurses`)).sort((a, b) => a.name.localeCompare(b.name));
  drawNurseChoices();
  await loadPatients();
}

async function loadPatients() {
  const search = $("search").value.trim();
  const query = search ? `?search=${encodeURIComponent(search)}` : "";
  // Only the latest read draws: an earlier search answering late must not replace a later one's list.
  const asked = (state.asked = (state.asked || 0) + 1);
  const patients = await request("GET", `/v1/regions/${$("region").value}/patients${query}`);
  if (asked !== state.asked) return;
  state.patients = patients;
  drawList(search);
}

function nurseNames(ids) {
  return ids.map((id) => state.nurses.find((n) => n.id === id)?.name || "another nurse").join(", ");
}

function clearanceText(clearance) {
  return clearance.cleared ? clearance.reason : `not cleared: ${clearance.reason}`;
}

function drawList(search) {
  if (!state.patients.length) {
    $("patients").replaceChildren(h("p", { class: "hint" }, search ? `No patient matches “${search}”.` : "No patient in this region yet: add one below, or import a file."));
    return;
  }
  const head = h("tr", {}, ["Name", "External id", "Address", "Phone", "Clearance", "Prefers", "Never", ""].map((t) => h("th", { scope: "col" }, t)));
  const rows = state.patients.map((patient) => h("tr", { "data-patient": patient.id },
    h("th", { scope: "row" }, patient.name),
    h("td", { class: "external-id" }, patient.external_id || ""),
    h("td", {}, patient.address || `${patient.location.lat.toFixed(4)}, ${patient.location.lon.toFixed(4)}`, ` (${patient.state})`),
    h("td", {}, patient.phone || ""),
    h("td", { class: patient.clearance.cleared ? "cleared" : "not-cleared" }, clearanceText(patient.clearance)),
    h("td", {}, nurseNames(patient.preferred_nurse_ids)),
    h("td", {}, nurseNames(patient.excluded_nurse_ids)),
    h("td", { class: "actions" },
      h("button", { type: "button", "aria-label": `Edit ${patient.name}`, onclick: () => edit(patient) }, "Edit"),
      h("a", { href: `visits.html#region=${$("region").value}&patient=${patient.id}` }, "Visits"))));
  $("patients").replaceChildren(h("table", { "aria-label": "The region's patients" }, h("thead", {}, head), h("tbody", {}, rows)));
}

function drawNurseChoices() {
  for (const [box, kind] of [["p-preferred", "prefers"], ["p-excluded", "never"]]) {
    $(box).replaceChildren(...(state.nurses.length ? state.nurses.map((nurse) => h("label", {},
      h("input", { type: "checkbox", name: kind, value: nurse.id, "aria-label": `${kind === "prefers" ? "Prefers" : "Never"} ${nurse.name}` }),
      nurse.name)) : [h("span", { class: "hint" }, "no nurse in the region yet")]));
  }
}

function chosen(kind) {
  return [...document.querySelectorAll(`input[name="${kind}"]:checked`)].map((box) => Number(box.value));
}

// ---------------------------------------------------------------- the form (add or edit)

function resetForm() {
  state.editing = null;
  $("patient-form").reset();
  $("form-title").textContent = "Add a patient";
  $("p-save").textContent = "Add the patient";
  $("p-cancel").hidden = true;
  $("p-clearance").textContent = "";
}

function edit(patient) {
  state.editing = patient;
  $("form-title").textContent = `Change ${patient.name}`;
  $("p-save").textContent = "Save the changes";
  $("p-cancel").hidden = false;
  $("p-name").value = patient.name;
  $("p-external-id").value = patient.external_id || "";
  $("p-address").value = patient.address || "";
  $("p-location").value = "";
  $("p-state").value = patient.state;
  $("p-phone").value = patient.phone || "";
  $("p-notes").value = patient.notes;
  for (const box of document.querySelectorAll('input[name="prefers"]')) box.checked = patient.preferred_nurse_ids.includes(Number(box.value));
  for (const box of document.querySelectorAll('input[name="never"]')) box.checked = patient.excluded_nurse_ids.includes(Number(box.value));
  $("p-clearance").textContent = `Clearance (from her evaluations, recorded by a clinician): ${clearanceText(patient.clearance)}`;
  $("p-name").focus();
}

function formBody() {
  const body = {
    name: $("p-name").value.trim(),
    external_id: $("p-external-id").value.trim() || null,
    address: $("p-address").value.trim() || null,
    state: $("p-state").value.trim().toUpperCase(),
    phone: $("p-phone").value.trim() || null,
    notes: $("p-notes").value.trim(),
    preferred_nurse_ids: chosen("prefers"),
    excluded_nurse_ids: chosen("never"),
  };
  const location = $("p-location").value.trim();
  if (location) {
    const [lat, lon] = location.split(/[\s,]+/).map(Number);
    body.location = { lat, lon };
  }
  if (!state.editing) {
    for (const key of ["external_id", "address", "phone"]) if (body[key] === null) delete body[key];
  } else if (body.address === state.editing.address && !location) {
    delete body.address; // unchanged: not geocoded again
  }
  return body;
}

async function save(event) {
  event.preventDefault();
  await attempt(async () => {
    const editing = state.editing;
    const saved = editing
      ? await request("PATCH", `/v1/patients/${editing.id}`, { json: formBody(), headers: { "If-Match": `"${editing.version}"` } })
      : await request("POST", `/v1/regions/${$("region").value}/patients`, { json: formBody() });
    resetForm();
    $("search").value = "";
    await loadPatients();
    say(`${saved.name} ${editing ? "saved" : "added"}${saved.clearance.cleared ? "" : ` (${clearanceText(saved.clearance)})`}`);
    document.querySelector(`tr[data-patient="${saved.id}"] button`)?.focus();
  });
}

async function importFile(event) {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) return;
  await attempt(async () => {
    const outcome = await request("POST", `/v1/regions/${$("region").value}/patients/import`,
      { content: await file.text(), headers: { "Content-Type": "text/csv" } });
    $("import-form").reset();
    await loadPatients();
    say(`${outcome.imported} patient${outcome.imported === 1 ? "" : "s"} added`
      + (outcome.kept ? `, ${outcome.kept} already here (kept as they are)` : ""));
  });
}

// ---------------------------------------------------------------- start

async function start() {
  if (!(await dispatcherSignedIn())) return;
  const regions = await request("GET", "/v1/regions");
  const wanted = hashParams().get("region");
  $("region").replaceChildren(...regions.map((r) => h("option", { value: r.id, selected: r.id === wanted }, r.name)));
  $("region").addEventListener("change", () => attempt(async () => { resetForm(); await loadRegion(); }));
  $("logout").addEventListener("click", logOut);
  $("patient-form").addEventListener("submit", save);
  $("p-cancel").addEventListener("click", resetForm);
  $("import-form").addEventListener("submit", importFile);
  $("search-form").addEventListener("submit", (event) => { event.preventDefault(); attempt(loadPatients); });
  $("search").addEventListener("input", () => {
    clearTimeout(state.searching);
    state.searching = setTimeout(() => attempt(loadPatients), 250);
  });
  await attempt(loadRegion);
}

start();
