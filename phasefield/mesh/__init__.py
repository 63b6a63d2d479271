"""Meshing: the graded window of metal over electrolyte, with tagged subdomains and facets."""

from phasefield.mesh.window import (
    CellTag,
    FacetTag,
    InterfaceWindow,
    Subdomain,
    WindowSpec,
    build_interface_window,
    graded_coordinate,
)

__all__ = [
    "CellTag",
    "FacetTag",
    "InterfaceWindow",
    "Subdomain",
    "WindowSpec",
    "build_interface_window",
    "graded_coordinate",
]
