#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: runs the prepared GPU bundle (bench/gpu/prepare.sh, carried in bench/gpu/out) and
# writes JSON to $OUT (default bench/gpu/results). Needs no .NET SDK and no network. Every step is timed and fail-soft:
# a failing step is recorded in $OUT/run.json and the next one runs, so run.json is always written.
#
#   bash bench/gpu/run.sh [extra Nabla.GpuBench arguments, e.g. --quick or --only sgemm,bandwidth]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$here/results}
mkdir -p "$OUT"
bench_timeout=${BENCH_TIMEOUT:-480}
steps_json=""

# step NAME COMMAND...: runs the command with its output in $OUT/NAME.log, records rc and seconds, never fails the script.
step() {
  local name=$1
  shift
  local start end rc=0
  start=$(date +%s.%N)
  "$@" >"$OUT/$name.log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  echo "step $name: rc=$rc, ${secs}s"
  steps_json="$steps_json${steps_json:+,}\"$name\":{\"rc\":$rc,\"seconds\":$secs}"
}

write_summary() {
  printf '{"script":"bench/gpu/run.sh","finished_utc":"%s","out":"%s","steps":{%s}}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$OUT" "$steps_json" >"$OUT/run.json"
}
trap write_summary EXIT

gpu_info() {
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm --format=csv
    nvidia-smi
  else
    echo "nvidia-smi not found"
  fi
  ls -l /usr/lib/x86_64-linux-gnu/libcuda.so* /usr/lib64/libcuda.so* 2>/dev/null || true
  ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libcublas\.so' || echo "no libcuda/libcublas in the loader cache"
}
step gpu_info gpu_info

bundle=""
unpack() {
  if [ -x "$here/out/bundle/Nabla.GpuBench" ]; then
    bundle="$here/out/bundle"
    return 0
  fi
  local tarball="$here/out/nabla-gpubench.tar.gz"
  [ -f "$tarball" ] || { echo "missing $tarball: run bench/gpu/prepare.sh here and carry bench/gpu/out"; return 1; }
  local dest=${TMPDIR:-/tmp}/nabla-gpubench
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -C "$dest" -xzf "$tarball"
  bundle="$dest/bundle"
}
step unpack unpack
[ -n "$bundle" ] || bundle=${TMPDIR:-/tmp}/nabla-gpubench/bundle

if [ -x "$bundle/Nabla.GpuBench" ]; then
  # The program rewrites gpubench.json after each of its own steps, so a timeout keeps the finished ones.
  step gpubench timeout "$bench_timeout" "$bundle/Nabla.GpuBench" --out "$OUT/gpubench.json" "$@"
else
  echo "no runnable bundle; see $OUT/unpack.log"
fi
