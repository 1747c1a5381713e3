// A patient's treatment course: its sessions done, planned (date, nurse) and at risk with the reason;
// and a new course for a patient of the region.
import { attempt, dispatcherSignedIn, h, hashParams, logOut, request, say, setHashParams } from "./common.js";
import { dayLabel } from "./calendar.js";

const $ = (id) => document.getElementById(id);
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const STATE_LABELS = { done: "done", planned: "planned", to_plan: "to plan", cancelled: "cancelled" };

async function loadRegion(wantedCourse) {
  const region = $("region").value;
  setHashParams({ region });
  const [courses, patients, nurses] = await Promise.all([
    request("GET", `/v1/regions/${region}/courses`),
    request("GET", `/v1/regions/${region}/patients`),
    request("GET", `/v1/regions/${region}/nurses`),
  ]);
  const wantedPatient = hashParams().get("patient");
  $("c-patient").replaceChildren(...patients.map((p) => h("option", { value: p.id, selected: String(p.id) === wantedPatient }, p.name)));
  $("c-nurse").replaceChildren(h("option", { value: "" }, "any (the planner chooses)"), ...nurses.map((n) => h("option", { value: n.id }, n.name)));
  $("course").replaceChildren(h("option", { value: "" }, courses.length ? "choose a course" : "no course yet"),
    ...courses.map((c) => h("option", { value: c.id, selected: String(c.id) === String(wantedCourse) }, `${c.patient_name}: ${c.service} (${c.sessions})`)));
  if (wantedCourse && courses.some((c) => String(c.id) === String(wantedCourse))) await loadCourse(wantedCourse);
  else $("course-view").hidden = true;
}

async function loadCourse(courseId) {
  if (!courseId) {
    $("course-view").hidden = true;
    setHashParams({ course: null });
    return;
  }
  const course = await request("GET", `/v1/courses/${courseId}`);
  setHashParams({ course: course.id });
  drawCourse(course);
}

function drawCourse(course) {
  $("course-view").hidden = false;
  $("course-title").textContent = `${course.patient_name}: ${course.service}, ${course.sessions} sessions`;
  $("course-facts").textContent = `${course.min_gap_days}–${course.max_gap_days} days apart, ${course.weekdays.join(", ")}, `
    + `${course.window.start.slice(0, 5)}–${course.window.end.slice(0, 5)}${course.nurse_name ? `, with ${course.nurse_name}` : ""}`;
  $("course-warnings").replaceChildren(...(course.warnings || []).map((w) => h("li", { class: "reason" }, w)));
  const list = course.session_list;
  const count = (state) => list.filter((s) => s.state === state).length;
  const atRisk = list.filter((s) => s.at_risk).length;
  $("course-counts").textContent = `${count("done")} done, ${count("planned")} planned, ${count("to_plan")} to plan, ${atRisk} at risk`;
  $("sessions").replaceChildren(...list.map((s) => h("tr", { "data-session": s.session, "data-state": s.state },
    h("th", { scope: "row" }, String(s.session)),
    h("td", {}, STATE_LABELS[s.state] || s.state, s.state === "planned" && !s.published ? " (draft)" : ""),
    h("td", {}, s.date ? dayLabel(s.date) : s.earliest ? `${dayLabel(s.earliest)} – ${dayLabel(s.latest)}` : ""),
    h("td", {}, s.nurse_name || ""),
    h("td", { class: s.at_risk ? "at-risk" : "" }, s.at_risk || ""))));
}

async function createCourse(event) {
  event.preventDefault();
  const form = event.target;
  const weekdays = WEEKDAYS.filter((d) => form.elements[`day-${d}`].checked);
  const body = {
    patient_id: Number(form.patient_id.value),
    service: form.service.value,
    sessions: Number(form.sessions.value),
    min_gap_days: Number(form.min_gap_days.value),
    max_gap_days: Number(form.max_gap_days.value),
    weekdays,
    window: { start: form.window_start.value, end: form.window_end.value },
  };
  if (form.nurse_id.value) body.nurse_id = Number(form.nurse_id.value);
  if (form.start_on.value) body.start_on = form.start_on.value;
  if (form.last_given.value) body.last_given = form.last_given.value;
  await attempt(async () => {
    const course = await request("POST", "/v1/courses", { json: body });
    await loadRegion(course.id);
    drawCourse(course);
    say(`Course created for ${course.patient_name}`);
    $("course-title").focus();
  });
}

async function start() {
  if (!(await dispatcherSignedIn())) return;
  $("course-title").tabIndex = -1;
  const [regions, services] = await Promise.all([request("GET", "/v1/regions"), request("GET", "/v1/services")]);
  const params = hashParams();
  $("region").replaceChildren(...regions.map((r) => h("option", { value: r.id, selected: r.id === params.get("region") }, r.name)));
  $("c-service").replaceChildren(...services.map((s) => h("option", { value: s.code }, s.name)));
  $("c-weekdays").append(...WEEKDAYS.map((d, i) => h("label", {},
    h("input", { type: "checkbox", name: `day-${d}`, checked: i < 5 }), ` ${d} `)));
  $("region").addEventListener("change", () => attempt(() => loadRegion(null)));
  $("course").addEventListener("change", () => attempt(() => loadCourse($("course").value)));
  $("new-course").addEventListener("submit", createCourse);
  $("logout").addEventListener("click", logOut);
  await attempt(() => loadRegion(params.get("course")));
}

start();
