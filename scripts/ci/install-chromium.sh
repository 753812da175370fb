#!/usr/bin/env bash
# Debian's Chromium for the docs-site browser test (playwright-core drives it; Playwright's own
# browser download is not reachable here). Idempotent: does nothing when /usr/bin/chromium exists.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
sudo=""
[[ "$(id -u)" == 0 ]] || sudo="sudo"
if [[ ! -f /tmp/.sm-apt-updated ]]; then $sudo apt-get update -qq >&2 && touch /tmp/.sm-apt-updated; fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core >&2
