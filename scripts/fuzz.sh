#!/usr/bin/env bash
# Coverage-guided fuzzing of Comptoir's input parsers with Jazzer, for a bounded time per target.
#
#   scripts/fuzz.sh                                   every target, 20 s each (what .ci/run does)
#   FUZZ_SECONDS=600 scripts/fuzz.sh ConfigLoader     the targets whose name holds "ConfigLoader", longer
#   FUZZ_COMPILE=no scripts/fuzz.sh …                 without compiling first (already done)
#
# The modules are compiled once (one Maven invocation); then each target runs in its own Maven
# invocation (Jazzer fuzzes one target per JVM) that compiles nothing: main compilation, resources
# and the enforcer are skipped. It keeps -am only so that Maven takes the sibling modules' classes
# from their target/ folders, not from snapshots in ~/.m2.
#
# A target's @Timeout is its limit for one input: Jazzer hands it to libFuzzer (a slower input is a
# finding), while JUnit's own timeout, which would count the whole fuzzing run, is disabled here.
#
# A crash fails the run; Jazzer writes its input next to the target's kept inputs
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-…): commit it, it then runs as a
# regression test in every build. The corpus grown while fuzzing stays in .cifuzz-corpus/ (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
only="${1:-}"
# module  class#method
all=(
  "runtime coop.comptoir.internal.appservice.TransactionBodyFuzzTest#anyBodyIsATransactionOrARefusal"
  "runtime coop.comptoir.internal.config.ConfigLoaderFuzzTest#anyYamlIsAConfigOrProblemsWithKeyPaths"
  "bots/forum coop.comptoir.bots.forum.ForumInputFuzzTest#aPostReachesMatrixOnlyAsTheAllowedHtml"
  "bots/forum coop.comptoir.bots.forum.ForumInputFuzzTest#aFeedIsReadOrRefused"
  "bots/shifts coop.comptoir.bots.shifts.source.ShiftSourceFuzzTest#anyCalendarGivesShiftsOrARefusal"
  "bots/shifts coop.comptoir.bots.shifts.source.ShiftSourceFuzzTest#anyOdooAnswerGivesShiftsOrARefusal"
  "bridges/discord coop.comptoir.bridge.discord.format.DiscordFormatFuzzTest#anyTextCrossesSafelyBothWays"
  "bridges/rocketchat coop.comptoir.bridge.rocketchat.format.RocketTextFuzzTest#anyTextCrossesSafelyBothWays"
)
targets=()
modules=()
for t in "${all[@]}"; do
  [ -n "$only" ] && [[ "${t#* }" != *"$only"* ]] && continue
  targets+=("$t")
  module="${t%% *}"
  [[ " ${modules[*]-} " == *" $module "* ]] || modules+=("$module")
done
[ "${#targets[@]}" -gt 0 ] || { echo "no fuzz target matches \"$only\"" >&2; exit 2; }

start=$SECONDS
if [ "${FUZZ_COMPILE:-yes}" != "no" ]; then
  echo "== compiling $(IFS=,; echo "${modules[*]}") and what they need" >&2
  mvn -B -q -o test-compile -pl "$(IFS=,; echo "${modules[*]}")" -am
fi

failed=0
for t in "${targets[@]}"; do
  module="${t%% *}"; test="${t#* }"
  echo "== fuzzing $test for ${seconds}s" >&2
  log="$(mktemp)"
  began=$SECONDS
  if JAZZER_FUZZ=1 mvn -B -o -pl "$module" -am test-compile surefire:test@fuzz-inputs -Dtest="$test" \
      -Dmaven.main.skip=true -Dmaven.resources.skip=true -Denforcer.skip=true \
      -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="${seconds}s" \
      -Djunit.jupiter.execution.timeout.mode=disabled \
      -Djazzer.instrument='coop.comptoir.**' >"$log" 2>&1; then
    corpus="$module/.cifuzz-corpus/${test%%#*}/${test#*#}"
    echo "   no finding; $((SECONDS - began)) s in all, corpus $(find "$corpus" -type f 2>/dev/null | wc -l) inputs" >&2
  else
    failed=1
    grep -E "FuzzTestFindingException|Exception|crash-|ERROR\]" "$log" | head -n 20 >&2
  fi
  rm -f "$log"
done
echo "== fuzzing took $((SECONDS - start)) s for ${#targets[@]} targets" >&2
exit "$failed"
