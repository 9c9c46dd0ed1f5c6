#!/usr/bin/env python3
"""Turns a logkv-bench JSON report into PNG charts, one per workload group.

usage: python3 bench/plot.py RESULTS.json OUTPUT_DIR

Each chart has one cluster of bars per workload variant and one bar per engine, on a log
scale (the engines differ by orders of magnitude). Rows an engine cannot run are marked
"n/a" at the foot of the cluster; failed rows "failed". The space group also gets a line chart
of disk bytes against overwrites (bench_space_series.png). The scaling group is drawn as lines
instead (bench_scaling.png): one panel per measure, keys in the store on the x axis, both axes
logarithmic, one line per engine.
"""

import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402  (must follow the backend choice)
from matplotlib.patches import Patch  # noqa: E402


def machine_line(report):
    machine = report.get("machine", {})
    return "{} mode, {}, {} CPUs, {} on {}, {}".format(
        report.get("mode", "?"),
        machine.get("cpu_model", "?"),
        machine.get("cpus", "?"),
        machine.get("fs_type", "?"),
        machine.get("fs_device", "?"),
        report.get("started_at", "?"),
    )


def ordered_unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def engine_colors(report):
    # Fixed per engine across all charts, so one engine has one colour everywhere.
    palette = plt.get_cmap("tab10").colors
    return {e["name"]: palette[i % len(palette)] for i, e in enumerate(report["engines"])}


def plot_group(report, group, rows, out_dir):
    colors = engine_colors(report)
    ok_rows = [r for r in rows if r["status"] == "ok"]
    if not ok_rows:
        return None
    # Engines without a single measured row in this group get a footnote instead of empty slots.
    all_engines = [e["name"] for e in report["engines"] if any(r["engine"] == e["name"]
                                                                for r in rows)]
    engines = [e for e in all_engines if any(r["engine"] == e for r in ok_rows)]
    absent = [e for e in all_engines if e not in engines]
    variants = ordered_unique((r["workload"], r["variant"]) for r in rows)
    units = ordered_unique(r["primary"]["unit"] for r in ok_rows)
    names = ordered_unique(r["primary"]["name"] for r in ok_rows)

    width = 0.8 / max(1, len(engines))
    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(variants) * max(1, len(engines)) / 3), 5.5))
    smallest = min(r["primary"]["value"] for r in ok_rows if r["primary"]["value"] > 0)
    for e_index, engine in enumerate(engines):
        xs, heights, marks = [], [], []
        for v_index, (workload, variant) in enumerate(variants):
            x = v_index + (e_index - (len(engines) - 1) / 2) * width
            row = next((r for r in rows if r["engine"] == engine and
                        r["workload"] == workload and r["variant"] == variant), None)
            if row is None:
                continue
            value = row.get("primary", {}).get("value") if row["status"] == "ok" else None
            if value is not None and value > 0 and math.isfinite(value):
                xs.append(x)
                heights.append(value)
            else:
                marks.append((x, "n/a" if row["status"] == "n/a" else row["status"]))
        ax.bar(xs, heights, width, label=engine, color=colors[engine])
        for x, text in marks:
            ax.text(x, smallest / 2, text, rotation=90, ha="center", va="bottom", fontsize=7,
                    color=colors[engine])
    ax.set_yscale("log")
    ax.set_ylim(bottom=smallest / 3)
    ax.set_xticks(range(len(variants)))
    labels = [variant if len({w for w, _ in variants}) == 1 else "{}\n{}".format(workload, variant)
              for workload, variant in variants]
    ax.set_xticklabels(labels, fontsize=8)
    direction = "higher is better" if ok_rows[0]["primary"]["higher_is_better"] else \
        "lower is better"
    ax.set_ylabel("{} [{}] (log scale, {})".format(" / ".join(names), ", ".join(units), direction))
    ax.set_title("logkv-bench: {}\n{}".format(group, machine_line(report)), fontsize=9)
    ax.legend(handles=[Patch(color=colors[e], label=e) for e in engines], fontsize=8,
              ncol=min(4, len(engines)))
    if absent:
        fig.text(0.01, 0.01, "not measured here: " + ", ".join(absent) +
                 " (n/a or failed; see the JSON)", fontsize=7)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out_dir, "bench_{}.png".format(group))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_space_series(report, rows, out_dir):
    series_rows = [r for r in rows if r["status"] == "ok" and r.get("series")]
    if not series_rows:
        return None
    colors = engine_colors(report)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for row in series_rows:
        ops = [s["ops"] for s in row["series"]]
        color = colors.get(row["engine"], "gray")
        ax.plot(ops, [max(1, s["disk_bytes"]) for s in row["series"]], marker="o",
                markersize=3, color=color, label="{} disk".format(row["engine"]))
        ax.plot(ops, [max(1, s["live_bytes"]) for s in row["series"]], linestyle=":",
                color=color, label="{} live".format(row["engine"]))
    ax.set_yscale("log")
    ax.set_xlabel("overwrites done (sync off)")
    ax.set_ylabel("bytes (log scale)")
    ax.set_title("logkv-bench: disk bytes vs live bytes under steady overwrites\n{}".format(
        machine_line(report)), fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    ax.grid(which="both", alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out_dir, "bench_space_series.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def scaling_figure(report, rows):
    """One panel per measure of the scaling workload (its primary figure), in the order the rows
    come; x = keys in the store, y = the figure, both log; one line per engine. None when no row
    was measured."""
    ok_rows = [r for r in rows if r["status"] == "ok" and "keys" in r.get("figures", {})]
    if not ok_rows:
        return None
    colors = engine_colors(report)
    measures = ordered_unique(r["primary"]["name"] for r in ok_rows)
    columns = min(3, len(measures))
    panel_rows = (len(measures) + columns - 1) // columns
    fig, axes = plt.subplots(panel_rows, columns, figsize=(5 * columns, 4 * panel_rows),
                             squeeze=False)
    for index, measure in enumerate(measures):
        ax = axes[index // columns][index % columns]
        measure_rows = [r for r in ok_rows if r["primary"]["name"] == measure]
        for engine in ordered_unique(r["engine"] for r in measure_rows):
            points = sorted((r["figures"]["keys"]["value"], r["primary"]["value"])
                            for r in measure_rows if r["engine"] == engine
                            and r["primary"]["value"] > 0 and math.isfinite(r["primary"]["value"]))
            if not points:
                continue
            ax.plot([x for x, _ in points], [y for _, y in points], marker="o", markersize=4,
                    color=colors.get(engine, "gray"), label=engine)
        first = measure_rows[0]["primary"]
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("keys in the store")
        ax.set_ylabel("{} ({})".format(first["unit"], "higher is better"
                                       if first["higher_is_better"] else "lower is better"))
        ax.set_title(measure, fontsize=10)
        ax.grid(which="both", alpha=0.3)
        ax.legend(fontsize=7)
    for index in range(len(measures), panel_rows * columns):
        axes[index // columns][index % columns].set_visible(False)
    fig.suptitle("logkv-bench: how each cost grows with the store\n{}".format(
        machine_line(report)), fontsize=9)
    fig.tight_layout()
    return fig


def plot_scaling(report, rows, out_dir):
    fig = scaling_figure(report, rows)
    if fig is None:
        return None
    path = os.path.join(out_dir, "bench_scaling.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        report = json.load(f)
    if not str(report.get("schema", "")).startswith("logkv-bench/"):
        sys.stderr.write("plot.py: {} is not a logkv-bench report\n".format(argv[1]))
        return 1
    out_dir = argv[2]
    os.makedirs(out_dir, exist_ok=True)
    groups = ordered_unique(r["group"] for r in report["rows"])
    written = []
    for group in groups:
        rows = [r for r in report["rows"] if r["group"] == group]
        if group == "scaling":
            written.append(plot_scaling(report, rows, out_dir))
            continue
        written.append(plot_group(report, group, rows, out_dir))
        if group == "space":
            written.append(plot_space_series(report, rows, out_dir))
    for path in written:
        if path:
            print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
