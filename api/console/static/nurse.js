// The nurse's day on her phone: her stops in order, call and navigate, and "late" / "done" for the dispatcher.
import {
  ApiError, STATUS_LABELS, h, hashParams, hhmm, localToday, loggedIn, logOut, request, setHashParams, vocabulary,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const LATE_CHOICES = [10, 15, 20, 30, 45, 60];
let reportable = null; // per report kind, the statuses it may be sent from (GET /v1/vocabulary)

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function shiftDay(days) {
  const day = new Date(`${$("day").value}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  $("day").value = day.toISOString().slice(0, 10);
  load();
}

async function report(visitId, kind, minutesLate) {
  try {
    await request("POST", `/v1/me/visits/${visitId}/reports`,
      { json: minutesLate ? { kind, minutes_late: minutesLate } : { kind } });
    say(kind === "running_late" ? `The dispatcher knows you run ${minutesLate} min late.` : `Marked ${STATUS_LABELS[kind] || kind.replace("_", " ")}.`);
    await load();
  } catch (error) {
    say(error instanceof ApiError ? error.message : error.message, true);
  }
}

function lateForm(stop) {
  const choice = h("select", { "aria-label": "How late" }, LATE_CHOICES.map((m) => h("option", { value: m }, `${m} min`)));
  return h("form", { class: "late-form", onsubmit: (event) => { event.preventDefault(); report(stop.visit_id, "running_late", Number(choice.value)); } },
    choice, h("button", { type: "submit", class: "late" }, "Running late"));
}

function stopCard(stop) {
  const may = (kind) => stop.status in reportable[kind];
  const open = may("done");
  const late = stop.report?.kind === "running_late" ? ` · you said ${stop.report.minutes_late} min late` : "";
  const notes = [stop.patient.notes, stop.visit_notes].filter(Boolean).join(" · ");
  return h("li", { class: `stop-card status-${stop.status}`, "data-visit": stop.visit_id },
    h("p", { class: "time" }, `${stop.sequence}. ${hhmm(stop.start)}–${hhmm(stop.end)}`),
    h("h2", {}, stop.patient.name),
    h("p", {}, stop.service),
    h("p", {}, stop.patient.address || ""),
    notes ? h("p", { class: "notes" }, notes) : null,
    h("p", { class: "status" }, `${STATUS_LABELS[stop.status]}${late}`),
    h("div", { class: "actions" },
      stop.patient.phone ? h("a", { href: `tel:${stop.patient.phone.replace(/[^+\d]/g, "")}` }, "Call") : null,
      h("a", { href: stop.navigation, target: "_blank", rel: "noopener" }, "Navigate"),
      may("en_route") ? h("button", { onclick: () => report(stop.visit_id, "en_route") }, "On my way") : null,
      may("started") ? h("button", { onclick: () => report(stop.visit_id, "started") }, "Start") : null,
      open ? h("button", { class: "primary done", onclick: () => report(stop.visit_id, "done") }, "Done") : null),
    may("running_late") ? lateForm(stop) : null);
}

async function load() {
  const day = $("day").value;
  setHashParams({ date: day });
  try {
    const itinerary = await request("GET", `/v1/me/itinerary?date=${day}`);
    $("title").textContent = `${itinerary.nurse_name}'s day`;
    $("stops").replaceChildren(...(itinerary.stops.length ? itinerary.stops.map(stopCard)
      : [h("li", { class: "empty" }, "No visits published for this day.")]));
  } catch (error) {
    say(error.message, true);
  }
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

async function main() {
  const me = await loggedIn();
  if (me.role !== "nurse") {
    location.replace(`./${location.hash}`);
    return;
  }
  reportable = (await vocabulary()).report_kinds;
  $("app").hidden = false;
  $("day").value = hashParams().get("date") || localToday();
  $("day").addEventListener("change", load);
  $("previous").addEventListener("click", () => shiftDay(-1));
  $("next").addEventListener("click", () => shiftDay(1));
  $("feed").addEventListener("click", calendarLink);
  $("logout").addEventListener("click", logOut);
  await load();
}

main();
