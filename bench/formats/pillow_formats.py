#!/usr/bin/python3
"""Pillow's time per image for the lists FormatBench.java measures: decode from memory to RGB
(Image.open(BytesIO).convert("RGB")), at full size and reduced to about 64 px (then
.reduce(min(w, h) // 64)), the median of ROUNDS rounds.

usage: /usr/bin/python3 bench/formats/pillow_formats.py ROUNDS LIST...
"""
import io
import sys
import time

from PIL import Image

rounds = int(sys.argv[1])
for name in sys.argv[2:]:
    files = [open(p, "rb").read() for p in open(name).read().split()]
    for small in (False, True):
        ms = []
        for _ in range(rounds):
            t = time.perf_counter()
            for f in files:
                im = Image.open(io.BytesIO(f)).convert("RGB")
                k = max(1, min(im.size) // 64)
                if small and k > 1:
                    im = im.reduce(k)
            ms.append((time.perf_counter() - t) * 1000 / len(files))
        ms.sort()
        print("%-14s Pillow %.3f ms/image" % (name.split("/")[-1] + (" ~64px" if small else " full"), ms[len(ms) // 2]))
