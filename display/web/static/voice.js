// Call-outs played one at a time, in order, each to its end: a new call waits in the queue and
// never cuts off the one being spoken. The audio (chime + sentence x repeats) is one WAV
// rendered by the hall server. Browsers refuse to play before a user gesture unless started
// with --autoplay-policy=no-user-gesture-required (kiosk mode); then `onBlocked` shows a
// "click to enable sound" button and the queue waits for `unlock()`.

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
    this.log = log; // {key, number, window, queued, started, ended, error}
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

  /** Queue a call-out; the same call already waiting (not yet speaking) is not queued twice. */
  enqueue(number, window) {
    const key = `${number}@${window}`;
    if (this.queue.some((item) => item.key === key)) return;
    const entry = { key, number, window, queued: performance.now() };
    this.log.push(entry);
    this.queue.push(entry);
    this.next();
  }

  get pending() { return this.queue.length + (this.current ? 1 : 0); }

  next() {
    if (this.current || this.blocked) return;
    const item = this.queue.shift();
    if (!item) return;
    this.current = item;
    this.audio.src = this.urlFor(item.number, item.window);
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
