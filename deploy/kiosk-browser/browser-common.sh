# Sourced (not run) by deploy/kiosk/kiosk-browser.sh (the kiosk's touch page) and
# deploy/kiosk-browser/board-browser.sh (a hall board or window sign): one page full screen in
# Chromium, started the same way on both. POSIX sh; the caller sets `set -eu`.
#
#   CHROMIUM   the browser (default /usr/bin/chromium)

chromium="${CHROMIUM:-/usr/bin/chromium}"

# onewindow_wait_for URL SECONDS: wait until URL answers, at most SECONDS (one try a second).
# What it serves may still be starting (a power cut takes everything down at once); after
# that the page is shown anyway, and it reconnects by itself.
onewindow_wait_for() {
  _ow_i=0
  while [ "$_ow_i" -lt "$2" ]; do
    if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
         "$1" 2>/dev/null; then
      break
    fi
    _ow_i=$((_ow_i + 1))
    sleep 1
  done
}

# onewindow_browser NAME DRY_RUN WAIT_URL WAIT_SECONDS [FLAG...] URL
#   Chromium in kiosk mode with the flags both share and the caller's own, on URL. DRY_RUN
#   non-empty: print the command line, one argument a line, and exit. Otherwise wait for
#   WAIT_URL, then run it with a fresh profile (named after NAME) removed on exit: no history,
#   no "restore pages?" bubble after a power cut, nothing a previous user left.
#   --autoplay-policy=no-user-gesture-required lets a page speak (the board's call-outs)
#   without anyone clicking first.
onewindow_browser() {
  _ow_name="$1" _ow_dry_run="$2" _ow_wait_url="$3" _ow_wait_seconds="$4"
  shift 4
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
    --disable-sync \
    --disable-background-networking \
    --disable-component-update \
    --check-for-update-interval=31536000 \
    --password-store=basic \
    --autoplay-policy=no-user-gesture-required \
    --lang=zh-CN \
    --ozone-platform-hint=auto \
    "$@"

  if [ -n "$_ow_dry_run" ]; then
    printf '%s\n' "$chromium" "$@"
    exit 0
  fi

  onewindow_wait_for "$_ow_wait_url" "$_ow_wait_seconds"
  profile="$(mktemp -d "${TMPDIR:-/tmp}/$_ow_name.XXXXXX")"
  trap 'rm -rf "$profile"' EXIT INT TERM
  "$chromium" --user-data-dir="$profile" "$@"
}
