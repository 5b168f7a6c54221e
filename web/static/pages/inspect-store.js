/* What the inspector's phone keeps, so /inspect works in a basement or a village.
 *
 * - the session (token, name, role) in localStorage until it expires;
 * - the last station list loaded (a queue or a search) and each station's checklist;
 * - drafts: text in localStorage, photos in IndexedDB, per station; each draft has a
 *   client_id (a UUID) from its first change on;
 * - the outbox: submitted drafts (JSON and photos) in IndexedDB until the server has
 *   answered. Sending uses the draft's client_id, so a draft sent twice (an answer lost
 *   on the way back) is stored once: the server answers the second time with the
 *   inspection it already has ("repeat": true).
 *
 * The outbox sends by itself: when the page opens, when the connection comes back
 * ("online") and every so often while something waits.
 */
"use strict";

const InspectStore = (() => {
  const SESSION_KEY = "stations.inspect.session";
  const LIST_KEY = "stations.inspect.list";
  const CHECKLIST_PREFIX = "stations.inspect.checklist.";
  const DRAFT_PREFIX = "stations.inspect.draft.";
  const RETRY_MS = [5000, 15000, 30000, 60000];

  function readJSON(key) {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (_) {
      return null;
    }
  }

  function writeJSON(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (_) {
      return false;
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- IndexedDB: photos of drafts, and the outbox -------------------------------------

  let opened = null;
  function db() {
    if (!("indexedDB" in window)) return Promise.resolve(null);
    if (!opened) {
      opened = new Promise((resolve) => {
        const request = indexedDB.open("stations-inspect", 2);
        request.onupgradeneeded = () => {
          const d = request.result;
          if (!d.objectStoreNames.contains("photos")) d.createObjectStore("photos");
          if (!d.objectStoreNames.contains("outbox")) d.createObjectStore("outbox", { keyPath: "client_id" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
      });
    }
    return opened;
  }

  async function run(store, mode, action) {
    const d = await db();
    if (!d) return undefined;
    return new Promise((resolve) => {
      const tx = d.transaction(store, mode);
      const request = action(tx.objectStore(store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => resolve(undefined);
      tx.onabort = () => resolve(undefined);
    });
  }

  const photos = {
    get: async (id) => (await run("photos", "readonly", (s) => s.get(id))) || [],
    put: (id, list) => run("photos", "readwrite", (s) => s.put(list, id)),
    remove: (id) => run("photos", "readwrite", (s) => s.delete(id)),
  };

  // --- session, lists, checklists, drafts ----------------------------------------------

  function loadSession() {
    return readJSON(SESSION_KEY);
  }

  function saveSession(session) {
    if (session) writeJSON(SESSION_KEY, session);
    else localStorage.removeItem(SESSION_KEY);
  }

  const sessionValid = (s) => Boolean(s && s.token && s.expires > Date.now());

  function saveList(list) {
    writeJSON(LIST_KEY, { ...list, saved_at: Date.now() });
  }

  const loadList = () => readJSON(LIST_KEY);

  function saveChecklist(station, data) {
    writeJSON(CHECKLIST_PREFIX + station.id, data);
    if (station.kind) writeJSON(`${CHECKLIST_PREFIX}kind.${station.kind}`, { checklist: data.checklist, prefill: {} });
  }

  /** The checklist kept for this station, or the last one of its kind (no pre-fill). */
  function loadChecklist(station) {
    return readJSON(CHECKLIST_PREFIX + station.id)
      || (station.kind ? readJSON(`${CHECKLIST_PREFIX}kind.${station.kind}`) : null);
  }

  const readDraft = (id) => readJSON(DRAFT_PREFIX + id);
  const writeDraft = (id, draft) => writeJSON(DRAFT_PREFIX + id, draft);

  async function removeDraft(id) {
    localStorage.removeItem(DRAFT_PREFIX + id);
    await photos.remove(id);
  }

  function allDrafts() {
    const drafts = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (key && key.startsWith(DRAFT_PREFIX)) {
        const draft = readJSON(key);
        if (draft && draft.station) drafts.push(draft);
      }
    }
    return drafts.sort((a, b) => String(b.saved_at).localeCompare(String(a.saved_at)));
  }

  // --- the outbox ----------------------------------------------------------------------

  const listeners = new Set();
  let sending = false;
  let again = false; // asked to send while sending: go round once more
  let timer = null;
  let failures = 0;
  let tokenFor = () => null;

  const allItems = async () => ((await run("outbox", "readonly", (s) => s.getAll())) || [])
    .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  const putItem = (item) => run("outbox", "readwrite", (s) => s.put(item));
  const removeItem = (id) => run("outbox", "readwrite", (s) => s.delete(id));

  async function changed() {
    const items = await allItems();
    listeners.forEach((fn) => fn(items));
    return items;
  }

  /** Put a submitted draft in the outbox: {client_id, inspector, station, payload, photos}. */
  async function enqueue(entry) {
    await putItem({ ...entry, state: "waiting", created_at: new Date().toISOString(), attempts: 0 });
    await changed();
  }

  async function send(item, token) {
    const body = new FormData();
    body.append("data", JSON.stringify(item.payload));
    (item.photos || []).forEach((p) => body.append("photos", p.blob, p.name));
    return Pages.api("/api/inspections", { method: "POST", body, token, timeoutMs: 60000 });
  }

  /** Send what waits, oldest first; returns the items afterwards. */
  async function flush() {
    if (sending) {
      again = true;
      return allItems();
    }
    sending = true;
    again = false;
    clearTimeout(timer);
    let transient = false;
    try {
      for (const item of await allItems()) {
        if (item.state !== "waiting") continue;
        // sent as the inspector who submitted it, never as whoever signs in next
        const token = tokenFor(item.inspector);
        if (!token) { transient = true; continue; } // wait for that inspector's sign-in
        item.attempts += 1;
        item.state = "sending";
        await putItem(item);
        await changed();
        try {
          const stored = await send(item, token);
          Object.assign(item, { state: "sent", stored, error: null, photos: [], sent_at: new Date().toISOString() });
          failures = 0;
        } catch (err) {
          const retry = err.status === 0 || err.status === 401 || err.status === 408
            || err.status === 429 || err.status >= 500;
          Object.assign(item, { state: retry ? "waiting" : "refused", error: { status: err.status, message: err.message } });
          if (retry) transient = true;
          if (err.status === 401) listeners.forEach((fn) => fn(null, "signed_out"));
        }
        await putItem(item);
        await changed();
        if (transient) break;
      }
    } finally {
      sending = false;
    }
    const items = await changed();
    if (again && !transient) return flush();
    if (transient && items.some((i) => i.state === "waiting")) {
      failures += 1;
      timer = setTimeout(flush, RETRY_MS[Math.min(failures - 1, RETRY_MS.length - 1)]);
    }
    return items;
  }

  /** Start sending by itself: now, on reconnect, and on a timer while something waits. */
  function start(getToken) {
    tokenFor = getToken;
    window.addEventListener("online", () => { failures = 0; flush(); });
    // an item left "sending" by a closed page was never answered: send it again
    allItems().then(async (items) => {
      for (const item of items.filter((i) => i.state === "sending")) {
        item.state = "waiting";
        await putItem(item);
      }
      await flush();
    });
  }

  return {
    readJSON, writeJSON, newId, photos, loadSession, saveSession, sessionValid,
    saveList, loadList, saveChecklist, loadChecklist, readDraft, writeDraft, removeDraft, allDrafts,
    outbox: {
      all: allItems, enqueue, flush, start, remove: async (id) => { await removeItem(id); await changed(); },
      update: async (item) => { await putItem(item); await changed(); },
      onChange: (fn) => listeners.add(fn),
    },
  };
})();
