// One Socket.IO connection per page. The server sends a snapshot on every (re)connect, then
// events; every event carries a unique `id`, so one that arrives twice is dropped here.
// `window.__onewindow` keeps counters the tests and the latency bench read.

const SEEN_LIMIT = 2000;

export function stats() {
  window.__onewindow ??= {
    sockets: 0, connects: 0, snapshots: 0, events: 0, duplicates: 0, errors: [],
  };
  return window.__onewindow;
}

class RecentIds {
  constructor(limit) { this.limit = limit; this.ids = new Set(); }
  seen(id) {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value);
    return false;
  }
}

/**
 * Connect once and keep the connection: the client reconnects by itself after a network
 * loss or a server restart (backing off up to 10 s); a refusal (bad token) is retried every
 * 15 s, so a board recovers once its token is fixed, without a second socket.
 */
export function connectLive({ auth, onSnapshot, onEvent, onStatus, snapshotEvent = "snapshot" }) {
  const counters = stats();
  const ids = new RecentIds(SEEN_LIMIT);
  // eslint-disable-next-line no-undef
  const socket = io({
    auth,
    transports: ["websocket"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 10000,
    timeout: 10000,
  });
  counters.sockets += 1;
  let retry = null;
  socket.on("connect", () => {
    counters.connects += 1;
    onStatus?.("live");
  });
  socket.on("disconnect", (reason) => {
    onStatus?.("reconnecting");
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", (err) => {
    const message = err?.data?.message || err?.message || "";
    counters.errors.push(message);
    onStatus?.(socket.active ? "reconnecting" : "refused", message);
    if (!socket.active && retry === null) {
      retry = setTimeout(() => { retry = null; socket.connect(); }, 15000);
    }
  });
  socket.on(snapshotEvent, (snap) => {
    counters.snapshots += 1;
    onSnapshot(snap);
  });
  socket.onAny((name, data) => {
    if (name === snapshotEvent) return;
    if (data && data.id) {
      if (ids.seen(data.id)) { counters.duplicates += 1; return; }
    }
    counters.events += 1;
    onEvent(name, data || {});
  });
  return socket;
}
