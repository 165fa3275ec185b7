#!/usr/bin/env bash
# Rebuild course_app/static/dkfds/ from the dkfds version pinned in package.json + package-lock.json.
#
#   tools/build_static.sh            rewrite course_app/static/dkfds/ (commit the result)
#   tools/build_static.sh DIR        write the same files into DIR instead (CI compares DIR with the tree)
#
# Runs `npm ci` in a temporary folder (no node_modules/ in the checkout) and copies from
# node_modules/dkfds/dist: the minified CSS, every font and image file the CSS refers to, the icon sprite,
# and the licence texts (DKFDS: MIT; IBM Plex Sans: OFL-1.1; icons: Apache-2.0, listed in LICENSE.md).
# No DKFDS JavaScript is shipped: every page works without it (docs/frontend.md).
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:-$checkout/course_app/static/dkfds}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$checkout/package.json" "$checkout/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
dist="$work/node_modules/dkfds/dist"

rm -rf "$target"
mkdir -p "$target/css" "$target/img"
cp "$dist/css/dkfds.min.css" "$target/css/"
# Every url(../...) in the stylesheet: fonts, icons, placeholder logos. Paths stay as in dist/.
grep -o 'url([^)]*)' "$dist/css/dkfds.min.css" | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" -e 's/[?#].*//' \
  | grep '^\.\./' | sort -u | while read -r ref; do
  rel="${ref#../}"
  mkdir -p "$target/$(dirname "$rel")"
  cp "$dist/$rel" "$target/$rel"
done
cp "$dist/img/all-svg-icons.svg" "$target/img/"
# Licences beside the files they cover.
cp "$dist/LICENSE.md" "$target/LICENSE.md"
for fonts in "$target"/fonts/IBMPlexSans/complete/*/; do
  cp "$dist/fonts/IBMPlexSans/complete/$(basename "$fonts")/license.txt" "$fonts/license.txt"
done
version="$(node -p "require('$work/node_modules/dkfds/package.json').version")"
printf 'dkfds %s (npm), copied by tools/build_static.sh from node_modules/dkfds/dist.\n' "$version" >"$target/VERSION.txt"
