// The citizen's phone (the QR on the slip): the number, people ahead, the estimated wait,
// live; "it's your turn, go to window 3" when called. The ticket's own events arrive in its
// room; people ahead change with other tickets' calls: while the ticket waits the server puts
// the page in its queue's room too, and a small `queue.moved` there makes the page ask for its
// fresh place over the same connection (a burst of them, once). Once the ticket is being
// served or done, the citizen rates the service here, once (the ticket's id is the
// capability); a page opened again shows the rating instead of the levels.

import { HallClock } from "./clock.js";
import { connectLive, stats } from "./live.js";
import { h, readConfig, setText } from "./text.js";

// A safety net only: the estimate also follows the service times, which no event announces.
const REFRESH_MS = 120000;
// Phones of one queue ask at slightly different moments after a move, not all at once.
const MOVED_DELAY_MS = [100, 600];
const config = readConfig();
const clock = new HallClock(config.timezone);
const counters = stats();
const $ = (id) => document.getElementById(id);
let view = config.initial;
let socket = null;
// The ticket's evaluation: {level, label, …}; {level: null} when rated elsewhere unseen.
let evaluation = config.evaluation ?? null;
let sending = false;

function figure(node, value, unit) {
  node.replaceChildren(h("span", {}, value), unit ? h("small", {}, unit) : "");
}

function headline(v) {
  const w = v.window?.number;
  switch (v.state) {
    case "waiting": return ["请耐心等候", "Please wait, we will call your number"];
    case "called": return [`到您了，请到${w}号窗口`, `It's your turn: go to window ${w}`];
    case "serving": return [`正在${w}号窗口办理`, `Being served at window ${w}`];
    case "suspended": return ["暂停办理，请按工作人员指引", "On hold: follow the clerk's advice"];
    case "done": return ["已办结，感谢您的耐心等候", "Done. Thank you for waiting"];
    case "no_show": return ["已过号，请到咨询台", "Missed: please ask at the information desk"];
    case "cancelled": return ["已取消", "Cancelled"];
    case "expired": return ["已作废（当日未办理）", "Expired at the end of the day"];
    default: return [v.state_label ?? v.state, ""];
  }
}

function draw() {
  const [zh, en] = headline(view);
  const box = $("st-state");
  const wasCalled = box.dataset.state === "called";
  box.dataset.state = view.state;
  document.body.dataset.state = view.state;
  setText($("st-number"), view.number);
  setText($("st-service"), view.service?.name ?? "");
  setText($("st-headline"), zh);
  setText($("st-headline-en"), en);
  const waiting = view.state === "waiting";
  $("st-facts").hidden = !waiting;
  if (waiting) {
    const ahead = view.waiting_ahead;
    const minutes = view.estimated_wait_minutes;
    figure($("st-ahead"), ahead ?? "—", ahead === null || ahead === undefined ? "" : "人 people");
    if (minutes === null || minutes === undefined) figure($("st-wait"), "—", "");
    else if (minutes < 1) figure($("st-wait"), "即将", "soon");
    else figure($("st-wait"), `约 ${minutes}`, "分钟 min");
  }
  setText($("st-area"), waiting && view.wait_area ? `等候区 Wait at: ${view.wait_area}` : "");
  setText($("st-updated"), `更新于 updated ${clock.time.format(clock.now())}`);
  drawRating();
  if (view.state === "called" && !wasCalled && navigator.vibrate) navigator.vibrate([300, 150, 300]);
  document.body.dataset.rendered = String((counters.renders = (counters.renders ?? 0) + 1));
}

function drawRating() {
  const rateable = (config.rateable || []).includes(view.state);
  const rated = evaluation !== null;
  $("st-rate").hidden = rated || !rateable;
  $("st-rated").hidden = !rated;
  if (rated) {
    const names = config.levels?.[String(evaluation.level)];
    setText($("st-rated-zh"), names ? `您的评价：${names[0]}` : "本次服务已评价");
    setText($("st-rated-en"), names ? `Your rating: ${names[1]}` : "This visit was rated already");
  }
  document.body.dataset.rating = rated ? "rated" : rateable ? "open" : "none";
}

function rateError(message) {
  const box = $("st-rate-error");
  box.hidden = !message;
  setText(box, message || "");
}

/** Post the level as the citizen: no token and no cookie (a console session on this phone
 * must not turn the citizen's rating into a clerk's). */
async function rate(level) {
  if (sending || evaluation !== null) return;
  sending = true;
  const buttons = [...document.querySelectorAll(".st-level")];
  for (const b of buttons) b.disabled = true;
  rateError("");
  try {
    const response = await fetch(`/api/v1/tickets/${encodeURIComponent(config.ticket)}/evaluate`, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ level }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) evaluation = body;
    else if (body?.error?.code === "already_evaluated") evaluation = { level: null };
    else rateError(body?.error?.message || `评价未成功，请重试 / rating failed (${response.status}): try again`);
  } catch {
    rateError("网络异常，请稍后重试 / network problem: please try again");
  } finally {
    sending = false;
    for (const b of buttons) b.disabled = false;
    drawRating();
  }
}

function refresh() {
  if (!socket?.connected) return;
  socket.emit("snapshot", { ticket: config.ticket }, (fresh) => {
    if (fresh && !fresh.error) { view = fresh; draw(); }
  });
}

let moved = null;
/** The queue moved: ask for the new place soon (one question for a burst of moves). */
function queueMoved() {
  if (moved !== null || view.state !== "waiting") return;
  const [low, high] = MOVED_DELAY_MS;
  moved = setTimeout(() => { moved = null; refresh(); }, low + Math.random() * (high - low));
}

function onStatus(status) {
  document.body.dataset.connection = status;
  setText($("st-live"), status === "live" ? "● 实时更新 live" : "○ 重新连接中 reconnecting");
}

for (const button of document.querySelectorAll(".st-level")) {
  button.addEventListener("click", () => rate(Number(button.dataset.level)));
}
draw();
socket = connectLive({
  auth: { ticket: config.ticket },
  snapshotEvent: "ticket.snapshot",
  onSnapshot: (fresh) => { view = fresh; draw(); document.body.dataset.ready = "1"; },
  onEvent: (name, data) => {
    if (name === "queue.moved") { queueMoved(); return; }
    if (!data.ticket || data.ticket.id !== config.ticket) return;
    if (name === "ticket.evaluated" && data.evaluation) evaluation = data.evaluation;
    const wasWaiting = view.state === "waiting";
    view = { ...view, ...data.ticket };
    if (data.ticket.state !== "waiting") {
      view.waiting_ahead = null;
      view.estimated_wait_minutes = null;
    }
    draw();
    // Waiting (again): a new place in the queue. No longer waiting: asking once takes the page
    // out of its queue's room, whose moves no longer concern it.
    if (data.ticket.state === "waiting" || wasWaiting) refresh();
  },
  onStatus,
});
setInterval(() => { if (view.state === "waiting") refresh(); }, REFRESH_MS);
// A phone that comes back to the page (screen on, tab switched back) asks at once.
window.addEventListener("focus", refresh);
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
