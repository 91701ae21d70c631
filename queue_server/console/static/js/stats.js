// Statistics of a day or a period: a table per service, window, clerk, day or hour, three
// charts (Chart.js, served by the hall server from npm) and the CSV export.

import { api, el, showMessage } from "./api.js";

const $ = (id) => document.getElementById(id);
const COLUMNS = [
  ["issued", "取号"], ["called", "叫号"], ["served", "办结"], ["no_shows", "过号"], ["transfers", "转移"],
  ["avg_wait_seconds", "平均等候"], ["p90_wait_seconds", "90%等候"], ["avg_service_seconds", "平均办理"],
  ["p90_service_seconds", "90%办理"], ["evaluations", "评价"], ["avg_evaluation", "平均评分"], ["negative_evaluations", "差评"],
];
const LEVELS = [["5", "非常满意"], ["4", "满意"], ["3", "基本满意"], ["2", "不满意"], ["1", "非常不满意"]];

function cell(key, value) {
  if (value === null || value === undefined) return "—";
  if (key.endsWith("_seconds")) return (value / 60).toFixed(1);
  return value;
}

export class StatsView {
  constructor(config) {
    this.config = config;
    this.charts = {};
    this.result = null;
    $("form-stats").addEventListener("submit", (e) => { e.preventDefault(); this.load(); });
    $("st-by").addEventListener("change", () => this.draw());
    window.__stats = this;
  }

  query() {
    // No day chosen yet: the server answers for the hall's today (in the hall's time zone,
    // whatever the browser's clock says), and the form then shows which day that was.
    const from = $("st-from").value;
    return from ? `from=${from}&to=${$("st-to").value || from}` : "";
  }

  async load() {
    try {
      this.result = await api("GET", `halls/${this.config.hall}/stats?${this.query()}`);
      if (!$("st-from").value) {
        $("st-from").value = this.result.from;
        $("st-to").value = this.result.to;
      }
      this.draw();
    } catch (err) {
      showMessage(err.message);
    }
  }

  draw() {
    const r = this.result;
    if (!r) return;
    const by = $("st-by").value;
    $("st-csv").href = `/api/v1/halls/${this.config.hall}/stats.csv?${this.query()}&by=${by}`;
    const t = r.totals;
    $("st-totals").textContent = `${r.from} — ${r.to}：取号 ${t.issued}，办结 ${t.served}，过号 ${t.no_shows}，`
      + `平均等候 ${cell("avg_wait_seconds", t.avg_wait_seconds)} 分钟，90%等候 ${cell("p90_wait_seconds", t.p90_wait_seconds)} 分钟，`
      + `评价 ${t.evaluations}（平均 ${t.avg_evaluation ?? "—"}）`;
    const rows = r.by[by];
    $("st-table").querySelector("thead").replaceChildren(el("tr", {}, el("th", {}, "名称"),
      ...COLUMNS.map(([, h]) => el("th", { class: "num" }, h)), ...LEVELS.map(([, h]) => el("th", { class: "num" }, h))));
    $("st-table").querySelector("tbody").replaceChildren(...rows.map((row) => el("tr", { dataset: { key: row.key } },
      el("td", {}, row.label), ...COLUMNS.map(([k]) => el("td", { class: "num" }, cell(k, row[k]))),
      ...LEVELS.map(([level]) => el("td", { class: "num" }, row.evaluation_levels[level])))));
    this.chart(rows, t);
  }

  chart(rows, totals) {
    if (typeof Chart === "undefined") return; // eslint-disable-line no-undef
    const labels = rows.map((r) => r.label);
    const minutesOf = (key) => rows.map((r) => (r[key] === null ? null : Math.round(r[key] / 6) / 10));
    this.put("chart-tickets", {
      type: "bar",
      data: { labels, datasets: [
        { label: "取号 issued", data: rows.map((r) => r.issued), backgroundColor: "#7fa7d1" },
        { label: "办结 served", data: rows.map((r) => r.served), backgroundColor: "#1f8a4c" },
        { label: "过号 no-show", data: rows.map((r) => r.no_shows), backgroundColor: "#c0392b" },
      ] },
      options: { responsive: true, animation: false },
    });
    this.put("chart-wait", {
      type: "bar",
      data: { labels, datasets: [
        { label: "平均等候 avg wait", data: minutesOf("avg_wait_seconds"), backgroundColor: "#f0a202" },
        { label: "90%等候 p90 wait", data: minutesOf("p90_wait_seconds"), backgroundColor: "#b86e00" },
        { label: "平均办理 avg service", data: minutesOf("avg_service_seconds"), backgroundColor: "#0b63b6" },
      ] },
      options: { responsive: true, animation: false },
    });
    this.put("chart-eval", {
      type: "doughnut",
      data: { labels: LEVELS.map(([, h]) => h), datasets: [{
        data: LEVELS.map(([level]) => totals.evaluation_levels[level]),
        backgroundColor: ["#1f8a4c", "#6cc08b", "#c9d66b", "#f0a202", "#c0392b"],
      }] },
      options: { responsive: true, animation: false },
    });
  }

  put(id, spec) {
    if (this.charts[id]) this.charts[id].destroy();
    this.charts[id] = new Chart($(id), spec); // eslint-disable-line no-undef
  }
}
