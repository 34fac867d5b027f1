#!/usr/bin/env bash
# The Debian packages the tests use beyond Python's, installed when missing (as root; CI runs
# this): WeasyPrint's libraries and fonts (the evidence PDFs), pdftoppm (a test looks at a page),
# Debian's Chromium (the pages' tests drive it; Playwright's own download is not reachable), and
# LibreOffice Calc without its desktop (a test opens the CSVs in a real spreadsheet).
set -euo pipefail
WITH_RECOMMENDED=(chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
ALONE=(libreoffice-calc-nogui)

missing() {
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || echo "$package"
  done
}

mapfile -t with_recommended < <(missing "${WITH_RECOMMENDED[@]}")
mapfile -t alone < <(missing "${ALONE[@]}")
if [ ${#with_recommended[@]} -eq 0 ] && [ ${#alone[@]} -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if [ ${#with_recommended[@]} -gt 0 ]; then
  apt-get install -y -q "${with_recommended[@]}"
fi
if [ ${#alone[@]} -gt 0 ]; then
  apt-get install -y -q --no-install-recommends "${alone[@]}"
fi
