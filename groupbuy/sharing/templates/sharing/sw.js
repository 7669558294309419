{% load static i18n %}// groupbuy's service worker (served by sharing at /sharing/sw.js, scope /).
// Pages are fetched network-first and kept, so the inbox, the share threads and
// the last deal pages opened stay readable offline; static files cache-first.
// Any other page the network cannot give is answered with the offline page.
// v2: v1 kept an offline page with the header of whoever was signed in.
// The static files' fingerprint follows: their names carry no hash, so a
// release that changes one changes this script, the browser installs it and
// "activate" drops the old caches (cache-first would keep old code for good).
const VERSION = "groupbuy-v2-{{ static_version }}";
const PAGES = `${VERSION}-pages`;
const STATIC = `${VERSION}-static`;
const OFFLINE_URL = "{% url 'sharing:offline' %}";
{% get_available_languages as LANGUAGES %}const LANGUAGES = [{% for code, name in LANGUAGES %}"{{ code }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const DEFAULT_LANGUAGE = "{{ default_language }}";
// Where the language of the last page the network served is kept, so the
// offline page speaks it after the worker restarts (a key no page asks for).
const LANGUAGE_KEY = `${OFFLINE_URL}?language-in-use`;
const SHELL = [
  "{% static 'web/css/app.css' %}",
  "{% static 'web/js/app.js' %}",
  // app.js's own imports: without them a kept page opened offline ran none of
  // its scripts (an import that fails fails the whole module)
  "{% static 'web/js/busy-forms.js' %}",
  "{% static 'web/js/modules.js' %}",
  "{% static 'web/js/request-errors.js' %}",
  "{% static 'web/js/i18n.js' %}",
  "{% static 'realtime/socket.js' %}",
  "{% static 'notify/live.js' %}",
  "{% static 'sharing/pwa.js' %}",
  "{% static 'sharing/common.js' %}",
  "{% static 'sharing/thread.js' %}",
  "{% static 'sharing/thread-message.js' %}",
  "{% static 'web/js/report-actions.js' %}",
  "{% static 'sharing/inbox.js' %}",
  "{% static 'web/vendor/htmx.min.js' %}",
];
const MAX_DEAL_PAGES = 10;
const STATIC_PREFIX = "{% get_static_prefix %}";

function offlineUrl(language) {
  return `${OFFLINE_URL}?lang=${language}`;
}

// The offline page names no one (it is not the signed-in layout), so it is kept
// once per language in the install-time cache and outlives signing out.
self.addEventListener("install", (event) => {
  const urls = [...SHELL, ...LANGUAGES.map(offlineUrl)];
  event.waitUntil(
    caches.open(STATIC).then((cache) =>
      Promise.all(urls.map((url) => cache.add(url).catch(() => null)))
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(keys.filter((key) => !key.startsWith(VERSION)).map((key) => caches.delete(key)))
    ).then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") event.waitUntil(caches.delete(PAGES));
});

function isKeptPage(url) {
  return (
    url.pathname.startsWith("/sharing/") ||
    url.pathname.startsWith("/deals/") ||
    url.pathname.startsWith("/inbox/") ||
    url.pathname.startsWith("/jsi18n/") ||
    url.pathname.startsWith("/api/sharing/threads") ||
    url.pathname === "/"
  );
}

async function trimDealPages(cache) {
  const deals = (await cache.keys()).filter((request) =>
    new URL(request.url).pathname.startsWith("/deals/")
  );
  for (const request of deals.slice(0, Math.max(0, deals.length - MAX_DEAL_PAGES))) {
    await cache.delete(request);
  }
}

let languageInUse = null;

// A page's Content-Language is the language the person reads the site in now
// (after a switch, a sign-in or a sign-out alike).
async function rememberLanguage(response) {
  const language = (response.headers.get("Content-Language") || "").toLowerCase();
  if (!LANGUAGES.includes(language) || language === languageInUse) return;
  languageInUse = language;
  await (await caches.open(STATIC)).put(LANGUAGE_KEY, new Response(language));
}

async function languageNow() {
  if (languageInUse === null) {
    const saved = await caches.match(LANGUAGE_KEY);
    languageInUse = saved ? await saved.text() : DEFAULT_LANGUAGE;
  }
  return languageInUse;
}

async function fromNetwork(request) {
  const response = await fetch(request);
  if (request.mode === "navigate") await rememberLanguage(response).catch(() => null);
  return response;
}

async function offlineFallback(request, error) {
  if (request.mode === "navigate") {
    const offline =
      (await caches.match(offlineUrl(await languageNow()), { ignoreVary: true })) ||
      (await caches.match(offlineUrl(DEFAULT_LANGUAGE), { ignoreVary: true }));
    if (offline) return offline;
  }
  throw error;
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fromNetwork(request);
    if (response.ok && response.type === "basic") {
      await cache.delete(request, { ignoreVary: true });
      await cache.put(request, response.clone());
      await trimDealPages(cache);
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    return offlineFallback(request, error);
  }
}

// Pages not kept for offline reading (orders, profile…): never cached, since
// they are someone's own; offline, the offline page instead of the browser's.
async function networkOnly(request) {
  try {
    return await fromNetwork(request);
  } catch (error) {
    return offlineFallback(request, error);
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(STATIC)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // An htmx request (a list fetched again live) shares its page's address but
  // is answered with a bare fragment: kept, it would be the page opened
  // offline, and one in flight at sign-out was kept after the pages were
  // forgotten. Fragments go to the network alone.
  if (request.headers.get("HX-Request") === "true") return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(cacheFirst(request));
  } else if (isKeptPage(url)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkOnly(request));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "groupbuy", {
      body: data.body || "",
      data: { url: data.url || "/sharing/" },
      icon: "{% static 'web/icons/icon-192.png' %}",
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url));
});
