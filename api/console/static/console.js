// The dispatcher's day: pick a region and a day, see the roster as a map and a timeline, act on it.
import {
  ApiError, STATUS_LABELS, h, hashParams, hhmm, localToday, loggedIn, logOut, request, say, setHashParams, vocabulary,
} from "./common.js";
import { drawMap } from "./map.js";
import { atRisk, drawTimeline } from "./timeline.js";
import { printSheets, rosterCsv } from "./runsheet.js";

const REFRESH_MS = 20000; // nurses' reports (late, done) show up without a reload
const POLL_MS = 700;
const TICK_MS = 250; // the solve's progress bar moves with time between polls
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

const $ = (id) => document.getElementById(id);
// words: GET /v1/vocabulary (statuses, report kinds, the re-time tolerance), read at start.
// names: every visit's patient seen in any roster or event this session, so no message falls back to an id.
// pending: a question on screen (confirm an event): the refresh leaves the panel alone until it is answered.
const state = {
  view: null, rosters: [], selected: null, selectedNurse: null, busy: false, words: null, names: {}, pending: false,
  events: [], timezones: {}, calls: {},
};

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

// "07:15" or empty (now); anything else is refused naming the field, before anything is sent.
function asOf() {
  const value = $("as-of").value.trim();
  if (value && !CLOCK.test(value)) throw new ApiError(422, { detail: `As of: "${value}" is not a 24-hour time (HH:MM, e.g. 07:15)` });
  return value || null;
}

// ---------------------------------------------------------------- loading

async function loadRegions() {
  const regions = await request("GET", "/v1/regions");
  state.timezones = Object.fromEntries(regions.map((r) => [r.id, r.timezone]));
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
  renderHistory();
  await Promise.all([loadRoster(), loadEvents()]);
}

async function loadRoster() {
  const rosterId = $("roster").value;
  setHashParams({ roster: rosterId || null });
  const changed = String(state.view?.summary.id) !== rosterId;
  if (changed) $("comparison").hidden = $("slots").hidden = true;
  if (!rosterId) {
    state.view = null;
    await render({ fit: true });
    return;
  }
  state.view = await request("GET", `/v1/rosters/${rosterId}/view`);
  learnNames(state.view);
  await render({ fit: changed });
}

async function loadEvents() {
  state.events = await request("GET", `/v1/regions/${$("region").value}/days/${$("day").value}/events`);
  for (const e of state.events) if (e.visit_id && e.patient_name) state.names[e.visit_id] = e.patient_name;
  renderEvents();
}

// Every 20 s: what nurses reported since. The dispatcher's message, the map's zoom and place, the selected
// visit (its highlight and its panel, with anything typed in it) and any question on screen stay as they are.
async function refresh() {
  if (state.busy || state.pending || !state.view || document.hidden || document.querySelector(".bar.dragging")) return;
  try {
    const view = await request("GET", `/v1/rosters/${state.view.summary.id}/view`);
    const events = await request("GET", `/v1/regions/${$("region").value}/days/${$("day").value}/events`);
    if (state.busy || state.pending || String(view.summary.id) !== String(state.view?.summary.id)) return;
    if (JSON.stringify(events) !== JSON.stringify(state.events)) {
      state.events = events;
      renderEvents();
    }
    if (!$("calls").hidden) { // another dispatcher may have called some
      const before = JSON.stringify(state.calls);
      await loadCalls(state.view);
      if (JSON.stringify(state.calls) !== before) renderCalls(state.view);
    }
    if (JSON.stringify(view) === JSON.stringify(state.view)) return;
    state.view = view;
    learnNames(view);
    await render({ fit: false });
  } catch (error) {
    say(`Could not refresh the roster: ${error.message}`, true);
  }
}

function learnNames(view) {
  for (const n of view.nurses) for (const s of n.stops) state.names[s.visit_id] = s.patient_name;
  for (const u of view.unassigned) state.names[u.visit_id] = u.patient_name;
}

// ---------------------------------------------------------------- drawing

// What has the keyboard focus among what a render redraws (a visit's bar, marker or list entry, a nurse's name),
// so that a refresh gives it back rather than dropping a keyboard user to the top of the page.
function focusedSelector() {
  const active = document.activeElement;
  const area = active?.closest?.("#timeline, #unassigned, #map");
  if (!area) return null;
  if (active.dataset.visit) return `#${area.id} [data-visit="${active.dataset.visit}"]`;
  const row = active.closest(".row[data-nurse]");
  return row && active.classList.contains("name") ? `#timeline .row[data-nurse="${row.dataset.nurse}"] .name` : null;
}

async function render({ fit }) {
  const focused = fit ? null : focusedSelector();
  const view = state.view;
  const isDraft = view?.summary.status === "draft";
  const hasPublished = state.rosters.some((r) => r.status === "published");
  $("publish").disabled = !isDraft;
  $("compare").disabled = !(isDraft && hasPublished);
  renderKpis(view);
  drawTimeline($("timeline"), view, {
    onSelect: select, onSelectNurse: selectNurse, onDrop: dropMove, draggable: isDraft,
    plannedStatuses: state.words.planned_statuses,
  });
  renderUnassigned(view);
  renderFilterChoices(view);
  await loadCalls(view);
  renderCalls(view);
  await drawMap($("map"), view, select, { fit, risky: (nurse, stop) => atRisk(nurse, stop, state.words.planned_statuses) });
  applyFilters();
  if (state.selected && view) showSelected(state.selected);
  else if (state.selectedNurse && view) showNurse(state.selectedNurse);
  else $("selected").hidden = true;
  highlight();
  if (focused) document.querySelector(focused)?.focus({ preventScroll: true });
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
    list.length ? h("ul", { class: "unassigned-list" }, list.map((u) => h("li", { "data-visit": u.visit_id },
      h("button", { class: "link", onclick: () => select(u.visit_id), "data-visit": u.visit_id },
        `${u.patient_name} · ${u.service} · ${u.window.start}–${u.window.end} · priority ${u.priority}` +
        `${u.promised ? " · promised" : ""}`),
      h("p", { class: "reason" }, u.reason)))) : h("p", {}, "Every visit has a nurse."),
  );
}

function highlight() {
  document.querySelectorAll(".selected").forEach((e) => e.classList.remove("selected"));
  if (state.selected) document.querySelectorAll(`[data-visit="${state.selected}"]`).forEach((e) => e.classList.add("selected"));
  if (state.selectedNurse) document.querySelectorAll(`.row[data-nurse="${state.selectedNurse}"]`).forEach((e) => e.classList.add("selected"));
}

// ---------------------------------------------------------------- find: by nurse, patient, service, status

function renderFilterChoices(view) {
  const keep = (id, options) => {
    const select = $(id);
    const current = select.value;
    select.replaceChildren(h("option", { value: "" }, "all"), ...options.map(([value, label]) =>
      h("option", { value, selected: String(value) === current }, label)));
  };
  const visits = view ? [...view.nurses.flatMap((n) => n.stops), ...view.unassigned] : [];
  keep("filter-nurse", view ? view.nurses.map((n) => [n.nurse_id, n.name]) : []);
  keep("filter-service", [...new Set(visits.map((v) => v.service))].sort().map((s) => [s, s]));
  keep("filter-status", [...Object.entries(STATUS_LABELS), ["at_risk", "at risk (nurse off sick)"], ["late", "running late"]]);
}

function visitMatches(visit, nurse, filters) {
  const text = filters.text.toLowerCase();
  if (text && !visit.patient_name.toLowerCase().includes(text) && !(nurse?.name.toLowerCase().includes(text))) return false;
  if (filters.nurse && String(nurse?.nurse_id) !== filters.nurse) return false;
  if (filters.service && visit.service !== filters.service) return false;
  if (filters.status === "at_risk") return Boolean(nurse) && atRisk(nurse, visit, state.words.planned_statuses);
  if (filters.status === "late") return visit.report?.kind === "running_late";
  if (filters.status && visit.status !== filters.status) return false;
  return true;
}

// Visits that do not match fade (the day's shape stays readable); nurses with none that match fold away.
function applyFilters() {
  const view = state.view;
  if (!view) return;
  const filters = { text: $("filter-text").value.trim(), nurse: $("filter-nurse").value, service: $("filter-service").value,
    status: $("filter-status").value };
  const active = Object.values(filters).some(Boolean);
  let shown = 0;
  let total = 0;
  for (const nurse of view.nurses) {
    let matched = 0;
    for (const stop of nurse.stops) {
      const match = !active || visitMatches(stop, nurse, filters);
      matched += match ? 1 : 0;
      document.querySelectorAll(`[data-visit="${stop.visit_id}"]`).forEach((e) => e.classList.toggle("filtered-out", !match));
    }
    shown += matched;
    total += nurse.stops.length;
    const nurseNamed = filters.text && nurse.name.toLowerCase().includes(filters.text.toLowerCase());
    const rowShown = !active || matched > 0 || (nurseNamed && !filters.service && !filters.status)
      || (filters.nurse === String(nurse.nurse_id) && !filters.text && !filters.service && !filters.status);
    document.querySelectorAll(`.timeline .row[data-nurse="${nurse.nurse_id}"]`).forEach((row) => { row.hidden = !rowShown; });
    document.querySelectorAll(`path.route[data-nurse="${nurse.nurse_id}"]`).forEach((e) => e.classList.toggle("filtered-out", active && !matched));
  }
  for (const visit of view.unassigned) {
    const match = !active || (!filters.nurse && visitMatches(visit, null, { ...filters, nurse: "" }));
    shown += match ? 1 : 0;
    total += 1;
    document.querySelectorAll(`[data-visit="${visit.visit_id}"]`).forEach((e) => e.classList.toggle("filtered-out", !match));
    document.querySelectorAll(`.unassigned-list li[data-visit="${visit.visit_id}"]`).forEach((e) => { e.hidden = !match; });
  }
  $("filter-count").textContent = active ? `${shown} of ${total} visits match` : "";
}

// ---------------------------------------------------------------- one visit: details, move, pin, events

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
  state.selectedNurse = null;
  state.pending = false;
  showSelected(visitId, true);
  highlight();
}

function selectNurse(nurseId) {
  state.selectedNurse = nurseId;
  state.selected = null;
  state.pending = false;
  showNurse(nurseId, true);
  highlight();
}

// Rebuilt only when what it shows changed (or asked), so a refresh keeps what the dispatcher was typing in it.
function unchanged(panel, facts, force) {
  const signature = JSON.stringify(facts);
  if (!force && !panel.hidden && panel.dataset.signature === signature) return true;
  panel.dataset.signature = signature;
  return false;
}

function showSelected(visitId, force = false) {
  const found = state.view && findVisit(visitId);
  const panel = $("selected");
  if (!found) {
    panel.hidden = true;
    return;
  }
  if (unchanged(panel, [state.view.summary.id, state.view.summary.revision, found], force)) return;
  const { visit, nurse, sequence } = found;
  const isDraft = state.view.summary.status === "draft";
  const where = nurse ? `${nurse.name}, stop ${sequence}, ${hhmm(visit.start)}–${hhmm(visit.end)}`
    : `not in the roster: ${visit.reason}`;
  const report = visit.report ? ` · ${visit.report.kind === "running_late"
    ? `running ${visit.report.minutes_late} min late` : STATUS_LABELS[visit.report.kind] || visit.report.kind}` : "";
  const risky = nurse && atRisk(nurse, visit, state.words.planned_statuses);
  const nurseChoice = h("select", { id: "move-nurse", "aria-label": "Move to nurse" },
    state.view.nurses.map((n) => h("option", { value: n.nurse_id, selected: nurse && n.nurse_id === nurse.nurse_id }, n.name)),
    h("option", { value: "" }, "— take out of the roster —"));
  const startChoice = h("input", { id: "move-start", class: "clock", inputmode: "numeric", maxlength: 5, placeholder: "HH:MM",
    pattern: CLOCK.source, "aria-label": "Start at (optional, 24-hour HH:MM)", autocomplete: "off" });
  panel.replaceChildren(...[
    h("h2", {}, visit.patient_name),
    h("p", {}, `${visit.service} · window ${visit.window.start}–${visit.window.end} · priority ${visit.priority}`),
    visit.promised ? h("p", { class: "promised" }, `Promised: the patient was told ${visit.window.start}–${visit.window.end} ` +
      "when the visit was booked from an offer. Keep it inside that window, or call her.") : null,
    h("p", {}, `${STATUS_LABELS[visit.status]}${report}`),
    h("p", { class: "where" }, where),
    risky ? h("p", { class: "risk" }, `At risk: ${nurse.name} is off sick from ${hhmm(nurse.off_from)}. Re-plan to give it to another nurse.`) : null,
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

function showNurse(nurseId, force = false) {
  const nurse = state.view?.nurses.find((n) => n.nurse_id === nurseId);
  const panel = $("selected");
  if (!nurse) {
    panel.hidden = true;
    return;
  }
  if (unchanged(panel, [state.view.summary.id, state.view.summary.revision, nurse], force)) return;
  const risky = nurse.stops.filter((s) => atRisk(nurse, s, state.words.planned_statuses));
  panel.replaceChildren(...[
    h("h2", {}, nurse.name),
    h("p", {}, `shift ${hhmm(nurse.shift.start)}–${hhmm(nurse.shift.end)} · ${nurse.stops.length} visits`
      + (nurse.break ? ` · break ${hhmm(nurse.break.start)}–${hhmm(nurse.break.end)}` : "")),
    nurse.off_from ? h("p", { class: "risk" }, `Off sick from ${hhmm(nurse.off_from)}`
      + (risky.length ? `: ${risky.length} of her visits still published are at risk (${risky.map((s) => `${s.patient_name} ${hhmm(s.start)}`).join(", ")}). Re-plan to give them to others.` : ".")) : null,
    nurse.shift_changed ? h("p", { class: "risk" }, nurse.shift_changed) : null,
    h("button", { onclick: () => printSheets([nurse], state.view) }, `Print ${nurse.name}'s run sheet`),
    nurse.off_from ? null : h("div", { class: "events" }, h("div", { class: "actions" }, sickButton(nurse))),
  ].filter(Boolean));
  panel.hidden = false;
}

function nurseName(nurseId) {
  return state.view.nurses.find((n) => n.nurse_id === nurseId)?.name || `nurse ${nurseId}`;
}

async function move(visitId, nurseId = $("move-nurse").value || null, start = null) {
  await attempt(async () => {
    const at = start ?? ($("move-start").value.trim() || null);
    if (at && !CLOCK.test(at)) throw new ApiError(422, { detail: `Start at: "${at}" is not a 24-hour time (HH:MM, e.g. 13:30)` });
    const roster = await request("POST", `/v1/rosters/${state.view.summary.id}/moves`, {
      json: { visit_id: Number(visitId), nurse_id: nurseId && Number(nurseId), start: at },
      headers: { "If-Match": `"${state.view.summary.revision}"` },
    });
    await loadDay(String(roster.id));
    const placed = findVisit(visitId);
    say(placed?.nurse ? `Moved ${placed.visit.patient_name}: ${placed.nurse.name} at ${hhmm(placed.visit.start)}.`
      : `Took ${state.names[visitId] || "the visit"} out of the roster.`);
  });
}

// Dropped on the timeline: the same move, checked by the server as from the form.
async function dropMove(visitId, nurseId, start) {
  state.selected = visitId;
  await move(visitId, nurseId, start);
}

async function pin(visit, nurse) {
  await attempt(async () => {
    const current = await request("GET", `/v1/visits/${visit.visit_id}`);
    const pinnedTo = visit.pinned_nurse_id ? null : Number(nurse.nurse_id);
    await request("PATCH", `/v1/visits/${visit.visit_id}`, {
      json: { pinned_nurse_id: pinnedTo }, headers: { "If-Match": `"${current.version}"` },
    });
    await loadRoster();
    say(pinnedTo ? `Pinned to ${nurse.name}: every solve keeps it with her.` : `${visit.patient_name} unpinned.`);
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
      { json: { time_limit_s: limit, as_of: asOf() } });
    await followJob(job, limit);
  });
}

// Shows the job's progress until it ends, then its draft; a re-plan's draft opens with its changes.
async function followJob(job, limit) {
  $("solve").disabled = $("replan").disabled = true;
  const panel = $("job");
  panel.hidden = false;
  const watch = { job, runningSince: null };
  const tick = setInterval(() => showJob(panel, watch, limit), TICK_MS);
  try {
    while (watch.job.state === "queued" || watch.job.state === "running") {
      if (watch.job.state === "running" && watch.runningSince === null) watch.runningSince = performance.now();
      showJob(panel, watch, limit);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      watch.job = await request("GET", `/v1/jobs/${watch.job.id}`);
    }
    showJob(panel, watch, limit);
  } finally {
    clearInterval(tick);
    $("solve").disabled = $("replan").disabled = false;
  }
  job = watch.job;
  if (job.state !== "succeeded") {
    say(`The solve failed: ${job.error}`, true);
    return;
  }
  state.selected = state.selectedNurse = null;
  $("job").hidden = true;
  await loadDay(String(job.roster_id));
  say(`New draft ready: ${state.view.kpis.visits_served} visits served, ${state.view.kpis.unassigned} unassigned.`);
  if (state.rosters.some((r) => r.status === "published")) await showComparison();
}

// In the dispatcher's words: how many visits the best roster so far places, and the time used, moving between
// polls (the search reports only when it finds a better roster).
function showJob(panel, watch, limit) {
  const { job, runningSince } = watch;
  const progress = job.progress || {};
  const local = runningSince === null ? 0 : (performance.now() - runningSince) / 1000;
  const elapsed = Math.min(limit, Math.max(progress.elapsed_s ?? 0, local));
  const placed = progress.visits !== undefined
    ? `${progress.visits_placed} of ${progress.visits} visits placed` : "building a first roster";
  const text = job.state === "running" ? `${placed} · ${elapsed.toFixed(1)} s of ${limit} s`
    : job.state === "queued" ? "waiting for a worker"
      : job.state === "succeeded" ? "done: the draft is shown" : job.error || "";
  panel.replaceChildren(
    h("h2", {}, job.state === "running" ? "Solving…" : `Solve: ${job.state}`),
    h("progress", { max: limit, value: job.state === "running" ? elapsed : job.state === "succeeded" ? limit : 0,
      "aria-label": "time used" }),
    h("p", { class: "job-progress" }, text),
  );
}

async function compare() {
  await attempt(showComparison);
}

// Names of every visit a comparison mentions: those the draft no longer holds come from the published roster.
async function knowNames(ids) {
  if (ids.every((id) => state.names[id])) return;
  const published = state.rosters.find((r) => r.status === "published");
  if (published) learnNames(await request("GET", `/v1/rosters/${published.id}/view`));
}

async function showComparison() {
  const tolerance = state.words.retime_tolerance_min; // moved more than this: the patient must be told
  const comparison = await request("GET", `/v1/rosters/${state.view.summary.id}/compare?tolerance_min=${tolerance}`);
  await knowNames([...comparison.nurses.flatMap((n) => [...n.added, ...n.removed, ...n.retimed.map((r) => r.visit_id)]),
    ...comparison.newly_unassigned]);
  const label = (id) => state.names[id] || "a visit no longer on record";
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
    h("p", { class: "hint" }, `Re-timed means moved by more than ${tolerance} minutes. Once published, the patients to call are listed.`),
  ].filter(Boolean));
  panel.hidden = false;
}

async function publish() {
  await attempt(async () => {
    const roster = await request("POST", `/v1/rosters/${state.view.summary.id}/publish`,
      { headers: { "If-Match": `"${state.view.summary.revision}"` } });
    $("comparison").hidden = true; // it compared the draft with what is now superseded
    await loadDay(String(roster.id));
    const calls = callList(state.view).length;
    say(`Published v${roster.version}: nurses see it in their day and calendar.`
      + (calls ? ` ${calls} patients to call about their new time: see the call list.` : ""));
  });
}

// ---------------------------------------------------------------- after a re-plan: the patients to call

// The published roster's changes against the one it superseded: each patient whose nurse or time changed, or who
// is no longer served, with the new time and the phone number.
function callList(view) {
  const changes = view?.summary.status === "published" && view.summary.based_on !== null ? view.summary.changes : null;
  if (!changes) return [];
  const stops = new Map(view.nurses.flatMap((n) => n.stops.map((s) => [s.visit_id, { stop: s, nurse: n }])));
  const unassigned = new Map(view.unassigned.map((u) => [u.visit_id, u]));
  const calls = new Map();
  for (const nurse of changes.nurses) {
    for (const r of nurse.retimed) calls.set(r.visit_id, { visitId: r.visit_id, was: hhmm(r.from) });
    for (const id of nurse.added) if (!calls.has(id)) calls.set(id, { visitId: id, was: null });
  }
  for (const id of changes.newly_unassigned) calls.set(id, { visitId: id, was: null });
  return [...calls.values()].map((call) => {
    const placed = stops.get(call.visitId);
    const visit = placed?.stop || unassigned.get(call.visitId);
    if (!visit) return null;
    const now = placed ? `${hhmm(placed.stop.start)} with ${placed.nurse.name}` : "not served today: rebook";
    return { ...call, name: visit.patient_name, phone: visit.phone || "no phone on record", now };
  }).filter(Boolean).sort((a, b) => a.now.localeCompare(b.now));
}

// Who called whom is kept by the server, so every dispatcher of the region sees the same ticks.
async function loadCalls(view) {
  if (!callList(view).length) {
    state.calls = {};
    return;
  }
  const rows = await request("GET", `/v1/rosters/${view.summary.id}/calls`);
  state.calls = Object.fromEntries(rows.map((c) => [c.visit_id, c]));
}

function renderCalls(view) {
  const calls = callList(view);
  const panel = $("calls");
  panel.hidden = !calls.length;
  if (!calls.length) return;
  const rosterId = view.summary.id;
  const left = calls.filter((c) => !state.calls[c.visitId]).length;
  const tick = (call) => attempt(async () => {
    if (state.calls[call.visitId]) {
      await request("DELETE", `/v1/rosters/${rosterId}/calls/${call.visitId}`);
      delete state.calls[call.visitId];
    } else {
      state.calls[call.visitId] = await request("PUT", `/v1/rosters/${rosterId}/calls/${call.visitId}`);
    }
    renderCalls(view);
    panel.querySelector(`li[data-visit="${call.visitId}"] input`)?.focus();
  });
  panel.replaceChildren(h("h2", {}, `Patients to call (${left} of ${calls.length} left)`),
    h("ul", { class: "call-list" }, calls.map((c) => {
      const called = state.calls[c.visitId];
      return h("li", { "data-visit": c.visitId, class: called ? "called" : "" },
        h("label", {}, h("input", { type: "checkbox", checked: Boolean(called), onchange: () => tick(c) }),
          called ? ` called by ${called.called_by} at ${localTime(called.called_at)} ` : " called "),
        h("strong", {}, c.name), ` · ${c.phone} · `, c.was ? `${c.was} → ${c.now}` : c.now);
    })),
    h("p", { class: "hint" }, `Why: ${view.summary.reason || "the roster changed"}.`));
}

// ---------------------------------------------------------------- the day's events (confirmed, and undoable)

function confirmThen(container, question, yes, action) {
  const before = [...container.childNodes];
  const no = h("button", { onclick: () => { state.pending = false; container.replaceChildren(...before); } }, "Keep as it was");
  state.pending = true;
  container.replaceChildren(h("div", { class: "confirm", role: "alertdialog", "aria-label": question,
    onkeydown: (event) => { if (event.key === "Escape") no.click(); } },
    h("p", {}, question),
    h("button", { class: "primary", onclick: () => { state.pending = false; container.replaceChildren(...before); action(); } }, yes),
    " ", no));
  container.querySelector("button.primary").focus();
}

async function recordEvent(path, body, done) {
  await attempt(async () => {
    const limit = Number($("time-limit").value);
    const recorded = await request("POST", path, { json: { at: asOf(), time_limit_s: limit, ...body } });
    say(`${done} Undo it under “The day's events” if it was a mistake.`);
    await loadEvents();
    if (recorded.job) await followJob(recorded.job, limit);
    else await loadDay();
  });
}

function sickButton(nurse) {
  return h("button", { onclick: (event) => {
    const from = $("as-of").value.trim() || "now";
    confirmThen(event.target.closest(".events"), `${nurse.name} called in sick: off from ${from}? `
      + "Her visits not begun go to other nurses in a re-plan.", `Yes, ${nurse.name} is off sick`,
    () => recordEvent(`/v1/nurses/${nurse.nurse_id}/sick-calls`, { date: $("day").value },
      `${nurse.name} is off sick from ${from}; re-planning…`));
  } }, `${nurse.name} called in sick`);
}

function eventActions(visit, nurse) {
  if (!nurse || !state.words.open_statuses.includes(visit.status)) return null;
  const minutes = h("select", { id: "overrun-minutes", "aria-label": "How much longer" },
    [15, 30, 45, 60, 90].map((m) => h("option", { value: m }, `${m} min`)));
  const visitPath = `/v1/visits/${visit.visit_id}`;
  const who = `${visit.patient_name}'s ${hhmm(visit.start)} ${visit.service}`;
  const ask = (question, yes, path, body, done) => (event) =>
    confirmThen(event.target.closest(".events"), question, yes, () => recordEvent(path, body(), done));
  return h("div", { class: "events" },
    h("p", { class: "hint" }, "Something happened? Each re-plans the rest of the day (as of the time above, or now)."),
    h("div", { class: "actions" },
      visit.status !== "in_progress" ? h("button", { onclick: ask(`Cancel ${who}? The patient cancelled; the rest of the day is re-planned.`,
        "Yes, cancel the visit", `${visitPath}/cancellation`, () => ({}), `${who} cancelled; re-planning…`) }, "Patient cancelled") : null,
      visit.status !== "in_progress" ? h("button", { onclick: ask(`Record that nobody was home for ${who}? ${nurse.name} goes on from the door.`,
        "Yes, a no-show", `${visitPath}/no-show`, () => ({}), `No-show recorded for ${who}; re-planning…`) }, "No-show") : null,
      h("span", {}, minutes, h("button", { onclick: (event) => ask(`Record that ${who} runs ${minutes.value} min long? The rest of ${nurse.name}'s day moves.`,
        "Yes, it runs long", `${visitPath}/overrun`, () => ({ minutes: Number(minutes.value) }),
        `${who} runs ${minutes.value} min long; re-planning…`)(event) }, "Runs long")),
      sickButton(nurse)));
}

const EVENT_WORDS = {
  sick_call: (e) => `${e.nurse_name} called in sick (off from ${localTime(e.effective_at)})`,
  cancellation: (e) => `${e.patient_name} cancelled`,
  no_show: (e) => `${e.patient_name}: nobody home${e.nurse_name ? ` (${e.nurse_name})` : ""}`,
  overrun: (e) => `${e.patient_name}'s visit runs ${e.minutes} min long${e.nurse_name ? ` (${e.nurse_name})` : ""}`,
  urgent_visit: (e) => `urgent visit for ${e.patient_name} placed${e.nurse_name ? ` with ${e.nurse_name}` : ""}`,
};

// A moment ("2026-12-01T14:15:00Z") as the region's wall clock, 24-hour: "07:15".
function localTime(iso) {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    timeZone: state.timezones[$("region").value] }).format(new Date(iso));
}

function renderEvents() {
  const list = state.events;
  $("events").replaceChildren(
    h("h2", {}, `The day's events (${list.filter((e) => !e.undone_at).length})`),
    list.length ? h("ul", { class: "event-list" }, list.map((e) => h("li", { "data-event": e.id, class: e.undone_at ? "undone" : "" },
      h("span", {}, `${localTime(e.effective_at)} ${EVENT_WORDS[e.kind](e)} · by ${e.recorded_by}`),
      e.undone_at ? h("span", { class: "hint" }, ` · undone by ${e.undone_by} at ${localTime(e.undone_at)}`)
        : e.kind === "urgent_visit" ? null
          : h("button", { class: "undo", onclick: () => undoEvent(e) }, "Undo")))) : h("p", { class: "hint" }, "Nothing reported yet."),
  );
}

async function undoEvent(event) {
  await attempt(async () => {
    await request("POST", `/v1/regions/${$("region").value}/days/${$("day").value}/events/${event.id}/undo`);
    await loadDay(state.view ? String(state.view.summary.id) : undefined);
    say(`Undone: ${EVENT_WORDS[event.kind](event)}. It no longer counts; a draft made from it stays a draft (re-plan for a new one).`);
  });
}

// ---------------------------------------------------------------- the roster history: who published what, when, why

function renderHistory() {
  const rows = [...state.rosters].sort((a, b) => b.version - a.version);
  const when = (iso) => (iso ? localTime(iso) : "");
  $("history").replaceChildren(
    h("h2", {}, "Roster history"),
    rows.length ? h("ol", { class: "history-list", reversed: true }, rows.map((r) => h("li", { "data-roster": r.id },
      h("strong", {}, `v${r.version} ${r.status}`),
      ` · made ${when(r.created_at)} by ${r.created_by}`,
      r.published_at ? ` · published ${when(r.published_at)} by ${r.published_by}` : "",
      ` · ${r.reason || "solved"}`,
      ` · ${r.kpis.assigned} served, ${r.kpis.unassigned} unassigned`))) : h("p", { class: "hint" }, "No roster yet."),
  );
}

// ---------------------------------------------------------------- urgent visits

async function findSlots(visitId) {
  await attempt(async () => {
    const at = asOf();
    const found = await request("GET", `/v1/visits/${visitId}/slots?limit=5${at ? `&as_of=${at}` : ""}`);
    const label = (id) => state.names[id] || "another visit";
    const panel = $("slots");
    panel.replaceChildren(
      h("h2", {}, `Slots for ${label(visitId)} (${found.elapsed_ms} ms)`),
      found.slots.length ? h("ol", { class: "slot-list" }, found.slots.map((slot) => h("li", { "data-rank": slot.rank },
        h("strong", {}, `${slot.nurse_name} ${hhmm(slot.start)}–${hhmm(slot.end)}`),
        ` · +${Math.round(slot.added_travel_s / 60)} min driving`,
        slot.retimed.length ? ` · moves ${slot.retimed.map((r) => `${label(r.visit_id)} ${hhmm(r.from)}→${hhmm(r.to)}`).join(", ")}` : "",
        slot.bumped.length ? ` · takes out ${slot.bumped.map((b) => label(b.visit_id)).join(", ")}` : "",
        " ", h("button", { onclick: () => takeSlot(visitId, slot, at) }, "Take")))) : h("p", {}, "No nurse can take it today."),
    );
    panel.hidden = false;
  });
}

async function takeSlot(visitId, slot, at) {
  await attempt(async () => {
    const roster = await request("POST", `/v1/visits/${visitId}/slots/take`, { json: {
      nurse_id: slot.nurse_id, position: slot.position, bumped: slot.bumped.map((b) => b.visit_id), as_of: at || null,
    } });
    $("slots").hidden = true;
    await loadDay(String(roster.id));
    say(`Draft v${roster.version}: ${roster.reason}. Review the changes, then publish.`);
    await showComparison();
  });
}

// ---------------------------------------------------------------- print and export

function exportCsv() {
  if (!state.view) return;
  const blob = new Blob([rosterCsv(state.view)], { type: "text/csv" });
  const link = h("a", { href: URL.createObjectURL(blob),
    download: `${state.view.summary.region_id}-${state.view.date}-v${state.view.summary.version}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
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
  $("print-day").addEventListener("click", () => state.view && printSheets(state.view.nurses.filter((n) => n.stops.length), state.view));
  $("export-csv").addEventListener("click", exportCsv);
  for (const id of ["filter-text", "filter-nurse", "filter-service", "filter-status"]) $(id).addEventListener("input", applyFilters);
  await attempt(() => loadDay());
  setInterval(refresh, REFRESH_MS);
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
