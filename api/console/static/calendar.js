// Dates as the week and course pages show them, without the browser's timezone moving a date.
const WEEKDAY = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

// "2026-12-07" → "Mon 07/12"
export function dayLabel(isoDate) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  return `${WEEKDAY[d.getUTCDay()]} ${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}`;
}
