// The clerk console: one window, its current ticket, the materials to check, its queues,
// suspended tickets and the day so far. Every action is one key (see keys.js) or a button;
// the server does the work in one transaction and answers with a plain message.

import { api, ApiError, bindSignOut, clock, el, halves, minutes, readConfig, showMessage, since, stateLabel } from "./api.js";
import { ACTIONS, KeyInput } from "./keys.js";
import { connectLive } from "./live.js";
import { MaterialsPanel } from "./materials.js";

const config = readConfig();
const $ = (id) => document.getElementById(id);
const windowKey = `${config.hall}-${config.window}`;
const keys = new KeyInput();
const PAUSE_REASONS = ["午休", "临时离开", "业务培训", "系统故障"];
const SUSPEND_REASONS = ["群众取材料", "复印材料", "补充证明", "等待核验"];

const state = { desk: null, windows: [], busy: false, refreshTimer: null };
const materials = new MaterialsPanel($("materials"));
window.__console = { state, keys, log: [], materials };

// --- drawing -------------------------------------------------------------------------------
function drawActions() {
  const buttons = ACTIONS.map((a) => el("button", {
    type: "button",
    class: `action act-${a.action}`,
    dataset: { action: a.action },
    title: `${a.zh} / ${a.en} (${a.hint})`,
    onclick: () => run({ action: a.action, argument: keys.typed || null }),
  }, el("span", { class: "zh" }, a.zh), el("span", { class: "en" }, a.en), el("kbd", {}, a.hint)));
  $("actions").replaceChildren(...buttons);
}

function text(id, value) {
  $(id).textContent = value === null || value === undefined || value === "" ? "—" : value;
}

function drawWindow(w) {
  const label = w.state === "paused" && w.pause_reason ? `${stateLabel(w)}：${w.pause_reason}` : stateLabel(w);
  $("window-state").textContent = label;
  $("window-state").className = `state state-${w.state}`;
  document.body.dataset.windowState = w.state;
}

function drawCurrent(t) {
  const card = $("current");
  card.classList.toggle("empty", !t);
  card.dataset.state = t ? t.state : "";
  card.dataset.ticket = t ? t.id : "";
  text("cur-number", t && t.number);
  text("cur-service", t && t.service.name);
  text("cur-state", t && t.state_label);
  const citizen = t && [t.citizen.name, t.citizen.id_number].filter(Boolean).join(" · ");
  text("cur-citizen", citizen || (t ? "未登记 / not recorded" : ""));
  text("cur-priority", t && (t.priority_label || "否 / no"));
  text("cur-note", t && t.note);
  tick();
}

function tick() {
  const t = state.desk && state.desk.window.current;
  if (!t) {
    text("cur-waited", null);
    text("cur-serving", null);
    return;
  }
  const waited = t.called_at ? (Date.parse(t.called_at) - Date.parse(t.queued_at)) / 1000 : since(t.queued_at);
  text("cur-waited", minutes(waited));
  text("cur-serving", t.started_at ? clock(since(t.started_at)) : t.called_at ? `已叫号 ${clock(since(t.called_at))}` : null);
}

function drawQueues(queues) {
  $("queues").replaceChildren(...queues.map((q) => el("tr", { dataset: { service: q.code } },
    el("td", {}, `${q.prefix} ${q.name}`),
    el("td", { class: "num" }, q.waiting),
    el("td", { class: "num" }, q.waiting ? minutes(q.longest_wait_seconds) : "—"))));
}

function drawSuspended(list) {
  if (!list.length) {
    $("suspended").replaceChildren(el("li", { class: "muted" }, "无 / none"));
    return;
  }
  $("suspended").replaceChildren(...list.map((t) => el("li", {},
    el("button", {
      type: "button",
      class: "link",
      title: "恢复办理 / resume",
      onclick: () => run({ action: "resume", argument: t.id }),
    }, t.number), " ", t.service.name, t.note ? ` · ${t.note}` : "")));
}

function drawDay(today) {
  const mine = today.clerk || {};
  const win = today.window || {};
  text("day-served", mine.served || 0);
  text("day-avg", mine.avg_service_seconds ? minutes(mine.avg_service_seconds) : null);
  text("day-window", win.served || 0);
  text("day-other", `${win.no_shows || 0} / ${win.transfers || 0}`);
  text("day-rating", win.evaluations ? `${win.avg_evaluation}（${win.evaluations}）` : null);
}

function draw() {
  const d = state.desk;
  if (!d) return;
  drawWindow(d.window);
  drawCurrent(d.window.current);
  materials.show(d.window.current);
  drawQueues(d.queues);
  drawSuspended(d.suspended);
  drawDay(d.today);
}

async function refresh() {
  try {
    state.desk = await api("GET", `halls/${config.hall}/windows/${config.window}/desk`);
    draw();
  } catch (err) {
    showMessage(err.message);
  }
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refresh, 150);
}

// --- actions -------------------------------------------------------------------------------
function post(action, body) {
  return api("POST", `windows/${windowKey}/${action}`, body);
}

async function act(action, body) {
  const result = await post(action, body);
  state.desk = null;
  await refresh();
  return result;
}

/** Call or resume a ticket as typed ("A012", digits alone, an id, or nothing: the one
 * suspended here). The server picks among the window's services; when several tickets
 * match, it lists them and the clerk chooses one. */
async function byNumber(action, ticket) {
  try {
    return await act(action, ticket ? { ticket } : {});
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== "ambiguous_number") throw err;
    const chosen = await choose(err.message, err.details.candidates || []);
    return chosen ? act(action, { ticket: chosen }) : null;
  }
}

/** A list to pick from (arrows, Enter); resolves to the chosen ticket's id or null. */
function choose(message, candidates) {
  const dialog = $("dlg-choose");
  const [zh, en] = halves(message);
  $("choose-text").replaceChildren(el("span", {}, zh), el("br"), el("span", { class: "en" }, en));
  $("choose-list").replaceChildren(...candidates.map((c, i) => el("option",
    { value: c.id, selected: i === 0 }, `${c.number} · ${c.service.name}`)));
  $("choose-list").size = Math.max(2, candidates.length);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? $("choose-list").value || null : null), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
    $("choose-list").focus();
  });
}

function ask(dialogId, inputId, { title, options = [], value = "" } = {}) {
  const dialog = $(dialogId);
  const input = $(inputId);
  if (title) dialog.querySelector("h2").firstChild.textContent = `${title} `;
  const list = dialog.querySelector("datalist");
  if (list) list.replaceChildren(...options.map((o) => el("option", { value: o })));
  input.value = value;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? input.value.trim() : null), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
    input.focus();
    input.select();
  });
}

function askTransfer(windowNumber) {
  const dialog = $("dlg-transfer");
  const current = state.desk && state.desk.window.current;
  $("tr-service").replaceChildren(el("option", { value: "" }, "（不变 / unchanged）"),
    ...config.services.filter((s) => !current || s.code !== current.service.code)
      .map((s) => el("option", { value: s.code }, `${s.prefix} ${s.name}`)));
  $("tr-window").replaceChildren(el("option", { value: "" }, "（任意窗口 / any window）"),
    ...state.windows.filter((w) => w.number !== config.window)
      .map((w) => el("option", { value: w.number, selected: w.number === windowNumber }, `${w.number}号 ${w.name}`)));
  $("tr-note").value = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "ok") return resolve(null);
      const service = $("tr-service").value || null;
      const win = $("tr-window").value ? Number($("tr-window").value) : null;
      resolve({ service, window: win, note: $("tr-note").value.trim() || null });
    }, { once: true });
    dialog.returnValue = "";
    dialog.showModal();
    $(windowNumber ? "tr-window" : "tr-service").focus();
  });
}

const DONE = {
  "call-next": (t) => `已叫号 ${t.number} / called ${t.number}`,
  call: (t) => `已叫号 ${t.number} / called ${t.number}`,
  recall: (t) => `已重呼 ${t.number}（第${t.recall_count}次） / recalled ${t.number}`,
  start: (t) => `开始办理 ${t.number} / serving ${t.number}`,
  complete: (t) => `已办结 ${t.number} / ${t.number} done`,
  "no-show": (t) => `${t.number} 已过号 / ${t.number} marked no-show`,
  transfer: (t) => `${t.number} 已转至 ${t.service.name}${t.target_window ? `（${t.target_window}号窗口）` : ""}`
    + `${t.waiting_ahead != null ? `，前面还有 ${t.waiting_ahead} 人` : ""} / ${t.number} transferred`
    + `${t.waiting_ahead != null ? `, ${t.waiting_ahead} ahead` : ""}`,
  suspend: (t) => `${t.number} 已挂起 / ${t.number} suspended`,
  resume: (t) => `恢复办理 ${t.number} / resumed ${t.number}`,
};

function windowDone(w) {
  return { message: `${w.number}号窗口：${stateLabel(w)} / window ${w.number} is ${w.state}` };
}

async function perform(action, argument) {
  // A key pressed before the desk first loaded must not act on a window the page knows
  // nothing of yet: F10 would ask to resume a closed window instead of opening it.
  if (!state.desk) await refresh();
  const w = state.desk ? state.desk.window : null;
  switch (action) {
    case "call-next": case "recall": case "start": case "complete": case "no-show":
      return act(action);
    case "call": {
      const number = argument || await ask("dlg-number", "number-input", { title: "叫指定号" });
      return number ? byNumber("call", number) : null;
    }
    case "resume":  // without a number the server resumes the one suspended here, or lists them
      return byNumber("resume-ticket", argument);
    case "transfer": {
      if (!w || !w.current) throw new ApiError(409, "invalid_state", "当前没有正在办理的号码 / no current ticket to transfer");
      const target = await askTransfer(argument ? Number(argument) : null);
      if (!target) return null;
      if (!target.service && !target.window) throw new ApiError(400, "invalid_request", "请选择转入的业务或窗口 / choose a service or a window");
      return act("transfer", target);
    }
    case "suspend": {
      const reason = await ask("dlg-reason", "reason-input", { title: "挂起原因", options: SUSPEND_REASONS });
      return reason ? act("suspend", { reason }) : null;
    }
    case "pause": {
      const reason = await ask("dlg-reason", "reason-input", { title: "暂停原因", options: PAUSE_REASONS });
      return reason ? windowDone(await act("pause", { reason })) : null;
    }
    case "resume-window":
      return windowDone(await act(w && w.state === "closed" ? "open" : "resume"));
    case "close":
      return windowDone(await act("close"));
    case "evaluate":
      if (argument) {
        const result = await api("POST", `halls/${config.hall}/windows/${config.window}/evaluate`, { level: Number(argument) });
        await refresh();
        return { message: `已记录评价：${result.label} / rated ${result.level}` };
      }
      await api("POST", `halls/${config.hall}/windows/${config.window}/invite-evaluation`);
      return { message: "已邀请群众评价 / the citizen is asked to rate" };
    default:
      return null;
  }
}

async function run(cmd) {
  if (!cmd || cmd.edit) {
    $("typed").textContent = keys.typed;
    return;
  }
  keys.typed = "";
  $("typed").textContent = "";
  if (state.busy) return; // one action at a time: a second press waits for the answer
  state.busy = true;
  document.body.classList.add("busy");
  window.__console.log.push(cmd);
  try {
    const result = await perform(cmd.action, cmd.argument);
    if (result && result.message) showMessage(result.message, "info");
    else if (result && result.number && DONE[cmd.action]) showMessage(DONE[cmd.action](result), "info");
  } catch (err) {
    showMessage(err.message || String(err));
    scheduleRefresh();
  } finally {
    state.busy = false;
    document.body.classList.remove("busy");
  }
}

// In a dialog, Enter confirms (also from a <select>) and Esc cancels (the browser's own).
for (const dialog of document.querySelectorAll("dialog")) {
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.target.tagName === "BUTTON") return;
    event.preventDefault();
    const input = dialog.querySelector("input[required]");
    if (input && !input.value.trim()) return;
    dialog.close("ok");
  });
}

const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"]);

/** Keys typed into a text field, a list or a text area are theirs (F-keys excepted: they type
 * nothing); a ticked checkbox or a pressed button keeps every shortcut working. */
function typesText(target) {
  if (!target || !target.tagName) return false;
  if (target.isContentEditable || target.tagName === "SELECT" || target.tagName === "TEXTAREA") return true;
  return target.tagName === "INPUT" && !NOT_TYPED.has(target.type);
}

document.addEventListener("keydown", (event) => {
  if (document.querySelector("dialog[open]")) return; // the dialog has the keyboard
  if (typesText(event.target) && !/^F\d{1,2}$/.test(event.key)) return;
  const cmd = keys.feed(event);
  if (!cmd) return;
  event.preventDefault();
  run(cmd);
});

// Events of this window (or a layout change) reload the desk; the hall's other events only
// carry new waiting counts, applied in place, so a busy hall does not reload every console.
function onEvent(name, data) {
  const mine = (w) => w && w.number === config.window;
  if (name === "hall.layout_changed" || mine(data.window) || mine(data.ticket && data.ticket.window)
      || (data.ticket && data.ticket.target_window === config.window)) {
    scheduleRefresh();
    return;
  }
  if (!state.desk || !data.queues) return;
  let changed = false;
  for (const q of state.desk.queues) {
    const fresh = data.queues[q.code];
    if (fresh) {
      Object.assign(q, fresh);
      changed = true;
    }
  }
  if (changed) drawQueues(state.desk.queues);
}

// --- start ---------------------------------------------------------------------------------
drawActions();
bindSignOut();
setInterval(tick, 1000);
connectLive({
  hall: config.hall,
  window: config.window,
  onSnapshot: (snap) => {
    state.windows = snap.windows || [];
    scheduleRefresh();
  },
  onEvent: onEvent,
  onState: (up) => {
    $("conn").textContent = up ? "已连接" : "连接中断，正在重连";
    $("conn").className = up ? "conn up" : "conn down";
  },
});
api("GET", `halls/${config.hall}/catalog`).then((c) => {
  materials.setCatalog(c);
  draw();
}).catch((err) => showMessage(err.message));
refresh();
