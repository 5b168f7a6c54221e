/* Inspectors: sign in, pick a station, fill its checklist, submit with photos, see the queues.
 *
 * Works without signal once opened (its service worker /inspect-sw.js keeps the page):
 * the session, the last station list and the checklists seen stay on the phone
 * (inspect-store.js). A half-filled inspection is never lost: every change is saved as a
 * draft, which carries a client_id (a UUID) from its first change. A submitted draft goes
 * to the outbox and is sent from there, at once when online, else by itself when the
 * connection returns; the server stores one inspection per client_id.
 */
"use strict";

(() => {
  const { t, el, api, setStatus, formatDistance } = Pages;
  const store = InspectStore;
  const CURRENT_KEY = "stations.inspect.current";
  const MAX_PHOTOS = 10;
  const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
  const QUEUE_SHOWN = 50;
  const MAY_LOG = ["inspector", "admin"];
  const $ = (id) => document.getElementById(id);

  const statusLine = $("status");
  const form = $("checklist");
  const criteriaBox = $("criteria");
  const notes = $("notes");
  const photoInput = $("photos");
  const message = $("submit-message");

  const state = {
    session: null, // {token, name, role, expires}
    station: null, // {id, name, address, kind}
    checklist: null,
    prefill: {},
    photos: [], // [{name, blob}]
    position: null,
    queue: "overdue",
    candidates: [],
    queueItems: [],
    listNote: null,
    status: null,
    message: null,
    restoredAt: null, // when the draft shown was saved
    outbox: [],
    watching: null, // client_id of the submission whose result the page shows
    stored: null, // {inspection, station}
  };

  /** The part of a server's "中文 / English" text in the page's language. */
  function oneLanguage(text) {
    if (typeof text !== "string") return text;
    const cut = text.indexOf(" / ");
    if (cut < 0 || !/[\u3400-\u9fff]/.test(text.slice(0, cut))) return text;
    return Pages.lang === "en" ? text.slice(cut + 3) : text.slice(0, cut);
  }

  const localVars = (vars) => (vars && "message" in vars
    ? { ...vars, message: oneLanguage(vars.message) } : vars);

  function say(key, vars, isError = false) {
    state.status = key ? [key, vars, isError] : null;
    setStatus(statusLine, key ? t(key, localVars(vars)) : "", isError);
  }

  function showMessage(key, vars, ok) {
    state.message = key ? [key, vars, ok] : null;
    message.hidden = !key;
    message.textContent = key ? t(key, localVars(vars)) : "";
    message.className = `message ${ok ? "ok" : "error"}`;
  }

  const rad = (d) => (d * Math.PI) / 180;
  function distanceM(a, b) {
    const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2
      + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  // --- drafts ------------------------------------------------------------------------

  function saveDraft() {
    if (!state.station) return;
    const previous = store.readDraft(state.station.id) || {};
    const saved = store.writeDraft(state.station.id, {
      ...previous,
      client_id: previous.client_id || store.newId(),
      station: state.station,
      ...collect(),
      photo_names: state.photos.map((p) => p.name),
      saved_at: new Date().toISOString(),
    });
    if (!saved) say("inspect.draft_not_saved", null, true);
    renderDrafts();
  }

  function renderDrafts() {
    const drafts = store.allDrafts();
    $("drafts-card").hidden = drafts.length === 0 || !mayLog();
    $("drafts").replaceChildren(...drafts.map((d) => el("li", {},
      el("button", { type: "button", onclick: () => pick(d.station) },
        el("span", { class: "name" }, d.station.name),
        el("span", {}, t("inspect.saved_at", { time: Pages.formatTime(d.saved_at) }))))));
  }

  // --- session -----------------------------------------------------------------------

  const mayLog = () => !state.session || MAY_LOG.includes(state.session.role);
  const token = () => (store.sessionValid(state.session) ? state.session.token : null);
  /** The token to send an item of `name` with: only that inspector's own. */
  const tokenOf = (name) => (state.session && (!name || state.session.name === name) ? token() : null);

  function showSession(refresh = true) {
    const session = state.session;
    const valid = store.sessionValid(session);
    $("login-card").hidden = valid;
    $("user-card").hidden = !session;
    $("queues-card").hidden = !session;
    $("user-name").textContent = session
      ? t("inspect.signed_in_as", { name: session.name, role: t(`inspect.role_${session.role}`) }) : "";
    if (session && !valid && !$("username").value) $("username").value = session.name;
    const note = $("role-note");
    note.hidden = mayLog();
    note.textContent = mayLog() ? "" : t("inspect.may_not_log", { role: t(`inspect.role_${session.role}`) });
    for (const id of ["pick-card", "checklist-card"]) {
      if (!mayLog()) $(id).hidden = true;
    }
    if (mayLog()) $("pick-card").hidden = false;
    renderDrafts();
    if (session && refresh) loadQueue();
  }

  async function login(event) {
    event.preventDefault();
    const name = $("username").value;
    const body = new URLSearchParams({ username: name, password: $("password").value });
    say("inspect.signing_in");
    try {
      const answer = await api("/api/token", {
        method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      state.session = {
        token: answer.access_token, name, role: answer.role,
        expires: Date.now() + (answer.expires_in || 3600) * 1000 - 30000,
      };
      store.saveSession(state.session);
      $("password").value = "";
      say(mayLog() ? "inspect.signed_in" : null);
      showSession(); // a role that may not log is told at once (#role-note, an alert)
      store.outbox.flush();
    } catch (err) {
      say(err.status === 401 ? "inspect.bad_login" : err.status === 0 ? "common.offline" : "common.error",
        { message: err.message }, true);
    }
  }

  function logout() {
    store.saveSession(null);
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

  function failed(err) {
    say(err.status === 0 ? "common.offline" : "common.error", { message: err.message }, true);
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
        id: r.id, name: r.name, address: r.address, kind: r.kind, distance_m: r.distance_m,
      }));
      renderCandidates();
      say(state.candidates.length ? "inspect.pick_one" : "inspect.none_found");
    } catch (err) {
      failed(err);
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
        kind: f.properties.kind, unlocated: f.geometry === null,
      }));
      renderCandidates();
      say(state.candidates.length ? "inspect.pick_one" : "inspect.none_found");
    } catch (err) {
      failed(err);
    }
  }

  function renderCandidates() {
    $("candidates").replaceChildren(...state.candidates.map((c) => el("li", {},
      el("button", { type: "button", dataset: { id: c.id }, onclick: () => pick(c) },
        el("span", {}, el("span", { class: "name" }, c.name), el("br"),
          el("span", {}, c.address || c.id)),
        c.distance_m !== undefined ? el("span", { class: "distance" }, formatDistance(c.distance_m)) : null))));
  }

  async function checklistFor(station) {
    try {
      const data = await api(`/api/stations/${encodeURIComponent(station.id)}/checklist`);
      store.saveChecklist(station, { checklist: data.checklist, prefill: data.prefill || {} });
      return data;
    } catch (err) {
      if (err.status !== 0) throw err;
      const kept = store.loadChecklist(station);
      if (!kept) throw Object.assign(err, { key: "inspect.no_checklist_offline" });
      return kept;
    }
  }

  async function pick(station) {
    if (!mayLog()) return;
    say("inspect.loading_checklist");
    let data;
    try {
      data = await checklistFor(station);
    } catch (err) {
      if (err.key) say(err.key, null, true);
      else failed(err);
      return;
    }
    state.station = { id: station.id, name: station.name, address: station.address || null, kind: station.kind || null };
    // a station without coordinates: offer to put it where the inspector stands
    $("set-location").checked = Boolean(station.unlocated);
    state.checklist = data.checklist;
    state.prefill = data.prefill || {};
    state.stored = null; // the last one stored gives way to the next visit
    renderStored();
    localStorage.setItem(CURRENT_KEY, station.id);
    const draft = store.readDraft(station.id);
    state.photos = draft ? await store.photos.get(station.id) : [];
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

  const criterionLabel = (c) => (Pages.lang === "en" ? c.en : c.zh);

  function prefillText(code) {
    const found = state.prefill[code];
    if (!found) return null;
    const verdict = found.value === true ? t("inspect.prefill_pass")
      : found.value === false ? t("inspect.prefill_fail") : t("inspect.prefill_none");
    return [el("strong", {}, verdict), " ", oneLanguage(found.explanation || "")];
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
    await store.photos.put(state.station.id, state.photos);
    renderPhotos();
    saveDraft();
  }

  async function removePhoto(index) {
    state.photos.splice(index, 1);
    await store.photos.put(state.station.id, state.photos);
    renderPhotos();
    saveDraft();
  }

  // --- submitting: into the outbox, and from there to the server ---------------------

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
    const draft = store.readDraft(station.id);
    const payload = {
      station_id: station.id, client_id: draft.client_id, results: values.results,
      notes: values.notes.trim() || null, inspected_at: new Date().toISOString(),
    };
    if (Object.keys(values.criterion_notes).length) payload.criterion_notes = values.criterion_notes;
    if ($("set-location").checked && !state.position) state.position = await whereAmI(10000);
    if ($("set-location").checked && !state.position) {
      say("inspect.no_position", null, true);
      return;
    }
    if (state.position) Object.assign(payload, state.position);
    if ($("set-location").checked) payload.set_location = true;
    await store.outbox.enqueue({
      client_id: draft.client_id, inspector: state.session.name, station, payload, photos: state.photos.slice(),
      summary: { results: values.results },
    });
    // the draft lives on in the outbox: the form is free for the next visit
    await store.removeDraft(station.id);
    localStorage.removeItem(CURRENT_KEY);
    state.photos = [];
    state.station = null;
    state.restoredAt = null;
    renderDraftNote();
    renderDrafts();
    $("checklist-card").hidden = true;
    state.watching = draft.client_id;
    showMessage(null);
    say("inspect.queued", { name: station.name });
    store.outbox.flush();
  }

  function resultText(inspection) {
    return t(inspection.passed ? "inspect.result_pass" : "inspect.result_fail");
  }

  function countsText(inspection) {
    if (inspection.review_status === "pending_review") {
      const reasons = (inspection.review_reasons || []).map((r) => t(`inspect.reason_${r}`)).join("、");
      return t("inspect.counts_after_review", { reasons });
    }
    return t("inspect.counts_now");
  }

  function itemState(item) {
    if (item.state === "sending") return t("inspect.item_sending");
    if (item.state === "sent") {
      const text = t("inspect.item_sent", { id: item.stored.id, result: resultText(item.stored) });
      return item.stored.review_status === "pending_review" ? `${text}（${t("inspect.item_pending")}）` : text;
    }
    if (item.state === "refused") return t("inspect.item_refused", { message: oneLanguage(item.error.message) });
    if ((item.error && item.error.status === 401) || !tokenOf(item.inspector)) {
      return t("inspect.item_waiting_sign_in", { name: item.inspector });
    }
    if (item.error && item.error.status !== 0) {
      return t("inspect.item_waiting_error", { message: oneLanguage(item.error.message) });
    }
    return t("inspect.item_waiting");
  }

  async function editAgain(item) {
    store.writeDraft(item.station.id, {
      client_id: store.newId(), station: item.station, results: item.payload.results,
      criterion_notes: item.payload.criterion_notes || {}, notes: item.payload.notes || "",
      saved_at: new Date().toISOString(),
    });
    await store.photos.put(item.station.id, item.photos || []);
    await store.outbox.remove(item.client_id);
    pick(item.station);
  }

  function renderOutbox(items = state.outbox) {
    state.outbox = items;
    const waiting = items.filter((i) => i.state === "waiting" || i.state === "sending").length;
    $("outbox-card").hidden = items.length === 0;
    $("outbox-count").textContent = waiting ? t("inspect.outbox_count", { n: waiting }) : t("inspect.outbox_none");
    $("outbox").replaceChildren(...items.map((item) => el("li", { dataset: { clientId: item.client_id, state: item.state } },
      el("span", { class: "name" }, item.station.name),
      el("span", {}, Pages.formatTime(item.created_at)),
      el("span", { class: `state ${item.state}` }, itemState(item)),
      el("div", { class: "row" },
        item.state === "waiting" ? el("button", { type: "button", onclick: () => store.outbox.flush() }, t("inspect.retry_now")) : null,
        item.state === "refused" ? el("button", { type: "button", onclick: () => editAgain(item) }, t("inspect.edit_again")) : null,
        item.state === "refused" ? el("button", { type: "button", onclick: () => store.outbox.remove(item.client_id) }, t("inspect.discard")) : null,
        item.state === "sent" ? el("button", { type: "button", onclick: () => store.outbox.remove(item.client_id) }, t("inspect.dismiss")) : null))));
    const watched = items.find((i) => i.client_id === state.watching);
    if (watched && watched.state === "sent") {
      state.watching = null;
      state.stored = { inspection: watched.stored, station: watched.station };
      say(null);
      renderStored(true);
      loadQueue();
    } else if (watched && watched.state === "refused") {
      state.watching = null;
      say(null);
      showMessage("inspect.submit_failed", { message: watched.error.message }, false);
    }
  }

  function renderStored(focus = false) {
    const found = state.stored;
    $("stored-card").hidden = !found;
    if (!found) return;
    const { inspection, station } = found;
    $("stored-heading").textContent = t("inspect.stored_heading", { id: inspection.id });
    const row = (key, value) => [el("dt", {}, t(key)), el("dd", {}, value)];
    $("stored").replaceChildren(
      ...row("inspect.stored_station", `${station.name} (${station.id})`),
      ...row("inspect.stored_result", resultText(inspection)),
      ...row("inspect.stored_when", Pages.formatTime(inspection.inspected_at)),
      ...row("inspect.stored_photos", String((inspection.evidence || []).length)),
      ...row("inspect.stored_counts", countsText(inspection)),
      ...(inspection.repeat ? [el("dd", { class: "repeat" }, t("inspect.repeat"))] : []),
    );
    if (focus) $("stored-heading").focus();
  }

  // --- queues ------------------------------------------------------------------------

  const picker = new Pages.RegionPicker(
    [1, 2, 3].map((n) => $(`region-${n}`)), () => loadQueue(),
  );
  let pickerReady = null;

  function nearestFirst(items) {
    if (!state.position) return items;
    const located = (s) => s.lon !== null && s.lon !== undefined;
    return [...items].sort((a, b) => (located(b) - located(a))
      || (located(a) ? distanceM(state.position, a) - distanceM(state.position, b) : 0));
  }

  async function loadQueue() {
    if (!state.session || !token()) {
      showKeptList();
      return;
    }
    const region = picker.value;
    const url = `/api/queues/${state.queue}${region ? `?region=${region}` : ""}`;
    try {
      const data = await api(url, { token: token() });
      if (!region && data.region && data.region !== "100000") {
        // the account's own region: the picker starts there
        pickerReady = (pickerReady || Promise.resolve()).then(() => picker.load(data.region)).catch(() => {});
      } else if (!region && !state.position) {
        // the whole country: nearest first, once the phone knows where it is
        whereAmI(10000).then((p) => { if (p) { state.position = p; renderQueue(); } });
      }
      if (state.queue === "review") {
        state.queueItems = data.inspections.map((i) => ({ ...i, review: true }));
        state.listNote = null;
        renderQueue();
        return;
      }
      const items = data.stations.map((s) => (state.queue === "unlocated" ? { ...s, unlocated: true } : s));
      store.saveList({ queue: state.queue, region: data.region, items });
      keepChecklists(items);
      state.queueItems = items;
      state.listNote = null;
      renderQueue();
    } catch (err) {
      if (err.status === 401) {
        logout();
        say("inspect.session_expired", null, true);
      } else if (err.status === 0) {
        showKeptList();
      } else {
        failed(err);
      }
    }
  }

  /** One checklist per kind of station in the list, kept for opening them offline. */
  async function keepChecklists(items) {
    const kinds = new Map();
    items.forEach((s) => { if (s.kind && !kinds.has(s.kind)) kinds.set(s.kind, s); });
    for (const station of kinds.values()) {
      if (!store.loadChecklist({ kind: station.kind })) {
        try { await checklistFor(station); } catch (_) { /* offline again: next time */ }
      }
    }
  }

  function showKeptList() {
    const kept = store.loadList();
    if (!kept) return;
    state.queue = kept.queue;
    document.querySelectorAll("[data-queue]").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.queue === kept.queue));
    });
    state.queueItems = kept.items || [];
    state.listNote = kept.saved_at;
    $("queues-card").hidden = false;
    renderQueue();
  }

  async function decide(item, decision) {
    try {
      await api(`/api/inspections/${item.id}/review`, {
        method: "POST", token: token(), body: JSON.stringify({ decision }),
        headers: { "Content-Type": "application/json" },
      });
      say("inspect.reviewed", { id: item.id, decision: t(`inspect.decision_${decision}`) });
      loadQueue();
    } catch (err) {
      failed(err);
    }
  }

  function renderReview(items) {
    const admin = state.session && state.session.role === "admin";
    $("queue-count").textContent = t("inspect.review_count", { n: items.length });
    $("queue").replaceChildren(...items.slice(0, QUEUE_SHOWN).map((i) => el("li", { class: "review-item", dataset: { id: i.id } },
      el("span", { class: "name" }, t("inspect.stored_heading", { id: i.id }), ` · ${i.station_id}`),
      el("span", {}, t("inspect.review_item", {
        inspector: i.inspector, date: i.inspected_at.slice(0, 10), result: resultText({ passed: i.result === "pass" }),
      })),
      el("span", {}, countsText({ review_status: "pending_review", review_reasons: i.review_reasons })),
      admin && i.inspector !== state.session.name ? el("div", { class: "row" },
        el("button", { type: "button", onclick: () => decide(i, "approved") }, t("inspect.approve")),
        el("button", { type: "button", onclick: () => decide(i, "rejected") }, t("inspect.reject"))) : null)));
  }

  function renderQueue() {
    if (state.queue === "review") {
      renderReview(state.queueItems.filter((i) => i.review));
      return;
    }
    const items = nearestFirst(state.queueItems.filter((i) => !i.review));
    const n = items.length;
    const count = n > QUEUE_SHOWN
      ? t("inspect.queue_count_first", { n, shown: QUEUE_SHOWN }) : t("inspect.queue_count", { n });
    $("queue-count").textContent = state.listNote
      ? `${t("inspect.list_offline", { age: Pages.formatAge(Date.now() - state.listNote) })} · ${count}` : count;
    $("queue").replaceChildren(...items.slice(0, QUEUE_SHOWN).map((s) => el("li", {},
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
    if (state.checklist && state.station) renderChecklist(collect());
    renderDraftNote();
    renderCandidates();
    renderQueue();
    renderOutbox();
    renderStored();
    showSession(false);
  });

  store.outbox.onChange((items, event) => {
    if (event === "signed_out") {
      logout();
      say("inspect.session_expired", null, true);
      return;
    }
    renderOutbox(items);
  });
  state.session = store.loadSession();
  if (state.session && mayLog()) {
    // the queue starts nearest first, also from the list kept offline
    whereAmI(10000).then((p) => { if (p) { state.position = p; renderQueue(); } });
  }
  showSession();
  if (!state.session) showKeptList();
  pickerReady = picker.load("").catch(() => {});
  store.outbox.start(tokenOf);
  const current = localStorage.getItem(CURRENT_KEY);
  const draft = current ? store.readDraft(current) : null;
  if (draft && mayLog()) pick(draft.station);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/inspect-sw.js", { scope: "/inspect" }).catch(() => {
      /* not over https, or refused: the page works, only not offline */
    });
  }
})();
