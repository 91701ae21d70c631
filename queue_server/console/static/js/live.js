// Socket.IO with the session cookie: a snapshot on every (re)connect, then events.

import { showMessage, signingOut } from "./api.js";

export function connectLive({ hall, window: number, onSnapshot, onEvent, onState }) {
  const auth = { hall };
  if (number !== undefined && number !== null) auth.window = number;
  // eslint-disable-next-line no-undef
  const socket = io({ auth, reconnectionDelayMax: 10000 });
  socket.on("connect", () => onState && onState(true));
  socket.on("disconnect", (reason) => {
    onState && onState(false);
    // The server let go (the session ended elsewhere, or it restarts): ask again; a refusal
    // below sends the page to the sign-in form.
    // (Signing out here, the page is already on its way to the sign-in form.)
    if (reason === "io server disconnect" && !signingOut()) socket.connect();
  });
  socket.on("connect_error", (err) => {
    onState && onState(false);
    const data = err && err.data;
    if (signingOut()) return;
    if (data && data.code === "unauthorized") {
      location.assign(`/console/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
    } else if (data && data.message) {
      showMessage(data.message);
    }
  });
  socket.on("snapshot", (snap) => onSnapshot && onSnapshot(snap));
  socket.onAny((name, payload) => {
    if (name !== "snapshot" && onEvent) onEvent(name, payload);
  });
  return socket;
}
