#!/usr/bin/env bash
# Coverage-guided fuzzing of Comptoir's input parsers with Jazzer, for a bounded time per target.
#
#   scripts/fuzz.sh            every target, 30 s each (what .ci/run does)
#   FUZZ_SECONDS=600 scripts/fuzz.sh TransactionBodyFuzzTest    one target, longer
#
# A crash fails the run; Jazzer writes its input next to the target's kept inputs
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-…): commit it, it then runs as a
# regression test in every build. The corpus grown while fuzzing stays in .cifuzz-corpus/ (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-30}"
only="${1:-}"
# module  class#method
targets=(
  "runtime coop.comptoir.internal.appservice.TransactionBodyFuzzTest#anyBodyIsATransactionOrARefusal"
  "bots/forum coop.comptoir.bots.forum.ForumInputFuzzTest#aPostReachesMatrixOnlyAsTheAllowedHtml"
  "bots/forum coop.comptoir.bots.forum.ForumInputFuzzTest#aFeedIsReadOrRefused"
)

failed=0
for t in "${targets[@]}"; do
  module="${t%% *}"; test="${t#* }"
  [ -n "$only" ] && [[ "$test" != *"$only"* ]] && continue
  echo "== fuzzing $test for ${seconds}s" >&2
  log="$(mktemp)"
  if JAZZER_FUZZ=1 mvn -B -pl "$module" -am test-compile surefire:test@fuzz-inputs -Dtest="$test" \
      -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="${seconds}s" \
      -Djazzer.instrument='coop.comptoir.**' >"$log" 2>&1; then
    grep -E "#[0-9]+ +DONE" "$log" | tail -n 1 >&2 || true
  else
    failed=1
    grep -E "FuzzTestFindingException|Exception|crash-|ERROR\]" "$log" | head -n 20 >&2
  fi
  rm -f "$log"
done
exit "$failed"
