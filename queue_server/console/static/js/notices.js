// Board notices (大厅屏通知): the manager posts a line the hall's boards (or one zone's boards)
// scroll for a while, and clears it. The server keeps it, so boards that reload show it again.

import { api, el, showMessage } from "./api.js";

const $ = (id) => document.getElementById(id);

export class NoticePanel {
  constructor(config, { onPosted }) {
    this.config = config;
    this.onPosted = onPosted;
    this.zones = [];
    $("form-notice").addEventListener("submit", (e) => { e.preventDefault(); this.post(); });
    $("form-notice").querySelectorAll("button, input, select")
      .forEach((x) => { x.disabled = !config.can_edit; });
  }

  /** Redraw from a hall snapshot: its zones and the notices on now. */
  draw(snapshot) {
    const zones = snapshot.hall?.zones || [];
    if (zones.map((z) => z.code).join() !== this.zones.map((z) => z.code).join()) {
      this.zones = zones;
      $("notice-zone-label").hidden = !zones.length;
      $("notice-zone").replaceChildren(el("option", { value: "" }, "全部大厅屏 / every board"),
        ...zones.map((z) => el("option", { value: z.code }, z.name)));
    }
    const names = Object.fromEntries(zones.map((z) => [z.code, z.name]));
    const rows = (snapshot.notices || []).map((n) => el("li", { dataset: { zone: n.zone ?? "" } },
      el("b", {}, n.zone ? names[n.zone] || n.zone : "全厅 / all"), " ",
      el("span", { class: "notice-text" }, n.text), " ",
      el("small", { class: "muted" }, `约${Math.max(1, Math.round(n.seconds / 60))}分钟后结束 · ${n.actor}`), " ",
      this.config.can_edit
        ? el("button", { type: "button", class: "link", onclick: () => this.send("", n.zone) }, "清除 Clear")
        : null));
    $("notice-list").replaceChildren(...rows);
    $("notice-none").hidden = rows.length > 0;
  }

  post() {
    const text = $("notice-text").value.trim();
    if (!text) return showMessage("请填写通知内容 / write the notice first");
    return this.send(text, $("notice-zone").value || null, Number($("notice-minutes").value));
  }

  async send(text, zone, minutes) {
    try {
      await api("POST", `halls/${this.config.hall}/notices`, { text, zone, ...(minutes ? { minutes } : {}) });
      if (text) $("notice-text").value = "";
      showMessage(text ? `通知已发布 / notice posted: ${text}` : "通知已清除 / notice cleared", "info");
      this.onPosted();
    } catch (err) {
      showMessage(err.message);
    }
  }
}
