#!/usr/bin/env python3
"""Drops the files of the given folders from the page cache (posix_fadvise DONTNEED), so that
the next run reads them from the disk: the cold-cache runs in docs/performance.md. Needs no root;
a page another process has mapped may stay.

Usage: evict.py FOLDER...
"""
import os
import sys


def main():
    for root in sys.argv[1:]:
        for name in os.listdir(root):
            path = os.path.join(root, name)
            if not os.path.isfile(path):
                continue
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


if __name__ == "__main__":
    main()
