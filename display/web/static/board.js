// The hall board: calls in progress per window, the latest call, recent calls, people waiting,
// hall name, date and clock, a scrolling notice; `audio=1` makes it a voice board of the hall
// (or zone): the server lets one such board speak and keeps the others standing by.

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
  urlFor: (number, window, once) => `/display/voice/${encodeURIComponent(config.hall)}/${window}/`
    + `${encodeURIComponent(number)}.wav?token=${encodeURIComponent(config.token)}`
    + (once ? "&once=1" : ""),
  onBlocked: () => { $("sound").hidden = false; },
  onUnblocked: () => { $("sound").hidden = true; },
  log: counters.voice,
}) : null;
window.__voice = voice;
let speaking = false; // the server chose this board to speak for its hall or zone

function showVoiceRole() {
  const role = $("voice-role");
  role.hidden = !voice;
  role.dataset.speaking = speaking ? "1" : "0";
  setText(role, speaking ? "语音播报 speaking" : "语音备用 standby");
}

function phaseLabel(phase, ticket) {
  if (phase === "called") return ["请到窗口", "please come"];
  if (phase === "serving") return ["办理中", "serving"];
  if (phase === "done") {
    const finished = { done: ["已办结", "done"], no_show: ["已过号", "missed"] };
    return finished[ticket?.state] ?? ["", ""];
  }
  return ["", ""];
}

function pausedLabel(w) {
  return [`暂停${w.pause_reason ? "：" + w.pause_reason : ""}`, "paused"];
}

const TILE_ASPECT = 2.8; // width / height of a window's tile (a row: name left, number right)
const overflows = (node) =>
  node.scrollHeight > node.clientHeight + 1 || node.scrollWidth > node.clientWidth + 1;

/** Tiles for open and paused windows, biggest first: the column count and tile height that give
 * the biggest tiles of the given shape in the room left by the closed windows' strip. */
function layoutTiles(count) {
  const grid = $("windows");
  const box = grid.getBoundingClientRect();
  const style = getComputedStyle(grid);
  const rowGap = parseFloat(style.rowGap) || 0;
  const colGap = parseFloat(style.columnGap) || 0;
  let best = { cols: 1, width: 0, height: 0 };
  for (let cols = 1; cols <= Math.max(1, count); cols += 1) {
    const rows = Math.ceil(count / cols);
    const width = (box.width - (cols - 1) * colGap) / cols;
    const height = Math.min(width / TILE_ASPECT, (box.height - (rows - 1) * rowGap) / rows);
    if (height > best.height) best = { cols, width, height };
  }
  grid.style.setProperty("--cols", best.cols);
  grid.style.setProperty("--tile-h", `${Math.max(0, Math.floor(best.height))}px`);
  // narrow tiles give the called number half the width (the name then takes two lines)
  grid.style.setProperty("--head", best.width < 0.3 * Math.min(innerWidth, innerHeight) ? "1fr" : "1.2fr");
}

function windowTile(w) {
  return h("div", { class: "tile", dataset: { window: w.number } },
    h("div", { class: "tile-head" }, h("span", {},
      h("span", { class: "win-no" }, w.number, h("small", {}, "号")),
      h("span", { class: "win-name" }, w.name))),
    h("div", { class: "tile-ticket" }, h("span")),
    h("div", { class: "tile-status" }, h("span"), " ", h("span", { class: "en" })));
}

/** A closed window is only its number in the strip (its name is there for screen readers). */
function closedChip(w) {
  return h("span", { class: "tile chip", dataset: { window: w.number, state: "closed" } },
    h("span", { class: "win-no" }, w.number),
    h("span", { class: "win-name sr-only" }, w.name),
    h("span", { class: "chip-reason" }));
}

function buildTiles() {
  const windows = state.visibleWindows();
  const closed = (w) => w.state === "closed";
  const signature = windows.map((w) => `${w.number}${closed(w) ? "c" : ""}`).join(",");
  if (signature === tileSignature) return;
  tileSignature = signature;
  tiles.clear();
  const open = [];
  const chips = [];
  for (const w of windows) {
    const node = closed(w) ? closedChip(w) : windowTile(w);
    (closed(w) ? chips : open).push(node);
    tiles.set(w.number, node);
  }
  $("windows").replaceChildren(...(open.length ? open : [h("div", { class: "no-tiles" },
    "暂无窗口开放", h("span", { class: "en" }, "No window is open"))]));
  $("closed-list").replaceChildren(...chips);
  $("closed").hidden = chips.length === 0;
  layoutTiles(open.length);
}

function drawTile(number, flash) {
  const tile = tiles.get(number);
  if (!tile) return;
  const { window: w, ticket, phase } = state.tile(number);
  setText(tile.querySelector(".win-name"), w?.name ?? "");
  if (tile.classList.contains("chip")) {
    setText(tile.querySelector(".chip-reason"), w?.close_reason ?? "");
    return;
  }
  tile.dataset.state = w?.state ?? "open";
  tile.dataset.phase = phase;
  const shown = tile.querySelector(".tile-ticket span");
  setText(shown, ticket?.number ?? "—");
  shown.style.setProperty("--chars", Math.max(4, shown.textContent.length)); // as wide as fits
  const [zh, en] = w?.state === "paused" ? pausedLabel(w) : phaseLabel(phase, ticket);
  const status = tile.querySelector(".tile-status");
  setText(status.firstChild, zh);
  setText(status.lastChild, en);
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
  const list = $("recent");
  list.replaceChildren(...state.recentCalls(portrait ? 5 : 8).map((t) =>
    h("li", { dataset: { ticket: t.id } },
      h("span", { class: "r-number" }, t.number),
      h("span", { class: "r-arrow" }, "→"),
      h("span", { class: "r-window" }, `${t.window?.number ?? ""}号${portrait ? "" : "窗口"}`),
      h("span", { class: "r-time" }, clock.hhmm(t.called_at)))));
  // Whole rows only, in the room the waiting counts leave: the oldest go first.
  const box = portrait ? list : list.closest(".panel");
  while (list.childElementCount > 1 && overflows(box)) list.lastElementChild.remove();
}

let waitingSignature = "";
let fitted = ""; // the rows the waiting panel was last fitted for

/** Every service's (or domain's) waiting count stays on screen: rows are rebuilt when the set
 * of services changes and then shrunk (to 70% at most) until they all fit; counts change in
 * place. */
function drawWaiting() {
  const rows = state.waiting(config.waiting, config.domains);
  const list = $("waiting");
  const signature = rows.map((r) => r.key).join(",");
  if (signature !== waitingSignature) {
    waitingSignature = signature;
    list.replaceChildren(...rows.map((r) =>
      h("li", { dataset: { key: r.key } },
        r.badge ? h("span", { class: "w-badge" }, r.badge) : h("span"),
        h("span", { class: "w-name" }, r.name),
        h("span", { class: "w-count" }, "", h("small", {}, "人")))));
    list.classList.toggle("two-columns", rows.length > 6);
  }
  rows.forEach((r, i) => { list.children[i].querySelector(".w-count").firstChild.nodeValue = r.waiting; });
  if (fitted !== signature || overflows(list.closest(".panel"))) fitWaiting();
  fitted = signature;
}

function fitWaiting() {
  const panel = $("waiting").closest(".panel");
  let scale = 1;
  panel.style.setProperty("--wscale", "1");
  while (scale > 0.71 && overflows(panel)) {
    scale -= 0.05;
    panel.style.setProperty("--wscale", scale.toFixed(2));
  }
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
  drawWaiting();
  drawRecent();
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
  if (name === "audio.role") {
    speaking = Boolean(voice && data.speaking);
    showVoiceRole();
    return;
  }
  if (!state.ready) return;
  const call = state.applyEvent(name, data);
  // Any tile may change: a window opened or closed, a ticket shown at another window moved on.
  buildTiles();
  for (const number of tiles.keys()) drawTile(number, false);
  if (call && state.inZone(call.window?.number)) {
    latest = call;
    drawTile(call.window.number, true);
    drawCalling();
    if (speaking) voice.enqueue(call.ticket.number, call.window.number);
  }
  if (name.startsWith("ticket.")) drawRecent();
  if (data.queues) drawWaiting();
  if (name === "display.notice") drawNotice();
  rendered(name, call?.ticket ?? data.ticket);
}

function onStatus(status, message) {
  document.body.dataset.connection = status;
  if (status !== "live" && speaking) { speaking = false; showVoiceRole(); } // told again on connect
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

// The tiles' room changes with the closed strip, the side and the window: fit them again.
new ResizeObserver(() => layoutTiles($("windows").querySelectorAll(".tile").length))
  .observe($("windows"));

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
window.addEventListener("resize", () => { tileSignature = ""; fitted = ""; drawAll(); });
$("sound").addEventListener("click", () => voice?.unlock());
if (voice) voice.probe();
drawHeader();
showVoiceRole();
const auth = { token: config.token, hall: config.hall };
if (voice) Object.assign(auth, { speaker: true, zone: config.zone });
connectLive({ auth, onSnapshot, onEvent, onStatus });
