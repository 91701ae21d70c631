#!/usr/bin/env bash
# Install a hall board (a TV or a window's monitor) on a Debian PC, from a checkout:
#   sudo ./deploy/kiosk-browser/install-board.sh
# Creates the user board (runs the browser; in the audio group for the call-outs), copies the
# browser script and browser-common.sh (which it sources) to /opt/onewindow/deploy/kiosk-browser,
# the settings to /etc/onewindow/board.env, the Chromium policy and the systemd unit. No Python
# or server code is needed on a board PC (python3 only for the wait for the server).
# Read deploy/kiosk-browser/README.md first.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)"; exit 1; }
src="$(cd "$(dirname "$0")/../.." && pwd)"

"$src/deploy/install-system-packages.sh" chromium cage fonts-noto-cjk python3 alsa-utils
id board >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin board
usermod -aG video,render,audio board 2>/dev/null || true
install -d -m 0755 /opt/onewindow/deploy/kiosk-browser /etc/onewindow /etc/chromium/policies/managed
install -m 0755 "$src/deploy/kiosk-browser/board-browser.sh" /opt/onewindow/deploy/kiosk-browser/
install -m 0644 "$src/deploy/kiosk-browser/browser-common.sh" /opt/onewindow/deploy/kiosk-browser/
[ -f /etc/onewindow/board.env ] || {
  install -m 0640 -g board "$src/deploy/kiosk-browser/board.env.example" /etc/onewindow/board.env
  echo "Edit /etc/onewindow/board.env: the board's address and its device token."
}
install -m 0644 "$src/deploy/kiosk-browser/chromium-board-policy.json" \
  /etc/chromium/policies/managed/onewindow-board.json
install -m 0644 "$src/deploy/kiosk-browser/onewindow-board-browser.service" /etc/systemd/system/
systemctl daemon-reload
echo "Next: systemctl enable --now onewindow-board-browser"
