// A window's sign: its number and name, the services it serves, the ticket being served, and
// the paused or closed state with the reason. It listens to its window's room only.

import { HallClock } from "./clock.js";
import { HallState } from "./hall-state.js";
import { connectLive, stats } from "./live.js";
import { readConfig, setText } from "./text.js";

const config = readConfig();
const state = new HallState();
const clock = new HallClock(config.timezone);
const counters = stats();
const $ = (id) => document.getElementById(id);
counters.renders = [];

const PHASES = {
  called: ["请到本窗口办理", "please come to this window"],
  serving: ["正在办理", "now serving"],
  done: ["上一位", "last called"],
  none: ["请等候叫号", "please wait for your number"],
};

function draw() {
  const { window: w, ticket, phase } = state.tile(config.window);
  if (!w) { drawRemoved(); return; }
  document.body.dataset.state = w.state;
  document.body.dataset.phase = phase;
  setText($("sign-name"), w.name);
  setText($("sign-services"), (w.services || []).map((s) => s.name).join(" · "));
  setText($("sign-ticket"), ticket?.number ?? "—");
  const [zh, en] = PHASES[phase];
  setText($("sign-label"), `${zh}  ${en}`);
  setText($("sign-service"), ticket && phase !== "none" ? ticket.service?.name ?? "" : "");
  const stateBox = $("sign-state");
  if (w.state === "open") {
    stateBox.hidden = true;
  } else {
    stateBox.hidden = false;
    setText($("state-zh"), "暂停服务");
    const closed = w.state === "closed";
    setText($("state-en"), closed ? "Closed" : "Paused");
    const because = closed && w.close_reason ? `已关闭：${w.close_reason}` : w.pause_reason;
    setText($("state-reason"), because ?? (closed ? "请到其他窗口办理" : ""));
  }
  counters.renders.push({ number: ticket?.number ?? null, at: performance.now() });
  document.body.dataset.rendered = String(counters.renders.length);
}

/** The window left the hall's layout (a temporary window removed) while the sign was on. */
function drawRemoved() {
  document.body.dataset.state = "removed";
  document.body.dataset.phase = "none";
  setText($("sign-ticket"), "—");
  setText($("sign-label"), "");
  setText($("sign-service"), "");
  $("sign-state").hidden = false;
  setText($("state-zh"), "本窗口已撤销");
  setText($("state-en"), "This window was removed");
  setText($("state-reason"), "请到其他窗口办理");
  counters.renders.push({ number: null, at: performance.now() });
  document.body.dataset.rendered = String(counters.renders.length);
}

function onStatus(status, message) {
  document.body.dataset.connection = status;
  setText($("conn"), { live: "实时 live", reconnecting: "重新连接中 reconnecting" }[status] ?? "");
  $("problem").hidden = status !== "refused";
  if (status === "refused") setText($("problem").querySelector("p"), message || "");
}

clock.onNewDay = () => { if (state.ready) { state.newDay(); draw(); } };
clock.tick((date, time) => setText($("clock"), time.slice(0, 5)));
connectLive({
  auth: { token: config.token, hall: config.hall, window: config.window, hall_events: false },
  onSnapshot: (snap) => {
    state.applySnapshot(snap);
    clock.sync(snap.server_time);
    draw();
    document.body.dataset.ready = "1";
  },
  onEvent: (name, data) => {
    if (!state.ready) return;
    state.applyEvent(name, data);
    draw();
  },
  onStatus,
});
