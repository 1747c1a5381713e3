// The day console's links to the week and the courses, carrying its region and day.
for (const [id, page, dateKey] of [["to-week", "week.html", "from"], ["to-courses", "course.html", null]]) {
  const link = document.getElementById(id);
  link?.addEventListener("click", () => {
    const params = new URLSearchParams(location.hash.slice(1));
    const target = new URLSearchParams();
    if (params.get("region")) target.set("region", params.get("region"));
    if (dateKey && params.get("date")) target.set(dateKey, params.get("date"));
    link.href = `${page}#${target}`;
  });
}
