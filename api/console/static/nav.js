// The console's pages, one line at the top of each: every link carries the region (and the day) shown now,
// read when it is followed, so the page it opens shows the same region and day.
const PAGES = [
  { id: "to-day", label: "Day", href: "./", day: "date", page: ["", "index.html"] },
  { id: "to-week", label: "Week", href: "week.html", day: "from" },
  { id: "to-courses", label: "Courses", href: "course.html" },
  { id: "to-nurses", label: "Nurses", href: "nurses.html" },
  { id: "to-patients", label: "Patients", href: "patients.html" },
  { id: "to-visits", label: "Visits", href: "visits.html", day: "date" },
  { id: "to-book", label: "Book", href: "book.html", day: "date" },
];

function shown() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    region: document.getElementById("region")?.value || params.get("region"),
    day: document.getElementById("day")?.value || params.get("date") || params.get("from"),
  };
}

function drawNavigation(nav) {
  const here = location.pathname.split("/").pop();
  nav.replaceChildren(...PAGES.map((page) => {
    const link = document.createElement("a");
    link.id = page.id;
    link.href = page.href;
    link.textContent = page.label;
    if ((page.page || [page.href]).includes(here)) link.setAttribute("aria-current", "page");
    const follow = () => {
      const { region, day } = shown();
      const target = new URLSearchParams();
      if (region) target.set("region", region);
      if (page.day && day) target.set(page.day, day);
      link.href = `${page.href}#${target}`;
    };
    link.addEventListener("click", follow);
    link.addEventListener("auxclick", follow);
    return link;
  }));
}

for (const nav of document.querySelectorAll("nav.pages")) drawNavigation(nav);
