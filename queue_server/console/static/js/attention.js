// What needs the manager now, at the top of the console: tickets a kiosk could not print
// (with a reprint button) and services past their alert thresholds.
//
// Print failures come from GET /halls/{hall}/print-failures when the console connects, then
// from the hall's events: kiosk.print_failed adds one, kiosk.reprint marks the request,
// kiosk.reprinted and a ticket that is no longer open take it away.

import { api, el, halves, minutes, showMessage } from "./api.js";

const $ = (id) => document.getElementById(id);
const OPEN = new Set(["waiting", "called", "serving", "suspended"]);

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" }) : "";
}

function bilingual(message) {
  const [zh, en] = halves(message);
  return [zh, en ? el("span", { class: "en" }, ` ${en}`) : null];
}

export class AttentionBar {
  constructor(config, { onShowService }) {
    this.config = config;
    this.onShowService = onShowService;
    this.failures = new Map(); // ticket id -> {ticket, device, reason, attempts, at, reprint}
    this.dismissed = new Set();
    this.thresholds = [];
  }

  async load() {
    try {
      const body = await api("GET", `halls/${this.config.hall}/print-failures`);
      this.failures = new Map(body.print_failures.map((f) => [f.ticket.id, f]));
      this.draw();
    } catch (err) {
      showMessage(err.message);
    }
  }

  /** A hall event: keeps the print failures current. */
  onEvent(name, data) {
    const t = data && data.ticket;
    if (!t || !t.id) return;
    if (name === "kiosk.print_failed") {
      this.failures.set(t.id, { ticket: t, device: data.device, reason: data.reason, attempts: data.attempts, at: data.at, reprint: null });
      this.dismissed.delete(t.id);
    } else if (name === "kiosk.reprint" && this.failures.has(t.id)) {
      this.failures.get(t.id).reprint = { device: data.device, by: data.by, at: data.at };
    } else if (name === "kiosk.reprinted" && this.failures.has(t.id)) {
      this.failures.delete(t.id);
      showMessage(`${t.number} 已由取号机 ${data.device} 补打 / ${t.number} was printed again at ${data.device}`, "info");
    } else if (this.failures.has(t.id) && !OPEN.has(t.state)) {
      this.failures.delete(t.id); // served, cancelled, ...: no slip needed any more
    } else {
      return;
    }
    this.draw();
  }

  /** The alerts answer (GET /halls/{hall}/alerts): services past a threshold. */
  setAlerts(data) {
    this.thresholds = data.services.filter((s) => s.alerts.length);
    this.draw();
  }

  async reprint(f) {
    try {
      await api("POST", `tickets/${encodeURIComponent(f.ticket.id)}/reprint`, {});
      showMessage(`已通知取号机补打 ${f.ticket.number} / a kiosk will print ${f.ticket.number} again`, "info");
    } catch (err) {
      showMessage(err.message);
    }
  }

  failureRow(f) {
    const t = f.ticket;
    const asked = f.reprint
      ? el("span", { class: "asked" }, `已请${f.reprint.device}补打（${f.reprint.by} ${time(f.reprint.at)}） `, el("span", { class: "en" }, "reprint requested"))
      : null;
    return el("li", { class: "print-failure", dataset: { ticket: t.id, number: t.number } },
      el("b", { class: "what" }, "打印失败 ", el("span", { class: "en" }, "print failed")),
      el("b", { class: "number" }, t.number),
      el("span", {}, t.service && t.service.name ? t.service.name : ""),
      el("span", { class: "kiosk" }, "取号机 ", el("span", { class: "en" }, "kiosk "), f.device || "—"),
      f.reason ? el("span", { class: "reason" }, f.reason) : null,
      el("span", { class: "muted" }, time(f.at)),
      asked,
      this.config.can_edit
        ? el("button", { type: "button", class: "primary reprint", onclick: () => this.reprint(f) },
          f.reprint ? "再次补打 " : "补打 ", el("span", { class: "en" }, "Reprint"))
        : null,
      el("button", { type: "button", class: "quiet dismiss", title: "隐藏此提醒 / hide this alert", onclick: () => { this.dismissed.add(t.id); this.draw(); } },
        "知道了 ", el("span", { class: "en" }, "Dismiss")));
  }

  thresholdRow(s) {
    const passed = [];
    if (s.alerts.includes("waiting")) passed.push(`等候${s.waiting}人（预警${s.waiting_alert}人）`);
    if (s.alerts.includes("wait")) passed.push(`最长等候${minutes(s.longest_wait_seconds)}（预警${s.wait_alert_minutes}分钟）`);
    return el("li", { class: "threshold", dataset: { service: s.code } },
      el("b", { class: "what" }, "预警 ", el("span", { class: "en" }, "alert")),
      el("button", { type: "button", class: "link", title: "在等候与预警表中查看 / show in the table", onclick: () => this.onShowService(s.code) },
        `${s.prefix} ${s.name}`),
      el("span", {}, passed.join("，")),
      s.advice ? el("span", { class: "advice" }, ...bilingual(s.advice)) : null);
  }

  draw() {
    const failures = [...this.failures.values()].filter((f) => !this.dismissed.has(f.ticket.id));
    $("print-alerts").replaceChildren(...failures.map((f) => this.failureRow(f)));
    $("threshold-alerts").replaceChildren(...this.thresholds.map((s) => this.thresholdRow(s)));
    $("print-alerts").hidden = !failures.length;
    $("threshold-alerts").hidden = !this.thresholds.length;
    $("attention").hidden = !failures.length && !this.thresholds.length;
  }
}
