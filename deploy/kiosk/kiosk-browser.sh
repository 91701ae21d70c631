#!/bin/sh
# Chromium showing the kiosk's touch page and nothing else (run by cage, see
# onewindow-kiosk-browser.service). A fresh profile on every start: no history, no "restore
# pages?" bubble, nothing a previous citizen left. The managed policy
# (chromium-kiosk-policy.json) blocks every other address, developer tools, printing,
# downloads and file dialogs; the page itself blocks the context menu, text selection and
# key combinations. ONEWINDOW_KIOSK_DRY_RUN=1 prints the command instead of running it.
# The flags, the wait and the profile are shared with the hall boards:
# deploy/kiosk-browser/browser-common.sh (installed with the rest of the checkout).
set -eu
. "$(dirname "$0")/../kiosk-browser/browser-common.sh"

url="${ONEWINDOW_KIOSK_URL:-http://127.0.0.1:8090/}"

# The agent may still be starting: wait for the page (up to a minute).
onewindow_browser onewindow-kiosk-browser "${ONEWINDOW_KIOSK_DRY_RUN:-}" "$url" 60 \
  --disable-features=Translate,TouchpadOverscrollHistoryNavigation,MediaRouter,HardwareMediaKeyHandling \
  "$url"
