"""Resident set size of this process, shared by the memory benchmarks in this folder."""

from pathlib import Path


def resident_mib() -> float:
    """The current resident set size of this process (MiB), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS in /proc/self/status")
