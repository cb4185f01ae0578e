#!/usr/bin/env bash
# tests/tally.sh — `make test`'s bookkeeping: run one suite, let its output
# through, and add what it counted to a results file; at the end, one line.
#   tests/tally.sh RESULTS CMD [ARG...]    run CMD; a Criterion binary's
#       "Synthesis" line gives its counts, any other command counts as one
#       test, passed when it exits 0
#   tests/tally.sh --summary RESULTS       print the failed suites and
#       "N passed, M failed"; exit 1 if any failed
set -uo pipefail
if [ "$1" = --summary ]; then
  results=$2
  awk '$3 > 0 { printf "FAILED: %s (%d failed)\n", $1, $3 }
       { p += $2; f += $3 } END { printf "%d passed, %d failed\n", p, f; exit f > 0 }' \
    "$results"
  exit
fi
results=$1; shift
label=${TALLY_LABEL:-$(basename "$1")}
out=$(mktemp)
echo "== $label"
t0=$(date +%s)
timeout 900 "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
echo "   ($label: $(( $(date +%s) - t0 )) s)"
line=$(grep -a 'Synthesis: Tested:' "$out" | tail -1)
rm -f "$out"
if [ -n "$line" ]; then
  passed=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$line")
  failed=$(sed -E 's/.*Failing: ([0-9]+) \| Crashing: ([0-9]+).*/\1 \2/' <<<"$line" | awk '{print $1 + $2}')
  [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1   # it died after its summary
elif [ "$rc" -eq 0 ]; then passed=1 failed=0
else passed=0 failed=1
fi
echo "$label $passed $failed" >> "$results"
