#!/usr/bin/env bash
# Installs what the test suite needs beyond node_modules, idempotently: Java and Maven for the
# Kafka test broker, the broker's jars from Maven Central, kcat, and whatever each
# scripts/ci/install-*.sh adds (Chromium for the docs page, an Airflow venv, ...).
# Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

apt_install() {
  local sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  if [[ ! -f /tmp/.sm-apt-updated ]]; then $sudo apt-get update -qq >&2 && touch /tmp/.sm-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}

command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
command -v mvn >/dev/null 2>&1 || apt_install maven
command -v kcat >/dev/null 2>&1 || apt_install kcat
bash scripts/kafka/install.sh >/dev/null

for s in scripts/ci/install-*.sh; do
  [[ -e "$s" ]] || continue
  echo "prepare: $s" >&2
  bash "$s"
done
