/* Planners: the coverage map of a region and its per-district table, sortable and downloadable. */
"use strict";

(() => {
  const { t, el, api, setStatus } = Pages;
  const form = document.getElementById("controls");
  const statusLine = document.getElementById("status");
  const frame = document.getElementById("coverage-map");
  const table = document.getElementById("coverage-table");
  const caption = document.getElementById("table-caption");
  const body = table.querySelector("tbody");
  const foot = table.querySelector("tfoot");
  const csvLink = document.getElementById("download-csv");
  const xlsxLink = document.getElementById("download-xlsx");
  const radius = document.getElementById("radius");
  const kind = document.getElementById("kind");
  const network = document.getElementById("network");
  const compliant = document.getElementById("compliant");
  const gaps = document.getElementById("gaps");
  const radiusError = document.getElementById("radius-error");
  const emptyNote = document.getElementById("empty-note");
  const gapsSection = document.getElementById("gaps-section");
  const gapsBody = document.querySelector("#gaps-table tbody");
  const gapsCaption = document.getElementById("gaps-caption");
  const gapsCsv = document.getElementById("download-gaps-csv");
  const gapsXlsx = document.getElementById("download-gaps-xlsx");
  const MAX_RADIUS_M = 200000;
  const headers = [...table.querySelectorAll("th[data-column]")];
  const columns = headers.map((th) => ({ name: th.dataset.column, numeric: !th.classList.contains("text") }));

  const state = {
    rows: [], totals: null, sortBy: null, descending: false, status: ["planner.loading", null, false],
    empty: [], gaps: [], params: null,
  };
  let seq = 0;

  const picker = new Pages.RegionPicker(
    [1, 2, 3].map((n) => document.getElementById(`region-${n}`)),
    () => apply(),
  );

  function say(key, vars, isError = false) {
    state.status = [key, vars, isError];
    setStatus(statusLine, t(key, vars), isError);
  }

  /** The radius as the API checks it: more than 0, at most 200 km; null when fine. */
  function radiusProblem() {
    const raw = radius.value.trim();
    if (raw === "" && radius.validity.badInput) return "planner.radius_bad";
    if (raw === "") return null;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 1) return "planner.radius_bad";
    if (value > MAX_RADIUS_M) return "planner.radius_too_large";
    return null;
  }

  function showRadiusProblem(key) {
    radiusError.hidden = !key;
    radiusError.textContent = key ? t(key) : "";
    radius.setAttribute("aria-invalid", key ? "true" : "false");
    radius.setCustomValidity(key ? t(key) : "");
  }

  function question() {
    const params = new URLSearchParams();
    if (picker.value) params.set("region", picker.value);
    if (radius.value.trim()) params.set("radius_m", radius.value.trim());
    if (network.value) params.set("network", network.value);
    if (kind.value) params.set("kind", kind.value);
    if (compliant.checked) params.set("compliant_only", "true");
    return params;
  }

  /** Map and download links for the current question, in the page's language. */
  function setLinks() {
    if (!state.params) return;
    const params = state.params;
    const mapParams = new URLSearchParams(params);
    if (gaps.checked) mapParams.set("gaps", "true");
    mapParams.set("lang", Pages.lang);
    const files = new URLSearchParams(params);
    files.set("lang", Pages.lang);
    const mapUrl = `/maps/coverage?${mapParams}`;
    if (frame.getAttribute("src") !== mapUrl) frame.src = mapUrl;
    csvLink.href = `/api/coverage.csv?${files}`;
    xlsxLink.href = `/api/coverage.xlsx?${files}`;
    gapsCsv.href = `/api/coverage/gaps.csv?${files}`;
    gapsXlsx.href = `/api/coverage/gaps.xlsx?${files}`;
  }

  async function apply() {
    const problem = radiusProblem();
    showRadiusProblem(problem);
    if (problem) {
      say(problem, null, true);
      return;
    }
    const params = question();
    state.params = params;
    const pageParams = new URLSearchParams(params);
    if (gaps.checked) pageParams.set("gaps", "true");
    history.replaceState(null, "", `${location.pathname}?${pageParams}`);
    setLinks();
    const mine = ++seq;
    say("planner.loading");
    gapsSection.hidden = !gaps.checked;
    try {
      const [data, gapList] = await Promise.all([
        api(`/api/coverage?${params}`, { timeoutMs: 120000 }),
        gaps.checked ? api(`/api/coverage/gaps?${params}&limit=50`, { timeoutMs: 120000 }) : null,
      ]);
      if (mine !== seq) return;
      state.rows = data.regions;
      state.totals = data.region;
      state.empty = (gapList ? gapList.empty : data.empty) || [];
      state.gaps = gapList ? gapList.gaps : [];
      renderTable();
      renderEmpty();
      renderGaps();
      say("planner.loaded", { name: data.region.name, n: data.regions.length });
    } catch (err) {
      if (mine === seq) say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
    }
  }

  /** What is not there (no stations, none compliant, no gaps): the same words as the map. */
  function renderEmpty() {
    emptyNote.hidden = state.empty.length === 0;
    emptyNote.replaceChildren(...state.empty.map((e) => el("p", {}, Pages.lang === "en" ? e.en : e.zh)));
  }

  function number(value, digits = 1) {
    return Number(value).toLocaleString(Pages.lang === "en" ? "en" : "zh-CN", { maximumFractionDigits: digits });
  }

  function renderGaps() {
    const name = state.totals ? state.totals.name : "";
    gapsCaption.textContent = t("planner.gaps_caption", { name });
    if (!state.gaps.length) {
      gapsBody.replaceChildren(el("tr", {}, el("td", { colSpan: 5, class: "text" }, t("planner.gaps_none"))));
      return;
    }
    gapsBody.replaceChildren(...state.gaps.map((gap, i) => {
      const [zh, en] = String(gap.reason || "").split(" / ");
      const row = el("tr", { dataset: { h3: gap.h3 } },
        el("td", { class: "text" }, el("button", {
          type: "button", "aria-label": t("planner.gap_go", { n: i + 1 }),
        }, String(i + 1))),
        el("td", { class: "text" }, gap.county_name || gap.name || ""),
        el("td", {}, number(gap.uncovered_weight)),
        el("td", {}, gap.nearest_station_m == null ? "–" : Pages.formatDistance(gap.nearest_station_m)),
        el("td", { class: "text" }, (Pages.lang === "en" ? en : zh) || zh || ""));
      row.addEventListener("click", () => showGap(gap, i, row));
      return row;
    }));
  }

  /** Move the map to a gap: the map page is ours (same origin), so reach its Leaflet map. */
  function showGap(gap, i, row) {
    gapsBody.querySelectorAll("tr.current").forEach((r) => r.classList.remove("current"));
    row.classList.add("current");
    const win = frame.contentWindow;
    if (!win || !win.L) return;
    const map = Object.values(win).find((v) => v instanceof win.L.Map);
    if (!map) return;
    const where = Pages.toDisplay(gap.lon, gap.lat);
    const zoom = Math.min(16, (gap.resolution || 8) + 6);
    map.setView(where, zoom);
    win.L.popup().setLatLng(where).setContent(win.document.createTextNode(
      `#${i + 1} ${gap.county_name || gap.name || ""}`)).openOn(map);
    frame.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function cell(row, column) {
    const value = row[column.name];
    if (value === null || value === undefined) return "";
    if (column.name === "method") return t(`planner.method_${value}`);
    if (column.name === "coverage_ratio") {
      return `${(value * 100).toLocaleString(Pages.lang === "en" ? "en" : "zh-CN", { maximumFractionDigits: 1 })}%`;
    }
    if (column.numeric) {
      return Number(value).toLocaleString(Pages.lang === "en" ? "en" : "zh-CN", { maximumFractionDigits: 1 });
    }
    return String(value);
  }

  function sortedRows() {
    const rows = [...state.rows];
    const column = columns.find((c) => c.name === state.sortBy);
    if (!column) return rows;
    const sign = state.descending ? -1 : 1;
    rows.sort((a, b) => {
      const x = a[column.name];
      const y = b[column.name];
      const order = column.numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return sign * order;
    });
    return rows;
  }

  function renderTable() {
    // columns only some answers carry (along roads: method, circle figure) hide otherwise
    const shown = columns.map((c) => state.rows.some((row) => c.name in row));
    headers.forEach((th, i) => { th.hidden = !shown[i]; });
    body.replaceChildren(...sortedRows().map((row) => el("tr", { dataset: { adcode: row.adcode } },
      columns.map((c, i) => el("td", { class: c.numeric ? null : "text", hidden: !shown[i] },
        cell(row, c))))));
    foot.replaceChildren(state.totals ? el("tr", {},
      columns.map((c, i) => el("td", { class: c.numeric ? null : "text", hidden: !shown[i] },
        c.name === "name" ? t("planner.total", { name: state.totals.name }) : cell(state.totals, c)))) : "");
    caption.textContent = state.totals ? t("planner.caption", { name: state.totals.name }) : "";
    headers.forEach((th) => {
      const sorted = th.dataset.column === state.sortBy;
      th.setAttribute("aria-sort", sorted ? (state.descending ? "descending" : "ascending") : "none");
    });
  }

  headers.forEach((th) => {
    th.querySelector("button").addEventListener("click", () => {
      const name = th.dataset.column;
      const numeric = !th.classList.contains("text");
      if (state.sortBy === name) state.descending = !state.descending;
      else {
        state.sortBy = name;
        state.descending = numeric; // biggest figures first
      }
      renderTable();
    });
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  [kind, network, compliant, gaps].forEach((input) => input.addEventListener("change", () => apply()));
  radius.addEventListener("change", () => apply());
  radius.addEventListener("input", () => showRadiusProblem(radiusProblem()));
  document.addEventListener("langchange", () => {
    const [key, vars, isError] = state.status;
    say(key, vars, isError);
    showRadiusProblem(radiusProblem());
    renderTable();
    renderEmpty();
    if (!gapsSection.hidden) renderGaps();
    setLinks(); // the map and the files follow the language
  });

  async function start() {
    const asked = new URLSearchParams(location.search);
    radius.value = asked.get("radius_m") || "";
    kind.value = asked.get("kind") || "";
    network.value = asked.get("network") || "";
    compliant.checked = asked.get("compliant_only") === "true";
    gaps.checked = asked.get("gaps") === "true";
    try {
      await picker.load(asked.get("region") || "");
    } catch (err) {
      say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
      await picker.load("").catch(() => {});
    }
    apply();
  }

  start();
})();
