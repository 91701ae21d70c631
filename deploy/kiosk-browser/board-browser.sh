#!/bin/sh
# Chromium showing one hall board, window sign or any display page full screen, for a TV or a
# monitor over a window (run by cage, see onewindow-board-browser.service, or in a desktop
# session, see onewindow-board.user.service).
#
#   ONEWINDOW_BOARD_URL   the page, e.g.
#     http://10.0.0.5:8080/display/board?hall=county&layout=landscape&audio=1&token=dev_...
#     http://10.0.0.5:8080/display/sign?hall=county&window=3&token=dev_...
#   CHROMIUM              the browser (default /usr/bin/chromium)
#   ONEWINDOW_BOARD_ROTATE  90, 180 or 270: turn the screen (a portrait TV), needs wlr-randr
#   ONEWINDOW_BOARD_DRY_RUN=1  print the command instead of running it
#
# --autoplay-policy=no-user-gesture-required lets the audio board speak the call-outs without
# anyone clicking (browsers refuse sound before a user gesture otherwise, and the board then
# shows "点击开启声音 / click to enable sound"). A fresh profile on every start: no "restore
# pages?" bubble after a power cut.
set -eu

url="${ONEWINDOW_BOARD_URL:?set ONEWINDOW_BOARD_URL to the board page (see the README)}"
chromium="${CHROMIUM:-/usr/bin/chromium}"

set -- \
  --kiosk \
  --noerrdialogs \
  --disable-infobars \
  --disable-session-crashed-bubble \
  --disable-pinch \
  --overscroll-history-navigation=0 \
  --no-first-run \
  --no-default-browser-check \
  --disable-translate \
  --disable-features=Translate,MediaRouter,HardwareMediaKeyHandling \
  --disable-sync \
  --disable-background-networking \
  --disable-component-update \
  --check-for-update-interval=31536000 \
  --password-store=basic \
  --autoplay-policy=no-user-gesture-required \
  --lang=zh-CN \
  --ozone-platform-hint=auto \
  "$url"

if [ -n "${ONEWINDOW_BOARD_DRY_RUN:-}" ]; then
  printf '%s\n' "$chromium" "$@"
  exit 0
fi

if [ -n "${ONEWINDOW_BOARD_ROTATE:-}" ] && command -v wlr-randr >/dev/null 2>&1; then
  output="$(wlr-randr | awk 'NR==1 {print $1}')"
  wlr-randr --output "$output" --transform "$ONEWINDOW_BOARD_ROTATE" || true
fi

# The hall server may still be starting (a power cut takes everything down at once): wait for
# it, up to two minutes, then show the page anyway (it reconnects by itself).
origin="$(printf '%s' "$url" | sed -E 's#^(https?://[^/]+).*#\1#')"
i=0
while [ "$i" -lt 120 ]; do
  if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
       "$origin/api/v1/health" 2>/dev/null; then
    break
  fi
  i=$((i + 1))
  sleep 1
done

profile="$(mktemp -d "${TMPDIR:-/tmp}/onewindow-board-browser.XXXXXX")"
trap 'rm -rf "$profile"' EXIT INT TERM
"$chromium" --user-data-dir="$profile" "$@"
