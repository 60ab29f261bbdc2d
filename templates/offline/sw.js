{% load static %}// Keeps Purna usable on a weak signal. Rendered by the server: the version changes
// whenever this script or the static files it names change.
//
// - The app's shell (styles, scripts, icon) comes from the phone at once.
// - A page is fetched from the network first; each page that arrives is kept, and is
//   what the phone shows for that address while there is no signal. The page script
//   asks for the forms of a roster to be kept as the roster opens.
// - Forms are not sent from here: the page script keeps a form sent without a signal
//   and sends it when the signal returns, under its submission key.
const VERSION = "__VERSION__";
const SHELL = `purna-shell-${VERSION}`;
const PAGES = "purna-pages";
const STATIC_URL = "{% get_static_prefix %}";
const OFFLINE_URL = "{% url 'offline' %}";
const SHELL_FILES = [
  "{% static 'css/purna.css' %}",
  "{% static 'css/charts.css' %}",
  "{% static 'vendor/htmx/htmx.min.js' %}",
  "{% static 'js/purna.js' %}",
  "{% static 'js/offline.js' %}",
  "{% static 'img/favicon.svg' %}",
];
const NOT_KEPT = [{% for prefix in excluded %}"{{ prefix|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
// No more than this many pages are asked for at once when a roster opens.
const KEEP_AT_MOST = 150;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll([...SHELL_FILES, OFFLINE_URL]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // Pages kept by an older version name older static files: both go.
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== SHELL).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function isKept(url) {
  return url.origin === self.location.origin && !NOT_KEPT.some((prefix) => url.pathname.startsWith(prefix));
}

function worthKeeping(response) {
  if (!response.ok || response.redirected || response.type !== "basic") return false;
  const type = response.headers.get("Content-Type") || "";
  const cacheControl = response.headers.get("Cache-Control") || "";
  return type.startsWith("text/html") && !cacheControl.includes("no-store");
}

async function fromShell(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

// Marks a page the phone shows from its store, so the page can say so.
async function asKept(response) {
  const text = await response.text();
  const headers = new Headers(response.headers);
  return new Response(text.replace("<body", '<body data-kept-on-phone="1"'), {
    status: response.status,
    headers,
  });
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (worthKeeping(response)) (await caches.open(PAGES)).put(request, response.clone());
    return response;
  } catch (error) {
    // Pages vary by cookie and language: the kept copy is this phone's own, whichever.
    const kept = await caches.match(request, { cacheName: PAGES, ignoreVary: true });
    if (kept) return request.mode === "navigate" ? asKept(kept) : kept;
    if (request.mode === "navigate") {
      const page = await caches.match(OFFLINE_URL);
      if (page) return asKept(page);
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!isKept(url)) return;
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(fromShell(request));
  } else if (request.mode === "navigate" || request.headers.get("HX-Request")) {
    event.respondWith(networkFirst(request));
  }
});

async function keep(addresses) {
  const cache = await caches.open(PAGES);
  for (const address of addresses.slice(0, KEEP_AT_MOST)) {
    const url = new URL(address, self.location.origin);
    if (!isKept(url) || (await cache.match(url.href, { ignoreVary: true }))) continue;
    try {
      const response = await fetch(url.href, { credentials: "same-origin", headers: { "Purna-Keep": "1" } });
      if (worthKeeping(response)) await cache.put(url.href, response);
    } catch (error) {
      return; // The signal went: what is kept so far stays.
    }
  }
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep" && Array.isArray(message.addresses)) {
    event.waitUntil(keep(message.addresses));
  } else if (message.type === "forget") {
    // On logging out: no page of this person stays on the phone.
    event.waitUntil(caches.delete(PAGES));
  }
});
