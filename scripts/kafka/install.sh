#!/usr/bin/env bash
# Fetches Apache Kafka's server jars from Maven Central into a cache, so tests can run a real
# broker without a Kafka distribution or Docker. Idempotent: a complete cache is reused.
#
#   scripts/kafka/install.sh            # jars only
#   scripts/kafka/install.sh --kcat     # also apt-get install kcat (the third-party producer tests use)
#
# Env: SM_KAFKA_VERSION (default 4.2.0), SM_KAFKA_CACHE (default ~/.cache/sm-kafka).
# Prints the libs directory on stdout.
set -euo pipefail

version="${SM_KAFKA_VERSION:-4.2.0}"
cache="${SM_KAFKA_CACHE:-$HOME/.cache/sm-kafka}"
libs="$cache/$version/libs"
# log4j2 is Kafka 4's logging backend; without a binding the broker logs nothing useful when it fails.
log4j_version="2.24.3"

if [[ "${1:-}" == "--kcat" ]] && ! command -v kcat >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]]; then apt-get update -qq && apt-get install -y -qq kcat >&2
  else sudo apt-get update -qq && sudo apt-get install -y -qq kcat >&2; fi
fi

if [[ -f "$libs/.complete" ]]; then echo "$libs"; exit 0; fi
command -v mvn >/dev/null || { echo "install.sh: mvn not found; install Maven (apt-get install maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "install.sh: java not found; Kafka $version needs Java 17+" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A throwaway project whose only purpose is to let Maven resolve the broker's runtime classpath.
cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sm.local</groupId>
  <artifactId>kafka-libs</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$log4j_version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$log4j_version</version></dependency>
    <!-- kafka_2.13's pom names slf4j 1.7, which cannot see the slf4j2 binding above; nearest wins. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
POM
rm -rf "$libs.tmp" && mkdir -p "$libs.tmp"
(cd "$work" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs.tmp" >&2)
# Swap in whole so an interrupted download never leaves a half-filled cache that looks complete.
rm -rf "$libs" && mv "$libs.tmp" "$libs" && touch "$libs/.complete"
echo "$libs"
