// Talking to the hall server: JSON over fetch with the session cookie and the CSRF token,
// plain messages for errors, the top message bar, signing out.

export function readConfig() {
  return JSON.parse(document.getElementById("config").textContent);
}

const config = readConfig();
let leaving = false; // signing out: a request that now meets 401 must not redirect elsewhere

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && config.csrf) {
    headers[config.csrf_header || "X-CSRF-Token"] = config.csrf;
  }
  const url = path.startsWith("/") ? path : `/api/v1/${path}`;
  let resp;
  try {
    resp = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (err) {
    throw new ApiError(0, "network", "无法连接服务器，请检查网络 / cannot reach the server: check the network");
  }
  let data = null;
  try {
    data = await resp.json();
  } catch (err) {
    data = null;
  }
  if (resp.status === 401 && config.user && !leaving) {
    const next = encodeURIComponent(location.pathname + location.search);
    location.assign(`/console/sign-in?next=${next}`);
  }
  if (!resp.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(resp.status, e.code || "error", e.message || `HTTP ${resp.status}`, e.details);
  }
  return data;
}

/** "中文 / English" -> [zh, en]. */
export function halves(message) {
  const text = String(message || "");
  const at = text.indexOf(" / ");
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 3)];
}

let hideTimer = null;

/** Show a message in the bar under the header: errors stay until the next action. */
export function showMessage(message, kind = "error") {
  const box = document.getElementById("message");
  const [zh, en] = halves(message);
  box.replaceChildren(el("span", { class: "zh" }, zh), el("span", { class: "en" }, en));
  box.className = `message ${kind}`;
  box.hidden = false;
  clearTimeout(hideTimer);
  if (kind !== "error") hideTimer = setTimeout(() => { box.hidden = true; }, 5000);
}

export function clearMessage() {
  document.getElementById("message").hidden = true;
}

/** A small element builder: el("td", {class: "x"}, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** True while this page signs out: its own redirect is on the way, no other may race it. */
export function signingOut() {
  return leaving;
}

export function bindSignOut() {
  for (const [id, everywhere] of [["sign-out", false], ["sign-out-all", true]]) {
    const button = document.getElementById(id);
    if (!button) continue;
    button.addEventListener("click", async () => {
      if (everywhere && !confirm("结束此账号在所有设备上的登录？/ End every session of this account?")) return;
      leaving = true;
      try {
        const result = await api("POST", "/console/sign-out", { everywhere });
        location.assign(result.redirect);
      } catch (err) {
        leaving = false;
        showMessage(err.message);
      }
    });
  }
}

// Staff read "closed" as 已关闭: the public 暂停服务 (boards, signs) reads too much like a
// pause (暂停中).
const STATE_LABELS = { open: "正在服务", paused: "暂停中", closed: "已关闭" };

/** The console's label of a window's state. */
export function stateLabel(w) {
  return STATE_LABELS[w.state] || w.state_label || w.state;
}

export function minutes(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${Math.round(seconds)}秒`;
  return `${Math.round(seconds / 60)}分钟`;
}

export function clock(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}

export function since(iso, now = Date.now()) {
  return iso ? (now - Date.parse(iso)) / 1000 : null;
}
