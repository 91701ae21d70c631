// Keys of the clerk console. A USB numeric keypad is a keyboard to the browser, so its keys
// arrive here as key events; the mapping follows drivers/input (DEFAULT_KEYPAD_MAPPING):
// NumLock on, Enter call-next (digits first: call that number), * recall, / start,
// + complete, - no-show, . pause, Backspace deletes a digit, Tab transfer, Esc clears the
// digits, = resume; programmable pads and full keyboards use F1..F12. A keypad's digit keys
// are digits whatever NumLock says (without it they report End, ArrowDown, ... as the key).

export const ACTIONS = [
  { action: "call-next", zh: "叫下一号", en: "Call next", keys: ["F1", "NumpadEnter", "Enter"], hint: "F1 · Enter" },
  { action: "recall", zh: "重呼", en: "Recall", keys: ["F2", "NumpadMultiply"], hint: "F2 · *" },
  { action: "start", zh: "开始办理", en: "Start", keys: ["F3", "NumpadDivide"], hint: "F3 · /" },
  { action: "complete", zh: "办结", en: "Complete", keys: ["F4", "NumpadAdd"], hint: "F4 · +" },
  { action: "no-show", zh: "过号", en: "No-show", keys: ["F5", "NumpadSubtract"], hint: "F5 · -" },
  { action: "transfer", zh: "转移", en: "Transfer", keys: ["F6", "Tab"], hint: "F6 · Tab" },
  { action: "suspend", zh: "挂起", en: "Suspend", keys: ["F7", "LaunchApplication2"], hint: "F7" },
  { action: "resume", zh: "恢复挂起", en: "Resume ticket", keys: ["F8"], hint: "号码+F8" },
  { action: "call", zh: "叫指定号", en: "Call number", keys: ["F11"], hint: "号码+F11" },
  { action: "pause", zh: "暂停", en: "Pause", keys: ["F9", "NumpadDecimal"], hint: "F9 · ." },
  { action: "resume-window", zh: "开窗/恢复", en: "Open / resume", keys: ["F10", "NumpadEqual"], hint: "F10 · =" },
  { action: "close", zh: "关窗", en: "Close", keys: ["End"], hint: "End" },
  { action: "evaluate", zh: "邀请评价", en: "Ask to rate", keys: ["F12"], hint: "F12 · 1-5+F12" },
];

const EDITS = { Backspace: "delete-digit", Escape: "clear-digits", Delete: "clear-digits" };
export const DIGIT_TIMEOUT_MS = 15000;
const MAX_TYPED = 8;

const BY_KEY = new Map();
for (const a of ACTIONS) for (const key of a.keys) BY_KEY.set(key, a.action);

/** The character a key types into the number, or null: digits (number row or keypad) and
 * letters (a full keyboard types the prefix, "A012"). */
export function typedChar(event) {
  const code = event.code || "";
  let m = /^(?:Digit|Numpad)(\d)$/.exec(code);
  if (m) return m[1];
  m = /^Key([A-Z])$/.exec(code);
  if (m && !event.ctrlKey && !event.altKey && !event.metaKey) return m[1];
  return null;
}

/** Turns key events into commands {action, argument}, like drivers.input.keypad.KeypadMapper. */
export class KeyInput {
  constructor({ now = () => Date.now() } = {}) {
    this.typed = "";
    this.typedAt = 0;
    this.now = now;
  }

  /** Returns {action, argument} for an action key, {edit: true} when the typed number
   * changed, or null when the key is not ours. */
  feed(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return null;
    const now = this.now();
    if (this.typed && now - this.typedAt > DIGIT_TIMEOUT_MS) this.typed = "";
    const ch = typedChar(event);
    const action = BY_KEY.get(event.code) || (ch === null ? BY_KEY.get(event.key) : undefined);
    if (action) {
      const typed = this.typed;
      this.typed = "";
      return command(action, typed);
    }
    const edit = EDITS[event.code] || EDITS[event.key];
    if (edit === "delete-digit") {
      this.typed = this.typed.slice(0, -1);
      return { edit: true };
    }
    if (edit === "clear-digits") {
      this.typed = "";
      return { edit: true };
    }
    if (ch !== null) {
      if (this.typed.length < MAX_TYPED) this.typed += ch;
      this.typedAt = now;
      return { edit: true };
    }
    return null;
  }
}

function command(action, typed) {
  if (action === "call-next" && typed) return { action: "call", argument: typed };
  // call and resume take a ticket number, transfer a window number
  if (action === "call" || action === "resume" || action === "transfer") return { action, argument: typed || null };
  if (action === "evaluate") {
    const level = typed.slice(-1);
    if (!typed) return { action, argument: null };
    return /^[1-5]$/.test(level) ? { action, argument: level } : { edit: true };
  }
  return { action, argument: null };
}
