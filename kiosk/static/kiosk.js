// The touch page: draws the agent's state (Server-Sent Events), navigates domains and
// services itself, and sends the citizen's few choices to the local agent. No links lead
// anywhere; after a while without a touch it goes back to the start.
"use strict";
(() => {
  const TEXT = window.KIOSK_TEXT;
  const $ = (id) => document.getElementById(id);
  let config = { idle_seconds: 30, language: "zh", elder_mode: false, hall: {}, timezone: "Asia/Shanghai" };
  let lang = "zh";
  let elder = false;
  let state = null;
  let services = [];
  let hall = {};
  let offline = false;
  let view = "domains";
  let domain = null;
  let lastTouch = Date.now();
  const DETAILED = new Set(["limit_reached", "appointment_invalid", "id_card_required", "failed"]);

  function t(key, vars) {
    let s = TEXT[lang][key];
    if (s === undefined) s = TEXT.zh[key];
    if (s === undefined) return key;
    return fill(s, vars);
  }
  function fill(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, (_, k) => (vars && vars[k] != null ? vars[k] : ""));
  }
  function name(obj) {
    if (!obj) return "";
    return lang === "en" && obj.name_en ? obj.name_en : obj.name || "";
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function show(id, visible) { $(id).hidden = !visible; }

  async function post(path, body) {
    try {
      const r = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body || {}),
      });
      return r.ok;
    } catch (e) {
      return false;
    }
  }

  // --- services -------------------------------------------------------------------------
  async function loadServices() {
    try {
      const r = await fetch("/api/services", { cache: "no-store" });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error ? body.error.code : "server_unreachable");
      services = body.services || [];
      hall = body.hall || {};
      offline = false;
    } catch (e) {
      offline = e.message === "unauthorized" ? "unauthorized" : "server_unreachable";
    }
    render();
  }

  function domains() {
    const out = [];
    const seen = {};
    for (const s of services) {
      const code = s.domain ? s.domain.code : "";
      if (!seen[code]) {
        seen[code] = { code: code, name: s.domain ? s.domain.name : "", name_en: s.domain ? s.domain.name_en : null, services: [], waiting: 0 };
        out.push(seen[code]);
      }
      seen[code].services.push(s);
      seen[code].waiting += s.waiting || 0;
    }
    return out;
  }

  function serviceButton(s) {
    const b = el("button", "tile service" + (s.open_now ? "" : " closed"));
    b.type = "button";
    b.dataset.service = s.code;
    b.appendChild(el("span", "tile-name", name(s)));
    const sub = s.open_now ? t("waiting", { n: s.waiting || 0 }) : t("closed") + " · " + (s.hours || []).join(" ");
    b.appendChild(el("span", "tile-sub", sub));
    b.addEventListener("click", () => post("/api/select", { service: s.code, seq: state ? state.seq : null }));
    return b;
  }

  function renderHome() {
    const list = domains();
    let v = view;
    if (offline) {
      v = "offline";
      const texts = TEXT[lang].errors[offline];
      document.querySelector("#view-offline h1").textContent = offline === "unauthorized" ? texts[0] : t("offline_title");
      document.querySelector("#view-offline .lead").textContent = offline === "unauthorized" ? texts[1] : t("offline_hint");
    }
    else if (v === "domains" && (elder || list.length === 1)) v = "services";
    document.body.dataset.view = v;
    for (const id of ["domains", "services", "appointment", "offline"]) show("view-" + id, v === id);
    const held = state && state.held_card ? t("held_card", { name: state.held_card }) : "";
    for (const id of ["held-card", "held-card-2"]) { $(id).textContent = held; show(id, !!held); }
    if (v === "domains") {
      const box = $("domains");
      box.replaceChildren();
      for (const d of list) {
        const b = el("button", "tile domain");
        b.type = "button";
        b.dataset.domain = d.code;
        b.appendChild(el("span", "tile-name", name(d)));
        b.appendChild(el("span", "tile-sub", t("waiting", { n: d.waiting })));
        b.addEventListener("click", () => { domain = d.code; view = "services"; render(); });
        box.appendChild(b);
      }
    } else if (v === "services") {
      const d = list.find((x) => x.code === domain);
      let chosen = d && !elder ? d.services : services;
      if (elder) chosen = services.filter((s) => s.open_now);
      $("services-title").textContent = d && !elder ? name(d) : t("choose_service");
      const box = $("services");
      box.replaceChildren(...chosen.map(serviceButton));
      show("services-title", true);
      document.querySelector("#view-services .back").hidden = elder || list.length === 1;
    }
  }

  // --- the agent's screens --------------------------------------------------------------
  function render() {
    applyTexts();
    const screen = state ? state.screen : "home";
    document.body.dataset.screen = screen;
    for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== "screen-" + screen;
    $("hall-name").textContent = name(hall.name ? hall : config.hall) || "\u00a0";
    renderStatus();
    if (!state) return;
    const svc = state.service;
    const tk = state.ticket;
    if (screen === "home") renderHome();
    if (screen === "tap_card") {
      $("tap-service").textContent = name(svc);
      show("no-card", svc && svc.requires_id === false);
      show("reader-warning", state.devices && state.devices.reader === false);
    }
    if (screen === "working") $("working-text").textContent = t("working_" + (state.step || "issuing"));
    if (screen === "done" && tk) {
      document.querySelector("#screen-done h1").textContent = t(state.reprint ? "reprint_title" : "done_title");
      $("done-service").textContent = lang === "en" && tk.service_en ? tk.service_en : tk.service;
      $("done-number").textContent = tk.number;
      setLine("done-ahead", tk.waiting_ahead != null ? t("ahead", { n: tk.waiting_ahead }) : "");
      setLine("done-wait", tk.estimated_wait_minutes != null ? t("wait", { n: tk.estimated_wait_minutes }) : "");
      setLine("done-area", tk.wait_area ? t("area", { area: tk.wait_area }) : "");
      setLine("done-green", tk.priority_label ? t("green", { reason: tk.priority_label }) : "");
    }
    if (screen === "print_failed" && tk) {
      $("failed-number").textContent = tk.number;
      $("failed-service").textContent = lang === "en" && tk.service_en ? tk.service_en : tk.service;
      setLine("failed-ahead", tk.waiting_ahead != null ? t("ahead", { n: tk.waiting_ahead }) : "");
    }
    if (screen === "error") renderError(state.error || { code: "failed" });
  }

  function setLine(id, text) { $(id).textContent = text; show(id, !!text); }

  function renderError(error) {
    const texts = TEXT[lang].errors[error.code] || TEXT[lang].errors.failed;
    const details = error.details || {};
    const vars = { hours: (details.hours || []).join("、"), number: error.reprint_number || details.ticket || "" };
    document.body.dataset.error = error.code;
    $("error-title").textContent = fill(texts[0], vars);
    $("error-todo").textContent = fill(texts[1], vars);
    // The server's own words only where they add something (which cap, which appointment);
    // technical details stay in the agent's log.
    $("error-detail").textContent = DETAILED.has(error.code) ? error.message || "" : "";
    $("error-number").textContent = error.reprint_number || "";
    show("error-number", !!error.reprint_number);
    show("error-reprint", !!error.reprint_ticket);
    show("error-retry", !!error.retry);
  }

  function renderStatus() {
    const d = (state && state.devices) || {};
    const parts = [];
    const word = (v) => (v === true || v === "ok" ? t("status_ok") : v === "paper_near_end" ? t("status_paper_near_end") : t("status_bad"));
    if (d.reader != null) parts.push(t("status_reader") + " " + word(d.reader));
    if (d.printer != null) parts.push(t("status_printer") + " " + word(d.printer));
    if (d.server != null) parts.push(t("status_server") + " " + word(d.server));
    $("status-line").textContent = parts.join(" · ");
    // For staff, out of the citizen's way: the printer's warning ("中文 / English"), in the
    // page's language.
    const warning = state && state.warning ? String(state.warning).split(" / ") : [];
    const note = warning.length > 1 && lang === "en" ? warning.slice(1).join(" / ") : warning[0] || "";
    $("staff-note").textContent = note;
    show("staff-note", !!note);
  }

  // The hall's time (its zone from the agent), whatever zone the kiosk PC is set to.
  function clock() {
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      return new Date().toLocaleTimeString("zh-CN", Object.assign({ timeZone: config.timezone }, options));
    } catch (e) { // an unknown zone name: the PC's time rather than none
      return new Date().toLocaleTimeString("zh-CN", options);
    }
  }

  function applyTexts() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.body.classList.toggle("elder", elder);
    for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
    $("elder-switch").textContent = t(elder ? "elder_switch_on" : "elder_switch");
  }

  // --- buttons --------------------------------------------------------------------------
  function goHome(idle) {
    view = "domains";
    domain = null;
    if (idle) { lang = config.language; elder = config.elder_mode; }
    post("/api/reset", { idle: !!idle });
    loadServices();
  }

  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-action]");
    if (!b) return;
    const seq = state ? state.seq : null;
    const action = b.dataset.action;
    if (action === "back-domains") { view = "domains"; domain = null; render(); }
    else if (action === "home") goHome(false);
    else if (action === "no-card") post("/api/no-card", { seq: seq });
    else if (action === "retry") post("/api/retry", { seq: seq });
    else if (action === "reprint") {
      const id = state.screen === "error" ? state.error.reprint_ticket : state.ticket && state.ticket.id;
      post("/api/reprint", { ticket: id, seq: seq });
    }
  });
  $("appointment-button").addEventListener("click", () => { view = "appointment"; render(); });
  $("lang-switch").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; render(); });
  $("elder-switch").addEventListener("click", () => { elder = !elder; view = "domains"; render(); });

  // --- idle: back to the start ------------------------------------------------------------
  for (const type of ["pointerdown", "touchstart", "keydown"]) {
    document.addEventListener(type, () => { lastTouch = Date.now(); }, { capture: true, passive: true });
  }
  setInterval(() => {
    $("clock").textContent = clock();
    const screen = state ? state.screen : "home";
    if (screen === "working") { lastTouch = Date.now(); return; }
    const idleMs = config.idle_seconds * 1000;
    const left = Math.ceil((idleMs - (Date.now() - lastTouch)) / 1000);
    $("done-countdown").textContent = screen === "done" ? t("countdown", { n: Math.max(left, 0) }) : "";
    const atStart = screen === "home" && view === "domains" && lang === config.language && elder === config.elder_mode && !(state && state.held_card);
    if (!atStart && left <= 0) { lastTouch = Date.now(); goHome(true); }
  }, 1000);
  setInterval(() => { if (!state || state.screen === "home") loadServices(); }, 10000);

  // --- nothing on this page leads anywhere else ---------------------------------------------
  for (const type of ["contextmenu", "selectstart", "dragstart", "gesturestart", "auxclick"]) {
    document.addEventListener(type, (ev) => ev.preventDefault());
  }
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.altKey || ev.metaKey || /^F\d+$/.test(ev.key) || ev.key === "Escape") ev.preventDefault();
  });
  document.addEventListener("wheel", (ev) => { if (ev.ctrlKey) ev.preventDefault(); }, { passive: false });

  // --- the agent's state stream -------------------------------------------------------------
  let downSince = null;
  function connect() {
    const source = new EventSource("/api/events");
    source.addEventListener("state", (ev) => {
      const previous = state ? state.screen : null;
      state = JSON.parse(ev.data);
      downSince = null;
      show("connecting", false);
      if (state.screen !== previous) lastTouch = Date.now();
      if (state.screen === "home" && previous && previous !== "home") { view = "domains"; domain = null; loadServices(); }
      render();
    });
    source.addEventListener("error", () => { if (downSince === null) downSince = Date.now(); });
  }
  setInterval(() => { if (downSince !== null && Date.now() - downSince > 3000) show("connecting", true); }, 1000);

  async function start() {
    try {
      const r = await fetch("/api/config", { cache: "no-store" });
      config = Object.assign(config, await r.json());
    } catch (e) { /* defaults */ }
    lang = config.language;
    elder = config.elder_mode;
    $("clock").textContent = clock();
    render();
    connect();
    loadServices();
  }
  start();
})();
