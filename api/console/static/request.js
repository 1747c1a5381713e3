// A patient's own request (no login): the least the clinic needs to call back, answered with the times it may
// offer. Nothing is booked here; the front desk confirms.
import { attempt, h, request, say } from "./common.js";
import { dayLabel } from "./calendar.js";

const $ = (id) => document.getElementById(id);
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const region = new URLSearchParams(location.hash.slice(1)).get("region") || "";

async function send(event) {
  event.preventDefault();
  const form = event.target;
  const body = { name: form.name.value, phone: form.phone.value, address: form.address.value, service: form.service.value };
  body.preferred_days = WEEKDAYS.filter((d) => form.elements[`day-${d}`].checked);
  if (form.after.value) body.after = form.after.value;
  if (form.before.value) body.before = form.before.value;
  await attempt(async () => {
    const answer = await request("POST", `/v1/public/regions/${encodeURIComponent(region)}/booking-requests`, { json: body });
    form.hidden = true;
    say(answer.times.length ? answer.message : "Thank you: the clinic will call you to find a time. Nothing is booked until then.");
    $("times").replaceChildren(...answer.times.map((t) => h("li", {}, `${dayLabel(t.date)}, arriving ${t.window.start.slice(0, 5)}–${t.window.end.slice(0, 5)}`)));
  });
}

async function start() {
  $("r-weekdays").append(...WEEKDAYS.map((d) => h("label", {}, h("input", { type: "checkbox", name: `day-${d}` }), ` ${d} `)));
  $("ask").addEventListener("submit", send);
  await attempt(async () => {
    const form = await request("GET", `/v1/public/regions/${encodeURIComponent(region)}/booking-form`);
    $("region-name").textContent = form.region_name;
    $("r-service").replaceChildren(...form.services.map((s) => h("option", { value: s.code }, s.name)));
  });
}

start();
