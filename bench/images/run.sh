#!/usr/bin/env bash
# Side-by-side image-job benchmark: kopi vs the Python peers, on the same corpus and cores.
#
#   bench/images/run.sh [N_IMAGES] [SIZE] [WORKERS] [ROUNDS]      defaults: 2000 64x64 $(nproc) 1
#
# Generates (once) a `kopi sample` corpus in bench/out/corpus-N, then runs, one after another, in
# each of ROUNDS rounds (the same order every round, so that a noisy spell of a shared machine hits
# every contender alike), each measured as a whole process with /usr/bin/time (wall time and peak
# RSS), each writing one (N, H, W, 3) uint8 array in input order (failed items as zero rows) and
# an index of which rows decoded:
#   kopi        ./kopi images (default: JPEG shrink-on-load in kopi's decoder, bicubic)
#   kopi-exact  ./kopi images --exact (every image decoded at full size: Pillow's exact pixels)
#   classic     Pillow open/convert/resize in a ProcessPoolExecutor (about 8 tasks a worker)
#   draft       Pillow with draft() shrink-on-load and reducing_gap
#   opencv      OpenCV IMREAD_REDUCED_* + INTER_AREA        (skipped if python3-opencv is missing)
#   vips        libvips thumbnail, size=force, sRGB          (skipped if gir1.2-vips-8.0 is missing)
# (peers.py says exactly what each peer does.) Then agree.py compares every array with classic
# Pillow's, over the rows both decoded (EXIF-rotated files left out), and the script prints one
# table: images/s, time relative to kopi, peak RSS, rows decoded, mean absolute pixel difference
# to classic Pillow (all rows and JPEG rows); and the issue's two ratios: kopi (default) against
# classic Pillow and against the fastest peer. With more than one round, each time is the median
# of the rounds and a second table gives every round's wall times.
#
# Needs /usr/bin/python3 with Debian's packages (and `time`):
#   apt-get install time python3-numpy python3-pil python3-opencv python3-gi gir1.2-vips-8.0
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-2000}"
size="${2:-64x64}"
workers="${3:-$(nproc)}"
rounds="${4:-1}"
case "$rounds" in
  '' | *[!0-9]* | 0)
    echo "bench: ROUNDS must be a whole number >= 1, but it was '$rounds'" >&2
    exit 2
    ;;
esac
out="$root/bench/out"
py=/usr/bin/python3
# shellcheck source=bench/images/corpus.sh
. "$here/corpus.sh"

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is needed (apt-get install time)" >&2
  exit 1
fi
if ! "$py" -c 'import numpy, PIL' 2>/dev/null; then
  echo "bench: $py needs numpy and Pillow (apt-get install python3-numpy python3-pil)" >&2
  exit 1
fi
corpus="$(bench_corpus "$root" "$n")"
# Warm the page cache so every contender reads from memory.
cat "$corpus"/* > /dev/null

results="$out/results-$n-$size.txt"
agreement="$out/agreement-$n-$size.txt"
: > "$results"
measure() { # name, command...
  local name="$1"; shift
  local log="$out/$name.log"
  rm -f "$out/$name.npy" "$out/$name.index.csv"
  echo "bench: $name (round $round of $rounds) ..." >&2
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$log" 2>&1 || { echo "bench: $name failed, see $log" >&2; return 0; }
  # The launcher rebuilds when a source is newer than its jar: a source edited during the
  # benchmark would put a build inside this timed run.
  if grep -q '^kopi: \(building\|preparing a start-up cache\)' "$log"; then
    echo "bench: $name rebuilt kopi inside its timed run (a source changed during the benchmark);" \
      "its time is void: rerun without editing sources" >&2
    exit 1
  fi
  read -r secs rss < "$out/$name.time"
  echo "$name $secs $rss" >> "$results"
}

kopi=("$root/kopi" images "$corpus" --size "$size" --workers "$workers" --no-progress)
has_cv=0
if "$py" -c 'import cv2' 2>/dev/null; then
  has_cv=1
else
  echo "bench: (opencv skipped: apt-get install python3-opencv)" >&2
fi
has_vips=0
if "$py" -c 'import gi; gi.require_version("Vips", "8.0"); from gi.repository import Vips' 2>/dev/null; then
  has_vips=1
else
  echo "bench: (vips skipped: apt-get install python3-gi gir1.2-vips-8.0)" >&2
fi
for round in $(seq "$rounds"); do
  measure kopi "${kopi[@]}" -o "$out/kopi.npy"
  measure kopi-exact "${kopi[@]}" -o "$out/kopi-exact.npy" --exact
  measure classic "$py" "$here/peers.py" classic "$corpus" "$out/classic.npy" "$size" "$workers"
  measure draft "$py" "$here/peers.py" draft "$corpus" "$out/draft.npy" "$size" "$workers"
  if [ "$has_cv" = 1 ]; then
    measure opencv "$py" "$here/peers.py" opencv "$corpus" "$out/opencv.npy" "$size" "$workers"
  fi
  if [ "$has_vips" = 1 ]; then
    measure vips "$py" "$here/peers.py" vips "$corpus" "$out/vips.npy" "$size" "$workers"
  fi
done

# Pixel agreement with classic Pillow (needs its array; the table shows "-" without it).
: > "$agreement"
if grep -q '^classic ' "$results"; then
  specs=()
  while read -r name; do specs+=("$name=$out/$name.npy"); done < <(awk '!seen[$1]++ { print $1 }' "$results")
  "$py" "$here/agree.py" "$corpus" "$out/classic.npy" "${specs[@]}" > "$agreement" \
    || echo "bench: agree.py failed; the table has no pixel agreement" >&2
fi

awk -v n="$n" -v workers="$workers" -v size="$size" -v cores="$(nproc)" -v rounds="$rounds" '
  function median(name,   k, i, j, t, v) {
    k = count[name]
    for (i = 1; i <= k; i++) v[i] = all[name, i]
    for (i = 2; i <= k; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  }
  FILENAME == ARGV[1] { ok[$1] = $2; cmp[$1] = $3; mad[$1] = $4; madj[$1] = $5; worst[$1] = $6;
              if ($1 == "excluded") excluded = $2; next }
  { if (!($1 in count)) name[++rows] = $1
    all[$1, ++count[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3 }
  END {
    for (i = 1; i <= rows; i++) secs[name[i]] = median(name[i])
    k = secs["kopi"]
    printf "%-10s %8s %9s %8s %8s %6s %8s %7s %8s %7s\n", "tool", "wall s", "images/s", "vs kopi",
      "RSS MB", "ok", "compared", "MAD", "MAD jpg", "worst"
    for (i = 1; i <= rows; i++) {
      t = name[i]
      printf "%-10s %8.2f %9.1f %7s %8.0f %6s %8s %7s %8s %7s\n", t, secs[t], n / secs[t],
        (k ? sprintf("%.2fx", secs[t] / k) : "-"), rss[t] / 1024,
        (t in ok ? ok[t] : "-"), (t in cmp ? cmp[t] : "-"), (t in mad ? mad[t] : "-"),
        (t in madj ? madj[t] : "-"), (t in worst ? worst[t] : "-")
      if (t != "kopi" && t != "kopi-exact" && (fastest == "" || secs[t] < secs[fastest])) fastest = t
    }
    printf "(whole process wall time, page cache warm; %s workers, %s, %d cores, %d images",
      workers, size, cores, n
    printf (rounds > 1 ? "; median of %d rounds, largest peak RSS)\n" : ")\n"), rounds
    printf "(vs kopi: time relative to kopi (default), > 1 = slower than kopi; MAD: mean |difference| to\n"
    printf " classic Pillow in 8-bit levels over the rows both decoded, %s EXIF-rotated files left out;\n",
      (excluded == "" ? "no" : excluded)
    printf " MAD jpg: JPEG rows only; worst: the largest one-image MAD)\n"
    if (rounds > 1) {
      printf "wall s per round:\n"
      for (i = 1; i <= rows; i++) {
        t = name[i]; line = sprintf("  %-10s", t)
        for (j = 1; j <= count[t]; j++) line = line sprintf(" %7.2f", all[t, j])
        print line
      }
    }
    if (k && ("classic" in secs))
      printf "goal: kopi (default) runs at %.2fx the images/s of classic Pillow (issue 4: >= 3.00)\n",
        secs["classic"] / k
    if (secs["kopi-exact"] && ("classic" in secs))
      printf "goal: kopi --exact runs at %.2fx the images/s of classic Pillow (issue 3: >= 1.00, no slower)\n",
        secs["classic"] / secs["kopi-exact"]
    if (k && fastest != "")
      printf "goal: kopi (default) runs at %.2fx the images/s of the fastest peer, %s (issue 4: >= 1.20)\n",
        secs[fastest] / k, fastest
    if (("kopi" in madj) && fastest != "" && (fastest in madj))
      printf "goal: JPEG pixel agreement with classic Pillow (MAD, lower is closer): kopi %s, %s %s\n",
        madj["kopi"], fastest, madj[fastest]
  }' "$agreement" "$results"
