#!/usr/bin/env python3
"""Pixel agreement of each contender's array with the reference (classic Pillow), for run.sh.

For every NAME=OUT.npy given, reads OUT.npy and OUT.index.csv (kopi writes it; so does each
peer in peers.py: one row per input with a status, "ok" when it decoded) and compares, over the
rows that both the contender and the reference decoded, the mean absolute difference of all
pixels and channels, in 8-bit levels (0 = identical; 1.0 = one level off on average), over all
those rows and over the JPEG ones alone (where shrink-on-load and the decoders differ), and the
worst single image's mean. Files with an EXIF orientation other than 1 are left out of the
comparison: the classic code ignores orientation while kopi (by default), OpenCV and libvips apply
it, so those rows differ by design, not by decoding accuracy.

Prints one line per contender, `NAME OK COMPARED MAD MAD_JPEG WORST` ("-" where nothing was
compared), then a line `excluded N` with the count of rotated files left out.

Mind the reference's version: Debian 12's Pillow 9.4 opens a 16-bit grey PNG as mode "I" and
convert("RGB") clips it at 255, where kopi, OpenCV and libvips scale it to 8 bits; such images
then differ by 100+ levels and dominate the all-rows MAD (hence the JPEG-only column).

Usage: agree.py SOURCE REFERENCE.npy NAME=OUT.npy...
"""
import csv
import sys
from pathlib import Path

import numpy as np


def load(npy):
    arr = np.load(npy, mmap_mode="r")
    index = npy[:-4] + ".index.csv" if npy.endswith(".npy") else npy + ".index.csv"
    with open(index, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != arr.shape[0]:
        raise SystemExit(f"agree: {index} has {len(rows)} rows but {npy} has {arr.shape[0]}")
    sources = [r["source"] for r in rows]
    ok = np.array([r["status"] == "ok" for r in rows], bool)
    return arr, sources, ok


def headers(source, sources):
    """Per row: whether the file carries an EXIF orientation other than 1, and whether it is a
    JPEG (Pillow reads the header only, no pixels)."""
    from PIL import Image
    rotated = np.zeros(len(sources), bool)
    jpeg = np.zeros(len(sources), bool)
    for i, s in enumerate(sources):
        try:
            with Image.open(Path(source) / s) as im:
                rotated[i] = im.getexif().get(0x0112, 1) not in (0, 1)
                jpeg[i] = im.format == "JPEG"
        except Exception:
            pass
    return rotated, jpeg


def main():
    source, ref_npy, *contenders = sys.argv[1:]
    ref, ref_sources, ref_ok = load(ref_npy)
    skip, jpeg = headers(source, ref_sources)
    for spec in contenders:
        name, npy = spec.split("=", 1)
        arr, sources, ok = load(npy)
        if sources != ref_sources or arr.shape != ref.shape:
            raise SystemExit(f"agree: {npy} does not list the same inputs in the same order as "
                             f"{ref_npy} (shapes {arr.shape} and {ref.shape})")
        rows = np.flatnonzero(ok & ref_ok & ~skip)
        if len(rows) == 0:
            print(f"{name} {int(ok.sum())} 0 - - -")
            continue
        # Row by row, so that memory stays at one image pair whatever the corpus size.
        per_row = np.array([np.abs(arr[i].astype(np.int16) - ref[i].astype(np.int16)).mean()
                            for i in rows])
        on_jpeg = per_row[jpeg[rows]]
        mad_jpeg = f"{on_jpeg.mean():.3f}" if len(on_jpeg) else "-"
        print(f"{name} {int(ok.sum())} {len(rows)} {per_row.mean():.3f} {mad_jpeg} "
              f"{per_row.max():.3f}")
    print(f"excluded {int((skip & ref_ok).sum())}")


if __name__ == "__main__":
    main()
