#!/usr/bin/env bash
# Rewrites every listing in docs/ from the file its marker names, so pages never drift from the code the
# test suite runs (tests/docs/check_tutorial.sh fails until this has been run).
set -euo pipefail
cd "$(dirname "$0")/.."
for page in $(find docs -name '*.md'); do
  awk '
    function emit(file,   line) { while ((getline line < file) > 0) print line; close(file) }
    match($0, /^<!-- listing: (.*) -->$/) { print; file = substr($0, 15, length($0) - 18); state = 1; next }
    state == 1 && /^```/ { print; emit(file); state = 2; next }
    state == 2 && /^```$/ { print; state = 0; next }
    state == 2 { next }
    { print }' "$page" > "$page.tmp"
  if cmp -s "$page" "$page.tmp"; then rm "$page.tmp"; else mv "$page.tmp" "$page"; echo "updated $page"; fi
done
