// Small helpers shared by the pages: build DOM safely (text only, never HTML from data),
// fill the hall's templates, read the page's configuration.

export function readConfig() {
  return JSON.parse(document.getElementById("config").textContent);
}

/** h("div", {class: "x", dataset: {window: 3}}, "text", child) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** "请{number}号到{window}号窗口办理" with the call's fields; unknown fields stay as written. */
export function fillTemplate(template, fields) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, name) =>
    fields[name] === undefined || fields[name] === null ? whole : String(fields[name]));
}

export function callFields(ticket, windowView) {
  return {
    number: ticket.number,
    window: windowView?.number ?? ticket.window?.number ?? "",
    window_name: windowView?.name ?? ticket.window?.name ?? "",
    service: ticket.service?.name ?? "",
  };
}

export function setText(node, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (node.textContent !== value) node.textContent = value;
}
