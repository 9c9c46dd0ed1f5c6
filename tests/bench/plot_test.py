#!/usr/bin/env python3
"""Runs bench/plot.py on the JSON report of a tiny logkv-bench run and checks its charts.

usage: plot_test.py LOGKV_BENCH PLOT_PY

The run is `logkv-bench --quick` on logkv and the raw log only (every workload, so every chart
group appears), in a temporary folder. Every group with a measured row must get a PNG chart
(bench_GROUP.png), the space group also its series chart, each a non-empty PNG file, and
plot.py must write nothing else. The scaling chart is also drawn in memory and checked: one
panel per measure, both axes logarithmic, one line per engine with measured rows, one point per
store size. Run with the Python that has matplotlib (Debian's
python3-matplotlib); plot.py runs with the same interpreter.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCALING_MEASURES = 5  # sets/s, gets/s, open time, memory per key, disk per key


def fail(message):
    sys.stderr.write("plot_test: FAILED: {}\n".format(message))
    return 1


def expected_charts(report):
    charts = set()
    for row in report["rows"]:
        if row["status"] != "ok":
            continue
        charts.add("bench_{}.png".format(row["group"]))
        if row["group"] == "space" and row.get("series"):
            charts.add("bench_space_series.png")
    return charts


def load_plot_module(plot_py):
    spec = importlib.util.spec_from_file_location("plot", plot_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scaling_chart_problems(plot_module, report):
    """What is wrong with the scaling chart of `report`, drawn by plot.py's scaling_figure."""
    rows = [r for r in report["rows"] if r["group"] == "scaling"]
    ok_rows = [r for r in rows if r["status"] == "ok"]
    if not ok_rows:
        return ["the tiny run has no measured scaling row"]
    engines = {r["engine"] for r in ok_rows}
    sizes = {r["figures"]["keys"]["value"] for r in ok_rows}
    if len(sizes) < 2:
        return ["the scaling rows cover {} store size(s); a line needs 2".format(len(sizes))]
    fig = plot_module.scaling_figure(report, rows)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    problems = []
    if len(panels) != SCALING_MEASURES:
        problems.append("scaling chart has {} panels, not {}".format(len(panels),
                                                                     SCALING_MEASURES))
    for ax in panels:
        title = ax.get_title()
        if ax.get_xscale() != "log" or ax.get_yscale() != "log":
            problems.append("scaling panel '{}' is not log-log".format(title))
        labels = {line.get_label() for line in ax.get_lines()}
        if labels != engines:
            problems.append("scaling panel '{}' has lines {}, expected {}".format(
                title, sorted(labels), sorted(engines)))
        for line in ax.get_lines():
            if len(line.get_xdata()) != len(sizes):
                problems.append("scaling panel '{}': {} has {} points for {} sizes".format(
                    title, line.get_label(), len(line.get_xdata()), len(sizes)))
    plot_module.plt.close(fig)
    return problems


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    logkv_bench, plot_py = argv[1], argv[2]
    try:
        import matplotlib  # noqa: F401  (only checks that plot.py can import it)
    except ImportError:
        return fail("matplotlib is not installed for {}: install python3-matplotlib "
                    "(scripts/install_deps.sh does) or run Meson with a Python that has "
                    "matplotlib".format(sys.executable))

    with tempfile.TemporaryDirectory(prefix="logkv-plot-test-") as tmp:
        report_path = os.path.join(tmp, "report.json")
        charts_dir = os.path.join(tmp, "charts")
        bench = subprocess.run(
            [logkv_bench, "--quick", "--engines", "logkv,raw-log", "--dir", tmp,
             "--json", report_path],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        if bench.returncode != 0:
            sys.stderr.write(bench.stdout)
            return fail("logkv-bench --quick exited with {}; its output is above".format(
                bench.returncode))
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
        expected = expected_charts(report)
        if not expected:
            return fail("the report of the tiny run has no measured row, so nothing to plot")

        plot = subprocess.run([sys.executable, plot_py, report_path, charts_dir],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              check=False)
        sys.stdout.write(plot.stdout)
        if plot.returncode != 0:
            return fail("plot.py exited with {}; its output is above".format(plot.returncode))

        written = set(os.listdir(charts_dir))
        problems = []
        for name in sorted(expected - written):
            problems.append("{} was not written".format(name))
        for name in sorted(written - expected):
            problems.append("{} was written, but no measured row asks for it".format(name))
        for name in sorted(expected & written):
            with open(os.path.join(charts_dir, name), "rb") as f:
                head = f.read(len(PNG_SIGNATURE))
            size = os.path.getsize(os.path.join(charts_dir, name))
            if size == 0:
                problems.append("{} is empty".format(name))
            elif head != PNG_SIGNATURE:
                problems.append("{} is not a PNG file".format(name))
        problems += scaling_chart_problems(load_plot_module(plot_py), report)
        if problems:
            return fail("; ".join(problems))
        print("plot_test: {} charts written and checked: {}".format(
            len(expected), ", ".join(sorted(expected))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
