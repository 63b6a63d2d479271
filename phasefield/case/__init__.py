"""Case files: TOML with units, validated into SI values (``load_case``)."""

from phasefield.case.loader import CaseError, ResolvedCase, load_case
from phasefield.case.protocol import ProtocolStep

__all__ = ["CaseError", "ProtocolStep", "ResolvedCase", "load_case"]
