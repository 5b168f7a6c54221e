/* Shared by the pages: language, safe DOM building, API calls, map set-up, region picker.
 *
 * Everything shown that came from users or data goes in as text (textContent, text
 * nodes), never as markup. All words on the pages come from the dictionary the server
 * puts in #page-config (web/templates/page_text.json) and the vocabulary
 * (stations/vocab.py): Chinese first, English on request, remembered in localStorage.
 */
"use strict";

const Pages = (() => {
  const config = JSON.parse(document.getElementById("page-config").textContent);
  const LANG_KEY = "stations.lang";
  let lang = readLang();

  const ICONS = {
    drinking_water: "🚰", hot_water: "♨️", food_heating: "🍱", toilet: "🚻",
    rest_area: "🪑", air_conditioning: "❄️", heating: "🔥", first_aid: "⛑️",
    phone_charging: "🔌", wifi: "📶", reading: "📖", parking: "🅿️",
    truck_parking: "🚚", shower: "🚿", laundry: "🧺", meals: "🍚", lodging: "🛏️",
    security: "🛡️", repair: "🔧",
  };

  function readLang() {
    try {
      return localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";
    } catch (_) {
      return "zh";
    }
  }

  /** The page text for `key` in the current language; `{name}` placeholders filled. */
  function t(key, vars) {
    const entry = config.text[key];
    let text = entry ? (entry[lang] || entry.zh) : key;
    if (vars) text = text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return text;
  }

  /** A vocabulary label: term("services", "toilet") → 卫生间 / Toilet. */
  function term(group, code) {
    const entry = (config.vocab[group] || {})[code];
    return entry ? entry[lang] : code;
  }

  function applyText(root = document) {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    root.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
    root.querySelectorAll("[data-i18n-vocab]").forEach((n) => {
      const [group, code] = n.dataset.i18nVocab.split(".");
      n.textContent = term(group, code);
    });
    for (const attr of ["placeholder", "aria-label", "title"]) {
      root.querySelectorAll(`[data-i18n-${attr}]`).forEach((n) => {
        n.setAttribute(attr, t(n.getAttribute(`data-i18n-${attr}`)));
      });
    }
    root.querySelectorAll("[data-icon]").forEach((n) => { n.textContent = ICONS[n.dataset.icon] || ""; });
    root.querySelectorAll("[data-lang-toggle]").forEach((b) => {
      b.textContent = lang === "zh" ? "EN" : "中文";
      b.lang = lang === "zh" ? "en" : "zh-CN";
      // the accessible name starts with what the button shows (speech control users say "EN")
      b.setAttribute("aria-label", `${b.textContent} · ${t("common.switch_language")}`);
    });
  }

  function setLang(next) {
    lang = next === "en" ? "en" : "zh";
    try { localStorage.setItem(LANG_KEY, lang); } catch (_) { /* private mode: this page only */ }
    applyText();
    document.dispatchEvent(new CustomEvent("langchange"));
  }

  /** Build an element; strings among the children become text nodes. */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  /** Only link to web pages, map apps and phone numbers. */
  function safeHref(url) {
    try {
      const parsed = new URL(url, location.href);
      return ["https:", "http:", "geo:", "tel:"].includes(parsed.protocol) ? parsed.href : null;
    } catch (_) {
      return null;
    }
  }

  function serviceIcon(code) {
    const label = term("services", code);
    return el("span", { role: "img", "aria-label": label, title: label }, ICONS[code] || "•");
  }

  function formatTime(iso) {
    return new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", {
      dateStyle: "medium", timeStyle: "short",
    });
  }

  function formatDistance(metres) {
    if (metres < 1000) return t("common.metres", { n: Math.round(metres) });
    const km = metres / 1000;
    return t("common.kilometres", { n: km < 10 ? km.toFixed(1) : Math.round(km) });
  }

  /** A round reach: 3000 → "3 公里", 500 → "500 米". */
  function formatReach(metres) {
    if (metres < 1000) return t("common.metres", { n: Math.round(metres) });
    return t("common.kilometres", { n: Number((metres / 1000).toFixed(1)) });
  }

  /** How long ago, in words: 25 分钟 / 3 小时 / 2 天 (at least 1 minute). */
  function formatAge(ms) {
    const minutes = Math.max(1, Math.round(ms / 60000));
    if (minutes < 90) return t("common.minutes", { n: minutes });
    const hours = Math.round(minutes / 60);
    if (hours < 36) return t("common.hours", { n: hours });
    return t("common.days", { n: Math.round(hours / 24) });
  }

  /** When a live state ends, in China time: "18:30", or "12月1日 08:00" on another day. */
  function clockText(iso) {
    const when = new Date(iso);
    const zone = { timeZone: "Asia/Shanghai" };
    const day = (d) => d.toLocaleDateString("en-CA", zone);
    const locale = lang === "en" ? "en-GB" : "zh-CN";
    const time = when.toLocaleTimeString(locale, { ...zone, hour: "2-digit", minute: "2-digit" });
    if (day(when) === day(new Date())) return time;
    return `${when.toLocaleDateString(locale, { ...zone, month: "short", day: "numeric" })} ${time}`;
  }

  /** A live state in words: "已满 · 20 分钟前 2 人报告", "暂停开放 · 站方通告 · 至 18:00". */
  function liveText(live) {
    const services = live.services_unavailable.map((code) => term("services", code))
      .join(t("common.day_list_sep"));
    const fromReports = live.source === "reports";
    let head;
    if (live.state === "full") head = t("common.live_full");
    else if (live.state === "closed") head = t(fromReports ? "common.live_closed_reported" : "common.live_closed");
    else if (live.state === "open") {
      head = live.free_spaces ? t("common.live_spaces", { n: live.free_spaces }) : t("common.live_open");
    } else head = t("common.live_service", { services });
    const parts = [head];
    if (live.state !== "service_unavailable" && services) parts.push(t("common.live_service", { services }));
    if (fromReports) {
      const age = formatAge(Date.now() - new Date(live.since).getTime());
      parts.push(t("common.live_reports", { age, n: live.reports }));
    } else {
      parts.push(t("common.live_notice"));
      if (live.until) parts.push(t("common.live_until", { time: clockText(live.until) }));
    }
    return parts.join(" · ");
  }

  // --- opening hours in words ------------------------------------------------------

  const weekday = (n) => t(`common.weekday_${n}`);

  /** The `hours` object of a result ({state, opens_at, closes_at, day_offset, weekday,
   *  minutes}) in words: "营业中 · 18:30 打烊", "已打烊 · 明天 08:00 开门", "24 小时开放". */
  function hoursText(hours) {
    const h = hours || { state: "unknown" };
    if (h.state === "always") return t("common.hours_always");
    if (h.state === "open") {
      const key = h.day_offset === 0 ? "common.hours_open"
        : h.day_offset === 1 ? "common.hours_open_tomorrow" : "common.hours_open_day";
      const text = t(key, { time: h.closes_at, day: weekday(h.weekday) });
      return h.minutes !== null && h.minutes <= 60
        ? `${text} · ${t("common.hours_soon", { left: t("common.minutes", { n: h.minutes }) })}` : text;
    }
    if (h.state === "closed") {
      const key = h.day_offset === 0 ? "common.hours_closed_today"
        : h.day_offset === 1 ? "common.hours_closed_tomorrow" : "common.hours_closed_day";
      return t(key, { time: h.opens_at, day: weekday(h.weekday) });
    }
    return t("common.hours_unknown");
  }

  const DAY_CODES = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

  /** The canonical opening hours ("Mo-Fr 09:00-17:00; Sa,Su 10:00-16:00", "24/7") in the
   *  page's language: "周一至周五 09:00–17:00；周六、周日 10:00–16:00". */
  function scheduleText(canonical) {
    if (!canonical) return t("common.hours_unknown");
    if (canonical === "24/7") return t("common.hours_always");
    const day = (code) => weekday(DAY_CODES.indexOf(code));
    return canonical.split(";").map((rule) => {
      const parts = rule.trim().split(" ");
      const spans = parts.pop().replace(/-/g, "–").replace(/,/g, t("common.day_list_sep"));
      if (!parts.length) return `${t("common.every_day")} ${spans}`;
      const days = parts[0].split(",").map((group) => {
        const [from, to] = group.split("-");
        return to ? t("common.day_range", { from: day(from), to: day(to) }) : day(from);
      }).join(t("common.day_list_sep"));
      return `${days} ${spans}`;
    }).join(t("common.rule_sep"));
  }

  // "步行 12 分钟" where a road network gave the result a travel time (else null)
  function formatTravel(r) {
    if (r.travel_minutes === null || r.travel_minutes === undefined) return null;
    const key = r.kind === "driver_home" ? "common.drive_minutes" : "common.walk_minutes";
    return t(key, { n: Math.max(1, Math.round(r.travel_minutes)) });
  }

  class ApiError extends Error {
    constructor(status, message, field) {
      super(message);
      this.status = status;
      this.field = field;
    }
  }

  /** fetch → JSON, with a time limit; failures become ApiError (status 0: no connection). */
  async function api(url, { method = "GET", body, headers = {}, token, timeoutMs = 20000 } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const allHeaders = { Accept: "application/json", ...headers };
    if (token) allHeaders.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(url, { method, body, headers: allHeaders, signal: controller.signal });
    } catch (_) {
      throw new ApiError(0, t("common.offline"));
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      const detail = (data && data.detail) || {};
      const message = typeof detail === "string" ? detail : detail.message;
      throw new ApiError(response.status, message || `HTTP ${response.status}`, detail.field);
    }
    return data;
  }

  function setStatus(node, text, isError = false) {
    node.textContent = text;
    node.classList.toggle("error", isError);
  }

  // --- maps --------------------------------------------------------------------------

  const GCJ_A = 6378245.0;
  const GCJ_EE = 0.00669342162296594323;

  /** WGS-84 → GCJ-02, the published algorithm as geodata.crs implements it. */
  function wgs84ToGcj02(lon, lat) {
    if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) return [lon, lat];
    const x = lon - 105.0;
    const y = lat - 35.0;
    const pi = Math.PI;
    const shared = ((20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2) / 3;
    let dlat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + shared;
    dlat += ((20 * Math.sin(y * pi) + 40 * Math.sin((y / 3) * pi)) * 2) / 3;
    dlat += ((160 * Math.sin((y / 12) * pi) + 320 * Math.sin((y * pi) / 30)) * 2) / 3;
    let dlon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + shared;
    dlon += ((20 * Math.sin(x * pi) + 40 * Math.sin((x / 3) * pi)) * 2) / 3;
    dlon += ((150 * Math.sin((x / 12) * pi) + 300 * Math.sin((x / 30) * pi)) * 2) / 3;
    const radLat = (lat / 180) * pi;
    const magic = 1 - GCJ_EE * Math.sin(radLat) ** 2;
    const sqrtMagic = Math.sqrt(magic);
    dlat = (dlat * 180) / (((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic)) * pi);
    dlon = (dlon * 180) / ((GCJ_A / sqrtMagic) * Math.cos(radLat) * pi);
    return [lon + dlon, lat + dlat];
  }

  /** GCJ-02 → WGS-84 by fixed-point iteration of the forward formula (< 1 cm). */
  function gcj02ToWgs84(lon, lat) {
    let [x, y] = [lon, lat];
    for (let i = 0; i < 4; i += 1) {
      const [gx, gy] = wgs84ToGcj02(x, y);
      x -= gx - lon;
      y -= gy - lat;
    }
    return [x, y];
  }

  /** Where a WGS-84 point goes on the tiles (Leaflet's [lat, lon]). */
  function toDisplay(lon, lat) {
    const [x, y] = config.tile.crs === "gcj02" ? wgs84ToGcj02(lon, lat) : [lon, lat];
    return [y, x];
  }

  /** The coordinate system of a point picked on the map, for the API's `crs`. */
  const displayCrs = config.tile.crs === "gcj02" ? "gcj02" : "wgs84";

  function escapeHtml(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  /** Leaflet's zoom buttons in the page's language (their title and accessible name). */
  function labelZoom(container) {
    const label = (selector, key) => {
      const a = container.querySelector(selector);
      if (a) { a.title = t(key); a.setAttribute("aria-label", t(key)); }
    };
    label(".leaflet-control-zoom-in", "common.zoom_in");
    label(".leaflet-control-zoom-out", "common.zoom_out");
  }

  function createMap(id, center = [34.7466, 113.6253], zoom = 12) {
    const map = L.map(id, { zoomControl: false }).setView(center, zoom);
    L.control.zoom({ zoomInTitle: t("common.zoom_in"), zoomOutTitle: t("common.zoom_out") }).addTo(map);
    L.tileLayer(config.tile.url, {
      // Leaflet shows attribution as HTML: the configured text goes in escaped.
      attribution: escapeHtml(config.tile.attribution || ""),
      maxZoom: 18,
      crossOrigin: false,
    }).addTo(map);
    labelZoom(map.getContainer());
    document.addEventListener("langchange", () => labelZoom(map.getContainer()));
    return map;
  }

  // --- regions -----------------------------------------------------------------------

  /** Cascading selects province → city → county, filled from /api/regions. */
  class RegionPicker {
    constructor(selects, onChange) {
      this.selects = selects;
      this.onChange = onChange;
      this.options = selects.map(() => []);
      selects.forEach((select, level) => {
        select.addEventListener("change", () => this.chosen(level));
      });
      document.addEventListener("langchange", () => this.redraw());
    }

    /** The adcode of the deepest choice, or "" for the whole country. */
    get value() {
      for (let i = this.selects.length - 1; i >= 0; i -= 1) {
        if (this.selects[i].value) return this.selects[i].value;
      }
      return "";
    }

    async load(adcode = "") {
      const path = [];
      let code = adcode;
      while (code && path.length < this.selects.length) {
        const found = await api(`/api/regions/${encodeURIComponent(code)}`);
        path.unshift(found.adcode);
        code = found.parent_adcode && found.parent_adcode !== "100000" ? found.parent_adcode : "";
      }
      await this.fill(0, "/api/regions");
      for (let i = 0; i < path.length; i += 1) {
        this.selects[i].value = path[i];
        if (i + 1 < this.selects.length) {
          const next = this.options[i].find((r) => r.adcode === path[i]);
          if (next && next.has_children) await this.fill(i + 1, `/api/regions/${path[i]}/children`);
        }
      }
    }

    async fill(level, url) {
      const data = await api(url);
      this.options[level] = data.regions;
      this.redraw(level);
      this.selects[level].disabled = false;
    }

    redraw(only) {
      this.selects.forEach((select, level) => {
        if (only !== undefined && level !== only) return;
        const chosen = select.value;
        select.replaceChildren(
          el("option", { value: "" }, level === 0 ? t("common.all_china") : t("common.all")),
          ...this.options[level].map((r) => el("option", { value: r.adcode }, r.name)),
        );
        select.value = chosen;
      });
    }

    async chosen(level) {
      for (let i = level + 1; i < this.selects.length; i += 1) {
        this.options[i] = [];
        this.redraw(i);
        this.selects[i].disabled = true;
      }
      const code = this.selects[level].value;
      const region = this.options[level].find((r) => r.adcode === code);
      if (region && region.has_children && level + 1 < this.selects.length) {
        await this.fill(level + 1, `/api/regions/${code}/children`);
      }
      if (this.onChange) this.onChange(this.value);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-lang-toggle]").forEach((b) => {
      b.addEventListener("click", () => setLang(lang === "zh" ? "en" : "zh"));
    });
    applyText();
  });

  return {
    config, t, term, el, safeHref, serviceIcon, formatDistance, formatTravel, formatReach, formatAge, formatTime,
    hoursText, scheduleText, liveText, api, ApiError, setStatus,
    wgs84ToGcj02, gcj02ToWgs84, toDisplay, displayCrs, createMap, RegionPicker, ICONS,
    get lang() { return lang; },
  };
})();
