// One colour per nurse, for any number of nurses, each dark enough for white text (contrast >= 4.5:1, checked in
// the browser tests). Candidates: hues 6° apart at a few lightness and saturation steps, each darkened until white
// reads on it; then, greedily, each next nurse gets the candidate farthest (in CIELAB, roughly as eyes see it) from
// every colour given so far. 40 nurses get 40 colours no two alike; the 12 fixed ones repeated on a 30-nurse day.
const MIN_CONTRAST_WITH_WHITE = 4.6;
const FIRST = "#1f5fa8"; // the console's blue

function hslToRgb(hue, saturation, lightness) {
  const k = (n) => (n + hue / 30) % 12;
  const a = saturation * Math.min(lightness, 1 - lightness);
  const f = (n) => lightness - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0), f(8), f(4)].map((c) => Math.round(c * 255));
}

const linear = (c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);

function luminance(rgb) {
  const [r, g, b] = rgb.map(linear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function lab(rgb) {
  const [r, g, b] = rgb.map(linear);
  const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505, 0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089];
  const [x, y, z] = xyz.map((t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116));
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

const hex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
const fromHex = (text) => [1, 3, 5].map((i) => parseInt(text.slice(i, i + 2), 16));

function candidates() {
  const found = [];
  for (let hue = 0; hue < 360; hue += 6) {
    for (const saturation of [0.55, 0.8]) {
      for (const lightness of [0.22, 0.3, 0.38, 0.46]) {
        let l = lightness;
        let rgb = hslToRgb(hue, saturation, l);
        while (1.05 / (luminance(rgb) + 0.05) < MIN_CONTRAST_WITH_WHITE) rgb = hslToRgb(hue, saturation, (l -= 0.01));
        found.push({ rgb, lab: lab(rgb) });
      }
    }
  }
  return found;
}

const made = [];
let pool = null;
let nearest = null; // per candidate: its distance to the nearest colour given so far

function distance(a, b) {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function give(rgb) {
  const colour = lab(rgb);
  made.push(hex(rgb));
  nearest = pool.map((c, i) => Math.min(nearest ? nearest[i] : Infinity, distance(c.lab, colour)));
}

export function nurseColour(index) {
  if (!pool) {
    pool = candidates();
    give(fromHex(FIRST));
  }
  while (made.length <= index) {
    const farthest = nearest.indexOf(Math.max(...nearest));
    give(pool[farthest].rgb);
  }
  return made[index];
}
