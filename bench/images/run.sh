#!/usr/bin/env bash
# Side-by-side image-job benchmark: kopi vs the Python peers, on the same corpus and cores.
#
#   bench/images/run.sh [N_IMAGES] [SIZE] [WORKERS]      defaults: 2000 64x64 $(nproc)
#
# Generates (once) a `kopi sample` corpus in bench/out/corpus-N, then runs, one after another,
# each measured as a whole process with /usr/bin/time (wall time and peak RSS):
#   kopi      ./kopi images (exact full decode, bicubic)
#   classic   Pillow open/convert/resize in a ProcessPoolExecutor over batches of 1,000
#   draft     Pillow with draft() shrink-on-load and reducing_gap
#   opencv    OpenCV IMREAD_REDUCED_* + INTER_AREA (skipped if python3-opencv is missing)
# and prints a table with images/s and each one's time relative to kopi.
# Needs Debian's python3-numpy, python3-pil (and python3-opencv for the last peer):
#   apt-get install python3-numpy python3-pil python3-opencv time
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-2000}"
size="${2:-64x64}"
workers="${3:-$(nproc)}"
out="$root/bench/out"
corpus="$out/corpus-$n"
py=/usr/bin/python3
mkdir -p "$out"

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is needed (apt-get install time)" >&2
  exit 1
fi
if [ ! -d "$corpus" ]; then
  "$root/kopi" sample -o "$corpus" --n "$n" --seed 1 >/dev/null
fi
# Warm the page cache so every contender reads from memory.
cat "$corpus"/* > /dev/null

results="$out/results-$n-$size.txt"
: > "$results"
measure() { # name, command...
  local name="$1"; shift
  local log="$out/$name.log"
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$log" 2>&1 || { echo "$name failed, see $log" >&2; return; }
  read -r secs rss < "$out/$name.time"
  echo "$name $secs $rss" >> "$results"
}

measure kopi "$root/kopi" images "$corpus" -o "$out/kopi.npy" --size "$size" --workers "$workers" --no-progress
measure classic "$py" "$here/peers.py" classic "$corpus" "$out/classic.npy" "$size" "$workers"
measure draft "$py" "$here/peers.py" draft "$corpus" "$out/draft.npy" "$size" "$workers"
if "$py" -c 'import cv2' 2>/dev/null; then
  measure opencv "$py" "$here/peers.py" opencv "$corpus" "$out/opencv.npy" "$size" "$workers"
else
  echo "(opencv skipped: apt-get install python3-opencv)" >&2
fi

kopi_secs=$(awk '$1=="kopi"{print $2}' "$results")
printf '%-8s %8s %10s %10s %12s\n' tool "wall s" images/s "vs kopi" "peak RSS MB"
while read -r name secs rss; do
  awk -v n="$n" -v name="$name" -v s="$secs" -v k="$kopi_secs" -v rss="$rss" \
    'BEGIN { printf "%-8s %8.2f %10.1f %9.2fx %12.0f\n", name, s, n / s, s / k, rss / 1024 }'
done < "$results"
echo "(wall time of the whole process; 'vs kopi' > 1 means slower than kopi; $workers workers, $size, $(nproc) cores)"
