/* Without signal: the stations kept on the device, and a search over them.
 *
 * The service worker (/sw.js) keeps the page itself. This keeps the data, in the Cache
 * Storage of the page's origin:
 * - the stations around the last position (GET /api/offline/stations: a few thousand at
 *   most, opening hours as open intervals of the week), fetched again when the phone has
 *   moved out of them or they are a day old;
 * - the last answer of each search (its parameters, results, when).
 * Offline, a search is answered from the kept stations by the same rules as the server's
 * (filters, reach, nearest beyond it); distances are great-circle estimates, and every
 * answer says how old its data is.
 */
"use strict";

const Offline = (() => {
  const CACHE = "stations-data-v1";
  const AREA_KEY = "/offline-data/area";
  const LAST_KEY = "/offline-data/last";
  const AREA_MAX_AGE_MS = 24 * 3600 * 1000;
  const EARTH_M = 6371008.8;
  const WEEK_MIN = 7 * 1440;
  const available = typeof caches !== "undefined";

  async function put(key, value) {
    if (!available) return;
    try {
      const cache = await caches.open(CACHE);
      await cache.put(key, new Response(JSON.stringify(value),
        { headers: { "Content-Type": "application/json" } }));
    } catch (_) { /* storage full or refused: the page still works online */ }
  }

  async function get(key) {
    if (!available) return null;
    try {
      const cache = await caches.open(CACHE);
      const found = await cache.match(key);
      return found ? await found.json() : null;
    } catch (_) {
      return null;
    }
  }

  // --- geometry (offline estimates; the server measures on the ellipsoid) ------------

  const rad = (d) => (d * Math.PI) / 180;

  function distanceM(lon1, lat1, lon2, lat2) {
    const a = Math.sin(rad(lat2 - lat1) / 2) ** 2
      + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
    return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function bearingDeg(lon1, lat1, lon2, lat2) {
    const y = Math.sin(rad(lon2 - lon1)) * Math.cos(rad(lat2));
    const x = Math.cos(rad(lat1)) * Math.sin(rad(lat2))
      - Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(rad(lon2 - lon1));
    return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  }

  // --- opening hours from open intervals of the week (China time) --------------------

  /** Minutes since Monday 00:00 in China time. */
  function chinaMinuteOfWeek(date = new Date()) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai", weekday: "short", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(date).map((p) => [p.type, p.value]));
    const day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
    return day * 1440 + Number(parts.hour) * 60 + Number(parts.minute);
  }

  const isOpenAt = (week, minute) => week.some(([s, e]) => s <= minute && minute < e);
  const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

  /** The server's `hours` object (stations.core.hours.hours_now), from `week`. */
  function hoursAt(week, minute) {
    if (!week) return { state: "unknown", opens_at: null, closes_at: null, day_offset: null, weekday: null, minutes: null };
    if (week.length === 1 && week[0][0] === 0 && week[0][1] === WEEK_MIN) {
      return { state: "always", opens_at: null, closes_at: null, day_offset: null, weekday: null, minutes: null };
    }
    const open = isOpenAt(week, minute);
    let ahead = 1;
    while (ahead <= WEEK_MIN && isOpenAt(week, (minute + ahead) % WEEK_MIN) === open) ahead += 1;
    const change = minute + ahead;
    let dayOffset = Math.floor(change / 1440) - Math.floor(minute / 1440);
    let at = change % 1440;
    if (open && at === 0 && dayOffset > 0) { dayOffset -= 1; at = 1440; }
    const time = at === 1440 ? "24:00" : hhmm(at);
    return {
      state: open ? "open" : "closed",
      opens_at: open ? null : time,
      closes_at: open ? time : null,
      day_offset: dayOffset,
      weekday: (Math.floor(minute / 1440) + dayOffset) % 7,
      minutes: ahead,
    };
  }

  // --- the kept stations -------------------------------------------------------------

  /** Fetch and keep the stations around a point, unless those kept still cover it. */
  async function refreshArea({ lon, lat, radiusM, travel, reachM }) {
    const kept = await get(AREA_KEY);
    if (kept && kept.travel === travel && Date.now() - kept.saved_at < AREA_MAX_AGE_MS
        && distanceM(lon, lat, ...kept.data.center) + reachM <= kept.data.radius_m) {
      return kept;
    }
    const params = new URLSearchParams({ lon, lat, radius_m: radiusM, travel, limit: 3000 });
    const data = await Pages.api(`/api/offline/stations?${params}`, { timeoutMs: 60000 });
    const area = { saved_at: Date.now(), travel, data };
    await put(AREA_KEY, area);
    return area;
  }

  /** Answer a search from the kept stations: {results, reach_m, beyond, saved_at,
   *  saved_radius_m, partial}
   *  shaped like /api/nearest?reach_m=…, or null when nothing is kept. */
  async function search({ lon, lat, k, kind, services, openNow, reachM }) {
    const area = await get(AREA_KEY);
    if (!area) return null;
    const minute = chinaMinuteOfWeek();
    const found = [];
    for (const s of area.data.stations) {
      if (kind && s.kind !== kind) continue;
      if (services.some((code) => !s.services.includes(code))) continue;
      const hours = hoursAt(s.week, minute);
      if (openNow && hours.state !== "open" && hours.state !== "always") continue;
      found.push({
        ...s,
        status: "active",
        distance_m: distanceM(lon, lat, s.lon, s.lat),
        bearing_deg: bearingDeg(lon, lat, s.lon, s.lat),
        hours,
        open_now: hours.state === "unknown" ? null : hours.state !== "closed",
      });
    }
    found.sort((a, b) => a.distance_m - b.distance_m);
    const within = found.filter((r) => r.distance_m <= reachM).slice(0, k);
    const fromCenter = distanceM(lon, lat, ...area.data.center);
    return {
      results: within,
      reach_m: reachM,
      beyond: within.length ? null : (found[0] || null),
      saved_at: area.saved_at,
      saved_radius_m: area.data.radius_m,
      partial: fromCenter + reachM > area.data.radius_m,
    };
  }

  async function saveLast(key, answer) {
    await put(LAST_KEY, { key, saved_at: Date.now(), answer });
  }

  /** The last answer kept, when it was for the same search. */
  async function loadLast(key) {
    const last = await get(LAST_KEY);
    return last && last.key === key ? last : null;
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      /* not over https, or refused: the page works, only not offline */
    });
  }

  return {
    available, refreshArea, search, saveLast, loadLast, registerWorker, hoursAt,
    chinaMinuteOfWeek, distanceM, bearingDeg,
  };
})();
