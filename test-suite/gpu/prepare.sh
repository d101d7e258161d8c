#!/usr/bin/env bash
# Compiles every case of cases.txt with `tessera compile --target cuda` into gpu-artifacts/NAME/
# (on the development machine: it needs the JDK and, for PTX/cubin, nvcc). Carry the folder and
# harness.py to a machine with a GPU and PyTorch; see README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/gpu-artifacts}"
profile="${TESSERA_GPU_PROFILE:-h100}"
. "$root/scripts/find-jdk.sh"
rm -rf "$out"
mkdir -p "$out"
while read -r name file dtype rest; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  dims=()
  for tok in $rest; do
    [[ "$tok" == bench ]] && continue
    dims+=(--dim "$tok")
  done
  "$root/tessera" compile "$root/examples/$file" --target cuda --profile "$profile" --dtype "$dtype" "${dims[@]}" -o "$out/$name" > /dev/null
  echo "$name" >&2
done < "$here/cases.txt"
cp "$here/cases.txt" "$out/cases.txt"
echo "artifacts in $out" >&2
