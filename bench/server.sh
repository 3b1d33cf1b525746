#!/usr/bin/env bash
# Starts Comptoir for the load harness on a fresh database; exec so the PID is the JVM's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
db_dir=/tmp/asbench-comptoir
rm -rf "$db_dir" && mkdir -p "$db_dir"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086
exec "$java_bin" ${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m} -jar "$here/../dist/target/comptoir.jar" \
  run --config "$here/comptoir-bench.yaml"
