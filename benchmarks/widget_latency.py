"""How long a dashboard takes to answer a slider: value change -> recompute -> figure -> PNG.

    python benchmarks/widget_latency.py [--repeats 15]

Each dashboard is driven headlessly at its largest settings (every slider at its maximum, so the
longest sequence), then one slider is moved back and forth between its two top values; every move
is timed from setting the value until the new PNG is in the Image widget. Rendering the PNG is
part of the time, as it is for the learner. The last line is JSON:
{"dashboards": {"<name>": {"median_ms": ..., "p90_ms": ...}, ...}}
"""

import argparse
import json
import statistics
import time

import numpy as np

import rnn_core
from rnn_core import corpus
from rnn_core.widgets import (
    BPTTDashboard,
    ForwardDashboard,
    GatedDashboard,
    SamplingDashboard,
    VanishingDashboard,
)


def sampling_dashboard():
    chars, char_to_index = corpus.build_vocabulary(corpus.load_corpus())
    parameters = rnn_core.initialize_parameters(len(chars), 64, len(chars), scale=0.3, seed=0)
    return SamplingDashboard(parameters, chars, char_to_index)


DASHBOARDS = {
    "forward (01)": (ForwardDashboard, "T_x"),
    "bptt (02)": (BPTTDashboard, "T_x"),
    "vanishing (04)": (VanishingDashboard, "T_x"),
    "sampling (05)": (sampling_dashboard, "temperature"),
    "gated (07)": (GatedDashboard, "forget_bias"),
}


def largest(dashboard):
    """Every slider at its maximum; toggles at their most expensive option is the default (tanh)."""
    for control in dashboard.controls.values():
        if hasattr(control, "max"):
            control.value = control.max


def measure(make, moved, repeats):
    dashboard = make()
    largest(dashboard)
    control = dashboard.controls[moved]
    top, below = control.max, control.max - control.step
    times = []
    for i in range(repeats + 2):
        start = time.perf_counter()
        control.value = below if control.value == top else top
        elapsed = time.perf_counter() - start
        if i >= 2:  # the first two moves warm caches up
            times.append(elapsed * 1e3)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(float(np.percentile(times, 90)), 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    results = {}
    for name, (make, moved) in DASHBOARDS.items():
        results[name] = measure(make, moved, args.repeats)
        print(
            f"{name:16s} moving {moved:12s} median {results[name]['median_ms']:7.1f} ms   "
            f"p90 {results[name]['p90_ms']:7.1f} ms"
        )
    print(json.dumps({"dashboards": results}))


if __name__ == "__main__":
    main()
