// The hall's date and time, from the server's clock (a board's own clock may be wrong) in the
// hall's time zone. `onNewDay` is called when the hall's date turns after a sync (a snapshot):
// the calls drawn then belong to the day before.

export class HallClock {
  constructor(timeZone) {
    this.offset = 0;
    this.day = null; // the hall's date at the last sync
    this.onNewDay = null;
    this.date = new Intl.DateTimeFormat("zh-CN", {
      timeZone, year: "numeric", month: "long", day: "numeric", weekday: "long",
    });
    this.time = new Intl.DateTimeFormat("zh-CN", {
      timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    this.short = new Intl.DateTimeFormat("zh-CN", {
      timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
  }

  sync(serverIso) {
    const server = Date.parse(serverIso);
    if (!Number.isNaN(server)) this.offset = server - Date.now();
    this.day = this.date.format(this.now());
  }

  now() { return new Date(Date.now() + this.offset); }

  hhmm(iso) {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? "" : this.short.format(new Date(t));
  }

  /** Call `draw(dateText, timeText)` now and at every second. */
  tick(draw) {
    const step = () => {
      const now = this.now();
      const date = this.date.format(now);
      draw(date, this.time.format(now));
      if (this.day !== null && date !== this.day) {
        this.day = date;
        this.onNewDay?.();
      }
      setTimeout(step, 1000 - (now.getTime() % 1000) + 5);
    };
    step();
  }
}
