#!/usr/bin/env bash
# Builds what bench/gpu/run.sh needs on the GPU machine, which has no network and maybe no .NET SDK: a self-contained
# linux-x64 publish of bench/Nabla.GpuBench (the .NET runtime included), packed as out/nabla-gpubench.tar.gz.
# Run it here, then carry bench/gpu/out to the device (the `run` tool's carry: ["bench/gpu/out"]).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/gpu/out
rm -rf "$out"
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Untrimmed on purpose: ILGPU finds intrinsics (MathF, Math) and emits launchers by reflection, which trimming breaks.
dotnet publish bench/Nabla.GpuBench -c Release -r linux-x64 --self-contained true \
  -p:DebugType=none -p:GenerateDocumentationFile=false -o "$out/bundle"
tar -C "$out" -czf "$out/nabla-gpubench.tar.gz" bundle
rm -rf "$out/bundle"
size=$(stat -c %s "$out/nabla-gpubench.tar.gz")
echo "bench/gpu/out/nabla-gpubench.tar.gz: $((size / 1024 / 1024)) MiB"
if [ "$size" -gt $((60 * 1024 * 1024)) ]; then
  echo "The bundle exceeds 60 MiB, more than the device tool carries comfortably." >&2
  exit 1
fi
