"""The loss of a gated model on held-out text: the step path against the fused forward.

    python benchmarks/held_out_loss.py [--repeats 7]

`training.train` measures the model on its held-out text every `eval_every` steps, and with
carry_state=True it reads that text as one stream: one row (m = 1) of 4,975 steps in notebook
07. `models.loss_and_state` runs the forward half of the fused paths (`rnn_core.fused_gated`);
before, it ran the step path (`_lstm_forward`, `_gru_forward`, then `_output_layer_loss`). At
notebook 07's sizes (vocabulary 37; n_a = 30 for the LSTM, 35 for the GRU, Cho's form) this
times one call of each on random characters, the two taking turns for `--repeats` rounds, and
prints the medians, the min-max and the ratio fused / step per round (its median and range),
after the two losses' relative difference. Last, one JSON line with every figure.

One BLAS thread: the script limits the BLAS library to one thread (threadpoolctl) while it runs.
"""

import argparse
import json
import statistics
import time

import numpy as np
from threadpoolctl import ThreadpoolController

from rnn_core import models
from rnn_core.gru import _gru_forward
from rnn_core.loss import _output_layer_loss, one_hot
from rnn_core.lstm import _lstm_forward

V, STEPS = 37, 4975  # notebook 07's vocabulary and held-out stream
HIDDEN = {"lstm": 30, "gru": 35}


def calls(cell, seed=0):
    """(step path, fused path): two functions of no argument giving the same loss."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, V, (1, STEPS))
    x = one_hot(rng.integers(0, V, (1, STEPS)), V)  # (V, 1, STEPS), as training gives it
    parameters = models.initialize(cell, V, HIDDEN[cell], V, seed=seed)
    state = models.zero_state(cell, HIDDEN[cell], 1)
    output = {"Wya": parameters["Wy"], "by": parameters["by"]}

    def step():
        if cell == "lstm":
            a = _lstm_forward(x, state[0], parameters, state[1])[0]
        else:
            a = _gru_forward(x, state[0], parameters, "cho")[0]
        return _output_layer_loss(a, y, output)

    def fused():
        return models.loss_and_state(cell, x, y, state, parameters)[0]

    return step, fused


def main(argv=None):
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--repeats", type=int, default=7)
    repeats = options.parse_args(argv).repeats
    figures = {}
    with ThreadpoolController().limit(limits=1):
        for cell in HIDDEN:
            step, fused = calls(cell)
            difference = abs(fused() - step()) / abs(step())
            times = {"step": [], "fused": []}
            for _ in range(repeats):
                for name, call in (("step", step), ("fused", fused)):
                    start = time.perf_counter()
                    call()
                    times[name].append(time.perf_counter() - start)
            ratios = [f / s for f, s in zip(times["fused"], times["step"])]
            row = {
                "loss relative difference": difference,
                **{f"{name} ms": 1e3 * statistics.median(t) for name, t in times.items()},
                "ratio fused / step": statistics.median(ratios),
                "ratio min": min(ratios),
                "ratio max": max(ratios),
            }
            figures[cell] = row
            step_ms, fused_ms = (1e3 * np.array(times[n]) for n in ("step", "fused"))
            print(
                f"{cell} (n_a = {HIDDEN[cell]}, one stream of {STEPS:,} steps): losses differ by "
                f"{difference:.1e} (relative); step path {row['step ms']:.0f} ms "
                f"({step_ms.min():.0f}-{step_ms.max():.0f}), "
                f"fused forward {row['fused ms']:.0f} ms "
                f"({fused_ms.min():.0f}-{fused_ms.max():.0f}); fused / step median "
                f"{row['ratio fused / step']:.2f} [{row['ratio min']:.2f}, {row['ratio max']:.2f}] "
                f"over {repeats} rounds"
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
