// The nurse's day on her phone, as a field app: her stops in order (the next first, done ones folded
// away), one button for the next step of the visit, the session record (phases, vital signs, escort,
// an adverse event), undo for a minute, reports kept on the phone while offline and sent in order with
// the time they happened, and her day read again when the dispatcher publishes a change.
import {
  ApiError, OfflineError, STATUS_LABELS, currentUsername, h, hashParams, hhmm, localToday, loggedIn, logOut, request,
  setHashParams, vocabulary,
} from "./common.js";
import { offerOwnPassword } from "./password.js";

const $ = (id) => document.getElementById(id);
const LATE_CHOICES = [10, 15, 20, 30, 45, 60];
const RETRY_MS = 4000;
// The steps of a visit in the order of the work; the button shows the next one.
const STEPS = [
  ["en_route", "On my way"], ["arrived", "Arrived"], ["started", "Start infusion"],
  ["infusion_ended", "Infusion ended"], ["observation", "Observing"], ["done", "Discharged"],
];
const LABELS = Object.fromEntries([...STEPS, ["running_late", "running late"], ["vitals", "vital signs"],
  ["adverse_event", "adverse event"], ["escort", "escort"]]);

let words = null; // GET /v1/vocabulary: which status each report kind may be sent from, how long undo lasts
let itinerary = null; // the day as the server last said
let fingerprint = null;
let pollTimer = null;
let retryTimer = null;
let undoTimer = null;
let flushing = false;
let redrawWaiting = false;
const typed = {}; // what she has typed and not saved yet, per visit and field: kept across redraws

function field(stop, name, attributes) {
  const id = `${stop.visit_id}:${name}`;
  return h("input", { name, value: typed[id] || "", oninput: (event) => { typed[id] = event.target.value; }, ...attributes });
}

function forget(stop, ...names) {
  for (const name of names) delete typed[`${stop.visit_id}:${name}`];
}

const outboxKey = () => `nurse-dispatch-outbox:${currentUsername()}`;
const dayKey = (day) => `nurse-dispatch-day:${currentUsername()}:${day}`;
const outbox = () => JSON.parse(localStorage.getItem(outboxKey()) || "[]");
const saveOutbox = (entries) => localStorage.setItem(outboxKey(), JSON.stringify(entries));

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function shiftDay(days) {
  const day = new Date(`${$("day").value}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  $("day").value = day.toISOString().slice(0, 10);
  fingerprint = null;
  load();
}

// ---------------------------------------------------------------- the outbox: every report goes through it

// A report as she tapped it: its key (recorded once however often it is sent) and the time it happened.
function record(stop, kind, extra = {}) {
  const entry = {
    key: crypto.randomUUID(), visit_id: stop.visit_id, kind, statusBefore: stop.status,
    body: { kind, at: new Date().toISOString(), ...extra },
  };
  entry.body.key = entry.key;
  saveOutbox([...outbox(), entry]);
  offerUndo(entry);
  draw();
  flush();
}

function undo(entry) {
  hideUndo();
  const waiting = outbox();
  if (waiting.some((e) => e.key === entry.key)) {
    saveOutbox(waiting.filter((e) => e.key !== entry.key)); // never sent: nothing to take back
  } else {
    const key = crypto.randomUUID();
    saveOutbox([...waiting, { key, visit_id: entry.visit_id, kind: "undo", undoes: entry.key, statusBefore: entry.statusBefore,
      body: { undoes: entry.key, at: new Date().toISOString(), key } }]);
  }
  say(`${LABELS[entry.kind]} undone.`);
  draw();
  flush();
}

function offerUndo(entry) {
  clearTimeout(undoTimer);
  $("undo-text").textContent = `${LABELS[entry.kind][0].toUpperCase()}${LABELS[entry.kind].slice(1)} recorded at ${new Date(entry.body.at).toTimeString().slice(0, 5)}.`;
  $("undo").onclick = () => undo(entry);
  $("undo-bar").hidden = false;
  undoTimer = setTimeout(hideUndo, words.undo_within_s * 1000);
}

function hideUndo() {
  clearTimeout(undoTimer);
  $("undo-bar").hidden = true;
}

// Send what waits, oldest first, one at a time; stop at the first that cannot reach the server.
async function flush() {
  if (flushing) return;
  flushing = true;
  clearTimeout(retryTimer);
  let sent = 0;
  try {
    for (let entry = outbox()[0]; entry; entry = outbox()[0]) {
      const path = entry.kind === "undo" ? `/v1/me/visits/${entry.visit_id}/undo` : `/v1/me/visits/${entry.visit_id}/reports`;
      try {
        await request("POST", path, { json: entry.body });
        sent += 1;
      } catch (error) {
        if (error instanceof OfflineError || (error instanceof ApiError && (error.status >= 500 || error.status === 429))) {
          retryTimer = setTimeout(flush, RETRY_MS);
          break;
        }
        say(`Not recorded (${LABELS[entry.kind] || "undo"}): ${error.message}`, true);
      }
      saveOutbox(outbox().filter((e) => e.key !== entry.key));
    }
  } finally {
    flushing = false;
  }
  draw();
  if (sent && !outbox().length) await load();
}

// ---------------------------------------------------------------- the day as she sees it

// The server's day with what still waits on the phone applied, so a tap shows at once, online or not.
function dayAsTapped() {
  if (!itinerary) return null;
  const stops = structuredClone(itinerary.stops);
  const byId = Object.fromEntries(stops.map((s) => [s.visit_id, s]));
  for (const entry of outbox()) {
    const stop = byId[entry.visit_id];
    if (!stop) continue;
    if (entry.kind === "undo") {
      stop.session = stop.session.filter((e) => e.key !== entry.undoes);
      stop.status = entry.statusBefore;
      continue;
    }
    const path = words.report_kinds[entry.kind][stop.status];
    if (path && path.length) stop.status = path.at(-1);
    stop.session.push({ ...entry.body, reported_at: entry.body.at, waiting: true });
    if (words.progress_report_kinds.includes(entry.kind)) stop.report = { kind: entry.kind, minutes_late: entry.body.minutes_late, reported_at: entry.body.at };
  }
  return { ...itinerary, stops };
}

function nextStep(stop) {
  const reached = Math.max(-1, ...stop.session.map((e) => STEPS.findIndex(([kind]) => kind === e.kind)));
  return STEPS.find(([kind], index) => index > reached && stop.status in words.report_kinds[kind]);
}

function windowNote(stop) {
  const text = `Window ${hhmm(stop.window.start)}–${hhmm(stop.window.end)}`;
  if (!words.open_statuses.includes(stop.status) || stop.status === "in_progress") return h("p", { class: "window" }, text);
  const late = stop.report?.kind === "running_late" ? stop.report.minutes_late : 0;
  const startBy = Math.max(Date.now(), Date.parse(stop.start) + late * 60000);
  const breaks = startBy > Date.parse(stop.window.end);
  return h("p", { class: `window${breaks ? " breaks" : ""}` }, breaks ? `${text} · starting now misses it: call the dispatcher` : text);
}

function lateForm(stop) {
  const choice = h("select", { "aria-label": "How late" }, LATE_CHOICES.map((m) => h("option", { value: m }, `${m} min`)));
  return h("form", { class: "late-form", onsubmit: (event) => { event.preventDefault(); record(stop, "running_late", { minutes_late: Number(choice.value) }); } },
    choice, h("button", { type: "submit", class: "late" }, "Running late"));
}

// While the visit is under way: vital signs (at the clinic's interval), the escort, an adverse event.
function sessionTools(stop, interval) {
  const vitals = stop.session.filter((e) => e.kind === "vitals");
  const since = vitals.length ? vitals.at(-1).reported_at : stop.session.find((e) => e.kind === "started")?.reported_at;
  const due = since && Date.now() - Date.parse(since) >= interval * 60000;
  const pressure = field(stop, "bp", { inputmode: "text", placeholder: "120/80", "aria-label": "Blood pressure", size: 7 });
  const pulse = field(stop, "hr", { inputmode: "numeric", placeholder: "72", "aria-label": "Heart rate", size: 4 });
  const spo2 = field(stop, "spo2", { inputmode: "numeric", placeholder: "98", "aria-label": "SpO2", size: 3 });
  const saveVitals = (event) => {
    event.preventDefault();
    const values = {};
    const bp = pressure.value.match(/^\s*(\d{2,3})\s*\/\s*(\d{2,3})\s*$/);
    if (pressure.value.trim() && !bp) { say("Blood pressure as 120/80.", true); return; }
    if (bp) { values.systolic = Number(bp[1]); values.diastolic = Number(bp[2]); }
    if (pulse.value.trim()) values.heart_rate = Number(pulse.value);
    if (spo2.value.trim()) values.spo2 = Number(spo2.value);
    if (!Object.keys(values).length) { say("Enter at least one vital sign.", true); return; }
    forget(stop, "bp", "hr", "spo2");
    document.activeElement?.blur();
    record(stop, "vitals", values);
  };
  const escort = stop.session.filter((e) => e.kind === "escort").at(-1);
  const adverse = field(stop, "adverse", { placeholder: "What happened", "aria-label": "Adverse event" });
  return h("div", { class: "session-tools" },
    h("form", { class: `vitals${due ? " due" : ""}`, onsubmit: saveVitals },
      h("span", { class: "vitals-label" }, due ? `Vitals due (every ${interval} min)` : `Vitals (every ${interval} min)`),
      pressure, pulse, spo2, h("button", { type: "submit" }, "Save vitals")),
    vitals.length ? h("p", { class: "last-vitals" }, `Last: ${vitalsText(vitals.at(-1))}`) : null,
    h("div", { class: "actions" },
      escort?.escort_present ? h("span", { class: "escort" }, "Escort present ✓")
        : h("button", { onclick: () => record(stop, "escort", { escort_present: true }) }, "Escort present")),
    h("form", { class: "adverse", onsubmit: (event) => { event.preventDefault(); if (adverse.value.trim()) { forget(stop, "adverse"); document.activeElement?.blur(); record(stop, "adverse_event", { note: adverse.value.trim() }); } } },
      adverse, h("button", { type: "submit" }, "Report adverse event")));
}

function vitalsText(entry) {
  return [entry.systolic && `BP ${entry.systolic}/${entry.diastolic}`, entry.heart_rate && `HR ${entry.heart_rate}`,
    entry.spo2 && `SpO2 ${entry.spo2} %`].filter(Boolean).join(" · ");
}

function phaseText(stop) {
  const last = stop.session.filter((e) => STEPS.some(([kind]) => kind === e.kind)).at(-1);
  if (!last || stop.status === "done") return "";
  return ` · ${LABELS[last.kind].toLowerCase()} at ${new Date(last.reported_at).toTimeString().slice(0, 5)}`;
}

function stopCard(stop, isNext, interval) {
  const step = nextStep(stop);
  const late = stop.report?.kind === "running_late" ? ` · you said ${stop.report.minutes_late} min late` : "";
  const waiting = stop.session.some((e) => e.waiting) ? " · waiting to be sent" : "";
  const notes = [stop.patient.notes, stop.visit_notes].filter(Boolean).join(" · ");
  const open = words.open_statuses.includes(stop.status);
  const canFinish = open && step && step[0] !== "done" && stop.status === "in_progress";
  return h("li", { class: `stop-card status-${stop.status}${isNext ? " next" : ""}`, "data-visit": stop.visit_id },
    isNext ? h("p", { class: "next-label" }, "Next") : null,
    h("p", { class: "time" }, `${stop.sequence}. ${hhmm(stop.start)}–${hhmm(stop.end)}`),
    h("h2", {}, stop.patient.name),
    h("p", {}, stop.service),
    windowNote(stop),
    h("p", {}, stop.patient.address || ""),
    notes ? h("p", { class: "notes" }, notes) : null,
    h("p", { class: "status" }, `${STATUS_LABELS[stop.status]}${late}${phaseText(stop)}${waiting}`),
    step && open ? h("button", { class: "primary step", "data-step": step[0], onclick: () => record(stop, step[0]) }, step[1]) : null,
    h("div", { class: "actions" },
      stop.patient.phone ? h("a", { href: `tel:${stop.patient.phone.replace(/[^+\d]/g, "")}` }, "Call") : null,
      h("a", { href: stop.navigation, target: "_blank", rel: "noopener" }, "Navigate"),
      canFinish ? h("button", { onclick: () => record(stop, "done") }, "Discharge now") : null),
    stop.status === "in_progress" ? sessionTools(stop, interval) : null,
    stop.status in words.report_kinds.running_late && stop.status !== "in_progress" ? lateForm(stop) : null);
}

function draw() {
  const waiting = outbox().length;
  $("outbox").hidden = !waiting;
  $("outbox").textContent = waiting ? `${waiting} report${waiting > 1 ? "s" : ""} waiting to be sent` +
    (navigator.onLine ? "…" : " (no network; sent when it returns)") : "";
  const day = dayAsTapped();
  if (!day) return;
  // Never redraw under her fingers: while she types in a field of her day, wait until she leaves it.
  if (document.activeElement?.tagName === "INPUT" && $("stops").contains(document.activeElement)) {
    redrawWaiting = true;
    return;
  }
  redrawWaiting = false;
  $("title").textContent = `${day.nurse_name}'s day`;
  const open = day.stops.filter((s) => words.open_statuses.includes(s.status));
  const over = day.stops.filter((s) => !words.open_statuses.includes(s.status));
  $("stops").replaceChildren(...(open.length ? open.map((s, i) => stopCard(s, i === 0, day.vitals_interval_min))
    : [h("li", { class: "empty" }, day.stops.length ? "All done for this day." : "No visits published for this day.")]));
  $("finished").hidden = !over.length;
  $("finished-summary").textContent = `Done (${over.length})`;
  $("done-stops").replaceChildren(...over.map((s) => stopCard(s, false, day.vitals_interval_min)));
}

// What the dispatcher changed, in her words: "Your 14:57 NAD+ drip moved to 15:30".
function changes(before, after) {
  const was = Object.fromEntries(before.stops.map((s) => [s.visit_id, s]));
  const now = Object.fromEntries(after.stops.map((s) => [s.visit_id, s]));
  const lines = [];
  for (const stop of after.stops) {
    const old = was[stop.visit_id];
    if (!old) lines.push(`New: ${hhmm(stop.start)} ${stop.service}`);
    else if (hhmm(old.start) !== hhmm(stop.start)) lines.push(`Your ${hhmm(old.start)} ${stop.service} moved to ${hhmm(stop.start)}`);
    else if (old.status !== stop.status && stop.status === "cancelled") lines.push(`Your ${hhmm(stop.start)} ${stop.service} was cancelled`);
  }
  for (const stop of before.stops) {
    if (!now[stop.visit_id]) lines.push(`Your ${hhmm(stop.start)} ${stop.service} was taken off your day`);
  }
  return lines;
}

function showChanges(lines) {
  if (!lines.length) return;
  $("changes").replaceChildren(...lines.map((line) => h("li", {}, line)));
  $("banner").hidden = false;
}

async function load() {
  const day = $("day").value;
  setHashParams({ date: day });
  try {
    const fresh = await request("GET", `/v1/me/itinerary?date=${day}`);
    if (itinerary && itinerary.date === fresh.date) showChanges(changes(itinerary, fresh));
    itinerary = fresh;
    localStorage.setItem(dayKey(day), JSON.stringify(fresh));
    say("");
  } catch (error) {
    const kept = localStorage.getItem(dayKey(day));
    if (error instanceof OfflineError && kept) {
      itinerary = JSON.parse(kept);
      say("No network: your day as this phone last had it.");
    } else {
      say(error.message, true);
    }
  }
  draw();
}

// Ask every few seconds whether her published day changed (a small answer, no patient data); read it again if so.
async function poll() {
  clearTimeout(pollTimer);
  let wait = 10;
  try {
    const answer = await request("GET", `/v1/me/day?date=${$("day").value}`);
    wait = answer.poll_s;
    if (fingerprint !== null && answer.fingerprint !== fingerprint) await load();
    fingerprint = answer.fingerprint;
  } catch (error) {
    // Offline or a hiccup: ask again later.
  }
  pollTimer = setTimeout(poll, wait * 1000);
}

async function calendarLink() {
  try {
    const feed = await request("POST", "/v1/me/calendar-feed");
    $("feed-url").value = feed.url;
    $("subscribe").href = feed.url.replace(/^https?:/, "webcal:");
    $("feed-link").hidden = false;
  } catch (error) {
    say(error.message, true);
  }
}

async function leave() {
  const waiting = outbox().length;
  if (waiting && !confirm(`${waiting} report(s) are not sent yet. Log out and lose them?`)) return;
  localStorage.removeItem(outboxKey());
  for (const key of Object.keys(localStorage)) if (key.startsWith(`nurse-dispatch-day:${currentUsername()}:`)) localStorage.removeItem(key);
  await logOut();
}

async function main() {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
  const me = await loggedIn();
  if (me.role !== "nurse") {
    location.replace(`./${location.hash}`);
    return;
  }
  words = await vocabulary().catch(() => JSON.parse(localStorage.getItem("nurse-dispatch-vocabulary") || "null"));
  localStorage.setItem("nurse-dispatch-vocabulary", JSON.stringify(words));
  $("app").hidden = false;
  offerOwnPassword(me, document.querySelector("main"));
  $("day").value = hashParams().get("date") || localToday();
  $("day").addEventListener("change", () => { fingerprint = null; load(); });
  $("previous").addEventListener("click", () => shiftDay(-1));
  $("next").addEventListener("click", () => shiftDay(1));
  $("feed").addEventListener("click", calendarLink);
  $("logout").addEventListener("click", leave);
  $("banner-ok").addEventListener("click", () => { $("banner").hidden = true; });
  window.addEventListener("online", flush);
  $("stops").addEventListener("focusout", () => setTimeout(() => { if (redrawWaiting) draw(); }, 300));
  window.addEventListener("offline", draw);
  await load();
  flush();
  poll();
}

main();
