#!/usr/bin/env bash
# Vendors ReplayWeb.page from its npm package into claims/vendor/replaywebpage, so that replay works offline and
# the desk serves it from its replay origin (claims/replay_http.py). Run it to move to another version, then commit
# the files it wrote. Usage: tools/vendor_replay.sh [VERSION]   (default: the pinned one below)
set -euo pipefail

VERSION="${1:-2.5.3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$ROOT/claims/vendor/replaywebpage"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "replaywebpage@$VERSION" >/dev/null
tar -xzf "replaywebpage-$VERSION.tgz"

rm -rf "$TARGET"
mkdir -p "$TARGET/adblock"
# ui.js (the app and its web components) and sw.js (the service worker that replays) are all ReplayWeb.page
# loads; the ad-block rules are fetched only when asked for. Flash (ruffle) is not in the package: not served.
cp package/ui.js package/sw.js package/LICENSE "$TARGET/"
cp package/adblock/adblock.gz "$TARGET/adblock/"
printf 'replaywebpage %s (npm), AGPL-3.0-or-later: see LICENSE. Written by tools/vendor_replay.sh.\n' \
  "$VERSION" >"$TARGET/VERSION"
du -sh "$TARGET"
