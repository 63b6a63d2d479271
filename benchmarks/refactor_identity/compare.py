"""Compare two result sets of run_set.py for bitwise identity; see README.md.

    python benchmarks/refactor_identity/compare.py A B [--only NAME ...]

Per run folder: timeseries.csv and every file under interface/ and line_scans/ byte for byte, and every
checkpoints/*.h5 by content (same groups, datasets and attributes; arrays exactly equal with the same
dtype and shape, NaN equal to NaN; JSON attributes decoded and compared as values). The checkpoint's
``written_at`` timestamp is not compared. run.json, case.toml, logs, PNGs and fields/ are not compared.
Prints one line per run; exits 0 only if every run is identical.
"""

import argparse
import collections
import json
import math
import sys
from pathlib import Path

import h5py
import numpy as np

VOLATILE_ATTRIBUTES = {"written_at"}  # wall-clock time of the write
BYTE_FOLDERS = ("interface", "line_scans")
COMPARED = collections.Counter()  # what was compared, to show that a verdict is not vacuous


def first_csv_difference(a: Path, b: Path) -> str:
    """Where two CSV files first differ: line, column name, both values; and the largest |a - b| per column."""
    la, lb = a.read_text().splitlines(), b.read_text().splitlines()
    header = next((line.split(",") for line in la if not line.startswith("#")), [])
    message = f"{a.name}: {len(la)} vs {len(lb)} lines"
    for number, (ra, rb) in enumerate(zip(la, lb, strict=False), start=1):
        if ra != rb:
            ca, cb = ra.split(","), rb.split(",")
            column = next((i for i, (x, y) in enumerate(zip(ca, cb, strict=False)) if x != y), min(len(ca), len(cb)))
            name = header[column] if column < len(header) else f"column {column + 1}"
            value_a = ca[column] if column < len(ca) else "<none>"
            value_b = cb[column] if column < len(cb) else "<none>"
            message = f"{a.name}: first difference at line {number}, {name}: {value_a} vs {value_b}"
            break
    worst = {}
    for ra, rb in zip(la, lb, strict=False):
        for name, x, y in zip(header, ra.split(","), rb.split(","), strict=False):
            if x == y:
                continue
            try:
                delta = abs(float(x) - float(y))
            except ValueError:
                continue
            worst[name] = delta if math.isnan(delta) else max(worst.get(name, 0.0), delta)
    if worst:
        message += "; max |A-B| per column: " + ", ".join(f"{k}={v:.3g}" for k, v in worst.items())
    return message


def same_value(a, b) -> bool:
    """Exact equality of decoded attribute values, NaN equal to NaN."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def decoded(value):
    """An attribute as a comparable value: JSON strings decoded, arrays kept (with their dtype)."""
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def differing_keys(a, b, prefix: str = "") -> list[str]:
    """The keys of two decoded JSON values that differ (for a readable message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [k for k in a.keys() | b.keys() if k not in a or k not in b or not same_value(a[k], b[k])]
        return [key for k in sorted(keys) for key in differing_keys(a.get(k), b.get(k), f"{prefix}.{k}")]
    return [f"{prefix.lstrip('.')}: {a!r} vs {b!r}"]


def attribute_differences(where: str, a: h5py.AttributeManager, b: h5py.AttributeManager) -> list[str]:
    problems = [f"{where} attribute {k} only in {'A' if k in a else 'B'}"
                for k in sorted(set(a) ^ set(b)) if k not in VOLATILE_ATTRIBUTES]
    for key in sorted((set(a) & set(b)) - VOLATILE_ATTRIBUTES):
        va, vb = decoded(a[key]), decoded(b[key])
        if isinstance(va, np.ndarray | np.generic) or isinstance(vb, np.ndarray | np.generic):
            va, vb = np.asarray(va), np.asarray(vb)
            equal = va.dtype == vb.dtype and va.shape == vb.shape and np.array_equal(
                va, vb, equal_nan=va.dtype.kind in "fc")
            if not equal:
                problems.append(f"{where} attribute {key}: {va.tolist()!r} vs {vb.tolist()!r}")
        elif not same_value(va, vb):
            problems.append(f"{where} attribute {key}: " + "; ".join(differing_keys(va, vb)[:5]))
    return problems


def tree(h5: h5py.File) -> dict[str, h5py.Group | h5py.Dataset]:
    """Every group and dataset by path, the root as "/"."""
    items = {"/": h5}
    h5.visititems(lambda name, item: items.update({name: item}))  # returns None: a value would stop the visit
    return items


def array_difference(xa: np.ndarray, xb: np.ndarray) -> str:
    """How much two numeric arrays of one shape differ: " (n of N differ, max |A-B| = ...)"."""
    if xa.dtype.kind not in "fciu":
        return ""
    diff = np.abs(xa.astype(complex) - xb.astype(complex))
    largest, scale = np.nanmax(diff), np.nanmax(np.abs(xa), initial=0.0)
    return (f" ({np.count_nonzero(diff)} of {diff.size} differ, max |A-B| = {largest:.3g}"
            f" = {largest / max(scale, 1e-300):.2g} max|A|)")


def checkpoint_differences(a: Path, b: Path) -> list[str]:
    """Differences of content between two HDF5 checkpoints (empty if identical)."""
    with h5py.File(a, "r", locking=False) as ha, h5py.File(b, "r", locking=False) as hb:
        items_a, items_b = tree(ha), tree(hb)
        problems = [f"{a.name}:{k} only in {'A' if k in items_a else 'B'}" for k in sorted(set(items_a) ^ set(items_b))]
        for key in sorted(set(items_a) & set(items_b)):
            ia, ib = items_a[key], items_b[key]
            where = f"{a.name}:{key}"
            if type(ia) is not type(ib):
                problems.append(f"{where}: {type(ia).__name__} vs {type(ib).__name__}")
                continue
            problems += attribute_differences(where, ia.attrs, ib.attrs)
            if isinstance(ia, h5py.Dataset):
                COMPARED["datasets"] += 1
                if ia.dtype != ib.dtype or ia.shape != ib.shape:
                    problems.append(f"{where}: {ia.dtype}{ia.shape} vs {ib.dtype}{ib.shape}")
                    continue
                xa, xb = ia[()], ib[()]
                if not np.array_equal(xa, xb, equal_nan=xa.dtype.kind in "fc"):
                    problems.append(f"{where}: values differ{array_difference(xa, xb)}")
    return problems


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def run_differences(a: Path, b: Path) -> list[str]:
    """Every difference between the run folders ``a`` and ``b``."""
    problems = []
    ta, tb = a / "timeseries.csv", b / "timeseries.csv"
    if ta.exists() != tb.exists():
        problems.append(f"timeseries.csv only in {'A' if ta.exists() else 'B'}")
    elif ta.exists():
        COMPARED["files"] += 1
        if ta.read_bytes() != tb.read_bytes():
            problems.append(first_csv_difference(ta, tb))
    for folder in BYTE_FOLDERS:
        fa, fb = files(a / folder), files(b / folder)
        problems += [f"{folder}/{f} only in {'A' if f in fa else 'B'}" for f in sorted(fa ^ fb)]
        COMPARED["files"] += len(fa & fb)
        differ = [f for f in sorted(fa & fb) if (a / folder / f).read_bytes() != (b / folder / f).read_bytes()]
        if differ:
            problems.append(f"{folder}/: {len(differ)} of {len(fa & fb)} files differ, first "
                            + first_csv_difference(a / folder / differ[0], b / folder / differ[0]))
    ca, cb = ({p.name for p in (r / "checkpoints").glob("*.h5")} for r in (a, b))
    problems += [f"checkpoints/{f} only in {'A' if f in ca else 'B'}" for f in sorted(ca ^ cb)]
    COMPARED["checkpoints"] += len(ca & cb)
    for name in sorted(ca & cb):
        problems += checkpoint_differences(a / "checkpoints" / name, b / "checkpoints" / name)
    return problems


def exit_codes(root: Path) -> dict[str, int]:
    try:
        return {k: v["exit_code"] for k, v in json.loads((root / "summary.json").read_text())["runs"].items()}
    except (OSError, json.JSONDecodeError, KeyError):
        return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("a", type=Path, help="result set A (e.g. the baseline)")
    parser.add_argument("b", type=Path, help="result set B")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="compare only these runs")
    args = parser.parse_args()
    runs_a, runs_b = ({p.name for p in root.iterdir() if (p / "timeseries.csv").exists() or (p / "run.json").exists()}
                      for root in (args.a, args.b))
    names = sorted(set(args.only) if args.only else runs_a | runs_b)
    codes_a, codes_b = exit_codes(args.a), exit_codes(args.b)
    identical = True
    for name in names:
        if name not in runs_a or name not in runs_b:
            problems = [f"run missing in {'A' if name not in runs_a else 'B'}"]
        else:
            COMPARED.clear()
            problems = run_differences(args.a / name, args.b / name)
            if name in codes_a and name in codes_b and codes_a[name] != codes_b[name]:
                problems.insert(0, f"exit code {codes_a.get(name)} vs {codes_b.get(name)}")
        identical &= not problems
        shown = "; ".join(problems[:8]) + (f"; ... {len(problems) - 8} more" if len(problems) > 8 else "")
        counts = f" ({COMPARED['files']} files, {COMPARED['checkpoints']} checkpoints, {COMPARED['datasets']} datasets)"
        print(f"{name}: {'IDENTICAL' + counts if not problems else 'DIFFERENT: ' + shown}")
    print("ALL IDENTICAL" if identical else "NOT IDENTICAL")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
