#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from real pages of the shared corpus (read from
# ../shared beside the checkout; nothing of it is committed: corpus/ is ignored).
#   fuzz/seed-corpus.sh [N]   N pages per target (default 200)
set -euo pipefail
cd "$(dirname "$0")"
n="${1:-200}"
docs="${DOCS:-../../shared/corpus/graph-v1.0-2021-07}"
[ -d "$docs/api" ] || { echo "no corpus at $docs" >&2; exit 1; }

mkdir -p corpus/parse_page corpus/pipeline
# Every k-th page, so the seeds spread over the alphabet (and so over API areas).
pick() { find "$docs/$1" -name '*.md' | sort | awk -v n="$2" 'BEGIN{srand(1)} {a[NR]=$0} END{k=(NR>n)?NR/n:1; for(i=1;i<=NR && c<n;i+=k){print a[int(i)]; c++}}'; }

for page in $(pick api $((n / 2))) $(pick resources $((n / 2))); do
  cp "$page" "corpus/parse_page/$(basename "$(dirname "$page")")-$(basename "$page")"
done

# Pipeline seeds: an API page followed by the resource pages its text links to
# (at most 3), each preceded by its path line and separated by NUL bytes.
for page in $(pick api "$n"); do
  name="$(basename "$page")"
  out="corpus/pipeline/$name"
  { printf 'api/%s\n' "$name"; cat "$page"; } > "$out"
  { grep -o '\.\./resources/[A-Za-z0-9_.-]*\.md' "$page" | sort -u | head -3 || true; } | while read -r link; do
    target="$docs/resources/$(basename "$link")"
    [ -f "$target" ] || continue
    { printf '\0resources/%s\n' "$(basename "$link")"; cat "$target"; } >> "$out"
  done
done
echo "seeded $(ls corpus/parse_page | wc -l) parse_page and $(ls corpus/pipeline | wc -l) pipeline inputs"
