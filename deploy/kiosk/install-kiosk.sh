#!/usr/bin/env bash
# Install the kiosk agent and the locked-down touch page on a Debian kiosk PC, from a checkout:
#   sudo ./deploy/kiosk/install-kiosk.sh
# Creates the users onewindow (the agent, owns the devices) and kiosk (runs the browser),
# /opt/onewindow (code + virtualenv), /etc/onewindow/kiosk.toml, the Chromium policy and the
# two systemd units. Read deploy/kiosk/README.md first.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)"; exit 1; }
src="$(cd "$(dirname "$0")/../.." && pwd)"

# libusb-1.0-0: pyusb needs it to reach a USB ticket printer ("USB backend missing" otherwise)
"$src/deploy/install-system-packages.sh" python3-venv chromium cage fonts-noto-cjk libusb-1.0-0
id onewindow >/dev/null 2>&1 || useradd --system --home /nonexistent --shell /usr/sbin/nologin onewindow
getent group onewindow >/dev/null || groupadd --system onewindow
usermod -aG onewindow onewindow
id kiosk >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin kiosk
usermod -aG video,render,input kiosk 2>/dev/null || true
install -d -m 0755 /opt/onewindow /etc/onewindow /etc/chromium/policies/managed

# The whole checkout: kiosk-browser.sh sources deploy/kiosk-browser/browser-common.sh.
rsync -a --delete --exclude .git --exclude .venv --exclude node_modules --exclude var "$src/" /opt/onewindow/
cd /opt/onewindow
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .

[ -f /etc/onewindow/kiosk.toml ] || {
  install -m 0644 config/kiosk/kiosk.toml /etc/onewindow/kiosk.toml
  echo "Edit /etc/onewindow/kiosk.toml: [server] url and hall, the devices."
}
[ -f /etc/onewindow/kiosk.token ] || {
  install -m 0640 -g onewindow /dev/null /etc/onewindow/kiosk.token
  echo "Put this kiosk's device token into /etc/onewindow/kiosk.token (from: onewindow device add)."
}
install -m 0644 deploy/kiosk/chromium-kiosk-policy.json /etc/chromium/policies/managed/onewindow-kiosk.json
install -m 0644 deploy/kiosk/onewindow-kiosk.service deploy/kiosk/onewindow-kiosk-browser.service /etc/systemd/system/
systemctl daemon-reload
systemctl mask ctrl-alt-del.target   # Ctrl+Alt+Del must not reboot a public kiosk
echo "Next: install the udev rules (deploy/udev), then"
echo "  systemctl enable --now onewindow-kiosk onewindow-kiosk-browser"
