/* Hosts and staff: post a notice for a station (closed, full, free truck spaces, a service
 * unavailable), see what drivers are shown, withdraw a notice. The server decides who may
 * (the station's host, staff inside their region); the page says what it answered.
 */
"use strict";

(() => {
  const { t, term, el, api, setStatus } = Pages;
  const SESSION_KEY = "stations.session"; // shared with the inspectors' page
  const $ = (id) => document.getElementById(id);
  const state = { session: null, station: null, notices: [], live: null, status: null, message: null };

  function say(key, vars, isError = false) {
    state.status = key ? [key, vars, isError] : null;
    setStatus($("status"), key ? t(key, vars) : "", isError);
  }

  function showMessage(key, vars, ok) {
    state.message = key ? [key, vars, ok] : null;
    const box = $("notice-message");
    box.hidden = !key;
    box.textContent = key ? t(key, vars) : "";
    box.className = `message ${ok ? "ok" : "error"}`;
  }

  function loadSession() {
    try {
      const session = JSON.parse(sessionStorage.getItem(SESSION_KEY));
      return session && session.expires > Date.now() ? session : null;
    } catch (_) {
      return null;
    }
  }

  function showSession() {
    const s = state.session;
    $("login-card").hidden = Boolean(s);
    $("user-card").hidden = !s;
    $("pick-card").hidden = !s;
    $("notices-card").hidden = !s || !state.station;
    $("user-name").textContent = s ? t("host.signed_in_as", { name: s.name }) : "";
  }

  async function login(event) {
    event.preventDefault();
    const body = new URLSearchParams({ username: $("username").value, password: $("password").value });
    try {
      const token = await api("/api/token", {
        method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      state.session = { token: token.access_token, name: $("username").value, role: token.role,
        expires: Date.now() + (token.expires_in || 3600) * 1000 - 30000 };
      try { sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session)); } catch (_) { /* ok */ }
      $("password").value = "";
      say(null);
      showSession();
      $("find-input").focus();
    } catch (err) {
      say(err.status === 401 ? "host.bad_login" : "common.error", { message: err.message }, true);
    }
  }

  async function find(event) {
    event.preventDefault();
    const text = $("find-input").value.trim();
    if (!text) return;
    let found = [];
    try {
      const one = await api(`/api/stations/${encodeURIComponent(text)}`);
      found = [one];
    } catch (_) {
      const many = await api(`/api/stations?limit=10&q=${encodeURIComponent(text)}`).catch(() => null);
      found = many ? many.features : [];
    }
    $("candidates").replaceChildren(...found.map((f) => el("li", {},
      el("button", { type: "button", dataset: { id: f.properties.id || f.id }, onclick: () => choose(f) },
        el("span", { class: "name" }, f.properties.name), " ", f.properties.address || ""))));
    if (!found.length) say("host.none_found", null, true);
    else say(null);
  }

  async function choose(feature) {
    state.station = { id: String(feature.properties.id || feature.id), name: feature.properties.name,
      services: String(feature.properties.services || "").split(";").filter(Boolean) };
    $("service").replaceChildren(...(state.station.services.length ? state.station.services
      : Object.keys(Pages.config.vocab.services)).map((code) => el("option", { value: code }, term("services", code))));
    showSession();
    await refresh();
    $("station-heading").focus();
  }

  async function refresh() {
    if (!state.station) return;
    const data = await api(`/api/stations/${encodeURIComponent(state.station.id)}/notices`);
    state.notices = data.notices;
    state.live = data.live;
    draw();
  }

  const kindName = (kind) => t(`host.kind_${kind}`);
  // China time, as drivers are told and as the "ends at" field is read
  const when = (iso) => new Date(iso).toLocaleString(Pages.lang === "en" ? "en-GB" : "zh-CN",
    { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" });

  function draw() {
    if (!state.station) return;
    $("station-heading").textContent = `${state.station.name} (${state.station.id})`;
    $("live-now").textContent = state.live ? t("host.live_now", { text: Pages.liveText(state.live) })
      : t("host.live_none");
    $("notices").replaceChildren(...(state.notices.length ? state.notices.map((n) => el("li", { class: "row" },
      el("span", { class: "grow" }, el("span", { class: "name" }, kindName(n.kind)),
        n.free_spaces !== null && n.kind === "free_spaces" ? ` ${n.free_spaces}` : "",
        n.service ? ` ${term("services", n.service)}` : "", " · ",
        t("host.span", { from: when(n.starts_at), until: when(n.ends_at) }),
        n.reason ? ` · ${n.reason}` : ""),
      el("button", { type: "button", dataset: { withdraw: n.id }, onclick: () => withdraw(n),
        "aria-label": t("host.withdraw_named", { kind: kindName(n.kind) }) }, t("host.withdraw"))))
      : [el("li", {}, t("host.no_notices"))]));
    const kind = $("kind").value;
    document.querySelectorAll("[data-for-kind]").forEach((node) => {
      node.hidden = node.dataset.forKind !== kind;
    });
  }

  async function post(event) {
    event.preventDefault();
    const kind = $("kind").value;
    const body = { kind };
    if ($("until").value) body.ends_at = $("until").value; // China time, as the page shows it
    if (kind === "free_spaces") body.free_spaces = Number($("free-spaces").value || 0);
    if (kind === "service_unavailable") body.service = $("service").value;
    if ($("reason").value.trim()) body.reason = $("reason").value.trim();
    try {
      await api(`/api/stations/${encodeURIComponent(state.station.id)}/notices`, {
        method: "POST", body: JSON.stringify(body), token: state.session.token,
        headers: { "Content-Type": "application/json" },
      });
      $("reason").value = "";
      showMessage("host.posted", null, true);
      await refresh();
    } catch (err) {
      showMessage("common.error", { message: err.message }, false);
    }
  }

  async function withdraw(notice) {
    try {
      await api(`/api/stations/${encodeURIComponent(state.station.id)}/notices/${notice.id}`, {
        method: "DELETE", token: state.session.token,
      });
      showMessage("host.withdrawn", null, true);
      await refresh();
    } catch (err) {
      showMessage("common.error", { message: err.message }, false);
    }
  }

  $("login").addEventListener("submit", login);
  $("logout").addEventListener("click", () => {
    try { sessionStorage.removeItem(SESSION_KEY); } catch (_) { /* ok */ }
    state.session = null;
    showSession();
  });
  $("find").addEventListener("submit", find);
  $("notice").addEventListener("submit", post);
  $("kind").addEventListener("change", draw);
  document.addEventListener("langchange", () => {
    if (state.status) say(...state.status);
    if (state.message) showMessage(...state.message);
    showSession();
    draw();
  });

  state.session = loadSession();
  showSession();
  draw();
  document.querySelectorAll("[data-for-kind]").forEach((node) => {
    node.hidden = node.dataset.forKind !== $("kind").value;
  });
})();
