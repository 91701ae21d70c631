// The manager's console: the live hall map, waiting and alerts with window suggestions, the
// layout editor (layout.js) and statistics with charts (stats.js).

import { api, bindSignOut, clock, el, minutes, readConfig, showMessage, since, stateLabel } from "./api.js";
import { AttentionBar } from "./attention.js";
import { LayoutEditor } from "./layout.js";
import { connectLive } from "./live.js";
import { NoticePanel } from "./notices.js";
import { StatsView } from "./stats.js";

const config = readConfig();
const $ = (id) => document.getElementById(id);
const state = { snapshot: null, alerts: null, timers: {} };
window.__console = { state, events: [] };

const layout = new LayoutEditor(config, {
  onChanged: () => refreshSnapshot(),
  onLoaded: (data) => drawShare(data.share),
});
const stats = new StatsView(config);
const notices = new NoticePanel(config, { onPosted: () => refreshSnapshot() });
const attention = new AttentionBar(config, { onShowService: showService });
window.__console.attention = attention;

// --- tabs ----------------------------------------------------------------------------------
function showTab(name) {
  for (const other of ["hall", "layout", "stats"]) {
    $(`tab-${other}`).setAttribute("aria-selected", String(other === name));
    $(`panel-${other}`).hidden = other !== name;
  }
  if (name === "layout") layout.load();
  if (name === "stats") stats.load();
}
for (const name of ["hall", "layout", "stats"]) $(`tab-${name}`).addEventListener("click", () => showTab(name));

/** From the alert banner: the service's row in the waiting and alerts table. */
function showService(code) {
  showTab("hall");
  const row = document.querySelector(`#alerts tr[data-service="${CSS.escape(code)}"]`);
  if (row) row.scrollIntoView({ block: "center" });
}
$("hall-select").addEventListener("change", () => {
  location.assign(`/console/manager?hall=${encodeURIComponent($("hall-select").value)}`);
});

// --- the hall map --------------------------------------------------------------------------
function drawShare(share) {
  if (!share) return;
  const pct = share.total ? `${Math.round(share.ratio * 1000) / 10}%` : "—";
  $("share").textContent = `${pct}（${share.comprehensive}/${share.total}）`;
  $("share").className = share.meets_target ? "share" : "share below";
  $("share").title = `目标 ≥ ${share.target * 100}% / target at least ${share.target * 100}%`;
}

function card(w) {
  const t = w.current;
  const running = t ? (t.started_at ? since(t.started_at) : since(t.called_at)) : null;
  return el("article", { class: `wincard st-${w.state}`, dataset: { window: w.number } },
    el("div", { class: "head" },
      el("span", { class: "no" }, `${w.number}号`),
      el("span", { class: `state state-${w.state}` }, stateLabel(w))),
    // the kind never breaks inside (分领域综合窗口): it goes to the next line whole
    el("div", { class: "name" }, w.name, " ",
      w.name === w.kind_label ? null : el("small", { class: "kind" }, w.kind_label || w.kind)),
    el("div", { class: "clerk" }, "工作人员 ", w.clerk || "—"),
    w.state === "paused" && w.pause_reason ? el("div", { class: "muted" }, `暂停：${w.pause_reason}`) : null,
    t ? el("div", { class: `ticket ${t.state}` }, t.number, " ",
      el("small", { class: "muted" }, `${t.state_label} ${clock(running)}`)) : el("div", { class: "muted" }, "空闲 / idle"),
    el("div", { class: "svc" }, (w.services || []).map((s) => s.name).join("、") || "（未分配业务）"));
}

function drawMap() {
  const snap = state.snapshot;
  if (!snap) return;
  const kinds = { domain: "分领域综合窗口", undifferentiated: "无差别综合窗口", temporary: "临时应急窗口", delivery: "统一出件窗口", department: "部门专窗" };
  $("hallmap").replaceChildren(...snap.windows.map((w) => card({ ...w, kind_label: kinds[w.kind] })));
}

function drawAlerts() {
  const data = state.alerts;
  if (!data) return;
  const rows = data.services.map((s) => el("tr", { class: s.alerts.length ? "alert" : "", dataset: { service: s.code } },
    el("td", {}, `${s.prefix} ${s.name}`),
    el("td", { class: `num ${s.alerts.includes("waiting") ? "flag" : ""}` }, s.waiting),
    el("td", { class: `num ${s.alerts.includes("wait") ? "flag" : ""}` }, s.waiting ? minutes(s.longest_wait_seconds) : "—"),
    el("td", { class: "num" }, `${s.waiting_alert ?? "—"}人 / ${s.wait_alert_minutes ?? "—"}分`),
    el("td", { class: "num" }, `${s.open_windows} / ${s.windows}`),
    el("td", { class: "num" }, s.arrivals_last_hour),
    el("td", { class: "num" }, `${s.service_minutes}分`),
    el("td", { class: "num" }, s.open_more ? `${s.suggested_windows}（+${s.open_more}）` : s.suggested_windows),
    el("td", { class: "advice" }, s.advice || "")));
  $("alerts").querySelector("tbody").replaceChildren(...rows);
  attention.setAlerts(data);
}

function setSnapshot(snap) {
  state.snapshot = snap;
  drawMap();
  notices.draw(snap);
}

async function refreshSnapshot() {
  try {
    setSnapshot(await api("GET", `halls/${config.hall}/snapshot`));
  } catch (err) {
    showMessage(err.message);
  }
}

async function refreshAlerts() {
  const target = $("target").value;
  try {
    state.alerts = await api("GET", `halls/${config.hall}/alerts${target ? `?target_minutes=${target}` : ""}`);
    drawAlerts();
  } catch (err) {
    showMessage(err.message);
  }
}

function later(name, fn, ms) {
  clearTimeout(state.timers[name]);
  state.timers[name] = setTimeout(fn, ms);
}

$("target").addEventListener("change", refreshAlerts);
bindSignOut();
setInterval(drawMap, 1000);
setInterval(refreshAlerts, 30000);
connectLive({
  hall: config.hall,
  onSnapshot: (snap) => {
    setSnapshot(snap);
    attention.load(); // on every (re)connect: what was missed while away
  },
  onEvent: (name, data) => {
    window.__console.events.push(name);
    attention.onEvent(name, data);
    later("snapshot", refreshSnapshot, 200);
    later("alerts", refreshAlerts, 1000);
    if (name === "hall.layout_changed") layout.reloadIfShown();
  },
  onState: (up) => {
    $("conn").textContent = up ? "已连接" : "连接中断，正在重连";
    $("conn").className = up ? "conn up" : "conn down";
  },
});
refreshAlerts();
layout.load({ quiet: true });
