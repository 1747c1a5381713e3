// One colour per nurse, each dark enough for white text (contrast >= 4.5:1, checked in the browser tests).
export const PALETTE = [
  "#1f5fa8", "#b23c17", "#2e7d32", "#7b3fa0", "#a4006e", "#00695c",
  "#8a4f00", "#3949ab", "#ad1457", "#4e6b00", "#006a8e", "#6d4c41",
];

export function nurseColour(index) {
  return PALETTE[index % PALETTE.length];
}
