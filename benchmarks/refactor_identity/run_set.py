"""Run the refactor-identity case set with whichever ``phasefield`` is imported; see README.md.

    python benchmarks/refactor_identity/run_set.py --output DIR [--repo PATH] [--only NAME ...]

Each case runs as ``python -m phasefield run CASE -o DIR/<name> --overwrite -q`` in a subprocess whose
PYTHONPATH starts with the checkout of the imported package, so the runs use that same code. Case files
are read from ``--repo`` (default: the cwd). The quick cases are cut to their first 20 steps by copies in
DIR/cases/ (mesh include inlined, checkpoints every 5 steps). Nothing stops the set: each run's exit code
and wall time go to DIR/summary.json, its output to DIR/logs/<name>.log.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import tomli_w

import phasefield  # only the case reader: no MPI, PETSc or DOLFINx in this process
from phasefield.case import load_case
from phasefield.case.sweep import sweep_members

QUICK = ("cases/quick/t1_li_strip_voids_quick.toml", "cases/quick/t3_li_pressure_sweep_quick.toml",
         "cases/quick/t5_limg_strip_0p5_darken_quick.toml")
QUICK_STEPS, QUICK_CHECKPOINT_EVERY = 20, 5


def cut_copy(case: Path, target: Path) -> Path:
    """``case`` (its first sweep member if it is a sweep) with the mesh inlined, cut to QUICK_STEPS steps."""
    resolved = load_case(case)  # raw has the [mesh] include resolved and inlined
    raw = sweep_members(resolved)[0].resolved.raw if resolved.case.sweep is not None else resolved.raw
    raw.setdefault("time", {})["max_steps"] = QUICK_STEPS
    raw.setdefault("output", {})["checkpoint_every"] = QUICK_CHECKPOINT_EVERY
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"# {case} cut to {QUICK_STEPS} steps by run_set.py\n" + tomli_w.dumps(raw))
    load_case(target)  # still a valid case
    return target


def case_set(repo: Path, output: Path) -> dict[str, tuple[Path, int]]:
    """Name -> (case file, MPI ranks)."""
    cases = {path.stem: (path, 1) for path in sorted((repo / "tests/data").glob("*.toml"))}
    cases["li_prescribed_contact"] = (repo / "cases/li_prescribed_contact.toml", 1)
    for quick in QUICK:
        name = Path(quick).stem.removesuffix("_quick") + f"_{QUICK_STEPS}steps"
        cases[name] = (output / "cases" / f"{name}.toml", 1)
    cases["tiny_creep_2ranks"] = (repo / "tests/data/tiny_creep.toml", 2)
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, required=True, help="results folder (one sub-folder per case)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="checkout whose case files to run")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these cases")
    args = parser.parse_args()
    repo, output = args.repo.resolve(), args.output.resolve()
    source = Path(phasefield.__file__).resolve().parent.parent
    print(f"phasefield: {phasefield.__file__}\ncases from: {repo}\noutput:     {output}", flush=True)
    cases = case_set(repo, output)
    unknown = sorted(set(args.only or ()) - set(cases))
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from {sorted(cases)}")
    for quick in QUICK:
        name = Path(quick).stem.removesuffix("_quick") + f"_{QUICK_STEPS}steps"
        if not args.only or name in args.only:
            cut_copy(repo / quick, cases[name][0])
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")])))
    (output / "logs").mkdir(parents=True, exist_ok=True)
    summary_path = output / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    summary["phasefield"], summary["repo"] = phasefield.__file__, str(repo)
    summary.setdefault("runs", {})
    for name, (case, ranks) in cases.items():
        if args.only and name not in args.only:
            continue
        command = [sys.executable, "-m", "phasefield", "run", str(case), "-o", str(output / name), "--overwrite", "-q"]
        if ranks > 1:
            command = [str(Path(sys.executable).parent / "mpiexec"), "-n", str(ranks), *command]
        start = time.perf_counter()
        with (output / "logs" / f"{name}.log").open("w") as log:
            code = subprocess.run(command, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
        wall = time.perf_counter() - start
        try:
            run = json.loads((output / name / "run.json").read_text())
            status, revision = run.get("status"), run.get("git_revision")
        except (OSError, json.JSONDecodeError):
            status = revision = None
        summary["runs"][name] = {"case": str(case), "ranks": ranks, "exit_code": code, "wall_time_s": round(wall, 1),
                                 "status": status, "git_revision": revision}
        print(f"{name:40s} exit {code}  {wall:7.1f} s  {status}  ({revision})", flush=True)
        summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
