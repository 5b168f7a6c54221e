/* The driver page's service worker (scope "/"): the page opens without signal.
 *
 * It keeps the shell of "/" (the page, its scripts and styles, Leaflet, the manifest and
 * icons) and answers those requests from the network when it can (4 s at most), from
 * what it kept when it cannot, keeping each fresh answer. Everything else (the API, map
 * tiles, the other pages) goes to the network as if there were no worker: the page keeps
 * its own data (offline.js).
 */
"use strict";

const SHELL_CACHE = "stations-shell-v1";
const SHELL = [
  "/",
  "/static/pages/pages.css",
  "/static/pages/common.js",
  "/static/pages/offline.js",
  "/static/pages/driver.js",
  "/static/vendor/leaflet/1.9.4/leaflet.css",
  "/static/vendor/leaflet/1.9.4/leaflet.js",
  "/manifest.webmanifest",
  "/static/pages/icons/icon-192.png",
  "/static/pages/icons/icon-512.png",
];
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((key) => key.startsWith("stations-shell-") && key !== SHELL_CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

function shellKey(request) {
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return null;
  // the page with any query (?mode=driver) is the same page
  if (url.pathname === "/" && request.mode === "navigate") return "/";
  return SHELL.includes(url.pathname) && url.pathname !== "/" ? url.pathname : null;
}

async function networkFirst(request, key) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("slow network")), NETWORK_WAIT_MS);
      fetch(request).then((r) => { clearTimeout(timer); resolve(r); },
        (e) => { clearTimeout(timer); reject(e); });
    });
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const key = shellKey(event.request);
  if (key) event.respondWith(networkFirst(event.request, key));
});
