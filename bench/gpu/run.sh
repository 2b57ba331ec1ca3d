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
  local tarball="$here/out/nabla-gpubench.tar.xz"
  [ -f "$tarball" ] || { echo "missing $tarball: run bench/gpu/prepare.sh here and carry bench/gpu/out"; return 1; }
  local dest=${TMPDIR:-/tmp}/nabla-gpubench
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -C "$dest" -xJf "$tarball" 2>/dev/null ||
    python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$tarball" "$dest"
  chmod +x "$dest/bundle/Nabla.GpuBench"
  bundle="$dest/bundle"
}
step unpack unpack
[ -n "$bundle" ] || bundle=${TMPDIR:-/tmp}/nabla-gpubench/bundle

# ILGPU.Algorithms' CuBlas asks for libcublas.so.12, .11 or .10. Where the machine has only a newer cuBLAS (CUDA 13's
# libcublas.so.13, e.g. from the nvidia-cublas Python package), a folder of links under the asked-for name lets it load
# it: the Sgemm entry points it calls are unchanged across these versions. Recorded in cublas.log.
cublas_links() {
  if ldconfig -p 2>/dev/null | grep -q 'libcublas\.so\.1[012] '; then echo "a libcublas.so.12/11/10 is in the loader cache"; return 0; fi
  local found
  found=$(find /usr /opt \( -name 'libcublas.so.1[0-9]*' -o -name 'libcublas.so.[0-9]' \) -not -path '/proc/*' 2>/dev/null | sort | tail -1)
  [ -n "$found" ] || { echo "no libcublas found: GEMM runs on Nabla's own kernel"; return 0; }
  local dir; dir=$(dirname "$found")
  local links=${TMPDIR:-/tmp}/nabla-cublas
  mkdir -p "$links"
  for soname in libcublas.so.12 libcublas.so.11 libcublas.so.10; do ln -sf "$found" "$links/$soname"; done
  export LD_LIBRARY_PATH="$links:$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "linked $found as libcublas.so.12/11/10 in $links; LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
}
cublas_links > "$OUT/cublas.log" 2>&1 || true
cat "$OUT/cublas.log"

# The workloads step reads the shipped datasets from the repository's data/ folder (carried with the tree): the bundle
# runs from a temporary folder, where Nabla's search from its own location would not find them.
repo_data=$(cd "$here/../.." && pwd)/data
[ -d "$repo_data/fashion-mnist" ] && export NABLA_DATA=${NABLA_DATA:-$repo_data}

if [ -x "$bundle/Nabla.GpuBench" ]; then
  # The program rewrites gpubench.json after each of its own steps, so a timeout keeps the finished ones.
  step gpubench timeout "$bench_timeout" "$bundle/Nabla.GpuBench" --out "$OUT/gpubench.json" "$@"
else
  echo "no runnable bundle; see $OUT/unpack.log"
fi
