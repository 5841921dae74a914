"""How long a dashboard takes to answer a control in the kernel: value -> recompute -> PNG.

    python benchmarks/widget_latency.py [--repeats 15] [--pixel-ratios 1,2]

Each dashboard is driven headlessly, as the browser would drive it, at each pixel ratio (device
pixels per CSS pixel of the picture; 2 is what a HiDPI screen shows sharp):

- "steady": every slider at its maximum, then one slider moved back and forth between its two
  top values (the view is drawn already: a blit on a kept background);
- "first visits": a new dashboard, the same slider swept from its minimum to its maximum in
  steps of five (most moves show a new axis range: its background is drawn);
- "toggle": each option of a toggle in turn (VanishingDashboard's nonlinearity).

Every move is timed from setting the value until the new PNG is in the Image widget. Printed per
dashboard: median and p10-p90 in ms, and the PNG size; then how long PNG encoding takes, this
package's writer against PIL's (compress_level=1) on the same pixels, interleaved. The last line
is JSON of every figure.
"""

import argparse
import io
import json
import statistics
import time

import numpy as np
from PIL import Image

import rnn_core
from rnn_core import corpus, widgets
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


def spread(times):
    return {
        "moves": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p10_ms": round(float(np.percentile(times, 10)), 1),
        "p90_ms": round(float(np.percentile(times, 90)), 1),
    }


def timed(control, value):
    start = time.perf_counter()
    control.value = value
    return (time.perf_counter() - start) * 1e3


def largest(dashboard):
    """Every slider at its maximum; toggles stay at their first option."""
    for control in dashboard.controls.values():
        if hasattr(control, "max"):
            control.value = control.max


def steady(make, moved, repeats):
    dashboard = make()
    largest(dashboard)
    control = dashboard.controls[moved]
    top, below = control.max, control.max - control.step
    times = [timed(control, below if control.value == top else top) for _ in range(repeats + 2)]
    return dashboard, times[2:]  # the first two moves draw their views


def first_visits(make, moved):
    dashboard = make()
    control = dashboard.controls[moved]
    values = np.arange(control.min, control.max + control.step / 2, 5 * control.step)
    return [timed(control, type(control.value)(value)) for value in values[1:]]


def toggles(dashboard, repeats):
    times = []
    for control in dashboard.controls.values():
        for i in range(repeats if hasattr(control, "options") else 0):
            times.append(timed(control, control.options[(i + 1) % len(control.options)]))
    return times


def encoders(dashboard, repeats):
    """Encoding the same pixels with this package's writer and with PIL's, interleaved."""
    rgba = np.asarray(dashboard.canvas.buffer_rgba())
    write = widgets._PngWriter()

    def pil():
        buffer = io.BytesIO()
        Image.fromarray(rgba[:, :, :3]).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    times, sizes = {"rnn_core": [], "PIL": []}, {}
    for _ in range(repeats):
        for name, encode in (("rnn_core", lambda: write(rgba)), ("PIL", pil)):
            start = time.perf_counter()
            sizes[name] = len(encode())
            times[name].append((time.perf_counter() - start) * 1e3)
    return {name: {**spread(t), "kB": round(sizes[name] / 1e3)} for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pixel-ratios", default="1,2")
    args = parser.parse_args()
    results = {}
    for ratio in (int(r) for r in args.pixel_ratios.split(",")):
        widgets.Dashboard.pixel_ratio = ratio
        for name, (make, moved) in DASHBOARDS.items():
            dashboard, times = steady(make, moved, args.repeats)
            result = {"steady": spread(times), "first visits": spread(first_visits(make, moved))}
            if any(hasattr(c, "options") for c in dashboard.controls.values()):
                result["toggle"] = spread(toggles(dashboard, args.repeats))
            result["png_kB"] = round(len(dashboard.png) / 1e3)
            result["encode"] = encoders(dashboard, args.repeats)
            results[f"{name} x{ratio}"] = result
            line = "   ".join(
                f"{kind} {r['median_ms']:6.1f} ({r['p10_ms']:.1f}-{r['p90_ms']:.1f})"
                for kind, r in result.items()
                if kind in ("steady", "first visits", "toggle")
            )
            encode = result["encode"]
            print(
                f"{name:15s} x{ratio} moving {moved:11s} ms: {line}   PNG {result['png_kB']} kB; "
                f"encode {encode['rnn_core']['median_ms']:.1f} ms vs PIL "
                f"{encode['PIL']['median_ms']:.1f} ms ({encode['PIL']['kB']} kB)",
                flush=True,
            )
    print(json.dumps({"dashboards": results}))


if __name__ == "__main__":
    main()
