/* Drivers and riders: the nearest stations to where I am, with what I need, and the way there. */
"use strict";

(() => {
  const { t, term, el, api, setStatus, formatDistance, serviceIcon, safeHref, toDisplay } = Pages;
  const K = 10;
  const statusLine = document.getElementById("status");
  const list = document.getElementById("results");
  const details = document.getElementById("details");
  const whereForm = document.getElementById("where");
  const whereInput = document.getElementById("where-input");

  const state = {
    position: null, // {lon, lat, crs, label}
    kind: "",
    services: new Set(),
    openNow: false,
    results: [],
    selected: null,
    status: ["driver.locating", null, false],
  };
  let searchSeq = 0;

  const map = Pages.createMap("map");
  const stationLayer = L.layerGroup().addTo(map);
  let hereMarker = null;

  function say(key, vars, isError = false) {
    state.status = [key, vars, isError];
    setStatus(statusLine, t(key, vars), isError);
  }

  // --- position ----------------------------------------------------------------------

  function locate() {
    if (!("geolocation" in navigator)) {
      say("driver.no_geolocation", null, true);
      return;
    }
    say("driver.locating");
    navigator.geolocation.getCurrentPosition(
      (pos) => setPosition({ lon: pos.coords.longitude, lat: pos.coords.latitude, crs: "wgs84" }),
      () => say("driver.no_geolocation", null, true),
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 },
    );
  }

  function setPosition(position) {
    state.position = position;
    // a point tapped on the map is already where it should be drawn
    const latlng = position.crs === Pages.displayCrs && position.crs !== "wgs84"
      ? [position.lat, position.lon] : toDisplay(position.lon, position.lat);
    if (hereMarker) hereMarker.setLatLng(latlng);
    else {
      hereMarker = L.circleMarker(latlng, {
        radius: 9, color: "#fff", weight: 3, fillColor: "#0b4a8b", fillOpacity: 1,
      }).addTo(map);
    }
    hereMarker.unbindTooltip().bindTooltip(t("driver.you_are_here"));
    search();
  }

  const COORDS = /^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$/;

  async function findPlace(text) {
    const match = COORDS.exec(text);
    if (match) {
      setPosition({ lon: Number(match[1]), lat: Number(match[2]), crs: "wgs84" });
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

  async function search() {
    if (!state.position) return;
    const seq = ++searchSeq;
    const params = new URLSearchParams({
      lon: state.position.lon, lat: state.position.lat, crs: state.position.crs, k: K,
    });
    if (state.kind) params.set("kind", state.kind);
    state.services.forEach((code) => params.append("service", code));
    if (state.openNow) params.set("open_now", "true");
    say("driver.searching");
    let data;
    try {
      data = await api(`/api/nearest?${params}`);
    } catch (err) {
      if (seq === searchSeq) {
        say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
      }
      return;
    }
    if (seq !== searchSeq) return; // a newer search has been started meanwhile
    state.results = data.results;
    state.selected = null;
    render();
    fitMap();
    if (data.results.length) say("driver.found", { n: data.results.length });
    else say("driver.none_found");
  }

  function fitMap() {
    const points = state.results.map((r) => toDisplay(r.lon, r.lat));
    if (hereMarker) points.push(hereMarker.getLatLng());
    if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 16 });
  }

  // --- drawing -----------------------------------------------------------------------

  function openBadge(openNow) {
    if (openNow === true) return el("span", { class: "badge open" }, t("driver.is_open"));
    if (openNow === false) return el("span", { class: "badge closed" }, t("driver.is_closed"));
    return el("span", { class: "badge unknown" }, t("driver.hours_unknown"));
  }

  function travelBadge(r) {
    const text = Pages.formatTravel(r);
    return text ? el("span", { class: "travel" }, text) : null;
  }

  function kindLabel(kind) {
    return kind === "driver_home" ? t("driver.one_home") : t("driver.one_station");
  }

  function render() {
    list.replaceChildren(...state.results.map((r, i) => el("li", {},
      el("button", {
        type: "button", class: "station-btn", dataset: { id: r.id },
        onclick: () => select(r.id),
      },
      el("span", { class: "name" }, `${i + 1}. `, r.name),
      el("span", { class: "meta" },
        el("span", { class: "distance" }, formatDistance(r.distance_m)),
        travelBadge(r),
        openBadge(r.open_now),
        el("span", {}, kindLabel(r.kind)),
        el("span", { class: "icons" }, r.services.map(serviceIcon)))))));
    stationLayer.clearLayers();
    state.results.forEach((r, i) => {
      const marker = L.circleMarker(toDisplay(r.lon, r.lat), {
        radius: r.id === state.selected ? 12 : 8,
        color: "#111", weight: 2,
        fillColor: r.kind === "driver_home" ? "#d35400" : "#0a5c36", fillOpacity: 0.9,
      });
      marker.bindTooltip(`${i + 1}`, { permanent: false });
      marker.on("click", () => select(r.id));
      stationLayer.addLayer(marker);
    });
    if (state.selected) showDetails();
    else {
      details.hidden = true;
      list.parentElement.hidden = false;
    }
  }

  function select(id) {
    state.selected = id;
    render();
    const chosen = state.results.find((r) => r.id === id);
    if (chosen) map.panTo(toDisplay(chosen.lon, chosen.lat));
    const heading = document.getElementById("details-name");
    if (heading) heading.focus();
  }

  function navLink(href, label) {
    const safe = safeHref(href);
    return safe ? el("a", {
      class: "btn primary", href: safe, target: "_blank", rel: "noopener noreferrer",
    }, label) : null;
  }

  function phoneLink(phone) {
    if (!phone) return null;
    if (/\*/.test(phone)) return phone; // masked in the ledger: show, cannot call
    return el("a", { href: safeHref(`tel:${phone.replace(/[^\d+]/g, "")}`) }, phone);
  }

  function showDetails() {
    const r = state.results.find((x) => x.id === state.selected);
    if (!r) return;
    const isApple = /iPhone|iPad|iPod|Macintosh/.test(navigator.userAgent);
    const rows = [
      [t("driver.address"), r.address],
      [t("driver.hours"), r.opening_hours],
      [t("driver.phone"), phoneLink(r.phone)],
    ].filter(([, value]) => value);
    details.replaceChildren(
      el("button", { type: "button", class: "back", onclick: () => { state.selected = null; render(); } },
        t("driver.back")),
      el("h2", { id: "details-name", tabindex: "-1" }, r.name),
      el("p", { class: "meta" },
        el("span", { class: "distance" }, formatDistance(r.distance_m)), " · ",
        travelBadge(r), travelBadge(r) ? " · " : null,
        openBadge(r.open_now), " · ", kindLabel(r.kind)),
      el("dl", {}, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
      el("h3", {}, t("driver.services")),
      el("ul", { class: "service-list" }, r.services.map((code) => el("li", {},
        el("span", { "aria-hidden": "true" }, Pages.ICONS[code] || "•"), " ", term("services", code)))),
      el("div", { class: "navigate", role: "group", "aria-label": t("driver.navigate") },
        navLink(r.navigation.amap, t("driver.nav_amap")),
        navLink(r.navigation.baidu, t("driver.nav_baidu")),
        navLink(isApple ? r.navigation.apple : r.navigation.geo, t("driver.nav_system"))),
    );
    details.hidden = false;
    list.parentElement.hidden = true;
  }

  // --- controls ----------------------------------------------------------------------

  document.querySelectorAll("[data-kind]").forEach((button) => {
    button.addEventListener("click", () => {
      state.kind = button.dataset.kind;
      document.querySelectorAll("[data-kind]").forEach((b) => {
        b.setAttribute("aria-pressed", String(b === button));
      });
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
  whereForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = whereInput.value.trim();
    if (text) findPlace(text);
  });
  document.getElementById("locate").addEventListener("click", locate);
  map.on("click", (event) => {
    setPosition({ lon: event.latlng.lng, lat: event.latlng.lat, crs: Pages.displayCrs });
  });
  document.addEventListener("langchange", () => {
    const [key, vars, isError] = state.status;
    say(key, vars, isError);
    if (hereMarker) hereMarker.unbindTooltip().bindTooltip(t("driver.you_are_here"));
    render();
  });

  locate();
})();
