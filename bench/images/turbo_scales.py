#!/usr/bin/env python3
"""libjpeg-turbo's scaled JPEG decoding through Pillow, per file, for bench/images/jpeg_scales.sh.

Each listed file is decoded from bytes in memory to RGB at 1/S of its size with
Image.draft("RGB", (w // S, h // S)) (libjpeg's scale_denom, shrink-on-load in the DCT domain),
then convert("RGB") and load(): what kopi's JpegScales does with kopi's decoder. Prints, per
scale, the best of ROUNDS rounds of process CPU time per file: "turbo 1/S MS ms/file".

Usage: turbo_scales.py LIST SCALES ROUNDS      e.g. turbo_scales.py jpegs.txt 8,4,2,1 5
"""
import io
import sys
import time

from PIL import Image


def decode(data, scale):
    with Image.open(io.BytesIO(data)) as im:
        if scale > 1:
            im.draft("RGB", (im.width // scale, im.height // scale))
        rgb = im.convert("RGB")
        rgb.load()
        return rgb.size


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    paths = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    files = [open(p, "rb").read() for p in paths]
    rounds = int(sys.argv[3])
    for scale in (int(s) for s in sys.argv[2].split(",")):
        best = float("inf")
        for _ in range(rounds):
            t0 = time.process_time()
            for data in files:
                try:
                    decode(data, scale)
                except Exception:  # a broken file costs what it costs in both tools
                    pass
            best = min(best, (time.process_time() - t0) * 1000 / len(files))
        print(f"turbo 1/{scale} {best:.3f} ms/file")


if __name__ == "__main__":
    main()
