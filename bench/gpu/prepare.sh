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
# The debugger's and dump helpers are not needed to run; xz packs the rest to about 26 MiB, which with the repository's
# tracked files (about 36 MB, the shipped datasets) stays under the 64 MiB the device tool carries.
rm -f "$out/bundle/libmscordaccore.so" "$out/bundle/libmscordbi.so" "$out/bundle/createdump"
XZ_OPT=-9 tar -C "$out" -cJf "$out/nabla-gpubench.tar.xz" bundle
rm -rf "$out/bundle"
size=$(stat -c %s "$out/nabla-gpubench.tar.xz")
echo "bench/gpu/out/nabla-gpubench.tar.xz: $((size / 1024 / 1024)) MiB"
if [ "$size" -gt $((60 * 1024 * 1024)) ]; then
  echo "The bundle exceeds 60 MiB, more than the device tool carries comfortably." >&2
  exit 1
fi
