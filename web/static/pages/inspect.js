/* Inspectors: sign in, pick a station, fill its checklist, submit with photos, see the queues.
 *
 * A half-filled inspection is never lost: every change is saved as a draft (text in
 * localStorage, photos in IndexedDB, per station) and the draft is removed only when the
 * server has confirmed the inspection. A reload brings the last draft back.
 */
"use strict";

(() => {
  const { t, term, el, api, setStatus, formatDistance } = Pages;
  const SESSION_KEY = "stations.session";
  const DRAFT_PREFIX = "stations.inspect.draft.";
  const CURRENT_KEY = "stations.inspect.current";
  const MAX_PHOTOS = 10;
  const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
  const QUEUE_SHOWN = 50;
  const $ = (id) => document.getElementById(id);

  const statusLine = $("status");
  const form = $("checklist");
  const criteriaBox = $("criteria");
  const notes = $("notes");
  const photoInput = $("photos");
  const message = $("submit-message");

  const state = {
    session: null, // {token, name, role, expires}
    station: null, // {id, name, address}
    checklist: null,
    prefill: {},
    photos: [], // [{name, blob}]
    position: null,
    queue: "overdue",
    candidates: [],
    queueItems: [],
    status: null,
    message: null,
    restoredAt: null, // when the draft shown was saved
  };

  function say(key, vars, isError = false) {
    state.status = key ? [key, vars, isError] : null;
    setStatus(statusLine, key ? t(key, vars) : "", isError);
  }

  function showMessage(key, vars, ok) {
    state.message = key ? [key, vars, ok] : null;
    message.hidden = !key;
    message.textContent = key ? t(key, vars) : "";
    message.className = `message ${ok ? "ok" : "error"}`;
  }

  // --- storage -----------------------------------------------------------------------

  function readJSON(storage, key) {
    try {
      return JSON.parse(storage.getItem(key));
    } catch (_) {
      return null;
    }
  }

  function writeJSON(storage, key, value) {
    try {
      storage.setItem(key, JSON.stringify(value));
      return true;
    } catch (_) {
      return false;
    }
  }

  const photoStore = (() => {
    let opened = null;
    function open() {
      if (!("indexedDB" in window)) return Promise.resolve(null);
      if (!opened) {
        opened = new Promise((resolve) => {
          const request = indexedDB.open("stations-inspect", 1);
          request.onupgradeneeded = () => request.result.createObjectStore("photos");
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => resolve(null);
        });
      }
      return opened;
    }
    async function run(mode, action) {
      const db = await open();
      if (!db) return undefined;
      return new Promise((resolve) => {
        const tx = db.transaction("photos", mode);
        const request = action(tx.objectStore("photos"));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => resolve(undefined);
        tx.onabort = () => resolve(undefined);
      });
    }
    return {
      get: async (id) => (await run("readonly", (s) => s.get(id))) || [],
      put: (id, photos) => run("readwrite", (s) => s.put(photos, id)),
      remove: (id) => run("readwrite", (s) => s.delete(id)),
    };
  })();

  function readDraft(id) {
    return readJSON(localStorage, DRAFT_PREFIX + id);
  }

  function allDrafts() {
    const drafts = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (key && key.startsWith(DRAFT_PREFIX)) {
        const draft = readJSON(localStorage, key);
        if (draft && draft.station) drafts.push(draft);
      }
    }
    return drafts.sort((a, b) => String(b.saved_at).localeCompare(String(a.saved_at)));
  }

  function saveDraft() {
    if (!state.station) return;
    const previous = readDraft(state.station.id) || {};
    const saved = writeJSON(localStorage, DRAFT_PREFIX + state.station.id, {
      ...previous,
      station: state.station,
      ...collect(),
      photo_names: state.photos.map((p) => p.name),
      saved_at: new Date().toISOString(),
    });
    if (!saved) say("inspect.draft_not_saved", null, true);
    renderDrafts();
  }

  async function clearDraft(id) {
    localStorage.removeItem(DRAFT_PREFIX + id);
    await photoStore.remove(id);
    renderDrafts();
  }

  function renderDrafts() {
    const drafts = allDrafts();
    $("drafts-card").hidden = drafts.length === 0;
    $("drafts").replaceChildren(...drafts.map((d) => el("li", {},
      el("button", { type: "button", onclick: () => pick(d.station) },
        el("span", { class: "name" }, d.station.name),
        el("span", {}, t("inspect.saved_at", { time: Pages.formatTime(d.saved_at) }))))));
  }

  // --- session -----------------------------------------------------------------------

  function loadSession() {
    const session = readJSON(sessionStorage, SESSION_KEY);
    return session && session.expires > Date.now() ? session : null;
  }

  function showSession(refresh = true) {
    const session = state.session;
    $("login-card").hidden = Boolean(session);
    $("user-card").hidden = !session;
    $("queues-card").hidden = !session;
    $("user-name").textContent = session
      ? t("inspect.signed_in_as", { name: session.name, role: t(`inspect.role_${session.role}`) }) : "";
    if (session && refresh) loadQueue();
  }

  async function login(event) {
    event.preventDefault();
    const body = new URLSearchParams({ username: $("username").value, password: $("password").value });
    say("inspect.signing_in");
    try {
      const token = await api("/api/token", {
        method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      state.session = {
        token: token.access_token, name: $("username").value, role: token.role,
        expires: Date.now() + (token.expires_in || 3600) * 1000 - 30000,
      };
      writeJSON(sessionStorage, SESSION_KEY, state.session);
      $("password").value = "";
      say("inspect.signed_in");
      showSession();
    } catch (err) {
      say(err.status === 401 ? "inspect.bad_login" : "common.error", { message: err.message }, true);
    }
  }

  function logout() {
    sessionStorage.removeItem(SESSION_KEY);
    state.session = null;
    showSession();
  }

  // --- picking a station -------------------------------------------------------------

  function whereAmI(timeout = 15000) {
    return new Promise((resolve) => {
      if (!("geolocation" in navigator)) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        (pos) => resolve({ lon: pos.coords.longitude, lat: pos.coords.latitude }),
        () => resolve(null),
        { enableHighAccuracy: true, timeout, maximumAge: 60000 },
      );
      return undefined;
    });
  }

  async function nearMe() {
    say("inspect.locating");
    const position = await whereAmI();
    if (!position) {
      say("inspect.no_position", null, true);
      return;
    }
    state.position = position;
    say("inspect.searching");
    try {
      const data = await api(`/api/nearest?lon=${position.lon}&lat=${position.lat}&k=10&status=any`);
      state.candidates = data.results.map((r) => ({
        id: r.id, name: r.name, address: r.address, distance_m: r.distance_m,
      }));
      renderCandidates();
      say(state.candidates.length ? "inspect.pick_one" : "inspect.none_found");
    } catch (err) {
      say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
    }
  }

  async function searchByName(event) {
    event.preventDefault();
    const text = $("search-input").value.trim();
    if (!text) return;
    say("inspect.searching");
    try {
      const data = await api(`/api/stations?limit=20&q=${encodeURIComponent(text)}`);
      state.candidates = data.features.map((f) => ({
        id: f.properties.id || f.id, name: f.properties.name, address: f.properties.address,
        unlocated: f.geometry === null,
      }));
      renderCandidates();
      say(state.candidates.length ? "inspect.pick_one" : "inspect.none_found");
    } catch (err) {
      say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
    }
  }

  function renderCandidates() {
    $("candidates").replaceChildren(...state.candidates.map((c) => el("li", {},
      el("button", { type: "button", dataset: { id: c.id }, onclick: () => pick(c) },
        el("span", {}, el("span", { class: "name" }, c.name), el("br"),
          el("span", {}, c.address || c.id)),
        c.distance_m !== undefined ? el("span", { class: "distance" }, formatDistance(c.distance_m)) : null))));
  }

  async function pick(station) {
    say("inspect.loading_checklist");
    let data;
    try {
      data = await api(`/api/stations/${encodeURIComponent(station.id)}/checklist`);
    } catch (err) {
      say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
      return;
    }
    state.station = { id: station.id, name: station.name, address: station.address || null };
    // a station without coordinates: offer to put it where the inspector stands
    $("set-location").checked = Boolean(station.unlocated);
    state.checklist = data.checklist;
    state.prefill = data.prefill || {};
    localStorage.setItem(CURRENT_KEY, station.id);
    const draft = readDraft(station.id);
    state.photos = draft ? await photoStore.get(station.id) : [];
    renderChecklist(draft);
    showMessage(null);
    state.restoredAt = draft ? draft.saved_at : null;
    renderDraftNote();
    $("checklist-card").hidden = false;
    say(null);
    $("checklist-heading").focus();
    if (!state.position) whereAmI(10000).then((p) => { if (p) state.position = p; });
  }

  function renderDraftNote() {
    $("draft-note").hidden = !state.restoredAt;
    $("draft-note").textContent = state.restoredAt
      ? t("inspect.draft_restored", { time: Pages.formatTime(state.restoredAt) }) : "";
  }

  // --- the checklist -----------------------------------------------------------------

  function criterionLabel(c) {
    return Pages.lang === "en" ? c.en : c.zh;
  }

  function prefillText(code) {
    const found = state.prefill[code];
    if (!found) return null;
    const verdict = found.value === true ? t("inspect.prefill_pass")
      : found.value === false ? t("inspect.prefill_fail") : t("inspect.prefill_none");
    return [el("strong", {}, verdict), " ", found.explanation || ""];
  }

  function renderChecklist(values) {
    const { checklist, station } = state;
    $("checklist-heading").textContent = checklist.title
      ? (Pages.lang === "en" ? checklist.title.en : checklist.title.zh) : t("inspect.checklist");
    $("checklist-heading").setAttribute("tabindex", "-1");
    $("checklist-station").replaceChildren(el("strong", {}, station.name), " ",
      `(${station.id})`, station.address ? el("br") : null, station.address || "");
    criteriaBox.replaceChildren(...checklist.criteria.map((c) => {
      const name = `result-${c.code}`;
      const guess = (state.prefill[c.code] || {}).value;
      return el("fieldset", { class: "criterion", dataset: { code: c.code } },
        el("legend", {}, criterionLabel(c)),
        el("p", { class: "prefill" }, prefillText(c.code)),
        el("div", { class: "passfail" },
          el("label", {}, el("input", { type: "radio", name, value: "pass", checked: guess === true }),
            t("inspect.pass")),
          el("label", {}, el("input", { type: "radio", name, value: "fail", checked: guess === false }),
            t("inspect.fail"))),
        el("label", { for: `note-${c.code}` }, t("inspect.criterion_note")),
        el("textarea", { id: `note-${c.code}`, rows: "2", dataset: { note: c.code } }));
    }));
    notes.value = "";
    if (values) applyValues(values);
    renderPhotos();
    updateProgress();
  }

  function collect() {
    const results = {};
    const criterionNotes = {};
    for (const box of criteriaBox.querySelectorAll("fieldset[data-code]")) {
      const code = box.dataset.code;
      const chosen = box.querySelector("input[type=radio]:checked");
      if (chosen) results[code] = chosen.value === "pass";
      const note = box.querySelector("textarea").value.trim();
      if (note) criterionNotes[code] = note;
    }
    return { results, criterion_notes: criterionNotes, notes: notes.value };
  }

  function applyValues(values) {
    for (const box of criteriaBox.querySelectorAll("fieldset[data-code]")) {
      const code = box.dataset.code;
      if (values.results && code in values.results) {
        const want = values.results[code] ? "pass" : "fail";
        box.querySelectorAll("input[type=radio]").forEach((r) => { r.checked = r.value === want; });
      }
      box.querySelector("textarea").value = (values.criterion_notes || {})[code] || "";
    }
    notes.value = values.notes || "";
  }

  function missingCriteria() {
    const { results } = collect();
    return state.checklist.criteria.filter((c) => !(c.code in results));
  }

  function updateProgress() {
    if (!state.checklist) return;
    const total = state.checklist.criteria.length;
    $("progress").textContent = t("inspect.progress", { done: total - missingCriteria().length, total });
  }

  function renderPhotos() {
    $("photo-list").replaceChildren(...state.photos.map((p, i) => el("li", {},
      el("span", {}, `${p.name} (${Math.ceil(p.blob.size / 1024)} KB)`),
      el("button", {
        type: "button", "aria-label": t("inspect.remove_photo", { name: p.name }),
        onclick: () => removePhoto(i),
      }, t("inspect.remove")))));
  }

  async function addPhotos() {
    const files = [...photoInput.files];
    photoInput.value = "";
    for (const file of files) {
      if (file.size > MAX_PHOTO_BYTES) {
        showMessage("inspect.photo_too_big", { name: file.name }, false);
      } else if (state.photos.length >= MAX_PHOTOS) {
        showMessage("inspect.too_many_photos", { n: MAX_PHOTOS }, false);
      } else {
        state.photos.push({ name: file.name, blob: file });
      }
    }
    await photoStore.put(state.station.id, state.photos);
    renderPhotos();
    saveDraft();
  }

  async function removePhoto(index) {
    state.photos.splice(index, 1);
    await photoStore.put(state.station.id, state.photos);
    renderPhotos();
    saveDraft();
  }

  // --- submitting --------------------------------------------------------------------

  /** After a lost connection the server may have stored the inspection anyway. */
  async function alreadyStored(station, values) {
    try {
      const data = await api(`/api/stations/${encodeURIComponent(station.id)}/inspections`,
        { token: state.session.token });
      const dayAgo = Date.now() - 24 * 3600 * 1000;
      const same = (a, b) => JSON.stringify(a || {}, Object.keys(a || {}).sort())
        === JSON.stringify(b || {}, Object.keys(b || {}).sort());
      return data.inspections.find((i) => i.inspector === state.session.name
        && Date.parse(i.recorded_at) > dayAgo && same(i.results, values.results)
        && same(i.criterion_notes, values.criterion_notes)
        && (i.notes || "") === (values.notes.trim() || "")) || null;
    } catch (_) {
      return null;
    }
  }

  async function submit(event) {
    event.preventDefault();
    if (!state.station) return;
    saveDraft();
    const missing = missingCriteria();
    if (missing.length) {
      showMessage("inspect.missing", { n: missing.length, names: missing.map(criterionLabel).join("、") }, false);
      const first = criteriaBox.querySelector(`fieldset[data-code="${missing[0].code}"] input`);
      if (first) first.focus();
      return;
    }
    if (!state.session) {
      showMessage("inspect.sign_in_first", null, false);
      $("username").focus();
      return;
    }
    const station = state.station;
    const values = collect();
    const draft = readDraft(station.id) || {};
    const button = $("submit");
    button.disabled = true;
    say("inspect.submitting");
    try {
      let stored = draft.uncertain ? await alreadyStored(station, values) : null;
      if (!stored) {
        const payload = { station_id: station.id, results: values.results, notes: values.notes.trim() || null };
        if (Object.keys(values.criterion_notes).length) payload.criterion_notes = values.criterion_notes;
        if (state.position) Object.assign(payload, state.position);
        if ($("set-location").checked) {
          if (!state.position) state.position = await whereAmI(10000);
          if (!state.position) {
            say("inspect.no_position", null, true);
            return;
          }
          Object.assign(payload, state.position, { set_location: true });
        }
        const body = new FormData();
        body.append("data", JSON.stringify(payload));
        state.photos.forEach((p) => body.append("photos", p.blob, p.name));
        stored = await api("/api/inspections", {
          method: "POST", body, token: state.session.token, timeoutMs: 60000,
        });
      }
      await clearDraft(station.id);
      localStorage.removeItem(CURRENT_KEY);
      state.photos = [];
      renderChecklist(null);
      state.restoredAt = null;
      renderDraftNote();
      say(null);
      showMessage(stored.passed ? "inspect.submitted_pass" : "inspect.submitted_fail",
        { id: stored.id, name: station.name }, true);
      loadQueue();
    } catch (err) {
      if (err.status === 0) {
        writeJSON(localStorage, DRAFT_PREFIX + station.id, { ...readDraft(station.id), uncertain: true });
        showMessage("inspect.submit_offline", null, false);
      } else if (err.status === 401) {
        logout();
        showMessage("inspect.session_expired", null, false);
      } else {
        showMessage("inspect.submit_failed", { message: err.message }, false);
      }
      say(null);
    } finally {
      button.disabled = false;
    }
  }

  // --- queues ------------------------------------------------------------------------

  const picker = new Pages.RegionPicker(
    [1, 2, 3].map((n) => $(`region-${n}`)), () => loadQueue(),
  );

  async function loadQueue() {
    if (!state.session) return;
    const region = picker.value;
    const url = `/api/queues/${state.queue}${region ? `?region=${region}` : ""}`;
    try {
      const data = await api(url, { token: state.session.token });
      state.queueItems = data.stations.map((s) => (
        state.queue === "unlocated" ? { ...s, unlocated: true } : s));
      renderQueue();
    } catch (err) {
      if (err.status === 401) {
        logout();
        say("inspect.session_expired", null, true);
      } else {
        say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
      }
    }
  }

  function renderQueue() {
    const n = state.queueItems.length;
    $("queue-count").textContent = n > QUEUE_SHOWN
      ? t("inspect.queue_count_first", { n, shown: QUEUE_SHOWN }) : t("inspect.queue_count", { n });
    $("queue").replaceChildren(...state.queueItems.slice(0, QUEUE_SHOWN).map((s) => el("li", {},
      el("button", { type: "button", dataset: { id: s.id }, onclick: () => pick(s) },
        el("span", {}, el("span", { class: "name" }, s.name), el("br"),
          el("span", {}, [s.county, s.id].filter(Boolean).join(" · "))),
        s.unlocated ? el("span", {}, s.address || "")
          : el("span", {}, t(`inspect.standing_${s.standing}`),
            s.last_inspected ? ` · ${s.last_inspected.slice(0, 10)}` : "")))));
  }

  document.querySelectorAll("[data-queue]").forEach((button) => {
    button.addEventListener("click", () => {
      state.queue = button.dataset.queue;
      document.querySelectorAll("[data-queue]").forEach((b) => {
        b.setAttribute("aria-pressed", String(b === button));
      });
      loadQueue();
    });
  });

  // --- wiring ------------------------------------------------------------------------

  $("login").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  $("near-me").addEventListener("click", nearMe);
  $("search").addEventListener("submit", searchByName);
  form.addEventListener("input", () => { saveDraft(); updateProgress(); });
  form.addEventListener("change", (event) => {
    if (event.target === photoInput) addPhotos();
    else { saveDraft(); updateProgress(); }
  });
  form.addEventListener("submit", submit);
  document.addEventListener("langchange", () => {
    if (state.status) say(...state.status);
    if (state.message) showMessage(...state.message);
    if (state.checklist) {
      const values = collect();
      renderChecklist(values);
    }
    renderDraftNote();
    renderCandidates();
    renderQueue();
    renderDrafts();
    showSession(false);
  });

  state.session = loadSession();
  showSession();
  renderDrafts();
  picker.load("").catch(() => {});
  const current = localStorage.getItem(CURRENT_KEY);
  const draft = current ? readDraft(current) : null;
  if (draft) pick(draft.station);
})();
