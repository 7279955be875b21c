#!/usr/bin/env python3
"""The Python peers of `kopi images`, for bench/images/run.sh.

Each turns every image under SOURCE (sorted, same extensions as kopi) into one uint8 array
(N, H, W, 3) in OUT.npy, failed items as zero rows, on WORKERS processes:

  classic   Image.open(p).convert("RGB").resize(size) in a ProcessPoolExecutor over batches
            of 1,000 paths: the code people write.
  draft     the same with Image.draft("RGB", size) first (JPEG shrink-on-load in libjpeg) and
            resize(size, reducing_gap=3.0) (Pillow's reduce() before the filter).
  opencv    cv2.imread with IMREAD_REDUCED_COLOR_{2,4,8} chosen from the header size, then
            cv2.resize(INTER_AREA), BGR to RGB.

Usage: peers.py MODE SOURCE OUT.npy WxH WORKERS
"""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

EXTS = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
BATCH = 1000


def list_images(source):
    return [str(p) for p in sorted(Path(source).rglob("*"))
            if p.suffix.lower() in EXTS and not p.name.startswith(".")]


def classic(paths, size):
    from PIL import Image
    out = np.zeros((len(paths), size[1], size[0], 3), np.uint8)
    for i, p in enumerate(paths):
        try:
            with Image.open(p) as im:
                out[i] = np.asarray(im.convert("RGB").resize(size))
        except Exception:
            pass
    return out


def draft(paths, size):
    from PIL import Image
    out = np.zeros((len(paths), size[1], size[0], 3), np.uint8)
    for i, p in enumerate(paths):
        try:
            with Image.open(p) as im:
                im.draft("RGB", size)
                out[i] = np.asarray(im.convert("RGB").resize(size, reducing_gap=3.0))
        except Exception:
            pass
    return out


def opencv(paths, size):
    import cv2
    from PIL import Image
    cv2.setNumThreads(1)
    out = np.zeros((len(paths), size[1], size[0], 3), np.uint8)
    for i, p in enumerate(paths):
        try:
            with Image.open(p) as im:  # header only, to pick the reduction
                w, h = im.size
            f = min(w // size[0], h // size[1])
            flag = (cv2.IMREAD_REDUCED_COLOR_8 if f >= 8 else cv2.IMREAD_REDUCED_COLOR_4 if f >= 4
                    else cv2.IMREAD_REDUCED_COLOR_2 if f >= 2 else cv2.IMREAD_COLOR)
            img = cv2.imread(p, flag)
            if img is None:
                continue
            img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
            out[i] = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        except Exception:
            pass
    return out


def main():
    mode, source, out_path, wh, workers = sys.argv[1:6]
    w, h = (int(x) for x in wh.lower().split("x"))
    fn = {"classic": classic, "draft": draft, "opencv": opencv}[mode]
    t0 = time.perf_counter()
    paths = list_images(source)
    batches = [paths[i:i + BATCH] for i in range(0, len(paths), BATCH)]
    with ProcessPoolExecutor(max_workers=int(workers)) as ex:
        parts = list(ex.map(fn, batches, [(w, h)] * len(batches)))
    arr = np.concatenate(parts) if parts else np.zeros((0, h, w, 3), np.uint8)
    np.save(out_path, arr)
    dt = time.perf_counter() - t0
    print(f"{mode}: {len(paths)} images in {dt:.2f} s = {len(paths) / dt:.1f} images/s")


if __name__ == "__main__":
    main()
