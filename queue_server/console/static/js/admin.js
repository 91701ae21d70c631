// Accounts and device tokens (administrators). Every action is audited with the admin's name.

import { api, bindSignOut, el, readConfig, showMessage } from "./api.js";

const $ = (id) => document.getElementById(id);
const config = readConfig();
// the labels of roles and device kinds, as the page's own selects give them
const LABELS = Object.fromEntries([...config.roles, ...config.device_kinds].map((x) => [x.code, x.label]));
const label = (code) => LABELS[code] || code;
const HALLS = Object.fromEntries(config.halls.map((h) => [h.code, h.name]));
const hallName = (code) => HALLS[code] || code;
const both = (zh, en) => [zh, " ", el("span", { class: "en" }, en)];

async function guarded(fn, done) {
  try {
    const result = await fn();
    if (done) showMessage(done, "info");
    await load();
    return result;
  } catch (err) {
    showMessage(err.message);
    return null;
  }
}

function userRow(u) {
  const name = encodeURIComponent(u.username);
  return el("tr", { dataset: { user: u.username } },
    el("td", {}, u.username), el("td", {}, u.display_name), el("td", { dataset: { role: u.role } }, label(u.role)),
    el("td", {}, u.halls.map(hallName).join("、") || both("全部", "all")),
    el("td", {}, u.active ? (u.locked ? "已锁定 locked" : "正常 active") : "已停用 disabled"),
    el("td", {},
      el("button", { type: "button", onclick: () => guarded(() => api("POST", `admin/users/${name}/${u.active ? "disable" : "enable"}`), `${u.username}：${u.active ? "已停用 / disabled" : "已启用 / enabled"}`) }, u.active ? both("停用", "disable") : both("启用", "enable")), " ",
      el("button", { type: "button", onclick: () => guarded(() => api("POST", `admin/users/${name}/sign-out`), `${u.username}：已全部签退 / signed out everywhere`) }, both("全部签退", "sign out")), " ",
      el("button", { type: "button", onclick: () => {
        const password = prompt(`${u.username} 的新密码（至少8位）/ new password`);
        if (password) guarded(() => api("POST", `admin/users/${name}/password`, { password }), `${u.username}：密码已重置，锁定已解除 / password reset, unlocked`);
      } }, both("重置密码", "password"))));
}

function deviceRow(d) {
  return el("tr", { dataset: { device: d.name } },
    el("td", {}, d.name), el("td", { dataset: { kind: d.kind } }, label(d.kind)), el("td", {}, hallName(d.hall)),
    el("td", {}, d.active ? "有效 active" : "已吊销 revoked"), el("td", {}, new Date(d.created_at).toLocaleString("zh-CN")),
    el("td", {}, d.active ? el("button", { type: "button", class: "danger", onclick: () => {
      if (confirm(`吊销 ${d.name}？/ revoke?`)) guarded(() => api("POST", `admin/devices/${encodeURIComponent(d.name)}/revoke`), `${d.name}：已吊销 / revoked`);
    } }, both("吊销", "revoke")) : ""));
}

async function load() {
  try {
    const [users, devices] = await Promise.all([api("GET", "admin/users"), api("GET", "admin/devices")]);
    $("users").querySelector("tbody").replaceChildren(...users.users.map(userRow));
    $("devices").querySelector("tbody").replaceChildren(...devices.devices.map(deviceRow));
  } catch (err) {
    showMessage(err.message);
  }
}

$("form-user").addEventListener("submit", (e) => {
  e.preventDefault();
  const halls = [...$("u-halls").selectedOptions].map((o) => o.value);
  guarded(() => api("POST", "admin/users", {
    username: $("u-name").value.trim(), display_name: $("u-display").value.trim(),
    password: $("u-password").value, role: $("u-role").value, halls,
  }), "账号已创建 / account created").then((r) => { if (r) e.target.reset(); });
});

$("form-device").addEventListener("submit", async (e) => {
  e.preventDefault();
  const result = await guarded(() => api("POST", "admin/devices", {
    name: $("d-name").value.trim(), kind: $("d-kind").value, hall: $("d-hall").value,
  }), "设备已登记 / device registered");
  if (result) {
    $("token-text").textContent = result.token;
    $("new-token").hidden = false;
    e.target.reset();
  }
});

bindSignOut();
load();
