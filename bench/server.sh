#!/usr/bin/env bash
# Starts Comptoir for the load harness on a fresh database; exec so the PID is the JVM's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
db_dir=/tmp/asbench-comptoir
rm -rf "$db_dir" && mkdir -p "$db_dir"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$here/../dist/target/comptoir.jar"
# The options ./comptoir run uses (config/jvm.options and the class data sharing archive), unless
# BENCH_JAVA_OPTS is set.
. "$here/../dist/src/deb/jvm-options.sh"
opts="${BENCH_JAVA_OPTS:-$(comptoir_jvm_options "$here/../config/jvm.options" "$java_bin" "$here/../dist/target" "$jar" run)}"
# shellcheck disable=SC2086
exec "$java_bin" $opts -jar "$jar" run --config "$here/comptoir-bench.yaml"
