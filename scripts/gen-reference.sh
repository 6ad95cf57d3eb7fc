#!/usr/bin/env bash
# Generates docs/reference/<area>.md from the public headers: each header's opening comment, then every
# `///` documentation comment with the declaration that follows it. The headers are the source of truth;
# tests/docs checks that the committed pages match them (run this after changing a header).
#   gen-reference.sh [OUT_DIR]     (default docs/reference)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/reference}
mkdir -p "$out"
declare -A titles=([autograd]="the tape: tensors, ops, backward, gradcheck"
                   [data]="data in and out: IDX files, loader, figures"
                   [nn]="modules, layers, optimizers, training, files"
                   [models]="autoencoders and the layer-wise scheduler")
for area in autograd data nn models; do
  {
    echo "# Reference: $area/ — ${titles[$area]}"
    echo
    echo "Generated from the headers by \`scripts/gen-reference.sh\`; do not edit by hand."
    for header in $(ls "$area"/*.hpp | sort); do
      echo
      echo "## \`$header\`"
      echo
      awk '
        # The opening comment block (after #pragma once), as prose.
        NR <= 3 && /^#pragma/ { next }
        !started && /^\/\/ / { sub(/^\/\/ ?/, ""); print; next }
        !started && /^\/\/$/ { print ""; next }
        { if (!started) { started = 1; print "" } }
        # A /// block, then the declaration it documents, as code.
        /^ *\/\/\// { line = $0; sub(/^ *\/\/\/ ?/, "", line); doc = doc line "\n"; want = 1; next }
        want && NF {
          decl = $0; sub(/^ +/, "", decl)
          # A template header on its own line belongs to the declaration on the next one.
          if (decl ~ /^template <.*>$/) { prefix = prefix decl " "; next }
          decl = prefix decl; prefix = ""
          gsub(/= \{\}/, "= @BRACES@", decl)  # a default argument, not a body
          sub(/ *\{.*$/, "", decl); sub(/;$/, "", decl); gsub(/@BRACES@/, "{}", decl)
          printf "```cpp\n%s\n```\n%s\n", decl, doc
          doc = ""; want = 0
        }' "$header"
    done
  } > "$out/$area.md"
done
echo "wrote $out/{autograd,data,nn,models}.md"
