#!/bin/sh
# Chromium showing the kiosk's touch page and nothing else (run by cage, see
# onewindow-kiosk-browser.service). A fresh profile on every start: no history, no "restore
# pages?" bubble, nothing a previous citizen left. The managed policy
# (chromium-kiosk-policy.json) blocks every other address, developer tools, printing,
# downloads and file dialogs; the page itself blocks the context menu, text selection and
# key combinations. ONEWINDOW_KIOSK_DRY_RUN=1 prints the command instead of running it.
set -eu

url="${ONEWINDOW_KIOSK_URL:-http://127.0.0.1:8090/}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

set -- \
  --kiosk \
  --noerrdialogs \
  --disable-pinch \
  --overscroll-history-navigation=0 \
  --disable-features=Translate,TouchpadOverscrollHistoryNavigation,MediaRouter,HardwareMediaKeyHandling \
  --no-first-run \
  --no-default-browser-check \
  --disable-session-crashed-bubble \
  --disable-infobars \
  --disable-translate \
  --disable-sync \
  --disable-background-networking \
  --disable-component-update \
  --check-for-update-interval=31536000 \
  --password-store=basic \
  --autoplay-policy=no-user-gesture-required \
  --lang=zh-CN \
  --ozone-platform-hint=auto \
  "$url"

if [ -n "${ONEWINDOW_KIOSK_DRY_RUN:-}" ]; then
  printf '%s\n' "$chromium" "$@"
  exit 0
fi

# The agent may still be starting: wait for the page (up to a minute), then show it anyway
# (the page reconnects by itself).
i=0
while [ "$i" -lt 60 ]; do
  if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
       "$url" 2>/dev/null; then
    break
  fi
  i=$((i + 1))
  sleep 1
done

profile="$(mktemp -d "${TMPDIR:-/tmp}/onewindow-kiosk-browser.XXXXXX")"
trap 'rm -rf "$profile"' EXIT INT TERM
"$chromium" --user-data-dir="$profile" "$@"
