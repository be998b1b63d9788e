#!/usr/bin/env python3
"""Rotate every file of a corpus into ~2 MB pieces at line ends and gzip -6 each, reproducibly.

    python3 scripts/gen-corpus-gz.py SRC OUT

Pieces are named like logrotate's (`app-03.log.1.gz` is the newest). OUT.stamp records the
source corpus's stamp; a matching stamp leaves OUT alone. Stdlib only.
"""

import gzip
import shutil
import sys
from pathlib import Path

PIECE = 2_000_000
LEVEL = 6


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    stamp = Path(f"{out}.stamp")
    want = f"gz v1 piece={PIECE} level={LEVEL}\n" + Path(f"{src}.stamp").read_text()
    if out.is_dir() and stamp.exists() and stamp.read_text() == want:
        return
    tmp = Path(f"{out}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = path.relative_to(src)
        data = path.read_bytes()
        pieces, start = [], 0
        while start < len(data):
            end = data.find(b"\n", min(start + PIECE, len(data) - 1))
            end = len(data) if end < 0 else end + 1
            pieces.append(data[start:end])
            start = end
        for i, piece in enumerate(reversed(pieces)):
            target = tmp / rel.parent / f"{rel.name}.{i + 1}.gz"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(gzip.compress(piece, compresslevel=LEVEL, mtime=0))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    stamp.write_text(want)


if __name__ == "__main__":
    main()
