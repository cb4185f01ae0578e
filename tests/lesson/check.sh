#!/usr/bin/env bash
# tests/lesson/check.sh — `make lesson` on a small corpus, and its output
# checked: the rows come in ladder order with transcripts falling down the
# ladder (uniform .. large; tx, the Transformer alone, stands beside it), code_bytes is equal in every row, uniform costs 8 bits a byte,
# every description length adds up, the contamination row is no shorter
# than the honest max row, both figures are well-formed XML, and the page
# fetches nothing.
#   tests/lesson/check.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
work=$(mktemp -d /tmp/sl-lesson-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "lesson check FAILED: $*" >&2; exit 1; }

# Two files: the start of Alice, and a later chapter.
mkdir "$work/corpus"
head -c 9000 corpus/alice29.txt > "$work/corpus/opening.txt"
head -c 63000 corpus/alice29.txt | tail -c 3000 > "$work/corpus/later.txt"
t0=$(date +%s.%N)
make -s --no-print-directory B="$B" lesson CORPUS="$work/corpus" LESSON_DIR="$work/out" \
  > "$work/table.txt" 2> "$work/log.txt" || { cat "$work/log.txt" >&2; fail "make lesson"; }
t1=$(date +%s.%N)
j=$work/out/lesson.json
for f in lesson.json curves.svg description-length.svg index.html; do
  [ -s "$work/out/$f" ] || fail "no $f"
done
q() { jq -e "$@" "$j" >/dev/null; }

q '.raw_bytes == 12000' || fail "raw_bytes is not 12000"
q '.baselines.gzip > 0 and .baselines.xz > 0 and .baselines.zstd > 0' || fail "baselines"
q '[.rows[].recipe] as $r | ($r | index("tiny")) < ($r | index("small")) and
   ($r | index("small")) < ($r | index("default")) and ($r | index("default")) < ($r | index("max"))' \
  || fail "rows not in ladder order: $(jq -c '[.rows[].recipe]' "$j")"
# The ladder is uniform .. large; tx, the Transformer alone, stands beside it.
q '[.rows[] | select(.recipe != "tx") | .transcript_bytes] as $t |
   all(range(1; $t | length); $t[.] < $t[. - 1])' \
  || fail "transcripts do not fall down the ladder: $(jq -c '[.rows[] | [.recipe, .transcript_bytes]]' "$j")"
q '.rows[0].code_bytes > 1000 and ([.rows[].code_bytes, .contamination.code_bytes] | unique | length == 1)' \
  || fail "code_bytes differ: $(jq -c '[.rows[].code_bytes]' "$j")"
q '[.rows[], .contamination] | all(.description_length ==
   .recipe_bytes + .code_bytes + .prior_bytes + .transcript_bytes)' || fail "a description length does not add up"
q '[.rows[] | .prior_bytes] | all(. == 0)' || fail "an honest row has a prior"
if q 'any(.rows[]; .recipe == "uniform")'; then
  q '.rows[] | select(.recipe == "uniform") | .bits_per_byte == 8' \
    || fail "uniform is $(jq '.rows[] | select(.recipe == "uniform") | .bits_per_byte' "$j") bits per byte"
else
  q '.extremes.uniform_bits_per_byte == 8 and .extremes.oracle_bits_per_byte == 0' || fail "extremes"
  echo "lesson check: no uniform preset yet; the extremes come from the equation"
fi
q '(.rows[] | select(.recipe == "max")) as $m | .contamination.recipe == "max" and
   .contamination.description_length >= $m.description_length and
   .contamination.prior_bytes == $m.transcript_bytes and
   .contamination.transcript_bytes * 10 < $m.transcript_bytes' \
  || fail "contamination row: $(jq -c .contamination "$j")"
q '.files | length == 2 and .[0].name == "corpus/later.txt" and .[1].raw_bytes == 9000' \
  || fail "files: $(jq -c '[.files[] | .name, .raw_bytes]' "$j")"

xmllint --noout "$work/out/curves.svg" "$work/out/description-length.svg" || fail "xmllint"
grep -c '<polyline' "$work/out/curves.svg" | grep -qx "$(( $(jq '.rows | length' "$j") + 1 ))" \
  || fail "curves.svg should hold one curve per row and the contamination row"
# The page inlines both figures, each well-formed on its own, and fetches nothing.
[ "$(grep -c '^<svg ' "$work/out/index.html")" = 2 ] || fail "index.html lacks a figure"
awk 'BEGIN{n=0} /^<svg /{n++; out="'"$work"'/inline" n ".svg"} out{print > out} /^<\/svg>/{out=""}' \
  "$work/out/index.html"
xmllint --noout "$work/inline1.svg" "$work/inline2.svg" || fail "an inline figure is not well-formed"
if grep -Eo '(src|href)="[a-z]+:[^"]*"|<link|<script|url\(' "$work/out/index.html"; then
  fail "index.html refers to something outside itself"
fi
grep -q 'To read aloud' "$work/out/index.html" || fail "no words to read aloud"
grep -q 'contamination' "$work/out/index.html" || fail "no contamination row"
grep -q 'max + corpus as prior' "$work/table.txt" || fail "the table lacks the contamination row"
printf 'lesson check: %d rows + contamination on 12,000 bytes in %.1f s; 1 passed, 0 failed\n' \
  "$(jq '.rows | length' "$j")" "$(echo "$t1 - $t0" | bc)"
