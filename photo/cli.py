"""`python main.py photo IN [IN ...] -o OUTDIR [--spec NAME] [--json]`: still images to ID photos.

For each input it prints every check with its measured value, and writes
OUTDIR/<input stem>.jpg when all pass. Exit code: 0 when every input passed, 3 when any was
refused (with its reasons), 2 when any input could not be read (that wins over 3).

`python main.py photo compare LIVE ON_FILE [--threshold 0.6] [--json]`: are the two faces the
same person? Prints match, descriptor distance and threshold (the reference back end's
CompareFace, dlib's face descriptors). Exit code 0 for an answer either way; 2, with one line,
when an image cannot be read or holds no face.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


EXIT_ALL_PASSED = 0
EXIT_USAGE = 2
EXIT_UNREADABLE = 2
EXIT_REFUSED = 3
COMPARE = "compare"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "photo", help="check still images against an ID photo spec and write conforming JPEGs",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", type=Path, metavar="IN",
                        help="image files (JPEG, PNG, ...); or 'compare LIVE ON_FILE'")
    parser.add_argument("-o", "--output", type=Path, metavar="OUTDIR",
                        help="folder for the conforming JPEGs (created if missing; required unless comparing)")
    parser.add_argument("--threshold", type=float, default=None, metavar="DISTANCE",
                        help="compare: largest descriptor distance that still matches (default 0.6, "
                             "the model's published operating point)")
    parser.add_argument("--spec", default=None, help="photo spec name from [photo.specs] (default: the "
                                                     "configured default_spec, exit-entry)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    if args.inputs and args.inputs[0] == Path(COMPARE):
        return run_compare(args)
    if args.output is None:
        print("photo: -o OUTDIR is required (or use: photo compare LIVE ON_FILE)", file=sys.stderr)
        return EXIT_USAGE
    from photo.detect import DetectorUnavailable
    from photo.pipeline import PhotoPipeline
    from photo.spec import PhotoSettings

    settings = PhotoSettings.from_config(config["photo"])
    if args.spec and args.spec not in settings.specs:
        print(f"photo: unknown spec {args.spec!r}; known: {', '.join(sorted(settings.specs))}", file=sys.stderr)
        return EXIT_USAGE
    try:
        pipeline = PhotoPipeline.from_settings(settings, args.spec)
    except DetectorUnavailable as exc:
        print(f"photo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        args.output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"photo: cannot create {args.output}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    reports: list[dict[str, Any]] = []
    unreadable = refused = False
    written: set[str] = set()
    for path in args.inputs:
        image = read_image(path)
        if image is None:
            unreadable = True
            reports.append({"input": str(path), "readable": False, "ok": False})
            if not args.json:
                print(f"{path}: unreadable (not an image file OpenCV can decode)", file=sys.stderr)
            continue
        result = pipeline.finalize(image)
        report = {"input": str(path), "readable": True, **result.to_dict(), "output": None}
        if result.ok and result.jpeg is not None:
            target = _unique_target(args.output, path.stem, written)
            target.write_bytes(result.jpeg)
            report["output"] = str(target)
        else:
            refused = True
        reports.append(report)
        if not args.json:
            _print_text(report)
    if args.json:
        print(json.dumps({"spec": pipeline.spec.name, "results": reports}, ensure_ascii=False, indent=2))
    if unreadable:
        return EXIT_UNREADABLE
    return EXIT_REFUSED if refused else EXIT_ALL_PASSED


def run_compare(args: argparse.Namespace) -> int:
    """See the module docstring."""
    from core.face_model import (
        DESCRIPTOR_MATCH_DISTANCE,
        DlibDescriber,
        FaceModelUnavailable,
        NoFace,
        describe_largest_face,
        descriptor_distance,
    )

    paths = args.inputs[1:]
    if len(paths) != 2:
        print("photo compare: give exactly two images: LIVE ON_FILE", file=sys.stderr)
        return EXIT_USAGE
    threshold = DESCRIPTOR_MATCH_DISTANCE if args.threshold is None else args.threshold
    if not 0.0 < threshold < 2.0:
        print(f"photo compare: --threshold must be a distance between 0 and 2 (got {threshold:g})", file=sys.stderr)
        return EXIT_USAGE
    try:
        describer = DlibDescriber(threshold)
    except FaceModelUnavailable as exc:
        print(f"photo compare: {exc}", file=sys.stderr)
        return EXIT_USAGE
    descriptors = []
    for path in paths:
        image = read_image(path)
        if image is None:
            print(f"photo compare: {path}: unreadable (missing, or not an image OpenCV can decode)", file=sys.stderr)
            return EXIT_UNREADABLE
        try:
            descriptors.append(describe_largest_face(describer, image[:, :, ::-1]))
        except NoFace:
            print(f"photo compare: {path}: no face found", file=sys.stderr)
            return EXIT_UNREADABLE
    distance = descriptor_distance(*descriptors)
    match = distance <= threshold
    if args.json:
        print(json.dumps({"live": str(paths[0]), "on_file": str(paths[1]), "match": match,
                          "distance": round(distance, 4), "threshold": threshold,
                          "model": describer.name}, indent=2))
    else:
        print(f"{'MATCH' if match else 'NO MATCH'}: distance {distance:.3f}, threshold {threshold:g} "
              f"({describer.name}; same person when distance <= threshold)")
    return EXIT_ALL_PASSED


def read_image(path: Path) -> Any:
    """A BGR image, or None when the file is missing or not an image OpenCV can decode.

    Camera files are read with their EXIF orientation applied. A transparent background (a
    cut-out PNG) is laid on white, which is what it stands for, not on black."""
    import cv2
    import numpy as np

    if not path.is_file():
        return None
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None or path.suffix.lower() in (".jpg", ".jpeg"):
        return image
    raw = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if raw is None or raw.ndim != 3 or raw.shape[2] != 4:
        return image
    alpha = raw[:, :, 3:].astype(np.float32) / (65535.0 if raw.dtype == np.uint16 else 255.0)
    return np.clip(image.astype(np.float32) * alpha + 255.0 * (1.0 - alpha) + 0.5, 0, 255).astype(np.uint8)


def _unique_target(folder: Path, stem: str, written: set[str]) -> Path:
    """OUTDIR/<stem>.jpg, numbered when two inputs of this run share a stem."""
    name, number = stem, 2
    while name in written:
        name, number = f"{stem}-{number}", number + 1
    written.add(name)
    return folder / f"{name}.jpg"


def _print_text(report: dict[str, Any]) -> None:
    verdict = "ACCEPTED" if report["ok"] else "REFUSED"
    print(f"{report['input']}: {verdict} ({report['spec']}, {report['seconds'] * 1000:.0f} ms)")
    for check in report["checks"]:
        value = check["value"]
        shown = "-" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        line = f"  {check['status']:<8} {check['check']:<17} {shown:>10}   {check['rule']}"
        if check["problem"]:
            line += f"   -> {check['problem']} [{check['message_key']}]"
        print(line)
    if report["output"]:
        print(f"  wrote {report['output']} ({report['bytes']} bytes, JPEG quality {report['jpeg_quality']})")
