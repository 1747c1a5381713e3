// The dispatcher's day: pick a region and a day, see the roster as a map and a timeline, act on it.
import {
  ApiError, STATUS_LABELS, h, hashParams, hhmm, localToday, loggedIn, logOut, request, say, setHashParams, vocabulary,
} from "./common.js";
import { drawMap } from "./map.js";
import { drawTimeline } from "./timeline.js";

const REFRESH_MS = 20000; // nurses' reports (late, done) show up without a reload
const POLL_MS = 700;

const $ = (id) => document.getElementById(id);
// words: GET /v1/vocabulary (statuses, report kinds, the re-time tolerance), read at start.
const state = { view: null, rosters: [], selected: null, job: null, busy: false, words: null };

async function attempt(action) {
  try {
    state.busy = true;
    say("");
    return await action();
  } catch (error) {
    say(error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`, true);
    return undefined;
  } finally {
    state.busy = false;
  }
}

// ---------------------------------------------------------------- loading

async function loadRegions() {
  const regions = await request("GET", "/v1/regions");
  const wanted = hashParams().get("region");
  $("region").replaceChildren(...regions.map((r) => h("option", { value: r.id, selected: r.id === wanted }, r.name)));
}

function pickRoster(rosters, wanted) {
  if (wanted && rosters.some((r) => String(r.id) === wanted)) return wanted;
  const published = rosters.find((r) => r.status === "published");
  const newestDraft = [...rosters].reverse().find((r) => r.status === "draft");
  if (newestDraft && (!published || newestDraft.version > published.version)) return String(newestDraft.id);
  return published ? String(published.id) : rosters.length ? String(rosters.at(-1).id) : null;
}

async function loadDay(wantedRoster = hashParams().get("roster")) {
  const region = $("region").value;
  const day = $("day").value;
  if (!region || !day) return;
  state.rosters = await request("GET", `/v1/regions/${region}/rosters/${day}`);
  const chosen = pickRoster(state.rosters, wantedRoster);
  $("roster").replaceChildren(...(state.rosters.length
    ? [...state.rosters].reverse().map((r) => h("option", { value: r.id, selected: String(r.id) === chosen },
      `v${r.version} ${r.status}`))
    : [h("option", { value: "" }, "no roster yet: solve the day")]));
  setHashParams({ region, date: day, roster: chosen });
  await loadRoster();
}

async function loadRoster() {
  const rosterId = $("roster").value;
  setHashParams({ roster: rosterId || null });
  if (String(state.view?.summary.id) !== rosterId) $("comparison").hidden = $("slots").hidden = true;
  if (!rosterId) {
    state.view = null;
    render();
    return;
  }
  state.view = await request("GET", `/v1/rosters/${rosterId}/view`);
  render();
}

// ---------------------------------------------------------------- drawing

function render() {
  const view = state.view;
  const isDraft = view?.summary.status === "draft";
  const hasPublished = state.rosters.some((r) => r.status === "published");
  $("publish").disabled = !isDraft;
  $("compare").disabled = !(isDraft && hasPublished);
  renderKpis(view);
  drawMap($("map"), view, select);
  drawTimeline($("timeline"), view, select);
  renderUnassigned(view);
  if (state.selected && view) showSelected(state.selected);
  else $("selected").hidden = true;
}

function renderKpis(view) {
  if (!view) {
    $("kpis").replaceChildren(h("p", {}, "No roster for this day yet."));
    return;
  }
  const k = view.kpis;
  const figure = (label, value, id) => h("div", { class: "kpi", "data-kpi": id }, h("span", { class: "value" }, value),
    h("span", { class: "label" }, label));
  $("kpis").replaceChildren(
    h("div", { class: "kpi roster-status" }, h("span", { class: `value status-${view.summary.status}` },
      `v${view.summary.version} ${view.summary.status}`), h("span", { class: "label" }, `revision ${view.summary.revision}`)),
    figure("visits served", `${k.visits_served}`, "served"),
    figure("unassigned (priority weight)", `${k.unassigned} (${k.unassigned_priority_weight})`, "unassigned"),
    figure("travel", `${k.travel_h} h`, "travel"),
    figure("utilisation", `${Math.round(k.utilisation * 100)} %`, "utilisation"),
    figure("nurses working", `${k.nurses_working} / ${k.nurses_on_shift}`, "nurses"),
    figure("overtime", `${k.overtime_h} h`, "overtime"),
    travelNote(view.summary.travel),
  );
}

// Which travel model timed the roster: road times from the region's dataset (OpenStreetMap, credited), or
// the geodesic fallback and why, so nobody takes an estimate for a road time.
function travelNote(travel) {
  const road = travel.model === "road";
  const text = road
    ? `Road travel times (${travel.dataset}; road data © OpenStreetMap contributors, ODbL)`
    : "Travel times estimated from straight-line distance (geodesic model)";
  const why = travel.reason ? ` — ${travel.reason}` : "";
  const fallback = !road || Boolean(travel.geodesic_pairs);
  return h("p", { class: `travel-note${fallback ? " fallback" : ""}`, id: "travel-note", "data-model": travel.model },
    text + why);
}

function renderUnassigned(view) {
  const list = view ? view.unassigned : [];
  $("unassigned").replaceChildren(
    h("h2", {}, `Unassigned (${list.length})`),
    list.length ? h("ul", { class: "unassigned-list" }, list.map((u) => h("li", {},
      h("button", { class: "link", onclick: () => select(u.visit_id), "data-visit": u.visit_id },
        `${u.patient_name} · ${u.service} · ${u.window.start}–${u.window.end} · priority ${u.priority}`),
      h("p", { class: "reason" }, u.reason)))) : h("p", {}, "Every visit has a nurse."),
  );
}

// ---------------------------------------------------------------- one visit: details, move, pin

function findVisit(visitId) {
  for (const nurse of state.view.nurses) {
    const index = nurse.stops.findIndex((s) => s.visit_id === visitId);
    if (index >= 0) return { visit: nurse.stops[index], nurse, sequence: index + 1 };
  }
  const visit = state.view.unassigned.find((u) => u.visit_id === visitId);
  return visit ? { visit, nurse: null } : null;
}

function select(visitId) {
  state.selected = visitId;
  showSelected(visitId);
  document.querySelectorAll(".selected").forEach((e) => e.classList.remove("selected"));
  document.querySelectorAll(`[data-visit="${visitId}"]`).forEach((e) => e.classList.add("selected"));
}

function showSelected(visitId) {
  const found = state.view && findVisit(visitId);
  const panel = $("selected");
  if (!found) {
    panel.hidden = true;
    return;
  }
  const { visit, nurse, sequence } = found;
  const isDraft = state.view.summary.status === "draft";
  const where = nurse ? `${nurse.name}, stop ${sequence}, ${hhmm(visit.start)}–${hhmm(visit.end)}`
    : `not in the roster: ${visit.reason}`;
  const report = visit.report ? ` · ${visit.report.kind === "running_late"
    ? `running ${visit.report.minutes_late} min late` : STATUS_LABELS[visit.report.kind] || visit.report.kind}` : "";
  const nurseChoice = h("select", { id: "move-nurse", "aria-label": "Move to nurse" },
    state.view.nurses.map((n) => h("option", { value: n.nurse_id, selected: nurse && n.nurse_id === nurse.nurse_id }, n.name)),
    h("option", { value: "" }, "— take out of the roster —"));
  const startChoice = h("input", { id: "move-start", type: "time", "aria-label": "Start at (optional)" });
  panel.replaceChildren(...[
    h("h2", {}, visit.patient_name),
    h("p", {}, `${visit.service} · window ${visit.window.start}–${visit.window.end} · priority ${visit.priority}`),
    h("p", {}, `${STATUS_LABELS[visit.status]}${report}`),
    h("p", { class: "where" }, where),
    isDraft
      ? h("form", { class: "move", onsubmit: (event) => { event.preventDefault(); move(visit.visit_id); } },
        h("label", {}, "Move to ", nurseChoice), h("label", {}, "at ", startChoice),
        h("button", { type: "submit" }, "Move"))
      : h("p", { class: "hint" }, "Moves change drafts: solve the day for a new draft, or pick one above."),
    h("button", { id: "pin", onclick: () => pin(visit, nurse) },
      visit.pinned_nurse_id ? "Unpin" : nurse ? `Pin to ${nurse.name}` : "Pin (needs a nurse)"),
    visit.pinned_nurse_id ? h("p", { class: "hint" }, `Pinned to ${nurseName(visit.pinned_nurse_id)}: every solve keeps it with her.`) : null,
    state.words.planned_statuses.includes(visit.status)
      ? h("button", { id: "find-slots", onclick: () => findSlots(visit.visit_id) }, nurse ? "Find another slot" : "Find a slot")
      : null,
    eventActions(visit, nurse),
  ].filter(Boolean));
  panel.querySelector("#pin").disabled = !visit.pinned_nurse_id && !nurse;
  panel.hidden = false;
}

function nurseName(nurseId) {
  return state.view.nurses.find((n) => n.nurse_id === nurseId)?.name || `nurse ${nurseId}`;
}

async function move(visitId) {
  const nurseId = $("move-nurse").value || null;
  const start = $("move-start").value || null;
  await attempt(async () => {
    const roster = await request("POST", `/v1/rosters/${state.view.summary.id}/moves`, {
      json: { visit_id: Number(visitId), nurse_id: nurseId && Number(nurseId), start },
      headers: { "If-Match": `"${state.view.summary.revision}"` },
    });
    await loadDay(String(roster.id));
    const placed = findVisit(visitId);
    say(placed?.nurse ? `Moved: ${placed.nurse.name} at ${hhmm(placed.visit.start)}.` : "Taken out of the roster.");
  });
}

async function pin(visit, nurse) {
  await attempt(async () => {
    const current = await request("GET", `/v1/visits/${visit.visit_id}`);
    const pinnedTo = visit.pinned_nurse_id ? null : Number(nurse.nurse_id);
    await request("PATCH", `/v1/visits/${visit.visit_id}`, {
      json: { pinned_nurse_id: pinnedTo }, headers: { "If-Match": `"${current.version}"` },
    });
    await loadRoster();
    say(pinnedTo ? `Pinned to ${nurse.name}: every solve keeps it with her.` : "Unpinned.");
  });
}

// ---------------------------------------------------------------- solve, compare, publish

async function solve() {
  const limit = Number($("time-limit").value);
  await attempt(async () => {
    const job = await request("POST", `/v1/regions/${$("region").value}/rosters/${$("day").value}/solve`,
      { json: { time_limit_s: limit } });
    await followJob(job, limit);
  });
}

async function replan() {
  const limit = Number($("time-limit").value);
  await attempt(async () => {
    const job = await request("POST", `/v1/regions/${$("region").value}/rosters/${$("day").value}/replan`,
      { json: { time_limit_s: limit, as_of: $("as-of").value || null } });
    await followJob(job, limit);
  });
}

// Shows the job's progress until it ends, then its draft; a re-plan's draft opens with its changes.
async function followJob(job, limit) {
  $("solve").disabled = $("replan").disabled = true;
  const panel = $("job");
  panel.hidden = false;
  try {
    while (job.state === "queued" || job.state === "running") {
      showJob(panel, job, limit);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      job = await request("GET", `/v1/jobs/${job.id}`);
    }
    showJob(panel, job, limit);
  } finally {
    $("solve").disabled = $("replan").disabled = false;
  }
  if (job.state !== "succeeded") {
    say(`The solve failed: ${job.error}`, true);
    return;
  }
  state.selected = null;
  $("job").hidden = true;
  await loadDay(String(job.roster_id));
  say(`New draft ready: ${state.view.kpis.visits_served} visits served, ${state.view.kpis.unassigned} unassigned.`);
  if (state.rosters.some((r) => r.status === "published")) await showComparison();
}

// ---------------------------------------------------------------- the day's events and urgent visits

async function recordEvent(path, body, done) {
  await attempt(async () => {
    const limit = Number($("time-limit").value);
    const recorded = await request("POST", path, { json: { at: $("as-of").value || null, time_limit_s: limit, ...body } });
    say(done);
    if (recorded.job) await followJob(recorded.job, limit);
    else await loadDay();
  });
}

function eventActions(visit, nurse) {
  if (!nurse || !state.words.open_statuses.includes(visit.status)) return null;
  const minutes = h("select", { id: "overrun-minutes", "aria-label": "How much longer" },
    [15, 30, 45, 60, 90].map((m) => h("option", { value: m }, `${m} min`)));
  const visitPath = `/v1/visits/${visit.visit_id}`;
  return h("div", { class: "events" },
    h("p", { class: "hint" }, "Something happened? Each re-plans the rest of the day (as of the time above, or now)."),
    h("div", { class: "actions" },
      visit.status !== "in_progress" ? h("button", { onclick: () => recordEvent(`${visitPath}/cancellation`, {},
        "Cancelled; re-planning…") }, "Patient cancelled") : null,
      visit.status !== "in_progress" ? h("button", { onclick: () => recordEvent(`${visitPath}/no-show`, {},
        "No-show recorded; re-planning…") }, "No-show") : null,
      h("span", {}, minutes, h("button", { onclick: () => recordEvent(`${visitPath}/overrun`,
        { minutes: Number(minutes.value) }, "Overrun recorded; re-planning…") }, "Runs long")),
      h("button", { onclick: () => recordEvent(`/v1/nurses/${nurse.nurse_id}/sick-calls`, { date: $("day").value },
        `${nurse.name} is off sick; re-planning…`) }, `${nurse.name} called in sick`)));
}

async function findSlots(visitId) {
  await attempt(async () => {
    const asOf = $("as-of").value;
    const found = await request("GET", `/v1/visits/${visitId}/slots?limit=5${asOf ? `&as_of=${asOf}` : ""}`);
    const names = visitNames();
    const panel = $("slots");
    panel.replaceChildren(
      h("h2", {}, `Slots for ${names[visitId] || `visit ${visitId}`} (${found.elapsed_ms} ms)`),
      found.slots.length ? h("ol", { class: "slot-list" }, found.slots.map((slot) => h("li", { "data-rank": slot.rank },
        h("strong", {}, `${slot.nurse_name} ${hhmm(slot.start)}–${hhmm(slot.end)}`),
        ` · +${Math.round(slot.added_travel_s / 60)} min driving`,
        slot.retimed.length ? ` · moves ${slot.retimed.map((r) => `${names[r.visit_id] || r.visit_id} ${hhmm(r.from)}→${hhmm(r.to)}`).join(", ")}` : "",
        slot.bumped.length ? ` · takes out ${slot.bumped.map((b) => names[b.visit_id] || b.visit_id).join(", ")}` : "",
        " ", h("button", { onclick: () => takeSlot(visitId, slot, asOf) }, "Take")))) : h("p", {}, "No nurse can take it today."),
    );
    panel.hidden = false;
  });
}

async function takeSlot(visitId, slot, asOf) {
  await attempt(async () => {
    const roster = await request("POST", `/v1/visits/${visitId}/slots/take`, { json: {
      nurse_id: slot.nurse_id, position: slot.position, bumped: slot.bumped.map((b) => b.visit_id), as_of: asOf || null,
    } });
    $("slots").hidden = true;
    await loadDay(String(roster.id));
    say(`Draft v${roster.version}: ${roster.reason}. Review the changes, then publish.`);
    await showComparison();
  });
}

function visitNames() {
  const names = {};
  for (const n of state.view.nurses) for (const s of n.stops) names[s.visit_id] = s.patient_name;
  for (const u of state.view.unassigned) names[u.visit_id] = u.patient_name;
  return names;
}

function showJob(panel, job, limit) {
  const elapsed = job.progress?.elapsed_s ?? 0;
  const best = job.progress?.best_objective;
  panel.replaceChildren(
    h("h2", {}, `Solve: ${job.state}`),
    h("progress", { max: limit, value: Math.min(limit, elapsed), "aria-label": "time used" }),
    h("p", { class: "job-progress" }, job.state === "running"
      ? `${elapsed.toFixed(1)} s of ${limit} s${best !== undefined ? ` · best roster so far costs ${best.toLocaleString()}` : ""}`
      : job.state === "queued" ? "waiting for a worker" : job.state === "succeeded" ? "done: the draft is shown" : job.error || ""),
  );
}

async function compare() {
  await attempt(showComparison);
}

async function showComparison() {
  const tolerance = state.words.retime_tolerance_min; // moved more than this: the patient must be told
  const comparison = await request("GET", `/v1/rosters/${state.view.summary.id}/compare?tolerance_min=${tolerance}`);
  const names = visitNames();
  const label = (id) => names[id] || `visit ${id}`;
  const panel = $("comparison");
  const rows = comparison.nurses.map((n) => h("li", { "data-nurse": n.nurse_id },
    h("strong", {}, nurseName(n.nurse_id)), ": ",
    n.added.length ? h("span", { class: "added" }, `+ ${n.added.map(label).join(", ")} `) : null,
    n.removed.length ? h("span", { class: "removed" }, `− ${n.removed.map(label).join(", ")} `) : null,
    n.retimed.length ? h("span", { class: "retimed" },
      `re-timed ${n.retimed.map((r) => `${label(r.visit_id)} ${hhmm(r.from)}→${hhmm(r.to)}`).join(", ")}`) : null));
  panel.replaceChildren(...[
    h("h2", {}, `Against the published roster (${comparison.nurses.length} nurses change)`),
    rows.length ? h("ul", { class: "changes" }, rows) : h("p", {}, "Nothing changes for anyone."),
    comparison.newly_unassigned.length
      ? h("p", { class: "removed" }, `No longer served: ${comparison.newly_unassigned.map(label).join(", ")}`) : null,
    h("p", { class: "hint" }, `Re-timed means moved by more than ${tolerance} minutes.`),
  ].filter(Boolean));
  panel.hidden = false;
}

async function publish() {
  await attempt(async () => {
    const roster = await request("POST", `/v1/rosters/${state.view.summary.id}/publish`,
      { headers: { "If-Match": `"${state.view.summary.revision}"` } });
    await loadDay(String(roster.id));
    say(`Published v${roster.version}: nurses see it in their day and calendar.`);
  });
}

// ---------------------------------------------------------------- start

async function main() {
  const me = await loggedIn();
  if (me.role === "nurse") {
    location.replace(`nurse.html${location.hash}`);
    return;
  }
  state.words = await vocabulary();
  $("app").hidden = false;
  $("logout").title = `Logged in as ${me.username}`;
  $("day").value = hashParams().get("date") || localToday();
  await attempt(loadRegions);
  $("region").addEventListener("change", () => attempt(() => loadDay(null)));
  $("show-durations").addEventListener("click", () => attempt(showDurations));
  $("day").addEventListener("change", () => attempt(() => loadDay(null)));
  $("roster").addEventListener("change", () => attempt(loadRoster));
  $("solve").addEventListener("click", solve);
  $("compare").addEventListener("click", compare);
  $("replan").addEventListener("click", replan);
  $("publish").addEventListener("click", publish);
  $("logout").addEventListener("click", logOut);
  await attempt(() => loadDay());
  setInterval(() => {
    if (!state.busy && state.view && !document.hidden) attempt(loadRoster);
  }, REFRESH_MS);
}


// What nurses' session records suggest for minutes on site (a suggestion: nothing changes until she edits a service
// or a visit): per service, and per patient once she has had enough sessions.
async function showDurations() {
  const learned = await request("GET", `/v1/regions/${$("region").value}/durations`);
  const rows = [
    ...learned.services.filter((s) => s.sessions).map((s) => h("tr", {}, h("td", {}, s.name), h("td", {}, `${s.planned_min} min`),
      h("td", {}, `${s.suggested_min} min`), h("td", {}, String(s.sessions)))),
    ...learned.patients.map((p) => h("tr", {}, h("td", {}, `${p.patient_name} (${p.service})`), h("td", {}, ""),
      h("td", {}, `${p.suggested_min} min`), h("td", {}, String(p.sessions)))),
  ];
  $("durations-table").replaceChildren(rows.length
    ? h("table", {}, h("caption", {}, `${learned.percentile}th percentile of arrival → discharge`),
      h("tr", {}, h("th", {}, ""), h("th", {}, "planned"), h("th", {}, "suggested"), h("th", {}, "sessions")), rows)
    : h("p", {}, "No session records yet."));
}

main();
