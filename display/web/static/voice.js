// Call-outs played one at a time, in the order of the calls, each to its end: a new call waits
// in the queue and never cuts off the one being spoken. The audio (chime + sentence x repeats)
// is one WAV rendered by the hall server. In a burst the queue keeps up:
// - a call-out that has to wait behind another is said once (chime + sentence), not the hall's
//   configured repeats;
// - a window has at most one call-out waiting, its newest: a newer call at that window (the
//   next ticket, or the same one recalled) drops the one still waiting, and takes its own turn
//   at the end of the queue.
// Browsers refuse to play before a user gesture unless started with
// --autoplay-policy=no-user-gesture-required (kiosk mode); then `onBlocked` shows a "click to
// enable sound" button and the queue waits for `unlock()`.

// 0.1 s of silence, to find out at start-up whether sound may play.
function silentWav() {
  const rate = 8000;
  const samples = 800;
  const buffer = new ArrayBuffer(44 + samples * 2);
  const v = new DataView(buffer);
  const text = (offset, s) => [...s].forEach((c, i) => v.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF"); v.setUint32(4, 36 + samples * 2, true); text(8, "WAVE");
  text(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true);
  v.setUint16(34, 16, true); text(36, "data"); v.setUint32(40, samples * 2, true);
  return URL.createObjectURL(new Blob([buffer], { type: "audio/wav" }));
}

export class VoiceQueue {
  constructor({ urlFor, onBlocked, onUnblocked, log = [] }) {
    this.urlFor = urlFor;
    this.onBlocked = onBlocked;
    this.onUnblocked = onUnblocked;
    this.log = log; // {key, number, window, once, queued, started, ended, error, dropped}
    this.queue = [];
    this.current = null;
    this.blocked = false;
    this.audio = new Audio();
    this.audio.preload = "auto";
    this.guard = null;
    this.audio.addEventListener("ended", () => this.finish(null));
    this.audio.addEventListener("error", () => this.finish("error"));
    this.audio.addEventListener("loadedmetadata", () => {
      // Never wait forever for an "ended" that does not come (a stalled stream).
      clearTimeout(this.guard);
      const seconds = Number.isFinite(this.audio.duration) ? this.audio.duration : 30;
      this.guard = setTimeout(() => this.finish("timeout"), (seconds + 5) * 1000);
    });
  }

  /** Find out whether sound may play; shows the unlock button if not. */
  async probe() {
    const probe = new Audio(silentWav());
    try {
      await probe.play();
      return true;
    } catch (err) {
      if (err && err.name === "NotAllowedError") this.block();
      return false;
    }
  }

  /** Queue a call-out; it replaces the one of its window still waiting, if any. */
  enqueue(number, window) {
    this.queue = this.queue.filter((item) => {
      if (item.window !== window) return true;
      item.dropped = performance.now();
      return false;
    });
    const once = this.current !== null || this.queue.length > 0;
    const entry = { key: `${number}@${window}`, number, window, once, queued: performance.now() };
    this.log.push(entry);
    if (this.log.length > 500) this.log.shift();
    this.queue.push(entry);
    this.next();
  }

  get pending() { return this.queue.length + (this.current ? 1 : 0); }

  next() {
    if (this.current || this.blocked) return;
    const item = this.queue.shift();
    if (!item) return;
    this.current = item;
    this.audio.src = this.urlFor(item.number, item.window, item.once);
    const playing = this.audio.play();
    playing.then(() => { item.started = performance.now(); }).catch((err) => {
      if (this.current !== item) return;
      if (err && err.name === "NotAllowedError") {
        this.current = null;
        this.queue.unshift(item);
        this.block();
      } else if (err && err.name !== "AbortError") {
        this.finish("error");
      }
    });
  }

  finish(error) {
    const item = this.current;
    if (!item) return;
    clearTimeout(this.guard);
    item.ended = performance.now();
    if (error) item.error = error;
    this.current = null;
    this.next();
  }

  block() {
    if (this.blocked) return;
    this.blocked = true;
    this.onBlocked?.();
  }

  /** Called from a click: sound may play from now on. */
  unlock() {
    this.blocked = false;
    this.onUnblocked?.();
    this.next(); // the click gave the page user activation: play() is allowed now
  }
}
