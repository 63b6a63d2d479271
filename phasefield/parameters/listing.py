"""The parameter sets as tables for ``phasefield params``: the sets, or every value of one set with its
standing and source. A rich table on a terminal; plain aligned columns otherwise (one value per line,
sources unwrapped, for grep and files)."""

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from phasefield.parameters.sets import STANDINGS, ParameterSet

SET_COLUMNS = ("set", "role", "values", "description", "file")
VALUE_COLUMNS = ("name", "value", "standing", "source")


def set_rows(sets: Iterable[ParameterSet]) -> list[tuple[str, ...]]:
    """One row per set: name, role, number of values, description, file."""
    return [(s.name, s.role, str(len(s.parameters)), s.description, str(s.path)) for s in sets]


def value_rows(pset: ParameterSet) -> list[tuple[str, ...]]:
    """One row per value of ``pset``: name, value with its unit as written, standing, source."""
    return [(key, str(p.text), p.standing, p.source) for key, p in pset.parameters.items()]


def standing_legend() -> str:
    """``standing: V stated in the seed paper, L literature, ...``."""
    return "standing: " + ", ".join(f"{key} {meaning}" for key, meaning in STANDINGS.items())


def plain_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """``rows`` under ``columns`` in left-aligned columns two spaces apart (the last one unpadded)."""
    widths = [max(len(row[i]) for row in (columns, *rows)) for i in range(len(columns) - 1)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])
            for row in (columns, *rows)]


def print_table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]], footer: str = "",
                console: Console | None = None) -> None:
    """``title``, the table and ``footer`` on standard output: rich on a terminal, plain text otherwise."""
    console = console or Console()
    if not console.is_terminal:
        print("\n".join([title, *plain_table(columns, rows), *([footer] if footer else [])]))
        return
    table = Table(title=Text(title), title_justify="left")
    for column in columns:
        table.add_column(column, no_wrap=column in ("set", "name", "value", "standing"), overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: a "[" in a source is not rich markup
    console.print(table)
    if footer:
        console.print(Text(footer))


def show_sets(sets: Iterable[ParameterSet], console: Console | None = None) -> None:
    """``phasefield params``: every set with its role, number of values, description and file."""
    print_table("parameter sets (`phasefield params SET` lists the values of one)", SET_COLUMNS, set_rows(sets),
                console=console)


def show_set(pset: ParameterSet, console: Console | None = None) -> None:
    """``phasefield params SET``: every value of ``pset`` with its standing and source."""
    title = f"{pset.name} ({pset.role.replace('_', ' ')}, {len(pset.parameters)} values, {pset.path})"
    print_table(f"{title}: {pset.description}" if pset.description else title, VALUE_COLUMNS, value_rows(pset),
                standing_legend(), console)
