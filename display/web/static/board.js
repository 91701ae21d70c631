// The hall board: calls in progress per window, the latest call, recent calls, people waiting,
// hall name, date and clock, a scrolling notice; `audio=1` makes it the hall's (or zone's)
// voice board.

import { HallClock } from "./clock.js";
import { HallState } from "./hall-state.js";
import { connectLive, stats } from "./live.js";
import { callFields, fillTemplate, h, readConfig, setText } from "./text.js";
import { VoiceQueue } from "./voice.js";

const FLASH_MS = 12000;
const config = readConfig();
const state = new HallState({ zone: config.zone });
const clock = new HallClock(config.timezone);
const counters = stats();
const $ = (id) => document.getElementById(id);
const tiles = new Map();
let latest = null; // {ticket, window} of the newest call
let tileSignature = "";

counters.renders = [];
counters.voice = [];

const voice = config.audio ? new VoiceQueue({
  urlFor: (number, window) => `/display/voice/${encodeURIComponent(config.hall)}/${window}/`
    + `${encodeURIComponent(number)}.wav?token=${encodeURIComponent(config.token)}`,
  onBlocked: () => { $("sound").hidden = false; },
  onUnblocked: () => { $("sound").hidden = true; },
  log: counters.voice,
}) : null;
window.__voice = voice;

function phaseLabel(phase, ticket) {
  if (phase === "called") return ["请到窗口", "please come"];
  if (phase === "serving") return ["办理中", "serving"];
  if (phase === "done") {
    const finished = { done: ["已办结", "done"], no_show: ["已过号", "missed"] };
    return finished[ticket?.state] ?? ["", ""];
  }
  return ["", ""];
}

function windowLabel(w) {
  if (w.state === "closed") return ["暂停服务", "closed"];
  if (w.state === "paused") return [`暂停${w.pause_reason ? "：" + w.pause_reason : ""}`, "paused"];
  return null;
}

function layoutTiles(count) {
  // Fit every tile on the screen: choose the column count that gives the biggest tiles.
  const box = $("windows").getBoundingClientRect();
  const aspect = 1.55;
  let best = { cols: 1, size: 0 };
  for (let cols = 1; cols <= Math.max(1, count); cols += 1) {
    const rows = Math.ceil(count / cols);
    const size = Math.min(box.width / cols / aspect, box.height / rows);
    if (size > best.size) best = { cols, size };
  }
  $("windows").style.setProperty("--cols", best.cols);
  $("windows").style.setProperty("--rows", Math.ceil(count / best.cols));
}

function buildTiles() {
  const windows = state.visibleWindows();
  const signature = windows.map((w) => w.number).join(",");
  if (signature === tileSignature) return;
  tileSignature = signature;
  tiles.clear();
  const nodes = windows.map((w) => {
    const tile = h("div", { class: "tile", dataset: { window: w.number } },
      h("div", { class: "tile-head" },
        h("span", { class: "win-no" }, w.number, h("small", {}, "号")),
        h("span", { class: "win-name" }, w.name)),
      h("div", { class: "tile-ticket" }),
      h("div", { class: "tile-status" }));
    tiles.set(w.number, tile);
    return tile;
  });
  $("windows").replaceChildren(...nodes);
  layoutTiles(nodes.length);
}

function drawTile(number, flash) {
  const tile = tiles.get(number);
  if (!tile) return;
  const { window: w, ticket, phase } = state.tile(number);
  tile.dataset.state = w?.state ?? "closed";
  tile.dataset.phase = phase;
  setText(tile.querySelector(".win-name"), w?.name ?? "");
  setText(tile.querySelector(".tile-ticket"), ticket?.number ?? "—");
  const closed = w ? windowLabel(w) : null;
  const [zh, en] = closed ?? phaseLabel(phase, ticket);
  setText(tile.querySelector(".tile-status"), en ? `${zh} ${en}` : zh);
  if (flash) {
    tile.classList.remove("flash");
    void tile.offsetWidth; // restart the animation
    tile.classList.add("flash");
    clearTimeout(tile.flashTimer);
    tile.flashTimer = setTimeout(() => tile.classList.remove("flash"), FLASH_MS);
  }
}

function drawCalling() {
  if (!latest) {
    setText($("calling-text"), "—");
    setText($("calling-en"), "");
    return;
  }
  const fields = callFields(latest.ticket, latest.window);
  const template = state.display.announcement_template || "请{number}号到{window}号窗口办理";
  setText($("calling-text"), fillTemplate(template, fields));
  setText($("calling-en"), `Number ${fields.number}, please go to window ${fields.window}`);
}

function drawRecent() {
  const portrait = config.layout === "portrait";
  const rows = state.recentCalls(portrait ? 5 : 8).map((t) => h("li", { dataset: { ticket: t.id } },
    h("span", { class: "r-number" }, t.number),
    h("span", { class: "r-arrow" }, "→"),
    h("span", { class: "r-window" }, `${t.window?.number ?? ""}号${portrait ? "" : "窗口"}`),
    h("span", { class: "r-time" }, clock.hhmm(t.called_at))));
  $("recent").replaceChildren(...rows);
}

function drawWaiting() {
  const rows = state.waiting(config.waiting, config.domains).map((r) =>
    h("li", { dataset: { key: r.key } },
      r.badge ? h("span", { class: "w-badge" }, r.badge) : null,
      h("span", { class: "w-name" }, r.name),
      h("span", { class: "w-count" }, r.waiting, h("small", {}, "人"))));
  $("waiting").classList.toggle("two-columns", rows.length > 8);
  $("waiting").replaceChildren(...rows);
}

function drawNotice() {
  const text = state.currentNotice() ?? state.hall?.notice ?? "";
  const span = $("notice").firstElementChild;
  if (span.textContent === text) return;
  span.textContent = text;
  $("notice").classList.toggle("urgent", state.currentNotice() !== null);
  span.style.animationDuration = `${Math.max(18, text.length * 0.35)}s`;
}

function drawHeader() {
  setText($("hall-name"), state.hall?.name ?? config.name);
  setText($("hall-name-en"), state.hall?.name_en ?? config.name_en ?? "");
}

function drawAll() {
  drawHeader();
  buildTiles();
  for (const number of tiles.keys()) drawTile(number, false);
  drawCalling();
  drawRecent();
  drawWaiting();
  drawNotice();
}

// Every update is recorded with the time the DOM was changed and the time of the next frame:
// the browser tests and bench/board_latency.py read them.
function rendered(kind, ticket) {
  const entry = { kind, number: ticket?.number ?? null, at: performance.now() };
  counters.renders.push(entry);
  if (counters.renders.length > 500) counters.renders.shift();
  counters.rendered = (counters.rendered ?? 0) + 1;
  document.body.dataset.rendered = String(counters.rendered);
  requestAnimationFrame(() => {
    entry.painted = performance.now();
    window.dispatchEvent(new CustomEvent("onewindow:rendered", { detail: entry }));
  });
}

function onSnapshot(snap) {
  state.applySnapshot(snap);
  clock.sync(snap.server_time);
  const t = state.recentCalls(1)[0];
  latest = t ? { ticket: t, window: state.windows.get(t.window?.number) ?? t.window } : null;
  tileSignature = "";
  drawAll();
  document.body.dataset.ready = "1";
  rendered("snapshot", null);
}

function onEvent(name, data) {
  if (!state.ready) return;
  const call = state.applyEvent(name, data);
  if (name.startsWith("window.")) buildTiles();
  const number = data.window?.number ?? data.ticket?.window?.number;
  if (call && state.inZone(call.window?.number)) {
    latest = call;
    drawTile(call.window.number, true);
    drawCalling();
    drawRecent();
    voice?.enqueue(call.ticket.number, call.window.number);
  } else if (number !== undefined && number !== null) {
    drawTile(number, false);
    if (name.startsWith("ticket.")) drawRecent();
  }
  if (data.queues) drawWaiting();
  if (name === "display.notice") drawNotice();
  rendered(name, call?.ticket ?? data.ticket);
}

function onStatus(status, message) {
  document.body.dataset.connection = status;
  const text = { live: "实时 live", reconnecting: "重新连接中 reconnecting", refused: "连接被拒绝" };
  setText($("conn"), text[status] ?? status);
  const problem = $("problem");
  if (status === "refused") {
    setText(problem.querySelector("p"), message || "");
    problem.hidden = false;
  } else {
    problem.hidden = true;
  }
}

/** The hall's midnight: yesterday's calls leave the tiles, the banner and the recent list. */
clock.onNewDay = () => {
  if (!state.ready) return;
  state.newDay();
  latest = null;
  drawAll();
  rendered("day", null);
};

document.body.classList.add(`layout-${config.layout}`);
clock.tick((date, time) => { setText($("date"), date); setText($("clock"), time); });
setInterval(drawNotice, 5000);
window.addEventListener("resize", () => { tileSignature = ""; buildTiles(); drawAll(); });
$("sound").addEventListener("click", () => voice?.unlock());
if (voice) voice.probe();
drawHeader();
connectLive({ auth: { token: config.token, hall: config.hall }, onSnapshot, onEvent, onStatus });
