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
# The flags, the wait and the fresh profile are shared with the kiosk (browser-common.sh);
# their autoplay flag lets the audio board speak the call-outs without anyone clicking
# (browsers refuse sound before a user gesture otherwise, and the board then shows
# "点击开启声音 / click to enable sound").
set -eu
. "$(dirname "$0")/browser-common.sh"

url="${ONEWINDOW_BOARD_URL:?set ONEWINDOW_BOARD_URL to the board page (see the README)}"
dry_run="${ONEWINDOW_BOARD_DRY_RUN:-}"

if [ -z "$dry_run" ] && [ -n "${ONEWINDOW_BOARD_ROTATE:-}" ] \
   && command -v wlr-randr >/dev/null 2>&1; then
  output="$(wlr-randr | awk 'NR==1 {print $1}')"
  wlr-randr --output "$output" --transform "$ONEWINDOW_BOARD_ROTATE" || true
fi

# The hall server may still be starting: wait for it, up to two minutes.
origin="$(printf '%s' "$url" | sed -E 's#^(https?://[^/]+).*#\1#')"
onewindow_browser onewindow-board-browser "$dry_run" "$origin/api/v1/health" 120 \
  --disable-features=Translate,MediaRouter,HardwareMediaKeyHandling \
  "$url"
