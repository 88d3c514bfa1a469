#!/usr/bin/env bash
# System packages patnav needs beyond Python: a JRE for the Spark engine, Chromium for the
# browser tests, Poppler to render report pages, Noto CJK fonts for Chinese charts and PDFs,
# Node/npm for the web assets. Installed with apt when run as root; otherwise lists what is
# missing and carries on (install those yourself, or run `sudo make setup`).
set -uo pipefail
packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }
need python3 python3
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
need make make
need java default-jre-headless
need chromium chromium
need pdftoppm poppler-utils
need npm npm
fc-list :lang=zh 2>/dev/null | grep -qi "noto sans cjk" || packages+=(fonts-noto-cjk)
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  echo "installing system packages: ${packages[*]}"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || echo "warning: apt-get could not install ${packages[*]}" >&2
else
  echo "warning: missing system packages (install them as root): ${packages[*]}" >&2
fi
exit 0
