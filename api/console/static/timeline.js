// The timeline (Gantt): one row per nurse on shift; her drives, waits, visits, break and any overtime
// drawn to scale between the earliest shift start and the latest shift end of the day, with a line at now.
// In a draft, a visit can be dragged to another time or another nurse's row (the server checks the move).
import { h, hhmm, hoursAndMinutes, minutesOfDay } from "./common.js";
import { nurseColour } from "./palette.js";

const DRAG_THRESHOLD_PX = 6;
const DROP_STEP_MIN = 5;

function dayRange(view) {
  const starts = view.nurses.map((n) => minutesOfDay(n.shift.start));
  const ends = view.nurses.map((n) => Math.max(minutesOfDay(n.shift.end), n.return ? minutesOfDay(n.return) : 0));
  const from = Math.floor(Math.min(...starts) / 60) * 60;
  const to = Math.ceil(Math.max(...ends) / 60) * 60;
  return { from, to: Math.max(to, from + 60) };
}

const percentOf = (range, minute) => ((minute - range.from) / (range.to - range.from)) * 100;

function bar(range, fromMinute, toMinute, className, attributes = {}, ...children) {
  const left = percentOf(range, fromMinute);
  const width = Math.max(0.2, ((toMinute - fromMinute) / (range.to - range.from)) * 100);
  const tag = attributes.onclick ? "button" : "div";
  const style = { left: `${left}%`, width: `${width}%`, ...attributes.style };
  return h(tag, { class: `bar ${className}`, ...attributes, style }, ...children);
}

const clock = (minute) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

function axis(range) {
  const ticks = [];
  for (let minute = range.from; minute <= range.to; minute += 60) {
    ticks.push(h("span", { class: "tick", style: { left: `${percentOf(range, minute)}%` } }, clock(minute)));
  }
  return h("div", { class: "row axis", "aria-hidden": "true" }, h("div", { class: "who" }), h("div", { class: "track" }, ticks));
}

// Where a visit under way stands, from the nurse's latest report: "infusion 25 of 60 min", "observing".
export function livePhase(stop, now = Date.now()) {
  const report = stop.report;
  if (!report || stop.status !== "in_progress") return "";
  const minutes = Math.max(0, Math.floor((now - Date.parse(report.reported_at)) / 60000));
  if (report.kind === "arrived") return `on site ${minutes} min`;
  if (report.kind === "started") return `infusion ${minutes} of ${stop.duration_min} min`;
  if (report.kind === "infusion_ended" || report.kind === "observation") return "observing";
  return "";
}

// A visit not begun that a sick call (not yet re-planned) leaves without a nurse: still in the published roster.
export function atRisk(nurse, stop, plannedStatuses) {
  return Boolean(nurse.off_from) && plannedStatuses.includes(stop.status) && Date.parse(stop.end) > Date.parse(nurse.off_from);
}

function stopLabel(nurse, stop, sequence, risky) {
  const late = stop.report?.kind === "running_late" ? `, running ${stop.report.minutes_late} min late` : "";
  const phase = livePhase(stop) ? `, ${livePhase(stop)}` : "";
  const risk = risky ? `, at risk: ${nurse.name} is off sick from ${hhmm(nurse.off_from)}` : "";
  const promised = stop.promised ? `, promised ${stop.window.start}–${stop.window.end}` : "";
  return `${nurse.name}, stop ${sequence}: ${stop.patient_name}, ${stop.service}, ${hhmm(stop.start)}–${hhmm(stop.end)}, ` +
    `${stop.status.replace("_", " ")}${promised}${late}${phase}${risk}`;
}

function nurseRow(range, nurse, index, options) {
  const colour = nurseColour(index);
  const pieces = [bar(range, minutesOfDay(nurse.shift.start), minutesOfDay(nurse.shift.end), "shift")];
  if (nurse.off_from) { // under her visits, so that those still published show (at risk) rather than vanish
    pieces.push(bar(range, Math.max(minutesOfDay(nurse.shift.start), minutesOfDay(nurse.off_from)),
      minutesOfDay(nurse.shift.end), "off", { title: `off sick from ${hhmm(nurse.off_from)}` }));
  }
  let risky = 0;
  nurse.stops.forEach((stop, i) => {
    const arrival = minutesOfDay(stop.arrival);
    const start = minutesOfDay(stop.start);
    if (stop.drive_s > 0) pieces.push(bar(range, arrival - stop.drive_s / 60, arrival, "travel", { title: `drive ${hoursAndMinutes(stop.drive_s)}` }));
    if (start > arrival) pieces.push(bar(range, arrival, start, "waiting", { title: `waiting ${start - arrival} min` }));
    const late = stop.report?.kind === "running_late";
    const risk = atRisk(nurse, stop, options.plannedStatuses);
    risky += risk ? 1 : 0;
    const movable = options.draggable && options.plannedStatuses.includes(stop.status);
    const element = bar(range, start, minutesOfDay(stop.end),
      `service status-${stop.status}${late ? " late" : ""}${risk ? " at-risk" : ""}${movable ? " movable" : ""}` +
      `${stop.promised ? " promised" : ""}`, {
        onclick: () => options.onSelect(stop.visit_id), "data-visit": stop.visit_id,
        "aria-label": stopLabel(nurse, stop, i + 1, risk), title: stopLabel(nurse, stop, i + 1, risk),
        style: { background: colour },
      }, stop.status === "done" ? "✓" : risk ? `! ${i + 1}` : String(i + 1), late ? ` +${stop.report.minutes_late}′` : "",
      livePhase(stop) ? h("span", { class: "phase" }, ` ${livePhase(stop)}`) : null);
    if (movable) dragToMove(element, range, stop, options.onDrop);
    pieces.push(element);
  });
  if (nurse.stops.length && nurse.drive_home_s > 0) {
    const leave = minutesOfDay(nurse.stops.at(-1).end);
    pieces.push(bar(range, leave, leave + nurse.drive_home_s / 60, "travel", { title: `home ${hoursAndMinutes(nurse.drive_home_s)}` }));
  }
  if (nurse.break) pieces.push(bar(range, minutesOfDay(nurse.break.start), minutesOfDay(nurse.break.end), "break", { title: "break" }));
  if (nurse.overtime_s > 0) {
    pieces.push(bar(range, minutesOfDay(nurse.shift.end), minutesOfDay(nurse.return), "overtime",
      { title: `overtime ${hoursAndMinutes(nurse.overtime_s)}` }));
  }
  const figures = nurse.off_from
    ? `off sick from ${hhmm(nurse.off_from)}${risky ? ` · ${risky} at risk` : ""}`
    : `${nurse.stops.length} visits · ${Math.round(nurse.utilisation * 100)} %`;
  return h("div", { class: `row${nurse.shift_changed ? " shift-changed" : ""}`, "data-nurse": nurse.nurse_id },
    h("div", { class: "who" }, h("span", { class: "swatch", style: { background: colour } }),
      h("button", { class: "name link", onclick: () => options.onSelectNurse(nurse.nurse_id),
        title: `${nurse.name}: her day, run sheet, sick call` }, nurse.name),
      nurse.shift_changed ? h("span", { class: "shift-flag", title: nurse.shift_changed, role: "img",
        "aria-label": nurse.shift_changed }, "⚠ shift changed") : null,
      h("span", { class: "figures" }, figures)),
    h("div", { class: "track" }, pieces, h("div", { class: "now-line", hidden: true, "aria-hidden": "true" })));
}

// Drag a visit along its row (another time) or onto another nurse's row; a plain click still selects it.
function dragToMove(element, range, stop, onDrop) {
  element.addEventListener("pointerdown", (down) => {
    if (down.button !== 0) return;
    const track = element.parentElement;
    const box = element.getBoundingClientRect();
    const grabbedAt = down.clientX - box.left;
    let dragging = false;
    const moveWith = (event) => {
      const dx = event.clientX - down.clientX;
      const dy = event.clientY - down.clientY;
      if (!dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      dragging = true;
      element.classList.add("dragging");
      element.style.transform = `translate(${dx}px, ${dy}px)`;
    };
    const drop = (event) => {
      window.removeEventListener("pointermove", moveWith);
      window.removeEventListener("pointerup", drop);
      if (!dragging) return;
      element.classList.remove("dragging");
      element.style.transform = "";
      // The click that ends a drag is not a selection.
      element.addEventListener("click", (click) => click.stopImmediatePropagation(), { capture: true, once: true });
      const row = document.elementsFromPoint(event.clientX, event.clientY)
        .map((e) => e.closest(".row[data-nurse]")).find(Boolean);
      if (!row) return;
      const rowTrack = row.querySelector(".track") || track;
      const trackBox = rowTrack.getBoundingClientRect();
      const minute = range.from + ((event.clientX - grabbedAt - trackBox.left) / trackBox.width) * (range.to - range.from);
      const start = Math.max(0, Math.min(24 * 60 - DROP_STEP_MIN, Math.round(minute / DROP_STEP_MIN) * DROP_STEP_MIN));
      onDrop(stop.visit_id, Number(row.dataset.nurse), clock(start));
    };
    window.addEventListener("pointermove", moveWith);
    window.addEventListener("pointerup", drop);
  });
}

// The region's wall-clock minute now, and its date ("2026-12-01"), whatever the browser's zone.
export function regionNow(timezone, now = new Date()) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(now).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

let nowTimer = null;

// The line at the region's now, on the day it is today there; moved every 30 s.
function placeNowLine(element, view, range) {
  const { date, minute } = regionNow(view.timezone);
  const shown = date === view.date && minute >= range.from && minute <= range.to;
  element.querySelectorAll(".now-line").forEach((line) => {
    line.hidden = !shown;
    line.style.left = `${percentOf(range, minute)}%`;
  });
  const label = element.querySelector(".now-label");
  if (label) {
    label.hidden = !shown;
    label.textContent = `now ${clock(minute)}`;
    label.style.left = `${percentOf(range, minute)}%`;
  }
}

export function drawTimeline(element, view, options) {
  clearInterval(nowTimer);
  if (!view || !view.nurses.length) {
    element.replaceChildren(h("p", {}, view ? "No nurse has a shift this day." : ""));
    return;
  }
  const range = dayRange(view);
  const axisRow = axis(range);
  axisRow.querySelector(".track").append(h("span", { class: "now-label", hidden: true }));
  element.replaceChildren(
    h("div", { class: "legend", "aria-hidden": "true" },
      ["travel", "waiting", "break", "overtime"].map((kind) => h("span", {}, h("i", { class: `bar-sample ${kind}` }), kind)),
      h("span", {}, h("i", { class: "bar-sample service" }), "visit (number = order, ✓ = done)"),
      h("span", {}, h("i", { class: "bar-sample service status-en_route" }), "on the way"),
      h("span", {}, h("i", { class: "bar-sample service status-in_progress" }), "in progress"),
      h("span", {}, h("i", { class: "bar-sample service at-risk" }), "at risk (nurse off sick)"),
      h("span", {}, h("i", { class: "bar-sample service promised" }), "promised (booked from an offer: keep its window)"),
      options.draggable ? h("span", {}, "drag a visit to move it") : null),
    axisRow,
    ...view.nurses.map((nurse, index) => nurseRow(range, nurse, index, options)),
  );
  placeNowLine(element, view, range);
  nowTimer = setInterval(() => placeNowLine(element, view, range), 30000);
}
