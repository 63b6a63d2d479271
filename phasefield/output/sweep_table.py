"""One CSV for a sweep (every member's time series, labelled) and its overpotential figure."""

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def write_sweep_table(path: Path, members: list[tuple[str, object, Path]], parameter: str) -> None:
    """Stack the members' ``timeseries.csv`` (label, swept value as written, then their columns, which
    the members of one case share); members without a time series are left out."""
    header = None
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        for label, value, directory in members:
            series = directory / "timeseries.csv"
            if not series.exists():
                continue
            with series.open() as rows:
                reader = csv.reader(rows)
                columns = next(reader)
                if header is None:
                    header = columns
                    writer.writerow(["member", parameter, *header])
                if columns != header:
                    raise ValueError(f"{series}: its columns differ from the other members' ({columns} vs {header})")
                for row in reader:
                    writer.writerow([label, value, *row])


def read_sweep_table(path: Path) -> dict[str, dict[str, list[float]]]:
    """The sweep CSV back as {label: {column: values}} plus the swept value under ``"value"``."""
    members: dict[str, dict[str, list]] = {}
    with path.open() as stream:
        reader = csv.reader(stream)
        header = next(reader, [])  # empty when no member wrote a time series
        for row in reader:
            data = members.setdefault(row[0], {"value": row[1], **{key: [] for key in header[2:]}})
            for key, text in zip(header[2:], row[2:], strict=True):
                data[key].append(float(text))
    return members


#: line styles of the members in turn, so that members with the same curve stay visible
MEMBER_STYLES = ("-", "--", "-.", ":")


def plot_sweep(csv_path: Path, png_path: Path, parameter: str) -> None:
    """Overpotential and contact loss (where the members write it) against stripped capacity, one curve per
    member in turn of colour and line style (Fig 3l/3m), the legend beside the panels."""
    members = read_sweep_table(csv_path)
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(7.5, 5.5), layout="constrained")
    for k, data in enumerate(members.values()):
        style = {"ls": MEMBER_STYLES[k % len(MEMBER_STYLES)], "label": f"{parameter.split('.')[-1]} = {data['value']}"}
        top.plot(data["capacity_mAh_per_cm2"], [1e3 * v for v in data["overpotential_V"]], **style)
        if "contact_fraction" in data:
            bottom.plot(data["capacity_mAh_per_cm2"], [100 * (1 - c) for c in data["contact_fraction"]], **style)
    top.set_ylabel("overpotential (mV)")
    if members:
        top.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    top.grid(alpha=0.3)
    bottom.set_ylabel("contact loss (%)")
    bottom.set_xlabel("stripped capacity (mAh cm$^{-2}$)")
    bottom.grid(alpha=0.3)
    fig.savefig(png_path, dpi=150)
    plt.close(fig)
