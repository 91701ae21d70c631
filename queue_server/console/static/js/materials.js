// The materials checklist of the clerk console. A service may accept many items (事项):
// the clerk picks the one being accepted from a searchable list (the acceptance handbook,
// GET /halls/{hall}/catalog) and checks that item's materials only. The choice and the ticks
// are kept per ticket for this browser tab (sessionStorage), so a reload or a resumed ticket
// shows them again.

import { el } from "./api.js";

const KEY = "onewindow.materials.";

function load(ticket) {
  try {
    return JSON.parse(sessionStorage.getItem(KEY + ticket)) || {};
  } catch (err) {
    return {};
  }
}

function save(ticket, value) {
  try {
    sessionStorage.setItem(KEY + ticket, JSON.stringify(value));
  } catch (err) {
    // storage full or refused: the checklist still works, it is only not remembered
  }
}

function matches(item, words) {
  const text = `${item.name} ${item.code} ${item.department.name || ""} ${item.kind_label}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

export class MaterialsPanel {
  constructor(box) {
    this.box = box;
    this.catalog = null;
    this.ticket = null;
    this.service = null;
    this.items = [];
    this.picked = null;
    this.hit = 0; // the highlighted search result
  }

  setCatalog(catalog) {
    this.catalog = catalog;
  }

  /** Show the checklist for the current ticket (or none); keeps the clerk's ticks while
   * the same ticket and service stay. */
  show(t) {
    if (!t || !this.catalog) {
      this.ticket = null;
      delete this.box.dataset.ticket;
      this.box.replaceChildren(el("p", { class: "muted" }, "叫号后显示 / shown once a ticket is called"));
      return;
    }
    if (this.ticket === t.id && this.service === t.service.code) return;
    this.ticket = t.id;
    this.service = t.service.code;
    this.box.dataset.ticket = t.id;
    const service = this.catalog.services.find((s) => s.code === t.service.code);
    this.items = service ? service.items : [];
    const kept = load(t.id);
    const picked = this.items.find((i) => i.code === kept.item)
      || (this.items.length === 1 ? this.items[0] : null);
    if (picked) this.pick(picked);
    else this.drawPicker();
  }

  remember(extra) {
    save(this.ticket, { ...load(this.ticket), ...extra });
  }

  drawPicker(query = "") {
    this.picked = null;
    delete this.box.dataset.item;
    if (!this.items.length) {
      this.box.replaceChildren(el("p", { class: "muted" }, "该业务未配置事项材料 / no items configured for this service"));
      return;
    }
    const search = el("input", {
      type: "search",
      id: "item-search",
      placeholder: `搜索${this.items.length}个事项：名称、编码或部门 / search the items`,
      "aria-label": "搜索事项 search items",
      autocomplete: "off",
      value: query,
      oninput: () => { this.hit = 0; this.drawHits(search.value); },
      onkeydown: (e) => this.onSearchKey(e, search),
    });
    const list = el("ul", { id: "item-list", class: "item-list", role: "listbox", "aria-label": "事项 items" });
    this.box.replaceChildren(
      el("p", { class: "pick-note" }, "请选择受理的事项 ", el("span", { class: "en" }, "Choose the item being accepted")),
      search, list);
    this.hit = 0;
    this.drawHits(query);
  }

  hits(query) {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return this.items.filter((i) => matches(i, words));
  }

  drawHits(query) {
    const found = this.hits(query);
    this.hit = Math.min(this.hit, Math.max(0, found.length - 1));
    const rows = found.map((item, n) => el("li", { role: "option", "aria-selected": String(n === this.hit) },
      el("button", {
        type: "button",
        class: n === this.hit ? "item-hit current" : "item-hit",
        dataset: { item: item.code },
        onclick: () => this.pick(item),
      }, el("span", { class: "name" }, item.name),
      el("small", {}, `${item.kind_label} · ${item.department.name || ""} · ${item.materials.length}项材料`))));
    this.box.querySelector("#item-list").replaceChildren(...(rows.length ? rows
      : [el("li", { class: "muted" }, "没有匹配的事项 / no item matches")]));
  }

  onSearchKey(event, search) {
    const found = this.hits(search.value);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.hit = Math.max(0, Math.min(found.length - 1, this.hit + step));
      this.drawHits(search.value);
    } else if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      if (found[this.hit]) this.pick(found[this.hit]);
    } else if (event.key === "Escape") {
      search.value = "";
      this.drawHits("");
      search.blur(); // back to the console's keys
    }
  }

  pick(item) {
    this.picked = item;
    this.box.dataset.item = item.code;
    this.remember({ item: item.code });
    const ticks = new Set((load(this.ticket).ticks || {})[item.code] || []);
    const change = this.items.length > 1
      ? el("button", { type: "button", class: "link", id: "item-change", onclick: () => { this.remember({ item: null }); this.drawPicker(); } },
        "更换事项 ", el("span", { class: "en" }, "change"))
      : null;
    this.box.replaceChildren(el("fieldset", { class: "item", dataset: { item: item.code } },
      el("legend", {}, item.name, " ", el("small", {}, `${item.kind_label} · ${item.department.name || ""} · ${item.code}`), " ", change),
      ...item.materials.map((m, i) => el("label", { class: `material nec-${m.necessity}` },
        el("input", { type: "checkbox", checked: ticks.has(i), dataset: { index: i }, onchange: () => this.saveTicks() }),
        el("span", { class: "name" }, m.name),
        el("span", { class: "tags" }, `${m.necessity_label} · ${m.original_label} · ${m.form_label} · ${m.copies}份`),
        m.standard ? el("span", { class: "standard" }, m.standard) : null))));
    // the search field had the keyboard: give it back to the console's keys
    if (document.activeElement && this.box.contains(document.activeElement)) document.activeElement.blur();
  }

  saveTicks() {
    const ticked = [...this.box.querySelectorAll(".material input:checked")].map((i) => Number(i.dataset.index));
    const ticks = { ...(load(this.ticket).ticks || {}), [this.picked.code]: ticked };
    this.remember({ ticks });
  }
}
