/* Drivers and riders: the stations within my reach that have what I need, and the way there.
 *
 * Who is asking (rider or truck driver) sets the reach, the kind looked for first and how
 * the navigation apps plan the route. Results beyond the reach are never shown as nearby:
 * the status says so and names the nearest one apart. While the phone moves, stations
 * ahead come first and a service area's carriageway is matched to the heading. Without
 * signal, answers come from the stations kept on the device (offline.js), saying how old.
 */
"use strict";

(() => {
  const { t, term, el, api, setStatus, formatDistance, formatReach, formatAge, serviceIcon,
    safeHref, toDisplay, hoursText, scheduleText } = Pages;
  const MODES = Object.fromEntries(Pages.config.modes.map((m) => [m.code, m]));
  const MODE_KEY = "stations.mode";
  const MAP_KEY = "stations.map_hidden";
  const APP_KEY = "stations.nav_app";
  const DEVICE_KEY = "stations.device_id";
  const K = 10;
  const K_MOVING = 20; // more candidates, so that enough of them lie ahead
  const WALKING_MPS = 2.5; // faster than this is moving (e-bike, car)
  const FIX_MAX_AGE_MS = 10000; // an older position is not used while moving
  const RETRY_OFFLINE_MS = 20000;
  const APPS = ["amap", "baidu", "apple", "geo"];

  const statusLine = document.getElementById("status");
  const list = document.getElementById("results");
  const beyondBox = document.getElementById("beyond");
  const beyondList = document.getElementById("beyond-list");
  const details = document.getElementById("details");
  const whereInput = document.getElementById("where-input");
  const mapBox = document.querySelector(".map-box");
  const mapToggle = document.getElementById("map-toggle");
  const modeAsk = document.getElementById("mode-ask");

  const state = {
    mode: null, // "rider" | "driver"
    position: null, // {lon, lat, crs}
    followDevice: true, // false once a place was typed or tapped
    fix: null, // {heading, speed} of the last position the phone gave
    searchedAt: null, // {lon, lat, heading} of the last search from the phone
    kind: "",
    services: new Set(),
    openNow: false,
    answer: null, // {results, beyond, reach_m}
    offline: null, // {savedAt, partial} when the answer came from the device
    notice: null, // a one-off remark put before the next status ("latitude first…")
    selected: null,
    reportNote: null, // {id, text: () => words, isError} under the report buttons
    status: [() => t("driver.locating"), false],
  };
  let searchSeq = 0;
  let watchId = null;
  let retryTimer = null;

  const map = Pages.createMap("map");
  const stationLayer = L.layerGroup().addTo(map);
  let hereMarker = null;

  function sayWith(make, isError = false) {
    state.status = [make, isError];
    setStatus(statusLine, make(), isError);
  }
  const say = (key, vars, isError = false) => sayWith(() => t(key, vars), isError);

  // --- who is asking -----------------------------------------------------------------

  function readMode() {
    const asked = new URLSearchParams(location.search).get("mode");
    if (asked in MODES) return asked;
    try {
      const kept = localStorage.getItem(MODE_KEY);
      return kept in MODES ? kept : null;
    } catch (_) {
      return null;
    }
  }

  function setMode(code, andSearch = true) {
    state.mode = code;
    state.kind = MODES[code].kind;
    try { localStorage.setItem(MODE_KEY, code); } catch (_) { /* this visit only */ }
    modeAsk.hidden = true;
    drawControls();
    if (andSearch) search();
  }

  function drawControls() {
    document.querySelectorAll("[data-mode]").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.mode === state.mode));
    });
    document.querySelectorAll("[data-kind]").forEach((b) => {
      b.setAttribute("aria-pressed", String(state.mode !== null && b.dataset.kind === state.kind));
    });
    document.querySelectorAll(".mode-reach").forEach((n) => {
      n.textContent = t("driver.mode_reach", { reach: formatReach(Number(n.dataset.reach)) });
    });
    if (!modeAsk.hidden) {
      modeAsk.textContent = t("driver.mode_ask", {
        rider: formatReach(MODES.rider.reach_m), driver: formatReach(MODES.driver.reach_m),
      });
    }
    const hidden = mapBox.classList.contains("collapsed");
    mapToggle.textContent = t(hidden ? "driver.map_show" : "driver.map_hide");
  }

  // --- position ----------------------------------------------------------------------

  const angleDiff = (a, b) => Math.abs((((a - b) % 360) + 540) % 360 - 180);

  function moving() {
    const fix = state.fix;
    return Boolean(state.followDevice && fix && typeof fix.speed === "number"
      && fix.speed > WALKING_MPS && typeof fix.heading === "number" && !Number.isNaN(fix.heading));
  }

  function watch() {
    if (!("geolocation" in navigator)) {
      say("driver.no_geolocation", null, true);
      return;
    }
    if (!state.position) say("driver.locating");
    const options = { enableHighAccuracy: true, maximumAge: FIX_MAX_AGE_MS, timeout: 20000 };
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = navigator.geolocation.watchPosition(onFix, onFixError, options);
  }

  function onFixError() {
    if (!state.position) say("driver.no_geolocation", null, true);
  }

  function onFix(pos) {
    const { longitude: lon, latitude: lat, heading, speed } = pos.coords;
    const stale = Date.now() - pos.timestamp > FIX_MAX_AGE_MS;
    if (stale && (moving() || (speed || 0) > WALKING_MPS)) {
      // where the phone was a while ago is not where it is when it moves
      if (!state.position) say("driver.waiting_fix");
      return;
    }
    if (!state.followDevice) return;
    state.fix = { heading, speed };
    const next = { lon, lat, crs: "wgs84" };
    drawHere(next);
    const last = state.searchedAt;
    const reach = state.mode ? MODES[state.mode].reach_m : 3000;
    const far = !last || Offline.distanceM(last.lon, last.lat, lon, lat) > Math.max(100, reach / 20);
    const turned = moving() && (last === null || last.heading === null
      || angleDiff(last.heading, heading) > 45);
    if (far || turned || !state.answer) setPosition(next);
  }

  function setPosition(position) {
    state.position = position;
    drawHere(position);
    search();
  }

  function drawHere(position) {
    // a point tapped on the map is already where it should be drawn
    const latlng = position.crs === Pages.displayCrs && position.crs !== "wgs84"
      ? [position.lat, position.lon] : toDisplay(position.lon, position.lat);
    if (hereMarker) hereMarker.setLatLng(latlng);
    else {
      hereMarker = L.circleMarker(latlng, {
        radius: 9, color: "#fff", weight: 3, fillColor: "#0b4a8b", fillOpacity: 1,
      }).addTo(map);
      hereMarker.bindTooltip(t("driver.you_are_here"));
    }
  }

  /** The position in WGS-84, for searching the stations kept on the device. */
  function wgs(position) {
    if (position.crs === "gcj02") {
      const [lon, lat] = Pages.gcj02ToWgs84(position.lon, position.lat);
      return { lon, lat };
    }
    return { lon: position.lon, lat: position.lat };
  }

  const COORDS = /^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$/;
  const inChina = (lon, lat) => lon >= 73 && lon <= 136 && lat >= 3 && lat <= 54;

  /** "lon,lat" typed; a pair that only makes sense the other way round is swapped. */
  function readCoords(text) {
    const match = COORDS.exec(text);
    if (!match) return null;
    const [a, b] = [Number(match[1]), Number(match[2])];
    if ((!inChina(a, b) && inChina(b, a)) || (Math.abs(b) > 90 && Math.abs(a) <= 90)) {
      return { lon: b, lat: a, swapped: true };
    }
    return { lon: a, lat: b, swapped: false };
  }

  async function findPlace(text) {
    state.followDevice = false;
    const typed = readCoords(text);
    if (typed) {
      state.notice = typed.swapped ? () => t("driver.swapped", { lon: typed.lon, lat: typed.lat }) : null;
      setPosition({ lon: typed.lon, lat: typed.lat, crs: "wgs84" });
      return;
    }
    say("driver.finding_place");
    const [place, named] = await Promise.allSettled([
      api(`/api/regions/${encodeURIComponent(text)}`),
      api(`/api/stations?limit=1&q=${encodeURIComponent(text)}`),
    ]);
    if (place.status === "fulfilled") {
      const [lon, lat] = place.value.center;
      setPosition({ lon, lat, crs: "wgs84" });
    } else if (named.status === "fulfilled" && named.value.features.length) {
      const [lon, lat] = named.value.features[0].geometry.coordinates;
      setPosition({ lon, lat, crs: "wgs84" });
    } else if (named.status === "rejected" && named.reason.status === 0) {
      say("common.offline", null, true);
    } else if (place.reason.status === 422) {
      // e.g. a county name several cities share: the answer lists them
      say("common.error", { message: place.reason.message }, true);
    } else {
      say("driver.place_not_found", { text }, true);
    }
  }

  // --- search ------------------------------------------------------------------------

  /** The filters of a search, as the key of the answer kept for it. */
  const filterKey = () => JSON.stringify([state.mode, state.kind, [...state.services].sort(), state.openNow]);

  async function search() {
    if (!state.position) return;
    if (!state.mode) {
      say("driver.choose_mode");
      return;
    }
    clearTimeout(retryTimer);
    const seq = ++searchSeq;
    const mode = MODES[state.mode];
    const { lon, lat, crs } = state.position;
    const params = new URLSearchParams({
      lon, lat, crs, k: moving() ? K_MOVING : K, reach_m: mode.reach_m, travel: mode.travel,
    });
    if (state.kind) params.set("kind", state.kind);
    state.services.forEach((code) => params.append("service", code));
    if (state.openNow) params.set("open_now", "true");
    if (state.followDevice) {
      state.searchedAt = { lon, lat, heading: moving() ? state.fix.heading : null };
    }
    say("driver.searching");
    let data;
    try {
      data = await api(`/api/nearest?${params}`);
    } catch (err) {
      if (seq !== searchSeq) return;
      if (err.status === 0) await answerOffline(seq);
      else {
        show(null); // never leave a list that contradicts the filters just chosen
        say("common.error", { message: err.message }, true);
      }
      return;
    }
    if (seq !== searchSeq) return; // a newer search has been started meanwhile
    state.offline = null;
    show(data);
    const here = wgs(state.position);
    Offline.saveLast(filterKey(), { ...data, position: here });
    Offline.refreshArea({ ...here, radiusM: mode.area_m, travel: mode.travel, reachM: mode.reach_m })
      .catch(() => { /* kept for later; the page works without */ });
  }

  /** No connection: answer from the stations kept on the device, or the last answer. */
  async function answerOffline(seq) {
    const mode = MODES[state.mode];
    const here = wgs(state.position);
    const query = {
      ...here, k: moving() ? K_MOVING : K, kind: state.kind, services: [...state.services],
      openNow: state.openNow, reachM: mode.reach_m,
    };
    let answer = await Offline.search(query);
    let offline = answer
      ? { savedAt: answer.saved_at, partial: answer.partial, radius: answer.saved_radius_m } : null;
    if (!answer) {
      const last = await Offline.loadLast(filterKey());
      if (last && Offline.distanceM(here.lon, here.lat, last.answer.position.lon,
        last.answer.position.lat) <= mode.reach_m / 4) {
        answer = last.answer;
        offline = { savedAt: last.saved_at, partial: false, radius: null };
      }
    }
    if (seq !== searchSeq) return;
    retryTimer = setTimeout(search, RETRY_OFFLINE_MS); // and on the "online" event
    state.offline = offline;
    show(answer);
    if (!answer) say("driver.offline_nothing", null, true);
  }

  /** Show an answer ({results, beyond, reach_m}), or none. */
  function show(answer) {
    state.answer = answer;
    if (!answer || !answer.results.some((r) => r.id === state.selected)) state.selected = null;
    render();
    fitMap();
    if (answer) {
      const said = { answer, offline: state.offline, notice: state.notice, moving: moving() };
      sayWith(() => describe(said), !answer.results.length);
    }
    state.notice = null;
  }

  function what() {
    if (state.kind === "outdoor_worker_station") return t("driver.what_station");
    if (state.kind === "driver_home") return t("driver.what_home");
    return t("driver.what_any");
  }

  /** The status of an answer, in words (said again when the language changes). */
  function describe({ answer: a, offline, notice: remark, moving: wasMoving }) {
    const notice = remark ? `${remark()} ` : "";
    let prefix = "";
    if (offline) {
      prefix = t("driver.offline_age", { age: formatAge(Date.now() - offline.savedAt) });
      if (offline.partial) prefix += t("driver.offline_partial");
    }
    const reach = formatReach(a.reach_m);
    let main;
    if (a.results.length) {
      const key = wasMoving ? "driver.found_ahead" : "driver.found";
      main = t(key, { reach, n: a.results.length, what: what() });
    } else if (a.beyond) {
      const needs = [...state.services].map((code) => term("services", code));
      if (state.openNow) needs.push(t("driver.open_now"));
      main = t(needs.length ? "driver.none_within_needs" : "driver.none_within", {
        reach, what: what(), needs: needs.join(t("common.day_list_sep")),
        distance: formatDistance(a.beyond.distance_m), name: a.beyond.name,
      });
    } else if (offline && offline.radius) {
      main = t("driver.none_saved", { what: what(), radius: formatReach(offline.radius) });
    } else {
      main = t("driver.none_at_all", { what: what() });
    }
    return `${notice}${prefix}${main}`;
  }

  function fitMap() {
    const shown = state.answer ? (state.answer.results.length ? state.answer.results
      : [state.answer.beyond].filter(Boolean)) : [];
    const points = shown.map((r) => toDisplay(r.lon, r.lat));
    if (hereMarker) points.push(hereMarker.getLatLng());
    if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 16 });
  }

  // --- what a result says: one place, one function per badge ---------------------------
  //
  // Each badge takes (item, context) and gives a node, text or null; the list and the
  // details show them in this order. An item is {r: the result, ahead: true|false|null,
  // side: "yours"|"other"|"unknown"|null}. New facts about a station (live status, travel
  // time) are new functions in RESULT_BADGES.

  function distanceBadge({ r }) {
    return el("span", { class: "distance" }, formatDistance(r.distance_m));
  }

  function hoursBadge({ r }) {
    const h = r.hours || { state: r.open_now === null ? "unknown" : (r.open_now ? "open" : "closed") };
    const tone = h.state === "always" || h.state === "open"
      ? (h.minutes !== null && h.minutes <= 60 ? "soon" : "open")
      : h.state === "closed" ? "closed" : "unknown";
    return el("span", { class: `badge hours ${tone}` }, hoursText(h));
  }

  function aheadBadge({ ahead }) {
    if (ahead === null) return null;
    return el("span", { class: `badge ${ahead ? "ahead" : "behind"}` },
      t(ahead ? "driver.ahead" : "driver.behind"));
  }

  const COMPASS_EN = { 北: "north", 东北: "north-east", 东: "east", 东南: "south-east",
    南: "south", 西南: "south-west", 西: "west", 西北: "north-west" };

  function sideBadge({ r, side }) {
    if (!side) return null;
    const toward = Pages.lang === "en" && COMPASS_EN[r.carriageway.toward]
      ? COMPASS_EN[r.carriageway.toward] : r.carriageway.toward;
    return el("span", { class: `badge side ${side}` }, t(`driver.side_${side}`, { toward }));
  }

  function kindBadge({ r }, { inDetails = false } = {}) {
    if (state.kind && !inDetails) return null; // the list holds one kind: no need to say it
    return el("span", { class: "kind" }, t(r.kind === "driver_home" ? "driver.one_home" : "driver.one_station"));
  }

  function travelBadge({ r }) {  // walking or driving time along roads, where a network is known
    const text = Pages.formatTravel(r);
    return text ? el("span", { class: "travel" }, text) : null;
  }

  /** The live state, unless it has ended (an answer kept for offline use may be old). */
  const liveNow = (r) => (r.live && !(r.live.until && Date.parse(r.live.until) < Date.now())
    ? r.live : null);

  function liveBadge({ r }) {  // what the host or people there say now
    const live = liveNow(r);
    if (!live) return null;
    return el("span", { class: `badge live ${live.state}`, dataset: { live: live.state } },
      Pages.liveText(live));
  }

  const RESULT_BADGES = [distanceBadge, travelBadge, liveBadge, hoursBadge, aheadBadge, sideBadge, kindBadge];

  const badges = (item, context = {}) => RESULT_BADGES.map((badge) => badge(item, context)).filter(Boolean);

  /** The results in the order shown: while moving, those ahead on my side first. */
  function arrange(results) {
    const heading = moving() ? state.fix.heading : null;
    const items = results.map((r) => {
      let side = null;
      if (r.carriageway) {
        side = heading === null || r.carriageway.bearing_deg === null ? "unknown"
          : angleDiff(r.carriageway.bearing_deg, heading) < 90 ? "yours" : "other";
      }
      return { r, side, ahead: heading === null ? null : angleDiff(r.bearing_deg, heading) <= 90 };
    });
    if (heading === null) return items;
    const rank = (it) => (it.ahead ? (it.side === "other" ? 1 : 0) : 2);
    return items.sort((a, b) => rank(a) - rank(b) || a.r.distance_m - b.r.distance_m);
  }

  // --- drawing -----------------------------------------------------------------------

  function preferredApp() {
    try {
      const kept = localStorage.getItem(APP_KEY);
      if (APPS.includes(kept)) return kept;
    } catch (_) { /* no storage */ }
    return /iPhone|iPad|iPod|Macintosh/.test(navigator.userAgent) ? "apple" : "amap";
  }

  function navLink(r, app, { short = false } = {}) {
    const href = safeHref(r.navigation[app]);
    if (!href) return null;
    const label = short ? t("driver.nav_short") : t(`driver.nav_${app === "geo" ? "system" : app}`);
    return el("a", {
      class: short ? "btn primary nav-btn" : "btn primary", href, target: "_blank",
      rel: "noopener noreferrer", dataset: { app },
      "aria-label": short ? t("driver.nav_to", { name: r.name, app: t(`driver.app_${app}`) }) : null,
      onclick: () => { try { localStorage.setItem(APP_KEY, app); } catch (_) { /* ok */ } },
    }, label);
  }

  function resultItem(item, number) {
    const { r } = item;
    return el("li", { class: "station" },
      el("button", {
        type: "button", class: "station-btn", dataset: { id: r.id }, onclick: () => select(r.id),
      },
      el("span", { class: "name" }, number ? `${number}. ` : "", r.name),
      el("span", { class: "meta" }, badges(item)),
      el("span", { class: "icons" }, r.services.map(serviceIcon))),
      navLink(r, preferredApp(), { short: true }));
  }

  function render() {
    const a = state.answer;
    const items = a ? arrange(a.results) : [];
    list.replaceChildren(...items.map((item, i) => resultItem(item, i + 1)));
    const beyond = a && !a.results.length && a.beyond ? arrange([a.beyond]) : [];
    beyondList.replaceChildren(...beyond.map((item) => resultItem(item, 0)));
    beyondBox.hidden = !beyond.length;
    stationLayer.clearLayers();
    [...items, ...beyond].forEach((item, i) => {
      const { r } = item;
      const marker = L.circleMarker(toDisplay(r.lon, r.lat), {
        radius: r.id === state.selected ? 12 : 8,
        color: "#111", weight: 2,
        fillColor: r.kind === "driver_home" ? "#d35400" : "#0a5c36", fillOpacity: 0.9,
      });
      marker.bindTooltip(i < items.length ? `${i + 1}` : r.name, { permanent: false });
      marker.on("click", () => select(r.id));
      stationLayer.addLayer(marker);
    });
    const chosen = [...items, ...beyond].find((item) => item.r.id === state.selected);
    if (chosen) showDetails(chosen);
    else {
      details.hidden = true;
      list.parentElement.hidden = false;
    }
  }

  function select(id) {
    state.selected = id;
    // the phone's back button returns to the list, not away from the site
    history.pushState({ station: id }, "", `#station-${encodeURIComponent(id)}`);
    render();
    const all = state.answer ? [...state.answer.results, state.answer.beyond].filter(Boolean) : [];
    const chosen = all.find((r) => r.id === id);
    if (chosen) map.panTo(toDisplay(chosen.lon, chosen.lat));
    const heading = document.getElementById("details-name");
    if (heading) heading.focus();
  }

  function closeDetails() {
    if (history.state && history.state.station) history.back();
    else {
      state.selected = null;
      render();
    }
  }

  window.addEventListener("popstate", (event) => {
    const id = event.state && event.state.station;
    state.selected = id || null;
    render();
    if (!id) {
      const button = list.querySelector(".station-btn");
      if (button) button.focus();
    }
  });

  function phoneLink(phone) {
    if (!phone) return null;
    if (/\*/.test(phone)) return phone; // masked in the ledger: show, cannot call
    return el("a", { href: safeHref(`tel:${phone.replace(/[^\d+]/g, "")}`) }, phone);
  }

  // --- reports from the road --------------------------------------------------------

  function deviceId() {
    try {
      let id = localStorage.getItem(DEVICE_KEY);
      if (!id) {
        id = crypto.randomUUID ? crypto.randomUUID()
          : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
        localStorage.setItem(DEVICE_KEY, id);
      }
      return id;
    } catch (_) {
      return null; // no storage: the address alone counts
    }
  }

  function note(id, make, isError = false) {
    state.reportNote = { id, make, isError };
    render();
  }

  function phonePosition() {
    return new Promise((resolve, reject) => {
      if (!("geolocation" in navigator)) reject(new Error("no geolocation"));
      else {
        navigator.geolocation.getCurrentPosition(resolve, reject,
          { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
      }
    });
  }

  async function sendReport(r, report, service = null) {
    note(r.id, () => t("driver.report_locating"));
    let pos;
    try {
      pos = await phonePosition();
    } catch (_) {
      note(r.id, () => t("driver.report_no_position"), true);
      return;
    }
    const device = deviceId();
    const body = { state: report, lon: pos.coords.longitude, lat: pos.coords.latitude, crs: "wgs84" };
    if (service) body.service = service;
    if (device) body.device_id = device;
    try {
      const data = await api(`/api/stations/${encodeURIComponent(r.id)}/reports`, {
        method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" },
      });
      r.live = data.live;
      note(r.id, () => t(data.live ? "driver.report_shown" : "driver.report_pending"));
    } catch (err) {
      if (err.status === 422 && err.field === "position") {
        const metres = Number(((/([\d,]+) m\b/.exec(err.message) || [])[1] || "0").replace(/,/g, ""));
        note(r.id, () => t("driver.report_too_far", { distance: formatDistance(metres) }), true);
      } else if (err.status === 429) {
        const minutes = Number((/(\d+) s\b/.exec(err.message) || [])[1] || 3600) / 60;
        note(r.id, () => t("driver.report_too_often", { minutes: Math.max(1, Math.round(minutes)) }), true);
      } else note(r.id, () => t("common.error", { message: err.message }), true);
    }
  }

  function reportBox(r) {
    const choices = ["open", "closed"];
    if (r.kind === "driver_home" || r.services.includes("truck_parking")) choices.push("full");
    const select = el("select", { id: "report-service", class: "grow" },
      r.services.map((code) => el("option", { value: code }, term("services", code))));
    const noted = state.reportNote && state.reportNote.id === r.id ? state.reportNote : null;
    return el("section", { class: "report", "aria-labelledby": "report-heading" },
      el("h3", { id: "report-heading" }, t("driver.report")),
      el("p", { class: "hint" }, t("driver.report_hint")),
      el("div", { class: "report-choices", role: "group", "aria-labelledby": "report-heading" },
        choices.map((code) => el("button", {
          type: "button", dataset: { report: code }, onclick: () => sendReport(r, code),
        }, t(`driver.report_${code}`)))),
      r.services.length ? el("div", { class: "row report-service" },
        el("label", { for: "report-service" }, t("driver.report_service")), select,
        el("button", {
          type: "button", dataset: { report: "service_missing" },
          onclick: () => sendReport(r, "service_missing", select.value),
        }, t("driver.report_service_send"))) : null,
      el("p", { class: `report-note${noted && noted.isError ? " error" : ""}`, role: "status" },
        noted ? noted.make() : ""));
  }

  function showDetails(item) {
    const { r } = item;
    const first = preferredApp();
    const apps = [first, ...APPS.filter((app) => app !== first)];
    const rows = [
      [t("driver.address"), r.address],
      [t("driver.hours"), scheduleText(r.opening_hours)],
      [t("driver.phone"), phoneLink(r.phone)],
    ].filter(([, value]) => value);
    details.replaceChildren(
      el("button", { type: "button", class: "back", onclick: closeDetails }, t("driver.back")),
      el("h2", { id: "details-name", tabindex: "-1" }, r.name),
      el("p", { class: "meta" }, badges(item, { inDetails: true })),
      ...(liveNow(r) && r.live.reason ? [el("p", { class: "live-reason" }, r.live.reason)] : []),
      el("dl", {}, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
      el("h3", {}, t("driver.services")),
      el("ul", { class: "service-list" }, r.services.map((code) => el("li", {},
        el("span", { "aria-hidden": "true" }, Pages.ICONS[code] || "•"), " ", term("services", code)))),
      el("div", { class: "navigate", role: "group", "aria-label": t("driver.navigate") },
        apps.map((app) => navLink(r, app))),
      reportBox(r),
    );
    details.hidden = false;
    list.parentElement.hidden = true;
  }

  // --- controls ----------------------------------------------------------------------

  document.querySelectorAll("[data-mode]").forEach((button) => {
    button.addEventListener("click", () => setMode(button.dataset.mode));
  });
  document.querySelectorAll("[data-kind]").forEach((button) => {
    button.addEventListener("click", () => {
      state.kind = button.dataset.kind;
      drawControls();
      search();
    });
  });
  document.querySelectorAll("[data-service]").forEach((button) => {
    button.addEventListener("click", () => {
      const code = button.dataset.service;
      if (state.services.has(code)) state.services.delete(code);
      else state.services.add(code);
      button.setAttribute("aria-pressed", String(state.services.has(code)));
      search();
    });
  });
  const openButton = document.querySelector("[data-open-now]");
  openButton.addEventListener("click", () => {
    state.openNow = !state.openNow;
    openButton.setAttribute("aria-pressed", String(state.openNow));
    search();
  });
  document.getElementById("where").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = whereInput.value.trim();
    if (text) findPlace(text);
  });
  document.getElementById("locate").addEventListener("click", () => {
    state.followDevice = true;
    state.searchedAt = null;
    watch();
  });
  map.on("click", (event) => {
    state.followDevice = false;
    setPosition({ lon: event.latlng.lng, lat: event.latlng.lat, crs: Pages.displayCrs });
  });

  function setMapHidden(hidden) {
    mapBox.classList.toggle("collapsed", hidden);
    mapToggle.setAttribute("aria-expanded", String(!hidden));
    try { localStorage.setItem(MAP_KEY, hidden ? "1" : ""); } catch (_) { /* ok */ }
    drawControls();
    if (!hidden) {
      map.invalidateSize();
      fitMap();
    }
  }
  mapToggle.addEventListener("click", () => setMapHidden(!mapBox.classList.contains("collapsed")));

  document.addEventListener("langchange", () => {
    const [make, isError] = state.status;
    sayWith(make, isError);
    if (hereMarker) hereMarker.unbindTooltip().bindTooltip(t("driver.you_are_here"));
    drawControls();
    render();
  });
  window.addEventListener("online", () => search());

  // --- start -------------------------------------------------------------------------

  if (location.hash.startsWith("#station-")) history.replaceState(null, "", location.pathname + location.search);
  try { if (localStorage.getItem(MAP_KEY)) setMapHidden(true); } catch (_) { /* ok */ }
  const mode = readMode();
  if (mode) setMode(mode, false);
  else {
    modeAsk.hidden = false;
    drawControls();
  }
  Offline.registerWorker();
  watch();
})();
