// The timeline (Gantt): one row per nurse on shift; her drives, waits, visits, break and any overtime
// drawn to scale between the earliest shift start and the latest shift end of the day.
import { h, hhmm, hoursAndMinutes, minutesOfDay } from "./common.js";
import { nurseColour } from "./palette.js";

function dayRange(view) {
  const starts = view.nurses.map((n) => minutesOfDay(n.shift.start));
  const ends = view.nurses.map((n) => Math.max(minutesOfDay(n.shift.end), n.return ? minutesOfDay(n.return) : 0));
  const from = Math.floor(Math.min(...starts) / 60) * 60;
  const to = Math.ceil(Math.max(...ends) / 60) * 60;
  return { from, to: Math.max(to, from + 60) };
}

function bar(range, fromMinute, toMinute, className, attributes = {}, ...children) {
  const span = range.to - range.from;
  const left = ((fromMinute - range.from) / span) * 100;
  const width = Math.max(0.2, ((toMinute - fromMinute) / span) * 100);
  const tag = attributes.onclick ? "button" : "div";
  const style = { left: `${left}%`, width: `${width}%`, ...attributes.style };
  return h(tag, { class: `bar ${className}`, ...attributes, style }, ...children);
}

function axis(range) {
  const ticks = [];
  for (let minute = range.from; minute <= range.to; minute += 60) {
    const left = ((minute - range.from) / (range.to - range.from)) * 100;
    ticks.push(h("span", { class: "tick", style: { left: `${left}%` } }, `${String(minute / 60).padStart(2, "0")}:00`));
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

function stopLabel(nurse, stop, sequence) {
  const late = stop.report?.kind === "running_late" ? `, running ${stop.report.minutes_late} min late` : "";
  const phase = livePhase(stop) ? `, ${livePhase(stop)}` : "";
  return `${nurse.name}, stop ${sequence}: ${stop.patient_name}, ${stop.service}, ${hhmm(stop.start)}–${hhmm(stop.end)}, ` +
    `${stop.status.replace("_", " ")}${late}${phase}`;
}

function nurseRow(range, nurse, index, onSelect) {
  const colour = nurseColour(index);
  const pieces = [bar(range, minutesOfDay(nurse.shift.start), minutesOfDay(nurse.shift.end), "shift")];
  nurse.stops.forEach((stop, i) => {
    const arrival = minutesOfDay(stop.arrival);
    const start = minutesOfDay(stop.start);
    if (stop.drive_s > 0) pieces.push(bar(range, arrival - stop.drive_s / 60, arrival, "travel", { title: `drive ${hoursAndMinutes(stop.drive_s)}` }));
    if (start > arrival) pieces.push(bar(range, arrival, start, "waiting", { title: `waiting ${start - arrival} min` }));
    const late = stop.report?.kind === "running_late";
    pieces.push(bar(range, start, minutesOfDay(stop.end), `service status-${stop.status}${late ? " late" : ""}`, {
      onclick: () => onSelect(stop.visit_id), "data-visit": stop.visit_id, "aria-label": stopLabel(nurse, stop, i + 1),
      title: stopLabel(nurse, stop, i + 1), style: { background: colour },
    }, stop.status === "done" ? "✓" : String(i + 1), late ? ` +${stop.report.minutes_late}′` : "",
    livePhase(stop) ? h("span", { class: "phase" }, ` ${livePhase(stop)}`) : null));
  });
  if (nurse.stops.length && nurse.drive_home_s > 0) {
    const leave = minutesOfDay(nurse.stops.at(-1).end);
    pieces.push(bar(range, leave, leave + nurse.drive_home_s / 60, "travel", { title: `home ${hoursAndMinutes(nurse.drive_home_s)}` }));
  }
  if (nurse.break) pieces.push(bar(range, minutesOfDay(nurse.break.start), minutesOfDay(nurse.break.end), "break", { title: "break" }));
  if (nurse.off_from) {
    pieces.push(bar(range, Math.max(minutesOfDay(nurse.shift.start), minutesOfDay(nurse.off_from)),
      minutesOfDay(nurse.shift.end), "off", { title: `off sick from ${hhmm(nurse.off_from)}` }));
  }
  if (nurse.overtime_s > 0) {
    pieces.push(bar(range, minutesOfDay(nurse.shift.end), minutesOfDay(nurse.return), "overtime",
      { title: `overtime ${hoursAndMinutes(nurse.overtime_s)}` }));
  }
  return h("div", { class: "row", "data-nurse": nurse.nurse_id },
    h("div", { class: "who" }, h("span", { class: "swatch", style: { background: colour } }),
      h("span", { class: "name" }, nurse.name),
      h("span", { class: "figures" }, nurse.off_from ? `off sick from ${hhmm(nurse.off_from)}`
        : `${nurse.stops.length} visits · ${Math.round(nurse.utilisation * 100)} %`)),
    h("div", { class: "track" }, pieces));
}

export function drawTimeline(element, view, onSelect) {
  if (!view || !view.nurses.length) {
    element.replaceChildren(h("p", {}, view ? "No nurse has a shift this day." : ""));
    return;
  }
  const range = dayRange(view);
  element.replaceChildren(
    h("div", { class: "legend", "aria-hidden": "true" },
      ["travel", "waiting", "break", "overtime"].map((kind) => h("span", {}, h("i", { class: `bar-sample ${kind}` }), kind)),
      h("span", {}, h("i", { class: "bar-sample service" }), "visit (number = order, ✓ = done)")),
    axis(range),
    ...view.nurses.map((nurse, index) => nurseRow(range, nurse, index, onSelect)),
  );
}
