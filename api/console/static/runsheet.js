// Paper for the day: a run sheet per nurse (her stops in order, with addresses, phones and windows) to print,
// and the whole roster as CSV for a spreadsheet. Built from the roster view the console already holds.
import { STATUS_LABELS, h, hhmm } from "./common.js";

const CSV_COLUMNS = [
  "nurse", "stop", "patient", "service", "status", "window_start", "window_end", "arrival", "start", "end", "phone", "address",
  "reason_unassigned",
];

function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  // A leading = + - @ would make a spreadsheet run it as a formula: a patient's name is only ever text. A phone
  // number ("+1 303 555 0100") is left as it is: digits and punctuation cannot be a formula.
  const formula = /^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][\d\s().-]*$/.test(text));
  const safe = formula ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function rosterCsv(view) {
  const rows = [CSV_COLUMNS];
  for (const nurse of view.nurses) {
    nurse.stops.forEach((stop, i) => rows.push([nurse.name, i + 1, stop.patient_name, stop.service, stop.status,
      stop.window.start, stop.window.end, hhmm(stop.arrival), hhmm(stop.start), hhmm(stop.end), stop.phone, stop.address, ""]));
  }
  for (const visit of view.unassigned) {
    rows.push(["", "", visit.patient_name, visit.service, visit.status, visit.window.start, visit.window.end, "", "", "",
      visit.phone, visit.address, visit.reason]);
  }
  return `${rows.map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

function runSheet(nurse, view) {
  return h("article", { class: "run-sheet", "data-nurse": nurse.nurse_id },
    h("h1", {}, `${nurse.name} — ${view.date}`),
    h("p", {}, `Shift ${hhmm(nurse.shift.start)}–${hhmm(nurse.shift.end)}`
      + (nurse.break ? ` · break ${hhmm(nurse.break.start)}–${hhmm(nurse.break.end)}` : "")
      + (nurse.departure ? ` · leave home ${hhmm(nurse.departure)}` : "")
      + (nurse.return ? ` · back ${hhmm(nurse.return)}` : "")
      + ` · roster v${view.summary.version} ${view.summary.status}`),
    nurse.stops.length ? h("table", {},
      h("thead", {}, h("tr", {}, ["#", "Time", "Window", "Patient", "Service", "Address", "Phone", "Status"].map((t) => h("th", {}, t)))),
      h("tbody", {}, nurse.stops.map((stop, i) => h("tr", { "data-visit": stop.visit_id },
        h("td", {}, String(i + 1)), h("td", {}, `${hhmm(stop.start)}–${hhmm(stop.end)}`),
        h("td", {}, `${stop.window.start}–${stop.window.end}`), h("td", {}, stop.patient_name), h("td", {}, stop.service),
        h("td", {}, stop.address || ""), h("td", {}, stop.phone || ""), h("td", {}, STATUS_LABELS[stop.status] || stop.status)))))
      : h("p", {}, "No visits."));
}

// Fills the print-only section with the nurses' sheets (one a page) and opens the browser's print dialog.
export function printSheets(nurses, view) {
  const sheet = document.getElementById("print-sheet");
  sheet.replaceChildren(...nurses.map((nurse) => runSheet(nurse, view)));
  sheet.hidden = false;
  document.body.classList.add("printing");
  const done = () => {
    document.body.classList.remove("printing");
    sheet.hidden = true;
    window.removeEventListener("afterprint", done);
  };
  window.addEventListener("afterprint", done);
  window.print();
}
