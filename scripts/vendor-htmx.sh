#!/usr/bin/env bash
# Vendors htmx (the npm registry's htmx.org package) into src/web/static/vendor with its licence:
# the pages load it from the app itself, never from a CDN, and nothing is built at run time.
# Run it again, with another version, to upgrade: ./scripts/vendor-htmx.sh 2.0.11
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-2.0.11}"
target=src/web/static/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@${version}" >/dev/null && tar -xzf htmx.org-*.tgz)
cp "$work/package/dist/htmx.min.js" "$target/htmx.min.js"
cp "$work/package/LICENSE" "$target/htmx.LICENSE"
echo "htmx ${version} -> $target/htmx.min.js"
