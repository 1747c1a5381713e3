// The map: each nurse's route in her colour with numbered stops, her home, and the unassigned visits above
// everything else (they are what the dispatcher has to act on). Leaflet is shipped with the console
// (vendor/leaflet); tiles come from the configured server, if any.
import { h } from "./common.js";
import { nurseColour } from "./palette.js";

let map = null;
let layer = null;

async function tilesConfig() {
  const response = await fetch("config.json");
  return response.json();
}

async function ensureMap(element) {
  if (map) return map;
  // Fine zoom steps: the routes fill the map rather than half of it at the nearest whole zoom.
  map = L.map(element, { zoomControl: true, keyboard: true, preferCanvas: false, zoomSnap: 0.1, zoomDelta: 0.5 });
  const config = await tilesConfig();
  if (config.tiles_url) {
    L.tileLayer(config.tiles_url, { attribution: config.tiles_attribution, maxZoom: 19 }).addTo(map);
  }
  // Above the stop markers (markerPane, 600) and their tooltips' neighbours: an unassigned visit is never hidden.
  map.createPane("unassigned").style.zIndex = 650;
  layer = L.layerGroup().addTo(map);
  map.setView([39.74, -104.99], 10);
  return map;
}

function numbered(text, colour, className) {
  const icon = L.divIcon({ className: `marker ${className}`, html: "", iconSize: [24, 24], iconAnchor: [12, 12] });
  return { icon, after: (marker) => {
    const element = marker.getElement();
    element.textContent = text;
    element.style.background = colour;
  } };
}

// `fit`: frame the routes (a new roster, or the first one shown); a refresh of the same roster keeps the
// dispatcher's zoom and place. `risky(nurse, stop)`: a stop still published for a nurse now off sick.
export async function drawMap(element, view, onSelect, { fit = true, risky = () => false } = {}) {
  await ensureMap(element);
  layer.clearLayers();
  if (!view) return;
  const routeBounds = [];
  const everything = [];
  view.nurses.forEach((nurse, index) => {
    const colour = nurseColour(index);
    const home = [nurse.home.lat, nurse.home.lon];
    everything.push(home);
    const homeIcon = numbered("⌂", colour, "home");
    const homeMarker = L.marker(home, { icon: homeIcon.icon, title: `${nurse.name}'s start`, alt: `${nurse.name}'s start` })
      .addTo(layer);
    homeIcon.after(homeMarker);
    homeMarker.getElement().dataset.nurse = nurse.nurse_id;
    if (!nurse.stops.length) return;
    const path = [home, ...nurse.stops.map((s) => [s.location.lat, s.location.lon]), home];
    routeBounds.push(...path);
    const route = L.polyline(path, { color: colour, weight: 3, opacity: 0.85, className: "route", interactive: false }).addTo(layer);
    route.getElement()?.setAttribute("data-nurse", nurse.nurse_id);
    nurse.stops.forEach((stop, i) => {
      const point = [stop.location.lat, stop.location.lon];
      const atRisk = risky(nurse, stop);
      const icon = numbered(String(i + 1), colour, `stop status-${stop.status}${atRisk ? " at-risk" : ""}`);
      const marker = L.marker(point, {
        icon: icon.icon, title: `${nurse.name} ${i + 1}: ${stop.patient_name}${atRisk ? " (at risk)" : ""}`,
        alt: `${nurse.name} stop ${i + 1}`, keyboard: true,
      }).addTo(layer);
      icon.after(marker);
      marker.getElement().dataset.visit = stop.visit_id;
      marker.getElement().dataset.nurse = nurse.nurse_id;
      marker.on("click", () => onSelect(stop.visit_id));
    });
  });
  for (const visit of view.unassigned) {
    const point = [visit.location.lat, visit.location.lon];
    everything.push(point);
    routeBounds.push(point);
    const marker = L.circleMarker(point, { radius: 8, color: "#a3261b", weight: 3, fillColor: "#fff", fillOpacity: 1,
      className: "unassigned-point", pane: "unassigned" }).addTo(layer);
    // A DOM node, not a string: Leaflet would parse a string as HTML, and names and notes are only ever text.
    marker.bindTooltip(h("span", {}, `unassigned: ${visit.patient_name}`));
    marker.on("click", () => onSelect(visit.visit_id));
    marker.getElement()?.setAttribute("data-visit", visit.visit_id);
  }
  // The routes and what is left to place fill the map; homes far from any route do not shrink it.
  const frame = routeBounds.length ? routeBounds : everything;
  if (fit && frame.length) map.fitBounds(frame, { padding: [16, 16] });
}

// The map needs telling when its box changes size (a narrower window, a rotated tablet).
window.addEventListener("resize", () => map && map.invalidateSize());
