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
  const headers = [...table.querySelectorAll("th[data-column]")];
  const columns = headers.map((th) => ({ name: th.dataset.column, numeric: !th.classList.contains("text") }));

  const state = { rows: [], totals: null, sortBy: null, descending: false, status: ["planner.loading", null, false] };
  let seq = 0;

  const picker = new Pages.RegionPicker(
    [1, 2, 3].map((n) => document.getElementById(`region-${n}`)),
    () => apply(),
  );

  function say(key, vars, isError = false) {
    state.status = [key, vars, isError];
    setStatus(statusLine, t(key, vars), isError);
  }

  function question() {
    const params = new URLSearchParams();
    if (picker.value) params.set("region", picker.value);
    if (radius.value) params.set("radius_m", radius.value);
    if (network.value) params.set("network", network.value);
    if (kind.value) params.set("kind", kind.value);
    if (compliant.checked) params.set("compliant_only", "true");
    return params;
  }

  async function apply() {
    const params = question();
    const mapParams = new URLSearchParams(params);
    if (gaps.checked) mapParams.set("gaps", "true");
    history.replaceState(null, "", `${location.pathname}?${mapParams}`);
    frame.src = `/maps/coverage?${mapParams}`;
    csvLink.href = `/api/coverage.csv?${params}`;
    xlsxLink.href = `/api/coverage.xlsx?${params}`;
    const mine = ++seq;
    say("planner.loading");
    try {
      const data = await api(`/api/coverage?${params}`, { timeoutMs: 120000 });
      if (mine !== seq) return;
      state.rows = data.regions;
      state.totals = data.region;
      renderTable();
      say("planner.loaded", { name: data.region.name, n: data.regions.length });
    } catch (err) {
      if (mine === seq) say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
    }
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
  radius.addEventListener("change", () => { if (radius.checkValidity()) apply(); });
  document.addEventListener("langchange", () => {
    const [key, vars, isError] = state.status;
    say(key, vars, isError);
    renderTable();
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
