"""python -m ingest PATH... [--index index] — add or update documents in the index.

Exit codes: 0 all files ingested (or unchanged); 3 some files were skipped (each named with its
reason); 1 an error (nothing written).
"""

from __future__ import annotations

import sys

from kb.cli import ArgumentParser, run

EXIT_SKIPPED = 3


def _parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="python -m ingest",
        description="Ingest .txt/.pdf/.docx/.html/.doc/.wps/.ofd files, scans (.png/.jpg/.tif) and folders.",
    )
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("--index", default="index", help="the index folder (with Milvus: the audit log and uploads)")
    p.add_argument(
        "--store",
        default=None,
        help="milvus:./kb.db or milvus:http://host:19530 (default: KB_STORE, else the index folder)",
    )
    p.add_argument("--encoder", default=None, help="e5 (default), st:MODEL_FOLDER, or fake (tests)")
    p.add_argument("--remove", action="append", default=[], metavar="DOC_ID", help="drop a document")
    p.add_argument("--rebuild", action="store_true", help="build the index anew")
    p.add_argument("--prune", action="store_true", help="drop documents whose file is gone from the given folders")
    p.add_argument("--quiet", action="store_true")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if not args.paths and not args.remove:
        from kb.errors import KBError

        raise KBError("name files or folders to ingest, e.g.: python -m ingest corpus --index index")
    from kb import store as stores

    from .pipeline import ingest

    report = ingest(
        args.paths,
        args.index,
        encoder_spec=args.encoder,
        remove=args.remove,
        rebuild=args.rebuild,
        prune=args.prune,
        progress=None if args.quiet else _progress(),
        store=args.store,
    )
    for path, reason in report.skipped:
        print(f"Skipped {path}: {reason}", file=sys.stderr)
    summary = (
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped; "
        f"{report.clauses} clauses in {stores.label(args.index, args.store)}"
    )
    print(summary if report.written or report.removed else summary + " (nothing to write)")
    return EXIT_SKIPPED if report.skipped else 0


def _progress():
    from tqdm import tqdm

    bars = {}

    def update(stage: str, done: int, total: int) -> None:
        if total < 2:
            return
        bar = bars.get(stage)
        if bar is None:
            for other in bars.values():  # one bar at a time: the previous stage is over
                other.close()
            bar = bars[stage] = tqdm(
                total=total,
                desc={"read": "reading", "encode": "encoding", "ocr": "OCR"}.get(stage, stage),
                unit={"read": "file", "ocr": "page"}.get(stage, "clause"),
                leave=False,
                file=sys.stderr,
            )
        bar.update(done - bar.n)

    return update


if __name__ == "__main__":
    sys.exit(run(main))
