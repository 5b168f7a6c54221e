/* The service workers of the driver page (/sw.js, scope "/") and of the inspector page
 * (/inspect-sw.js, scope "/inspect"), one body for both: the server puts in front of it
 * the worker's PAGE, the SHELL of files it keeps and its SHELL_CACHE, whose name starts
 * with its CACHE_PREFIX (web/worker_scripts.py), so each is one whole script.
 *
 * It keeps the shell and answers those requests from the network when it can (4 s at
 * most), from what it kept when it cannot, keeping each fresh answer. Everything else
 * (the API, map tiles, the other pages) goes to the network as if there were no worker:
 * each page keeps its own data (offline.js, inspect-store.js). The more specific scope
 * wins for /inspect, and each worker keeps its own cache, so neither can break the other.
 */
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((key) => key.startsWith(CACHE_PREFIX) && key !== SHELL_CACHE)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

function shellKey(request) {
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return null;
  // the page with any query (?mode=driver) is the same page
  if (url.pathname === PAGE && request.mode === "navigate") return PAGE;
  return SHELL.includes(url.pathname) && url.pathname !== PAGE ? url.pathname : null;
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
