// The dispatcher's week: the shift grid (nurses × days, each cell editable) and the week plan
// (start it, follow its progress, see each day's sessions per nurse and what was left out, publish it, re-plan it
// from a day after an event: a nurse off sick, visits cancelled).
import { dayLabel } from "./calendar.js";
import { attempt, dispatcherSignedIn, h, hashParams, hhmm, localToday, logOut, request, say, setHashParams } from "./common.js";

const POLL_MS = 700;
const $ = (id) => document.getElementById(id);
const state = { grid: null, cell: null, plan: null, nurses: new Map() };

const time = (value) => (value ? value.slice(0, 5) : "");

// ---------------------------------------------------------------- the shift grid

async function loadGrid() {
  const region = $("region").value;
  const from = $("from").value;
  if (!region || !from) return;
  setHashParams({ region, from });
  // Only the latest read draws: the first week's grid answering late must not replace the week chosen since.
  const asked = (state.asked = (state.asked || 0) + 1);
  const grid = await request("GET", `/v1/regions/${region}/shift-grid?from=${from}&days=7`);
  // The visits booked each day, promised ones (taken from an offer, book.html) counted apart: they show at once.
  const booked = await Promise.all(grid.dates.map((d) => request("GET", `/v1/regions/${region}/visits?date=${d}`)));
  if (asked !== state.asked) return;
  state.grid = grid;
  state.booked = booked;
  drawGrid();
}

function cellText(cell) {
  if (cell.source === "off") return "off";
  if (cell.source === "time_off") return cell.note ? `time off (${cell.note})` : "time off";
  return `${time(cell.start)}–${time(cell.end)}${cell.source === "exception" ? " (changed)" : ""}`;
}

function drawGrid() {
  const grid = state.grid;
  const head = h("tr", {}, h("th", { scope: "col" }, "Nurse"), grid.dates.map((d) => h("th", { scope: "col" }, dayLabel(d))),
    h("th", { scope: "col" }, "Hours"));
  const rows = grid.nurses.map((nurse) => h("tr", { "data-nurse": nurse.nurse_id },
    h("th", { scope: "row" }, nurse.name),
    nurse.cells.map((cell) => {
      const selected = state.cell && state.cell.nurse.nurse_id === nurse.nurse_id && state.cell.cell.date === cell.date;
      return h("td", { class: `cell ${cell.source}${selected ? " selected" : ""}`, "data-date": cell.date },
        h("button", {
          type: "button",
          "aria-label": `${nurse.name}, ${dayLabel(cell.date)}: ${cellText(cell)}. Change`,
          onclick: () => openCell(nurse, cell),
        }, cellText(cell)));
    }),
    h("td", { class: "minutes" }, `${(nurse.minutes / 60).toFixed(1)} h${nurse.max_week_min ? ` of ${(nurse.max_week_min / 60).toFixed(1)}` : ""}`)));
  const booked = h("tr", { class: "booked" }, h("th", { scope: "row" }, "Visits booked"),
    (state.booked || []).map((visits) => {
      const promised = visits.filter((v) => v.promised).length;
      return h("td", {}, `${visits.length}${promised ? ` (${promised} promised)` : ""}`);
    }), h("td", {}));
  $("grid").replaceChildren(h("table", { class: "shift-grid", "aria-label": "Shifts: nurses by day" },
    h("thead", {}, head), h("tbody", {}, rows), h("tfoot", {}, booked)));
}

function openCell(nurse, cell) {
  state.cell = { nurse, cell };
  $("cell-title").textContent = `${nurse.name}, ${dayLabel(cell.date)}`;
  $("cell-start").value = time(cell.start) || "08:00";
  $("cell-end").value = time(cell.end) || "16:00";
  $("cell-editor").hidden = false;
  drawGrid();
  $("cell-start").focus();
}

function closeCell() {
  const was = state.cell;
  state.cell = null;
  $("cell-editor").hidden = true;
  drawGrid();
  if (was) document.querySelector(`tr[data-nurse="${was.nurse.nurse_id}"] td[data-date="${was.cell.date}"] button`)?.focus();
}

async function changeCell(method, path, body, done) {
  const { nurse, cell } = state.cell;
  await attempt(async () => {
    await request(method, `/v1/nurses/${nurse.nurse_id}/${path}/${cell.date}`, body === undefined ? {} : { json: body });
    await loadGrid();
    say(`${nurse.name}, ${dayLabel(cell.date)}: ${done}`);
    closeCell();
  });
}

// The same shift on every day of the grid for her, in one go (a day refused, e.g. her break cannot fit, is said
// by date and the others stay set).
async function setWholeWeek() {
  const { nurse } = state.cell;
  const start = $("cell-start").value;
  const end = $("cell-end").value;
  await attempt(async () => {
    const refused = [];
    for (const date of state.grid.dates) {
      try {
        await request("PUT", `/v1/nurses/${nurse.nurse_id}/shifts/${date}`, { json: { start, end } });
      } catch (error) {
        refused.push(`${dayLabel(date)}: ${error.message}`);
      }
    }
    await loadGrid();
    closeCell();
    if (refused.length) say(`${nurse.name}: ${refused.join("; ")}`, true);
    else say(`${nurse.name}: shift ${start}–${end} on all ${state.grid.dates.length} days`);
  });
}

// ---------------------------------------------------------------- the week plan

async function startPlan() {
  const region = $("region").value;
  await attempt(async () => {
    state.plan = await request("POST", `/v1/regions/${region}/plans`, {
      json: { from: $("from").value, days: Number($("plan-days").value), time_limit_s: Number($("plan-limit").value) },
    });
    setHashParams({ plan: state.plan.id });
    await followPlan();
  });
}

async function followPlan() {
  $("plan-start").disabled = true;
  try {
    drawPlan();
    while (state.plan.state === "queued" || state.plan.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      state.plan = await request("GET", `/v1/plans/${state.plan.id}`);
      drawPlan();
    }
    if (state.plan.state === "failed") say(`The plan failed: ${state.plan.error}`, true);
  } finally {
    $("plan-start").disabled = false;
  }
}

function progressText(plan) {
  const p = plan.progress || {};
  if (plan.state === "queued") return "Queued: waiting for a worker";
  if (plan.state === "running") {
    const days = p.days ? `, ${p.days_done ?? 0} of ${p.days} days routed` : "";
    return `Running: ${p.phase || "starting"}${days}`;
  }
  if (plan.state === "succeeded") return `Plan ${plan.id} (${plan.status}), ${plan.from} for ${plan.days} days`;
  return `Plan ${plan.id} ${plan.state}`;
}

// [id, name] of every nurse with a route in the plan's days, by name.
function planNurses(plan) {
  const names = new Map();
  for (const day of plan.rosters) for (const nurse of day.nurses) names.set(nurse.nurse_id, nurse.name);
  return [...names].sort((a, b) => String(a[1]).localeCompare(String(b[1])));
}

function drawPlan() {
  const plan = state.plan;
  const running = plan.state === "queued" || plan.state === "running";
  const share = plan.progress?.share ?? 0;
  $("plan-progress").replaceChildren(h("p", { id: "plan-state" }, progressText(plan)),
    ...(running ? [h("progress", { max: 1, value: share, "aria-label": "Plan progress" })] : []));
  $("plan-publish").disabled = plan.state !== "succeeded" || plan.status !== "draft";
  drawReplanForm();
  if (plan.state !== "succeeded") {
    $("plan").replaceChildren();
    $("plan-unassigned").replaceChildren();
    return;
  }
  const head = h("tr", {}, h("th", { scope: "col" }, "Nurse"), plan.rosters.map((d) => h("th", { scope: "col" }, dayLabel(d.date))));
  const rows = planNurses(plan).map(([id, name]) => h("tr", { "data-nurse": id }, h("th", { scope: "row" }, name),
    plan.rosters.map((day) => {
      const route = day.nurses.find((n) => n.nurse_id === id);
      return h("td", { "data-date": day.date }, (route?.stops || []).map((stop) => h("span", { class: "stop", "data-visit": stop.visit_id },
        h("span", { class: "time" }, hhmm(stop.start)), " ", stop.patient_name || "a visit",
        stop.course_id ? h("span", { class: "session" }, ` · session ${stop.session}`) : null)));
    })));
  $("plan").replaceChildren(h("table", { class: "plan-grid", "aria-label": "The plan: nurses by day" },
    h("thead", {}, head), h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: plan.rosters.length + 1 }, "No visit placed")))));
  $("plan-unassigned").replaceChildren(
    h("h3", {}, `Left out (${plan.unassigned.length})`),
    plan.unassigned.length
      ? h("ul", { class: "left-out" }, plan.unassigned.map((u) => h("li", { "data-visit": u.visit_id },
        h("strong", {}, u.patient_name || "a visit"), u.session ? ` (session ${u.session})` : "", ": ",
        h("span", { class: "reason" }, u.reason))))
      : h("p", { class: "hint" }, "Every visit is placed."));
}

// ---------------------------------------------------------------- re-plan after an event

function drawReplanForm() {
  const plan = state.plan;
  const form = $("replan-form");
  form.hidden = plan.state !== "succeeded" || !plan.rosters.length;
  if (form.hidden) return;
  const dates = plan.rosters.map((d) => String(d.date));
  const chosen = dates.includes($("replan-from").value) ? $("replan-from").value : dates[Math.min(1, dates.length - 1)];
  $("replan-from").replaceChildren(...dates.map((d) => h("option", { value: d, selected: d === chosen }, dayLabel(d))));
  const nurse = $("replan-nurse").value;
  $("replan-nurse").replaceChildren(h("option", { value: "" }, "nobody"),
    ...planNurses(plan).map(([id, name]) => h("option", { value: id, selected: String(id) === nurse }, name)));
  drawReplanDays();
}

// The days the sick nurse is off run from the first re-planned day; the visits to cancel are those from it on.
function drawReplanDays() {
  const from = $("replan-from").value;
  const later = state.plan.rosters.filter((d) => String(d.date) >= from);
  $("replan-until").replaceChildren(...later.map((d) => h("option", { value: String(d.date) }, dayLabel(d.date))));
  const stops = later.flatMap((day) => day.nurses.flatMap((n) => n.stops.map((stop) => ({ day, stop }))));
  $("replan-cancelled").replaceChildren(...stops.map(({ day, stop }) => h("option", { value: stop.visit_id },
    `${dayLabel(day.date)} ${hhmm(stop.start)} ${stop.patient_name || "a visit"}${stop.course_id ? ` · session ${stop.session}` : ""}`)));
}

async function startReplan(event) {
  event.preventDefault();
  const from = $("replan-from").value;
  const nurse = $("replan-nurse").value;
  const until = $("replan-until").value;
  const sick = nurse ? { [nurse]: state.plan.rosters.map((d) => String(d.date)).filter((d) => d >= from && d <= until) } : {};
  const cancelled = [...$("replan-cancelled").selectedOptions].map((option) => Number(option.value));
  if (!nurse && !cancelled.length) {
    say("Choose the nurse off sick or the visits cancelled: nothing happened to re-plan for.", true);
    return;
  }
  await attempt(async () => {
    state.plan = await request("POST", `/v1/plans/${state.plan.id}/replan`, {
      json: { from, sick, cancelled, reason: $("replan-reason").value, time_limit_s: Number($("plan-limit").value) },
    });
    setHashParams({ plan: state.plan.id });
    $("replan-reason").value = "";
    await followPlan();
  });
}

async function publishPlan() {
  await attempt(async () => {
    state.plan = await request("POST", `/v1/plans/${state.plan.id}/publish`);
    drawPlan();
    say(`Published: ${state.plan.rosters.length} days`);
  });
}

// ---------------------------------------------------------------- start

async function start() {
  if (!(await dispatcherSignedIn())) return;
  const regions = await request("GET", "/v1/regions");
  const params = hashParams();
  $("region").replaceChildren(...regions.map((r) => h("option", { value: r.id, selected: r.id === params.get("region") }, r.name)));
  // A week typed while the page was still loading stays (its change came before anyone listened).
  $("from").value ||= params.get("from") || localToday();
  $("region").addEventListener("change", () => attempt(loadGrid));
  $("from").addEventListener("change", () => attempt(loadGrid));
  $("logout").addEventListener("click", logOut);
  $("cell-editor").addEventListener("submit", (event) => {
    event.preventDefault();
    changeCell("PUT", "shifts", { start: $("cell-start").value, end: $("cell-end").value }, `shift ${$("cell-start").value}–${$("cell-end").value}`);
  });
  $("cell-week").addEventListener("click", setWholeWeek);
  $("cell-off").addEventListener("click", () => changeCell("PUT", "time-off", { note: "" }, "time off"));
  $("cell-reset").addEventListener("click", () => changeCell("DELETE", "shifts", undefined, "as her template"));
  $("cell-close").addEventListener("click", closeCell);
  $("cell-editor").addEventListener("keydown", (event) => { if (event.key === "Escape") closeCell(); });
  $("plan-start").addEventListener("click", startPlan);
  $("plan-publish").addEventListener("click", publishPlan);
  $("replan-from").addEventListener("change", drawReplanDays);
  $("replan-form").addEventListener("submit", startReplan);
  await attempt(loadGrid);
  if (params.get("plan")) {
    await attempt(async () => {
      state.plan = await request("GET", `/v1/plans/${params.get("plan")}`);
      await followPlan();
    });
  }
}

start();
