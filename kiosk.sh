#!/usr/bin/env bash
# One script, two verbs, on a fresh Debian 12 machine with Python 3.11:
#   ./kiosk.sh run    set everything up, then run the kiosk (Xvfb when there is no display)
#   ./kiosk.sh test   set everything up, then run the whole test suite headless
# Set-up is idempotent: Debian packages are installed only when missing, the virtual
# environment only when requirements changed.
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PYTHON_BIN=${PYTHON:-python3}
# What Kivy needs to render (Mesa GL/EGL, the X libraries SDL loads), Xvfb for a virtual
# screen, a CJK font Kivy draws Chinese with, espeak-ng for voice prompts.
DEBIAN_PACKAGES=(
  xvfb xauth xdotool
  libgl1 libglx-mesa0 libgl1-mesa-dri libegl1 libegl-mesa0
  libxcursor1 libxi6 libxrandr2 libxss1 libxxf86vm1 libmtdev1
  fonts-wqy-microhei espeak-ng
  # A C compiler: the tests build a stand-in vendor WLT decoder library to load through ctypes.
  gcc libc6-dev
  # libusb for USB receipt printers (pyusb).
  libusb-1.0-0
  # Headless Chromium and its WebDriver: the hall dashboard is tested in a real browser.
  chromium chromium-driver
  # PostgreSQL (initdb, pg_ctl): the back-end tests run a second time on a throwaway cluster.
  postgresql
)

say() { printf '[kiosk.sh] %s\n' "$*" >&2; }

install_debian_packages() {
  local missing=()
  if ! "$PYTHON_BIN" -c "import ensurepip, venv" 2>/dev/null; then
    missing+=(python3-venv)
  fi
  for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
  local stamp="$VENV/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  say "setting up the virtual environment in $VENV"
  [ -x "$VENV/bin/python" ] || "$PYTHON_BIN" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -r requirements-dev.txt
  rm -f "$VENV"/.installed-*
  touch "$stamp"
}

setup() {
  install_debian_packages
  install_python_packages
}

run_kiosk() {
  setup
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    say "no display found: running the kiosk on a virtual screen (Xvfb); nothing will be visible"
    exec xvfb-run -a -s "-screen 0 1080x1920x24" "$VENV/bin/python" main.py "$@"
  fi
  exec "$VENV/bin/python" main.py "$@"
}

run_tests() {
  setup
  # Tests render through SDL's offscreen driver (no X server needed); see tests/conftest.py.
  local status=0
  SDL_VIDEODRIVER=offscreen "$VENV/bin/python" -m pytest "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    say "pytest collected no tests: that is a failure"
    return 1
  fi
  if [ $# -eq 0 ]; then
    # The whole suite ran on SQLite; the back end's tests run again on PostgreSQL, each back end
    # in its own database of a throwaway cluster started and stopped by the tests (tests/backend/storage/engine.py).
    say "back-end tests again on PostgreSQL"
    local pg_status=0
    KIOSK_TEST_DATABASE=postgresql SDL_VIDEODRIVER=offscreen "$VENV/bin/python" -m pytest tests/backend || pg_status=$?
    [ "$status" -ne 0 ] || status=$pg_status
  fi
  return "$status"
}

case "${1:-}" in
  run) shift; run_kiosk "$@" ;;
  test) shift; run_tests "$@" ;;
  setup) setup ;;
  *) echo "usage: ./kiosk.sh run|test|setup [arguments]" >&2; exit 2 ;;
esac
