// The map: each nurse's route in her colour with numbered stops, her home, and the unassigned visits.
// Leaflet is shipped with the console (vendor/leaflet); tiles come from the configured server, if any.
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
  map = L.map(element, { zoomControl: true, keyboard: true, preferCanvas: false });
  const config = await tilesConfig();
  if (config.tiles_url) {
    L.tileLayer(config.tiles_url, { attribution: config.tiles_attribution, maxZoom: 19 }).addTo(map);
  }
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

export async function drawMap(element, view, onSelect) {
  await ensureMap(element);
  layer.clearLayers();
  if (!view) return;
  const bounds = [];
  view.nurses.forEach((nurse, index) => {
    const colour = nurseColour(index);
    const home = [nurse.home.lat, nurse.home.lon];
    bounds.push(home);
    const homeIcon = numbered("⌂", colour, "home");
    const homeMarker = L.marker(home, { icon: homeIcon.icon, title: `${nurse.name}'s start`, alt: `${nurse.name}'s start` })
      .addTo(layer);
    homeIcon.after(homeMarker);
    if (!nurse.stops.length) return;
    const path = [home, ...nurse.stops.map((s) => [s.location.lat, s.location.lon]), home];
    L.polyline(path, { color: colour, weight: 3, opacity: 0.85, className: "route", interactive: false }).addTo(layer);
    nurse.stops.forEach((stop, i) => {
      const point = [stop.location.lat, stop.location.lon];
      bounds.push(point);
      const icon = numbered(String(i + 1), colour, `stop status-${stop.status}`);
      const marker = L.marker(point, {
        icon: icon.icon, title: `${nurse.name} ${i + 1}: ${stop.patient_name}`, alt: `${nurse.name} stop ${i + 1}`,
        keyboard: true,
      }).addTo(layer);
      icon.after(marker);
      marker.getElement().dataset.visit = stop.visit_id;
      marker.on("click", () => onSelect(stop.visit_id));
    });
  });
  for (const visit of view.unassigned) {
    const point = [visit.location.lat, visit.location.lon];
    bounds.push(point);
    const marker = L.circleMarker(point, { radius: 7, color: "#444", weight: 2, fillColor: "#fff", fillOpacity: 1,
      className: "unassigned-point" }).addTo(layer);
    // A DOM node, not a string: Leaflet would parse a string as HTML, and names and notes are only ever text.
    marker.bindTooltip(h("span", {}, `unassigned: ${visit.patient_name}`));
    marker.on("click", () => onSelect(visit.visit_id));
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
}

// The map needs telling when its box changes size (a narrower window, a rotated tablet).
window.addEventListener("resize", () => map && map.invalidateSize());
