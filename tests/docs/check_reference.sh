#!/usr/bin/env bash
# The reference pages in docs/reference must be what scripts/gen-reference.sh makes of the headers now.
#   check_reference.sh SOURCE_ROOT
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$src/scripts/gen-reference.sh" "$work" > /dev/null
diff -ru "$src/docs/reference" "$work" || { echo "docs/reference is out of date: run scripts/gen-reference.sh" >&2; exit 1; }
echo "reference pages match the headers"
