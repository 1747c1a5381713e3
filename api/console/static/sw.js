// The nurse's page works in a dead zone: this service worker keeps the page's own files (never API
// answers: her day is kept by the page itself, and API answers say no-store) and answers from them when
// the network does not. Network first, so a new version of the page is used as soon as it can be fetched.
const CACHE = "nurse-dispatch-page-v2";
const PAGE = ["nurse.html", "nurse.js", "common.js", "password.js", "style.css"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PAGE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  // Only the page's files; the API (/v1/…) goes to the network as if there were no worker.
  if (event.request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith("/console/")) return;
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    }
    return response;
  }).catch(() => caches.match(event.request, { ignoreSearch: true })
    .then((cached) => cached || Response.error())));
});
