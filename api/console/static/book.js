// Book a visit: find the patient, ask for offers over the coming days (ranked as the API says), hold one while
// the patient decides, and take it: the visit is booked with the window she was told, marked promised.
import { attempt, dispatcherSignedIn, h, hashParams, logOut, request, say, setHashParams } from "./common.js";
import { dayLabel } from "./calendar.js";

const $ = (id) => document.getElementById(id);
const state = { patients: [], courses: [], words: null, offers: [] };

async function loadRegion() {
  const region = $("region").value;
  setHashParams({ region });
  [state.patients, state.courses] = await Promise.all([
    request("GET", `/v1/regions/${region}/patients`),
    request("GET", `/v1/regions/${region}/courses`),
  ]);
  showPatients();
  await loadRequests();
}

// Patients' own requests from the public page: the desk calls back, books through offers, and closes them.
async function loadRequests() {
  const region = $("region").value;
  const asked = await request("GET", `/v1/regions/${region}/booking-requests?status=new`);
  $("requests").replaceChildren(...(asked.length ? asked.map((r) => h("tr", { "data-request": r.id },
    h("td", {}, r.name), h("td", {}, r.phone), h("td", {}, r.address), h("td", {}, r.service), h("td", {}, r.preferred),
    h("td", {}, r.times.map((t) => `${dayLabel(t.date)} ${t.window.start.slice(0, 5)}–${t.window.end.slice(0, 5)}`).join("; ")),
    h("td", {},
      h("button", { onclick: () => closeRequest(r, "confirmed") }, "Confirmed"), " ",
      h("button", { onclick: () => closeRequest(r, "declined") }, "Declined")))) : [h("tr", {}, h("td", { colspan: 7 }, "No request waiting."))]));
}

async function closeRequest(asked, status) {
  await attempt(async () => {
    await request("POST", `/v1/booking-requests/${asked.id}/close`, { json: { status } });
    say(`${asked.name}'s request: ${status}`);
    await loadRequests();
  });
}

// The chosen patient's active courses with sessions still to date: one offer books them all.
function showCourses() {
  const patientId = Number($("b-patient").value);
  const open = state.courses.filter((c) => c.patient_id === patientId && c.status === "active" && c.session_list.some((s) => s.state === "to_plan"));
  $("b-course").replaceChildren(h("option", { value: "" }, "none: one visit"),
    ...open.map((c) => h("option", { value: c.id }, `${c.service}, ${c.session_list.filter((s) => s.state === "to_plan").length} sessions to date`)));
}

function showPatients() {
  const text = $("b-search").value.trim().toLowerCase();
  const wanted = hashParams().get("patient");
  const found = state.patients.filter((p) => !text || p.name.toLowerCase().includes(text) || (p.phone || "").includes(text));
  $("b-patient").replaceChildren(...found.map((p) => h("option", { value: p.id, selected: String(p.id) === wanted }, p.name)));
  showCourses();
}

function window_(offer) {
  return `${offer.window.start.slice(0, 5)}–${offer.window.end.slice(0, 5)}`;
}

async function findOffers(event) {
  event.preventDefault();
  const form = event.target;
  if (!form.patient.value) {
    say("Choose a patient first", true);
    return;
  }
  setHashParams({ patient: form.patient.value });
  const params = new URLSearchParams({ days: form.days.value, window_min: form.window_min.value, urgency: form.urgency.value });
  if (form.course.value) params.set("course", form.course.value);
  else params.set("service", form.service.value);
  for (const name of ["from", "after", "before"]) if (form[name].value) params.set(name, form[name].value);
  for (const day of state.words.weekdays) if (form.elements[`day-${day}`].checked) params.append("preferred_days", day);
  await attempt(async () => {
    say("Looking at the coming days…");
    const answer = await request("GET", `/v1/patients/${form.patient.value}/offers?${params}`);
    state.offers = answer.offers;
    $("results").hidden = false;
    $("booked").hidden = true;
    $("ranking").textContent = `Ranked ${answer.ranking}.`;
    drawOffers();
    $("days-without").replaceChildren(...answer.days_without.map((d) => h("li", { class: "reason" }, `${dayLabel(d.date)}: ${d.reason}`)));
    say(answer.offers.length ? `${answer.offers.length} offers` : "No offer fits these days", !answer.offers.length);
  });
}

function drawOffers() {
  $("offers").replaceChildren(...state.offers.map((o) => h("tr", { "data-offer": o.id, "data-status": o.status },
    h("th", { scope: "row" }, String(o.rank)),
    h("td", {}, o.sessions.length > 1 ? `${o.sessions.length} sessions: ${o.sessions.map((s) => dayLabel(s.date)).join(", ")}` : dayLabel(o.date)),
    h("td", {}, window_(o), o.preferred ? " (preferred)" : ""),
    h("td", {}, o.nurse_name),
    h("td", {}, `${Math.round(o.added_travel_min)} min`),
    h("td", {}, o.status === "held" ? `held until ${o.held_until.slice(11, 16)}` : o.status),
    h("td", {},
      h("button", { onclick: () => hold(o), disabled: o.status !== "offered" }, "Hold"),
      " ",
      h("button", { class: "primary", onclick: () => take(o), disabled: o.status === "taken" }, "Book")))));
}

function replace(offer) {
  state.offers = state.offers.map((o) => (o.id === offer.id ? { ...o, ...offer, preferred: o.preferred } : o));
  drawOffers();
}

async function hold(offer) {
  await attempt(async () => {
    const held = await request("POST", `/v1/offers/${offer.id}/hold`);
    replace(held);
    say(`Held for the patient until ${held.held_until.slice(11, 16)}: ${dayLabel(held.date)} ${window_(held)} with ${held.nurse_name}`);
  });
}

async function take(offer) {
  await attempt(async () => {
    const visit = await request("POST", `/v1/offers/${offer.id}/take`);
    replace({ id: offer.id, status: "taken" });
    const region = $("region").value;
    $("booked").hidden = false;
    $("booked-text").textContent = offer.sessions.length > 1
      ? `Course booked: ${offer.sessions.map((s) => dayLabel(s.date)).join(", ")}, arriving ${window_(visit)}, with ${offer.nurse_name} (promised windows).`
      : `Visit ${visit.id}: ${dayLabel(visit.date)}, arriving ${window_(visit)}, likely with ${offer.nurse_name} (promised window).`;
    $("booked-day").href = `./#region=${region}&date=${visit.date}`;
    $("booked-week").href = `week.html#region=${region}&from=${visit.date}`;
    say(`Booked: ${dayLabel(visit.date)} ${window_(visit)}`);
    $("booked-title").focus();
  });
}

async function start() {
  if (!(await dispatcherSignedIn())) return;
  const [regions, services, words] = await Promise.all([request("GET", "/v1/regions"), request("GET", "/v1/services"), request("GET", "/v1/vocabulary")]);
  state.words = words;
  const params = hashParams();
  $("region").replaceChildren(...regions.map((r) => h("option", { value: r.id, selected: r.id === params.get("region") }, r.name)));
  $("b-service").replaceChildren(...services.map((s) => h("option", { value: s.code }, s.name)));
  $("b-days").value = words.offer_days;
  $("b-days").max = words.bounds.offer_days.max;
  $("b-window").value = words.arrival_window_min;
  $("b-weekdays").append(...words.weekdays.map((d) => h("label", {}, h("input", { type: "checkbox", name: `day-${d}` }), ` ${d} `)));
  $("b-search").addEventListener("input", showPatients);
  $("b-patient").addEventListener("change", showCourses);
  $("region").addEventListener("change", () => attempt(loadRegion));
  $("ask").addEventListener("submit", findOffers);
  $("logout").addEventListener("click", logOut);
  await attempt(loadRegion);
}

start();
