// Sign-in: JSON to /console/session (the cookie comes back HttpOnly); clerks pick the hall
// and the window they sit at. Lock-out and other refusals are shown as the server words them.

import { api, el, halves, readConfig } from "./api.js";

const config = readConfig();
const $ = (id) => document.getElementById(id);

function fillWindows() {
  const hall = config.halls.find((h) => h.code === $("hall").value);
  const options = [el("option", { value: "" }, "不在窗口 / not at a window")];
  for (const w of hall ? hall.windows : []) options.push(el("option", { value: w.number }, `${w.number}号 ${w.name}`));
  $("window").replaceChildren(...options);
}

function showError(message) {
  const [zh, en] = halves(message);
  $("error").replaceChildren(el("span", {}, zh), el("span", { class: "en" }, en));
  $("error").hidden = false;
}

$("hall").addEventListener("change", fillWindows);
if (config.halls.length === 1) {
  $("hall").value = config.halls[0].code;
  fillWindows();
}
const remembered = localStorage.getItem("onewindow.seat");
if (remembered) {
  const [hall, number] = remembered.split(":");
  if (config.halls.some((h) => h.code === hall)) {
    $("hall").value = hall;
    fillWindows();
    $("window").value = number;
  }
}

// Another clerk signed in at the chosen window: the server names them; taking over ends their
// session there (their console goes back to this page).
async function signIn(takeover) {
  $("error").hidden = true;
  $("takeover").hidden = true;
  $("submit").disabled = true;
  const body = {
    username: $("username").value.trim(),
    password: $("password").value,
    hall: $("hall").value || null,
    window: $("window").value ? Number($("window").value) : null,
    next: config.next || null,
    takeover,
  };
  try {
    const result = await api("POST", "/console/session", body);
    if (body.hall && body.window) localStorage.setItem("onewindow.seat", `${body.hall}:${body.window}`);
    location.assign(result.redirect);
  } catch (err) {
    showError(err.message);
    if (err.code === "window_taken") {
      $("takeover").hidden = false; // the password stays for the confirmation
      $("takeover").focus();
    } else {
      $("password").value = "";
      $("password").focus();
    }
  } finally {
    $("submit").disabled = false;
  }
}

$("signin").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn(false);
});
$("takeover").addEventListener("click", () => signIn(true));
for (const id of ["hall", "window", "username"]) {
  $(id).addEventListener("change", () => ($("takeover").hidden = true));
}
