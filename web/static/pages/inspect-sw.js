/* The inspector page's service worker (scope "/inspect"): /inspect opens without signal.
 *
 * Separate from the driver page's worker (/sw.js, scope "/"): the more specific scope
 * wins for /inspect, and each keeps its own cache, so neither can break the other. It
 * keeps the page and its scripts and styles, answering from the network when it can (4 s
 * at most) and from what it kept when it cannot, keeping each fresh answer. The API goes
 * to the network untouched: the page keeps its own data (inspect-store.js).
 */
"use strict";

const SHELL_CACHE = "stations-inspect-shell-v1";
const SHELL = [
  "/inspect",
  "/static/pages/pages.css",
  "/static/pages/common.js",
  "/static/pages/inspect-store.js",
  "/static/pages/inspect.js",
];
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((key) => key.startsWith("stations-inspect-shell-") && key !== SHELL_CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

function shellKey(request) {
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return null;
  if (url.pathname === "/inspect" && request.mode === "navigate") return "/inspect";
  return SHELL.includes(url.pathname) && url.pathname !== "/inspect" ? url.pathname : null;
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
