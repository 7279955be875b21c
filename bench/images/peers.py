#!/usr/bin/env python3
"""The Python peers of `kopi images`, for bench/images/run.sh.

Each turns every image under SOURCE (sorted, same extensions as kopi) into one uint8 array
(N, H, W, 3) in OUT.npy, in input order, failed items as zero rows, on WORKERS processes of a
ProcessPoolExecutor over batches of paths (see batch_size); and writes OUT.index.csv like kopi's (row, source,
status, reason; status "ok" or "failed") so that agree.py knows which rows each one decoded:

  classic   Image.open(p).convert("RGB").resize(size): the code people write.
  draft     the same with Image.draft("RGB", size) first (JPEG shrink-on-load in libjpeg) and
            resize(size, reducing_gap=3.0) (Pillow's reduce() before the filter).
  opencv    cv2.imread with IMREAD_REDUCED_COLOR_{2,4,8} chosen from the header size, then
            cv2.resize(INTER_AREA), BGR to RGB. One OpenCV thread per worker.
  vips      libvips' thumbnail (GObject introspection: python3-gi, gir1.2-vips-8.0): shrink-on-
            load for JPEG, then its own shrink and lanczos3 reduce, with size=force for exactly
            WxH; then colourspace sRGB, first three bands (alpha dropped, as convert("RGB") does).
            fail_on=truncated, so a cut-off file fails as in Pillow instead of being grey-filled.
            One libvips thread per worker.

Orientation: classic and draft ignore EXIF orientation (as Image.open does); opencv's imread and
libvips' thumbnail apply it, as kopi does by default. agree.py leaves rotated files out.

Usage: peers.py MODE SOURCE OUT.npy WxH WORKERS
"""
import csv
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

EXTS = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
MAX_BATCH = 1000
BATCHES_PER_WORKER = 8


def list_images(source):
    return [str(p) for p in sorted(Path(source).rglob("*"))
            if p.is_file() and p.suffix.lower() in EXTS and not p.name.startswith(".")]


def batch_size(n, workers):
    """Paths per task: about BATCHES_PER_WORKER tasks a worker, so that the last ones leave no
    worker idle for long (with fixed batches of 1,000, 2,000 mixed images made two tasks whose
    PNG counts differed, and 617 PNGs alone ran on one process), and at most MAX_BATCH, so that a
    task's result (12 KiB a 64x64 row) stays small. Tasks of tens of images cost nothing
    measurable to schedule next to the milliseconds each image takes."""
    return max(1, min(MAX_BATCH, -(-n // (workers * BATCHES_PER_WORKER))))


def reason(e):
    return f"{type(e).__name__}: {e}".replace("\n", " ")[:200]


def classic(paths, size):
    from PIL import Image
    out = np.zeros((len(paths), size[1], size[0], 3), np.uint8)
    failed = {}
    for i, p in enumerate(paths):
        try:
            with Image.open(p) as im:
                out[i] = np.asarray(im.convert("RGB").resize(size))
        except Exception as e:
            failed[i] = reason(e)
    return out, failed


def draft(paths, size):
    from PIL import Image
    out = np.zeros((len(paths), size[1], size[0], 3), np.uint8)
    failed = {}
    for i, p in enumerate(paths):
        try:
            with Image.open(p) as im:
                im.draft("RGB", size)
                out[i] = np.asarray(im.convert("RGB").resize(size, reducing_gap=3.0))
        except Exception as e:
            failed[i] = reason(e)
    return out, failed


def opencv(paths, size):
    import cv2
    from PIL import Image
    cv2.setNumThreads(1)
    out = np.zeros((len(paths), size[1], size[0], 3), np.uint8)
    failed = {}
    for i, p in enumerate(paths):
        try:
            with Image.open(p) as im:  # header only, to pick the reduction
                w, h = im.size
            f = min(w // size[0], h // size[1])
            flag = (cv2.IMREAD_REDUCED_COLOR_8 if f >= 8 else cv2.IMREAD_REDUCED_COLOR_4 if f >= 4
                    else cv2.IMREAD_REDUCED_COLOR_2 if f >= 2 else cv2.IMREAD_COLOR)
            img = cv2.imread(p, flag)
            if img is None:
                failed[i] = "cv2.imread returned None"
                continue
            img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
            out[i] = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        except Exception as e:
            failed[i] = reason(e)
    return out, failed


def _vips():
    import gi
    gi.require_version("Vips", "8.0")
    from gi.repository import GObject, Vips
    return GObject, Vips


def vips(paths, size):
    GObject, Vips = _vips()
    Vips.init(sys.argv[0])
    Vips.concurrency_set(1)  # one thread per worker process, like the other peers
    Vips.cache_set_max(0)  # every file is new: the operation cache only holds memory

    def vips_error():
        message = Vips.error_buffer().strip().replace("\n", "; ")
        Vips.error_clear()
        return message

    def call(name, **props):
        # The introspected API has no varargs calls: build the operation by its properties, as
        # pyvips does (Vips.Object overrides set_property, hence GObject's).
        op = Vips.Operation.new(name)
        for k, v in props.items():
            GObject.Object.set_property(op, k, v)
        built = Vips.cache_operation_build(op)
        if built is None:
            raise RuntimeError(vips_error())
        result = GObject.Object.get_property(built, "out")
        built.unref_outputs()
        return result

    out = np.zeros((len(paths), size[1], size[0], 3), np.uint8)
    failed = {}
    for i, p in enumerate(paths):
        try:
            img = call("thumbnail", filename=p, width=size[0], height=size[1],
                       size=Vips.Size.FORCE, **{"fail-on": Vips.FailOn.TRUNCATED})
            img = call("colourspace", **{"in": img}, space=Vips.Interpretation.SRGB)
            if img.get_format() != Vips.BandFormat.UCHAR:
                img = call("cast", **{"in": img}, format=Vips.BandFormat.UCHAR)
            if img.get_bands() > 3:
                img = call("extract_band", **{"in": img}, band=0, n=3)
            data = img.write_to_memory()  # runs the pipeline: decode, shrink, convert
            if not data:
                raise RuntimeError(vips_error())
            px = np.frombuffer(data, np.uint8)
            out[i] = px.reshape(img.get_height(), img.get_width(), 3)
        except Exception as e:
            failed[i] = reason(e)
    return out, failed


MODES = {"classic": classic, "draft": draft, "opencv": opencv, "vips": vips}


def write_index(path, source, paths, failed):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["row", "source", "status", "reason"])
        for i, p in enumerate(paths):
            rel = Path(os.path.relpath(p, source)).as_posix()
            w.writerow([i, rel, "failed" if i in failed else "ok", failed.get(i, "")])


def main():
    mode, source, out_path, wh, workers = sys.argv[1:6]
    w, h = (int(x) for x in wh.lower().split("x"))
    fn = MODES[mode]
    t0 = time.perf_counter()
    paths = list_images(source)
    step = batch_size(len(paths), int(workers))
    batches = [paths[i:i + step] for i in range(0, len(paths), step)]
    with ProcessPoolExecutor(max_workers=int(workers)) as ex:
        parts = list(ex.map(fn, batches, [(w, h)] * len(batches)))
    arr = (np.concatenate([a for a, _ in parts]) if parts
           else np.zeros((0, h, w, 3), np.uint8))
    failed = {b * step + i: r for b, (_, f) in enumerate(parts) for i, r in f.items()}
    np.save(out_path, arr)
    dt = time.perf_counter() - t0
    index = out_path[:-4] if out_path.endswith(".npy") else out_path
    write_index(index + ".index.csv", source, paths, failed)
    print(f"{mode}: {len(paths)} images in {dt:.2f} s = {len(paths) / dt:.1f} images/s, "
          f"{len(paths) - len(failed)} ok, {len(failed)} failed")


if __name__ == "__main__":
    main()
