#!/usr/bin/env bash
# Install the hall server on a Debian machine from a checkout of onewindow:
#   sudo ./deploy/install.sh
# Creates the onewindow user, /opt/onewindow (code + virtualenv + browser assets),
# /etc/onewindow (settings and configuration), /var/lib/onewindow (data), and the systemd unit.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)"; exit 1; }
src="$(cd "$(dirname "$0")/.." && pwd)"

"$src/deploy/install-system-packages.sh" python3-venv nodejs npm rsync espeak-ng fonts-noto-cjk
id onewindow >/dev/null 2>&1 || useradd --system --home /var/lib/onewindow --shell /usr/sbin/nologin onewindow
install -d -o onewindow -g onewindow -m 0750 /var/lib/onewindow
install -d -m 0755 /opt/onewindow /etc/onewindow

rsync -a --delete --exclude .git --exclude .venv --exclude node_modules --exclude var "$src/" /opt/onewindow/
cd /opt/onewindow
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .   # editable: assets and config are found beside the code
npm ci --no-audit --no-fund --loglevel=error

[ -f /etc/onewindow/onewindow.env ] || install -m 0640 -g onewindow deploy/onewindow.env.example /etc/onewindow/onewindow.env
[ -f /etc/onewindow/installation.toml ] || {
  cp config/demo/installation.toml config/demo/catalog.toml /etc/onewindow/
  echo "Edit /etc/onewindow/installation.toml (copied from the demo) before going live."
}
install -m 0644 deploy/systemd/onewindow.service deploy/systemd/onewindow@.service /etc/systemd/system/
systemctl daemon-reload
sudo -u onewindow .venv/bin/onewindow check-config /etc/onewindow/installation.toml
echo "Next: create accounts and device tokens, e.g."
echo "  sudo -u onewindow /opt/onewindow/.venv/bin/onewindow user add admin --role admin --config /etc/onewindow/installation.toml --data-dir /var/lib/onewindow"
echo "then: systemctl enable --now onewindow"
