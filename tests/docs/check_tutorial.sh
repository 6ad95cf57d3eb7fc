#!/usr/bin/env bash
# Keeps a tutorial true. A page marks each listing with the example it shows:
#     <!-- listing: examples/tape_basics.cpp -->
#     ```cpp
#     ...the file's exact contents...
#     ```
# (a C++ example, or a shell script that drives the aegrad command) and what running it must print:
#     <!-- output-contains: z = 23.75 -->
# This script fails when a listing differs from its file (run scripts/sync-docs.sh to refresh pages),
# when a listed example was not built, when it fails, or when its output lacks a promised line. Examples
# run on a small budget (AEGRAD_EXAMPLE_BUDGET=small) in a scratch folder.
#   check_tutorial.sh PAGE.md SOURCE_ROOT BUILD_ROOT
set -euo pipefail
page=$1 src=$(cd "$2" && pwd) build=$(cd "$3" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED ($page): $*" >&2; exit 1; }

mapfile -t listings < <(sed -n 's/^<!-- listing: \(.*\) -->$/\1/p' "$page")
((${#listings[@]} > 0)) || fail "no <!-- listing: ... --> marker"

for file in "${listings[@]}"; do
  [[ -f "$src/$file" ]] || fail "listing names $file, which does not exist"
  # The fenced block right after the marker, without its fences.
  awk -v marker="<!-- listing: $file -->" '
    $0 == marker { state = 1; next }
    state == 1 && /^```/ { state = 2; next }
    state == 2 && /^```$/ { exit }
    state == 2 { print }' "$page" > "$work/listing"
  diff -u "$src/$file" "$work/listing" > "$work/diff" || { cat "$work/diff"; fail "listing of $file differs from the file; run scripts/sync-docs.sh"; }
done

out="$work/output.txt"
: > "$out"
for file in "${listings[@]}"; do
  [[ $file == examples/*.cpp ]] || continue
  exe="$build/examples/$(basename "${file%.cpp}")"
  [[ -x $exe ]] || fail "example $exe was not built"
  (cd "$work" && AEGRAD_EXAMPLE_BUDGET=small "$exe") >> "$out" 2>&1 || { cat "$out"; fail "$file exited non-zero"; }
done
# Shell examples drive the command: $AEGRAD is the aegrad just built.
for file in "${listings[@]}"; do
  [[ $file == examples/*.sh ]] || continue
  (cd "$work" && AEGRAD="$build/cli/aegrad" AEGRAD_EXAMPLE_BUDGET=small bash "$src/$file") >> "$out" 2>&1 \
    || { cat "$out"; fail "$file exited non-zero"; }
done
cat "$out"
while IFS= read -r expected; do
  grep -qF -- "$expected" "$out" || fail "output lacks: $expected"
done < <(sed -n 's/^<!-- output-contains: \(.*\) -->$/\1/p' "$page")
echo "tutorial $(basename "$page"): listings match, examples ran, output as documented"
