// What a board knows about its hall, built from the snapshot and then kept by events. Pure
// logic, no DOM: the board and the window sign draw from it.
//
// A called number stays on its window's tile until the next call at that window, however many
// calls other windows make: the tile shows the window's `current` ticket, or else the last
// ticket called there (kept from events, and from the snapshot's `last_calls`, one per window,
// so a board opened now draws what a board connected all day shows). Only calls of the hall's
// current service day are shown: at the hall's midnight `newDay()` forgets the others.

export const RECENT_LIMIT = 12;
export const CALL_EVENTS = new Set(["ticket.called", "ticket.recalled"]);

export class HallState {
  constructor({ zone = null } = {}) {
    this.zone = zone;
    this.hall = null;
    this.windows = new Map();
    this.lastCall = new Map();
    this.recent = [];
    this.queues = {};
    this.services = [];
    this.serverTime = null;
    // Board notices by slot ("" hall-wide, else a zone): a manager's (kept by the server, so
    // they come back with every snapshot) or one pushed by an outside process (not kept).
    this.notices = new Map();
  }

  get ready() { return this.hall !== null; }
  get display() { return this.hall?.display ?? {}; }

  applySnapshot(snap) {
    this.hall = snap.hall;
    this.serverTime = snap.server_time ?? null;
    this.windows = new Map();
    for (const w of snap.windows || []) if (w.active !== false) this.windows.set(w.number, w);
    this.lastCall = new Map((snap.last_calls || []).map((c) => [c.window, c.ticket]));
    this.keepCurrent();
    this.recent = (snap.recent_calls || []).slice(0, RECENT_LIMIT);
    this.queues = { ...(snap.queues || {}) };
    this.services = snap.services || [];
    for (const [slot, n] of [...this.notices]) if (n.kept) this.notices.delete(slot);
    for (const n of snap.notices || []) this.setNotice(n);
  }

  /** A ticket a window holds is its last call, whatever day it was called. */
  keepCurrent() {
    for (const w of this.windows.values()) if (w.current) this.lastCall.set(w.number, w.current);
  }

  /** The hall's day turned: earlier calls go (as from a snapshot taken now); held tickets stay. */
  newDay() {
    this.lastCall = new Map();
    this.keepCurrent();
    this.recent = [];
  }

  setNotice(data) {
    const slot = data.zone ?? "";
    if (!data.text) { this.notices.delete(slot); return; }
    this.notices.set(slot, {
      text: data.text,
      until: Date.now() + 1000 * (data.seconds ?? 60),
      kept: Boolean(data.until),
    });
  }

  /** Apply one event; returns {ticket, window} when it is a call to announce, else null. */
  applyEvent(name, data) {
    if (name === "display.notice") {
      this.setNotice(data);
      return null;
    }
    const w = data.window;
    if (w && w.number !== undefined && w.number !== null) {
      if (w.active === false) this.windows.delete(w.number);
      else this.windows.set(w.number, w);
      if (w.current) this.lastCall.set(w.number, w.current);
    }
    // hall.layout_changed: the changed windows (a sign that hears no snapshot needs them)
    for (const x of data.windows || []) {
      if (x.active === false) this.windows.delete(x.number);
      else this.windows.set(x.number, x);
    }
    if (data.queues) Object.assign(this.queues, data.queues);
    const t = data.ticket;
    if (!t) return null;
    // A later state of a ticket already on a tile (served, completed, no-show, transferred
    // away, rejoined, called elsewhere): it stays shown where it was called, in its new state.
    for (const [number, shown] of this.lastCall) {
      if (shown.id === t.id) this.lastCall.set(number, { ...t, window: shown.window });
    }
    const n = w?.number ?? t.window?.number;
    if (CALL_EVENTS.has(name) && n !== null && n !== undefined) {
      this.lastCall.set(n, t);
      this.recent = [t, ...this.recent.filter((r) => r.id !== t.id)].slice(0, RECENT_LIMIT);
      return { ticket: t, window: this.windows.get(n) ?? t.window };
    }
    this.recent = this.recent.map((r) => (r.id === t.id ? { ...t, window: r.window } : r));
    return null;
  }

  inZone(number) {
    if (!this.zone) return true;
    return this.windows.get(number)?.zone === this.zone;
  }

  visibleWindows() {
    return [...this.windows.values()]
      .filter((w) => this.inZone(w.number))
      .sort((a, b) => a.number - b.number);
  }

  /** How a window's tile looks: the window, the ticket shown and its phase. */
  tile(number) {
    const window = this.windows.get(number);
    const ticket = this.lastCall.get(number) ?? null;
    let phase = "none";
    if (ticket) {
      if (window?.current && window.current.id === ticket.id) {
        phase = ticket.state === "serving" ? "serving" : "called";
      } else {
        phase = "done";
      }
    }
    return { window, ticket, phase };
  }

  recentCalls(limit = RECENT_LIMIT) {
    return this.recent.filter((t) => this.inZone(t.window?.number)).slice(0, limit);
  }

  /** Waiting rows per service (or summed per domain) for the services of the visible windows. */
  waiting(mode = "service", domains = {}) {
    let codes = null;
    if (this.zone) {
      codes = new Set();
      for (const w of this.visibleWindows()) for (const s of w.services || []) codes.add(s.code);
    }
    const services = this.services.filter((s) => codes === null || codes.has(s.code));
    const rows = services.map((s) => ({
      key: s.code,
      badge: s.prefix,
      name: s.name,
      name_en: s.name_en,
      domain: s.domain,
      waiting: this.queues[s.code]?.waiting ?? 0,
    }));
    if (mode !== "domain") return rows;
    const byDomain = new Map();
    for (const row of rows) {
      const [name, nameEn] = domains[row.domain] || [row.domain, null];
      const entry = byDomain.get(row.domain) ?? {
        key: row.domain, badge: null, name, name_en: nameEn, domain: row.domain, waiting: 0,
      };
      entry.waiting += row.waiting;
      byDomain.set(row.domain, entry);
    }
    return [...byDomain.values()];
  }

  /** The notice this board shows now: its zone's, else the hall-wide one; null for none. */
  currentNotice() {
    const now = Date.now();
    const on = (slot) => {
      const n = this.notices.get(slot);
      return n && n.until > now ? n.text : null;
    };
    return (this.zone ? on(this.zone) : null) ?? on("");
  }
}
