#!/usr/bin/env bash
# kopi's JPEG decoder against libjpeg-turbo (through Pillow's draft()), per file, at each scale,
# on the JPEGs of a `kopi sample` corpus, sequential and progressive files apart.
#
#   bench/images/jpeg_scales.sh [N_IMAGES] [ROUNDS]      defaults: 2000 8
#
# Uses the corpus bench/images/run.sh uses (bench/out/corpus-N, made by corpus.sh if missing),
# splits its .jpg files by Pillow's "progressive" flag, and runs on one thread, one tool after
# the other:
#   kopi   dev.kopi.bench.JpegScales (kopi-bench): ImageDecoder.decode at 1/8, 1/4, 1/2, 1/1
#   turbo  turbo_scales.py: Image.draft("RGB", (w/S, h/S)), convert("RGB"), load()
# each reporting the best of ROUNDS rounds of CPU time per file (the machine is shared; the best
# round is what the decoder costs). Both include parsing the headers and colour conversion, and
# neither includes reading the files (they are in memory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-2000}"
rounds="${2:-8}"
out="$root/bench/out"
py=/usr/bin/python3
if ! "$py" -c 'import PIL' 2>/dev/null; then
  echo "bench: $py needs Pillow (apt-get install python3-pil)" >&2
  exit 1
fi
# shellcheck source=bench/images/corpus.sh
. "$here/corpus.sh"
corpus="$(bench_corpus "$root" "$n")"
"$root/build" -q -pl kopi-bench -am package -DskipTests -Dkopi.fuzz.skip > /dev/null
"$py" - "$corpus" "$out/jpeg-sequential.txt" "$out/jpeg-progressive.txt" <<'EOF'
import sys
from pathlib import Path
from PIL import Image
seq, prog = [], []
for p in sorted(Path(sys.argv[1]).glob("*.jpg")):
    try:
        with Image.open(p) as im:
            (prog if im.info.get("progressive") or im.info.get("progression") else seq).append(str(p))
    except Exception:
        seq.append(str(p))  # broken files stay in: each tool pays for finding out
Path(sys.argv[2]).write_text("".join(s + "\n" for s in seq))
Path(sys.argv[3]).write_text("".join(s + "\n" for s in prog))
print(f"{len(seq)} sequential, {len(prog)} progressive JPEGs in {sys.argv[1]}")
EOF
# shellcheck source=bin/jdk.sh
. "$root/bin/jdk.sh"
java="$(kopi_find_jdk)/bin/java"
for kind in sequential progressive; do
  list="$out/jpeg-$kind.txt"
  echo "== $kind"
  "$java" -XX:+UseSerialGC -cp "$root/kopi-bench/target/benchmarks.jar" dev.kopi.bench.JpegScales \
    "$list" 8,4,2,1 "$rounds"
  "$py" "$here/turbo_scales.py" "$list" 8,4,2,1 "$rounds"
done
