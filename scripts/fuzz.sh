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
# A finding fails the run; Jazzer writes its input next to the target's kept inputs
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-…): fix the cause and commit the input,
# it then runs as a regression test in every build. The corpus grown while fuzzing stays in
# .cifuzz-corpus/ (ignored).
#
#   FUZZ_FINDINGS=report scripts/fuzz.sh              what .ci/run does: a finding is reported, its
#                                                     input moved to target/fuzz-findings/, and the
#                                                     run still succeeds
#
# Why CI only reports: fuzzing is a random search (Jazzer's runs are not reproducible even with a
# fixed seed: coverage IDs depend on class-loading order), so a gate on it would make a commit's
# status a matter of luck. What gates every build is the replay of every kept input and past
# finding (the fuzz-inputs test execution); a new finding becomes one of those with its fix.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
findings_mode="${FUZZ_FINDINGS:-fail}"
case "$findings_mode" in fail|report) ;; *) echo "FUZZ_FINDINGS must be fail or report, not \"$findings_mode\"" >&2; exit 2 ;; esac
found=()
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
  class="${test%%#*}"; method="${test#*#}"
  inputs="$module/src/test/resources/$(dirname "${class//.//}")/$(basename "${class//.//}")Inputs/$method"
  before="$(ls "$inputs" 2>/dev/null | grep '^crash-' || true)"
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
    grep -a -E "FuzzTestFindingException|Exception|crash-|ERROR\]" "$log" | head -n 20 >&2
    new_inputs="$(comm -13 <(printf '%s\n' "$before" | sort) <(ls "$inputs" 2>/dev/null | grep '^crash-' | sort) || true)"
    if [ "$findings_mode" = report ] && [ -n "$new_inputs" ]; then
      kept="target/fuzz-findings/$method"
      mkdir -p "$kept"
      for f in $new_inputs; do mv "$inputs/$f" "$kept/"; found+=("$kept/$f ($test)"); done
      echo "   FINDING (reported, not failing the run): input moved to $kept/" >&2
    else
      failed=1
    fi
  fi
  rm -f "$log"
done
echo "== fuzzing took $((SECONDS - start)) s for ${#targets[@]} targets" >&2
if [ "${#found[@]}" -gt 0 ]; then
  echo "== FUZZING FOUND ${#found[@]} NEW INPUT(S), to fix and keep as regression inputs:" >&2
  printf '   %s\n' "${found[@]}" >&2
fi
exit "$failed"
