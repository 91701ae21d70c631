// The layout editor: every change is one POST of operations (validated and applied
// atomically by the server, audited, undoable); boards and signs follow by themselves.

import { api, el, showMessage, stateLabel } from "./api.js";

const $ = (id) => document.getElementById(id);

export class LayoutEditor {
  constructor(config, { onChanged, onLoaded }) {
    this.config = config;
    this.onChanged = onChanged;
    this.onLoaded = onLoaded;
    this.data = null;
    // Answers may cross: a load asked before a change (a reload, another console's event) can
    // come back after the change's own answer. Each layout drawn takes a number; an answer
    // to a load asked before the layout on screen was drawn is older than it, and dropped.
    this.asked = 0;
    this.drawn = 0;
    $("form-move").addEventListener("submit", (e) => { e.preventDefault(); this.move(); });
    $("form-add").addEventListener("submit", (e) => { e.preventDefault(); this.add(); });
    $("form-undiff").addEventListener("submit", (e) => { e.preventDefault(); this.saveUndifferentiated(); });
    $("form-undiff").addEventListener("change", () => { this.undiffDirty = true; });
    $("undo").addEventListener("click", () => this.undo());
    window.__layout = this;
  }

  get editable() {
    return Boolean(this.config.can_edit);
  }

  async load({ quiet = false } = {}) {
    const asked = ++this.asked;
    try {
      const data = await api("GET", `halls/${this.config.hall}/layout`);
      if (asked < this.drawn) return;
      this.show(data, asked);
    } catch (err) {
      if (!quiet) showMessage(err.message);
    }
  }

  /** Draw `data`, the answer to request number `asked`. */
  show(data, asked) {
    this.drawn = asked;
    this.data = data;
    this.onLoaded(data);
    this.keepingForms(() => this.draw());
  }

  reloadIfShown() {
    this.load({ quiet: true });
  }

  services() {
    return this.data.domains.flatMap((d) => d.services.map((code) => ({ code, domain: d })));
  }

  checks(name, selected, { domains = true } = {}) {
    const box = el("div", { class: "svc-checks-group" });
    for (const d of this.data.domains) {
      const row = el("div", { class: "domain-row" }, el("b", {}, d.name));
      if (domains) {
        row.append(el("button", {
          type: "button",
          class: "link",
          title: "选中整个领域 / the whole domain",
          onclick: () => row.querySelectorAll("input").forEach((i) => { i.checked = true; }),
        }, "整领域"), " ");
      }
      const group = el("span", { class: "svc-checks" });
      for (const code of d.services) {
        group.append(el("label", {}, el("input", {
          type: "checkbox", name, value: code, checked: selected.includes(code),
        }), " ", this.names[code] || code));
      }
      row.append(group);
      box.append(row);
    }
    return box;
  }

  // A redraw (another console's change, a reload) keeps what the manager is filling in: the
  // chosen service and windows, the new window's services and zone, unsaved ticks of the
  // undifferentiated set.
  keepingForms(redraw) {
    const selects = ["move-service", "move-from", "move-to", "add-zone"].map((id) => [id, $(id).value]);
    const checked = (name) => [...document.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const tick = (name, values) => document.querySelectorAll(`input[name="${name}"]`)
      .forEach((i) => { i.checked = values.includes(i.value); });
    const adding = checked("add-svc");
    const undiff = this.undiffDirty ? checked("undiff-svc") : null;
    redraw();
    for (const [id, value] of selects) {
      if ([...$(id).options].some((o) => o.value === value)) $(id).value = value;
    }
    tick("add-svc", adding);
    if (undiff) tick("undiff-svc", undiff);
  }

  draw() {
    const d = this.data;
    this.names = Object.fromEntries(d.services.map((s) => [s.code, s.name]));
    this.zoneNames = Object.fromEntries(d.zones.map((z) => [z.code, z.name]));
    $("layout-version").textContent = `版本 v${d.layout_version}`;
    $("uncovered").textContent = d.uncovered.length
      ? `没有窗口办理：${d.uncovered.map((u) => `${u.name}${u.waiting ? `（${u.waiting}人等候）` : ""}`).join("、")} / services no window serves`
      : "";
    const rows = d.windows.map((w) => this.row(w));
    $("layout-table").querySelector("tbody").replaceChildren(...rows);
    const options = (list) => list.map((w) => el("option", { value: w.number }, `${w.number}号 ${w.name}`));
    const all = this.services();
    $("move-service").replaceChildren(...all.map((s) => el("option", { value: s.code }, this.names[s.code] || s.code)));
    $("move-from").replaceChildren(...options(d.windows));
    $("move-to").replaceChildren(...options(d.windows));
    $("add-services").replaceChildren(this.checks("add-svc", []));
    // A zone puts the new window on that zone's boards; a hall without zones has one board set.
    $("add-zone-label").hidden = !d.zones.length;
    $("add-zone").replaceChildren(el("option", { value: "" }, "（不分区 / none）"),
      ...d.zones.map((z) => el("option", { value: z.code }, z.name)));
    $("undiff-services").replaceChildren(this.checks("undiff-svc", d.undifferentiated, { domains: false }));
    $("undo-summary").textContent = d.undo ? d.undo.summary : "没有可撤销的修改 / nothing to undo";
    $("undo").disabled = !d.undo || !this.editable;
    $("history").replaceChildren(...d.history.map((h) => el("li", { class: h.undone ? "undone" : "" },
      el("small", { class: "muted" }, `${new Date(h.at).toLocaleString("zh-CN")} · ${h.actor} · v${h.version}`), el("br"), h.summary)));
    for (const form of ["form-move", "form-add", "form-undiff"]) {
      $(form).querySelectorAll("button, input, select").forEach((x) => { x.disabled = !this.editable; });
    }
  }

  row(w) {
    const toggle = w.state === "closed"
      ? el("button", { type: "button", disabled: !this.editable, onclick: () => this.windowState(w, "open") }, "开窗")
      : el("button", { type: "button", disabled: !this.editable || Boolean(w.current), onclick: () => this.windowState(w, "close") }, "关窗");
    const remove = w.kind === "temporary"
      ? el("button", { type: "button", class: "danger", disabled: !this.editable, onclick: () => this.remove(w) }, "移除")
      : null;
    const edit = el("button", { type: "button", class: "edit", disabled: !this.editable, onclick: () => this.edit(w) }, "编辑");
    return el("tr", { dataset: { window: w.number }, class: this.editing === w.number ? "editing" : "" },
      el("td", {}, el("b", {}, `${w.number}号`), el("br"), el("small", {}, w.name),
        w.zone ? el("small", { class: "muted zone" }, ` · ${this.zoneNames[w.zone] || w.zone}`) : null),
      el("td", { class: "nowrap" }, w.kind_label),
      el("td", { class: "svc-list" }, w.services.map((s) => s.name).join("、") || "（无）"),
      el("td", {}, el("span", { class: `state state-${w.state}` }, stateLabel(w)), w.clerk ? el("div", { class: "muted" }, w.clerk) : null),
      el("td", { class: "nowrap" }, edit, " ", toggle, " ", remove));
  }

  edit(w) {
    this.editing = w.number;
    const kinds = this.data.kinds.filter((k) => k.code !== "temporary" || w.kind === "temporary");
    const kind = el("select", { id: "edit-kind", disabled: w.kind === "temporary" },
      ...kinds.map((k) => el("option", { value: k.code, selected: k.code === w.kind }, k.name)));
    const box = $("window-editor");
    box.replaceChildren(
      el("h2", {}, `编辑${w.number}号窗口 `, el("span", { class: "en" }, `Edit window ${w.number}`)),
      el("label", {}, "类型 ", el("span", { class: "en" }, "kind "), kind),
      this.checks("edit-svc", w.services.map((s) => s.code)),
      el("div", { class: "buttons" },
        el("button", { type: "button", class: "primary", id: "edit-save", onclick: () => this.saveWindow(w) }, "保存 ", el("span", { class: "en" }, "Save")), " ",
        el("button", { type: "button", onclick: () => this.closeEditor() }, "取消")));
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  closeEditor() {
    this.editing = null;
    $("window-editor").hidden = true;
  }

  async change(ops, done) {
    try {
      const result = await api("POST", `halls/${this.config.hall}/layout`, {
        ops, base_version: this.data ? this.data.layout_version : null,
      });
      if (ops.some((o) => o.op === "undifferentiated")) this.undiffDirty = false;
      this.show(result.layout, ++this.asked);
      showMessage(`已生效：${result.summary}`, "info");
      if (done) done();
      this.onChanged();
    } catch (err) {
      showMessage(err.message);
      if (err.code === "concurrent_update") this.load({ quiet: true });
    }
  }

  saveWindow(w) {
    const kind = $("edit-kind").value;
    const chosen = [...document.querySelectorAll('input[name="edit-svc"]:checked')].map((i) => i.value);
    const ops = [];
    if (kind !== w.kind) ops.push({ op: "kind", window: w.number, kind });
    let services = chosen;
    if (kind === "undifferentiated") services = [...new Set([...this.data.undifferentiated, ...chosen])];
    const before = w.services.map((s) => s.code).sort().join(",");
    if (services.slice().sort().join(",") !== before || ops.length) {
      ops.push({ op: "assign", window: w.number, services, mode: "set" });
    }
    if (!ops.length) return showMessage("没有变化 / nothing changed", "info");
    return this.change(ops, () => this.closeEditor());
  }

  move() {
    this.change([{
      op: "move",
      service: $("move-service").value,
      from_window: Number($("move-from").value),
      to_window: Number($("move-to").value),
    }]);
  }

  add() {
    const services = [...document.querySelectorAll('input[name="add-svc"]:checked')].map((i) => i.value);
    const number = $("add-number").value ? Number($("add-number").value) : null;
    this.change([{
      op: "add_window",
      number,
      name: $("add-name").value || null,
      services,
      zone: $("add-zone").value || null,
      area: $("add-area").value || null,
    }], () => {
      for (const id of ["add-number", "add-name", "add-area"]) $(id).value = "";
      document.querySelectorAll('input[name="add-svc"]').forEach((i) => { i.checked = false; });
    });
  }

  remove(w) {
    if (!confirm(`移除临时窗口${w.number}号？/ Remove temporary window ${w.number}?`)) return;
    this.change([{ op: "remove_window", window: w.number }]);
  }

  saveUndifferentiated() {
    const services = [...document.querySelectorAll('input[name="undiff-svc"]:checked')].map((i) => i.value);
    this.change([{ op: "undifferentiated", services }]);
  }

  async windowState(w, action) {
    try {
      await api("POST", `windows/${this.config.hall}-${w.number}/${action}`);
      await this.load();
      this.onChanged();
    } catch (err) {
      showMessage(err.message);
    }
  }

  async undo() {
    try {
      const result = await api("POST", `halls/${this.config.hall}/layout/undo`);
      this.undiffDirty = false;
      this.show(result.layout, ++this.asked);
      showMessage(`已撤销：${result.summary}`, "info");
      this.onChanged();
    } catch (err) {
      showMessage(err.message);
    }
  }
}
