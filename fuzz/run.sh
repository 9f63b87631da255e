#!/usr/bin/env bash
# Runs each fuzz target for a given number of seconds, one after the other
# (single process each), and prints how long each ran and how many inputs it
# executed. Needs cargo-fuzz (`cargo install cargo-fuzz`); libFuzzer needs
# nightly features, enabled on a stable toolchain with RUSTC_BOOTSTRAP=1.
#   fuzz/run.sh [SECONDS] [TARGET...]   (default: 60 seconds, both targets)
# Crashes are written to fuzz/artifacts/<target>/; logs to fuzz/logs/.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_page pipeline)
[ -d corpus/parse_page ] || ./seed-corpus.sh
mkdir -p logs
export RUSTC_BOOTSTRAP=1
# -s none: the code under test is safe Rust (no sanitizer needed; faster);
# -a: debug assertions, so integer overflows panic too. Everything is built
# first, so that edits made while the fuzzers run do not change what runs.
for target in "${targets[@]}"; do
  cargo fuzz build -s none -a "$target" || exit 2
done
bin="target/$(rustc -vV | sed -n 's/^host: //p')/release"
status=0
for target in "${targets[@]}"; do
  log="logs/$target.log"
  # Whole crates are emitted per pipeline input: shorter inputs run several times faster.
  max_len=65536
  [ "$target" = pipeline ] && max_len=16384
  mkdir -p "artifacts/$target"
  started=$(date +%s)
  "$bin/$target" -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" -max_len="$max_len" -timeout=20 \
    -rss_limit_mb=4096 -print_final_stats=1 "corpus/$target" >"$log" 2>&1
  code=$?
  ended=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  outcome="no crash"
  [ $code -eq 0 ] || { outcome="CRASH (exit $code): see $log and artifacts/$target/"; status=1; }
  echo "$target: ran $((ended - started)) s, ${runs:-?} executions, $outcome" | tee -a logs/summary.txt
done
exit $status
