"""Dashboards: controls that recompute with rnn_core and redraw one figure. One call shows one.

In a notebook cell::

    from rnn_core.widgets import ForwardDashboard
    ForwardDashboard()

Each dashboard owns one matplotlib Figure. When a control changes, it recomputes what that control
affects, updates the figure's artists in place (no new figure, no new axes), renders the figure to
PNG once and shows the PNG in an `ipywidgets.Image`. Errors raised while redrawing are shown in the
dashboard's `messages` area instead of disappearing into the kernel log.

Without a browser (tests, scripts), set a control's value and read the result::

    dashboard = ForwardDashboard()
    dashboard.controls["T_x"].value = 200   # recomputes and redraws, exactly once
    dashboard.png                           # the PNG bytes the learner now sees
    dashboard.redraws                       # how many times it has been drawn
"""

import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import Normalize, SymLogNorm

from . import plots
from .dynamics import (
    backpropagate_from_last_step,
    gradient_norms,
    hidden_state_gradients,
    hidden_states,
    scaled_orthogonal_matrix,
    spectral_radius,
)
from .loss import output_layer_backward
from .rnn import rnn_forward
from .training import next_char_probabilities, sample

SLIDER_STYLE = {"description_width": "initial"}
SLIDER_LAYOUT = {"width": "340px"}


def int_slider(description, value, low, high, step=1):
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=False,  # one redraw when the handle is released, not one per pixel
        style=SLIDER_STYLE,
        layout=SLIDER_LAYOUT,
    )


def float_slider(description, value, low, high, step):
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".2f",
        continuous_update=False,
        style=SLIDER_STYLE,
        layout=SLIDER_LAYOUT,
    )


class Dashboard:
    """Base class: subclasses define `controls`, `figure` (with its artists) and `update()`."""

    dpi = 100

    def __init__(self, controls, figure, extra=()):
        self.controls = controls
        self.figure = figure
        self.image = widgets.Image(format="png")
        self.messages = widgets.Output()
        self.redraws = 0
        self.relayout = True
        self.redraw()
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(list(controls.values())), self.image, *extra, self.messages]
        )

    @property
    def png(self):
        """The PNG bytes currently shown."""
        return bytes(self.image.value)

    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self):
        """Recompute from the controls' values and update the figure's artists."""
        raise NotImplementedError

    def redraw(self):
        self.update()
        buffer = io.BytesIO()
        if self.relayout:
            self.figure.set_layout_engine("constrained")
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        if self.relayout:
            # That draw placed every axes and colour bar; keep them there rather than solving the
            # layout again at every slider step (that costs half of a redraw). An update() that
            # changes the size of labels sets self.relayout = True for its next draw.
            self.figure.set_layout_engine("none")
            self.relayout = False
        self.image.value = buffer.getvalue()
        self.redraws += 1

    def _on_change(self, change):
        if self.messages.outputs:  # an earlier error message: this redraw replaces it
            self.messages.clear_output()
        with self.messages:  # in a notebook, an error in the callback is shown here
            self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _cell_weights(n_x, n_a, n_y, seed):
    """Fixed random directions for Wax, Waa and Wya; a weight scale then multiplies Wax and Waa.

    Entries have standard deviation 1/√(fan-in), so at weight scale s the spectral radius of Waa is
    close to s and each pre-activation has a variance of about s² per input.
    """
    rng = np.random.default_rng(seed)
    return {
        "Wax": rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
        "Waa": rng.standard_normal((n_a, n_a)) / np.sqrt(n_a),
        "Wya": rng.standard_normal((n_y, n_a)) / np.sqrt(n_a),
        "ba": np.zeros((n_a, 1)),
        "by": np.zeros((n_y, 1)),
    }


def _scaled(base, scale):
    return {**base, "Wax": scale * base["Wax"], "Waa": scale * base["Waa"]}


class ForwardDashboard(Dashboard):
    """Notebook 01: sequence length and weight scale → hidden states and output probabilities.

    One sequence (m = 1) of random inputs; the first T_x steps of the same 200 are used, so a
    longer sequence extends the shorter one. The weight scale multiplies Wax and Waa.
    """

    def __init__(self, n_x=3, n_a=16, n_y=4, max_T_x=200, seed=0):
        rng = np.random.default_rng(seed)
        self.x = rng.standard_normal((n_x, 1, max_T_x))
        self.a0 = np.zeros((n_a, 1))
        self.base = _cell_weights(n_x, n_a, n_y, seed + 1)
        controls = {
            "T_x": int_slider("sequence length T_x", 40, 1, max_T_x),
            "scale": float_slider("weight scale", 1.0, 0.1, 3.0, 0.1),
        }
        figure, axes = plots.new_figure(height=5.2, nrows=2, sharex=True)
        self.hidden_ax, self.output_ax = axes[0, 0], axes[1, 0]
        self.hidden_image, _ = plots.draw_hidden_states(self.hidden_ax, np.zeros((n_a, 1)))
        self.output_image, _ = plots.draw_probabilities(self.output_ax, np.zeros((n_y, 1)))
        self.hidden_ax.set_xlabel("")
        super().__init__(controls, figure)

    def update(self):
        T_x, scale = self.controls["T_x"].value, self.controls["scale"].value
        parameters = _scaled(self.base, scale)
        a, y_pred, _ = rnn_forward(self.x[:, :, :T_x], self.a0, parameters)
        plots.set_heatmap(self.hidden_image, a[:, 0, :])
        plots.set_heatmap(self.output_image, y_pred[:, 0, :])
        self.output_ax.set_xlim(0.5, T_x + 0.5)
        rho = spectral_radius(parameters["Waa"])
        self.hidden_ax.set_title(
            f"Hidden states a⟨t⟩ (weight scale {scale:.2f}, spectral radius of Waa {rho:.2f})"
        )


class BPTTDashboard(Dashboard):
    """Notebook 02: sequence length and weight scale → ‖∂L/∂a⟨t⟩‖ for every step, log scale.

    Two lines: the gradient that reaches a⟨t⟩ from the output at step t alone, and the whole
    gradient, which adds what flows back from all later steps through Waa.
    """

    def __init__(self, n_x=3, n_a=16, n_y=4, max_T_x=200, seed=0):
        rng = np.random.default_rng(seed)
        self.x = rng.standard_normal((n_x, 1, max_T_x))
        self.y = rng.integers(0, n_y, size=(1, max_T_x))
        self.a0 = np.zeros((n_a, 1))
        self.base = _cell_weights(n_x, n_a, n_y, seed + 1)
        controls = {
            "T_x": int_slider("sequence length T_x", 50, 2, max_T_x),
            "scale": float_slider("weight scale", 1.0, 0.1, 3.0, 0.1),
        }
        figure, axes = plots.new_figure(height=3.6)
        self.ax = axes[0, 0]
        one = np.ones(1)
        self.total_line = plots.draw_gradient_norms(self.ax, one, one, "whole gradient ‖∂L/∂a⟨t⟩‖")
        self.local_line = plots.draw_gradient_norms(
            self.ax, one, one, "from the output at step t only", style="--", marker=None
        )
        self.ax.legend(loc="upper left", fontsize=9)
        super().__init__(controls, figure)

    def update(self):
        T_x, scale = self.controls["T_x"].value, self.controls["scale"].value
        parameters = _scaled(self.base, scale)
        x, y = self.x[:, :, :T_x], self.y[:, :T_x]
        a, y_pred, _ = rnn_forward(x, self.a0, parameters)
        local = output_layer_backward(y_pred, y, a, parameters)["da"]
        total = hidden_state_gradients(x, y, self.a0, parameters)
        t = np.arange(1, T_x + 1)
        self.total_line.set_data(t, gradient_norms(total))
        self.local_line.set_data(t, gradient_norms(local))
        self.ax.relim()
        self.ax.autoscale_view()
        self.ax.set_title(
            f"Gradient reaching each hidden state (T_x = {T_x}, weight scale {scale:.2f})"
        )


class VanishingDashboard(Dashboard):
    """Notebook 04: spectral radius ρ, T_x and the nonlinearity → hidden states and ‖∂L/∂a⟨t⟩‖.

    Waa = ρ·Q with Q orthogonal; the loss depends on the last hidden state only, through a fixed
    unit vector g = ∂L/∂a⟨T⟩. For a linear RNN the gradient norm is exactly ρ^(T−t); tanh can only
    make it smaller, because every factor 1 − a² is at most 1.
    """

    def __init__(self, n_x=3, n_a=32, max_T_x=200, seed=0):
        rng = np.random.default_rng(seed)
        self.x = rng.standard_normal((n_x, 1, max_T_x))
        self.a0 = np.zeros((n_a, 1))
        self.Q = scaled_orthogonal_matrix(n_a, 1.0, seed=seed + 1)
        self.Wax = rng.standard_normal((n_a, n_x)) / np.sqrt(n_x)
        g = rng.standard_normal((n_a, 1))
        self.g = g / np.linalg.norm(g)  # ‖∂L/∂a⟨T⟩‖ = 1
        controls = {
            "rho": float_slider("spectral radius ρ", 0.9, 0.5, 1.5, 0.05),
            "T_x": int_slider("sequence length T_x", 60, 2, max_T_x),
            "nonlinearity": widgets.ToggleButtons(
                options=["tanh", "linear"],
                value="tanh",
                description="nonlinearity",
                style=SLIDER_STYLE,
            ),
        }
        figure, axes = plots.new_figure(height=6.0, nrows=2)
        self.state_ax, self.grad_ax = axes[0, 0], axes[1, 0]
        self.state_image, self.colorbar = plots.draw_hidden_states(
            self.state_ax, np.zeros((n_a, 1))
        )
        one = np.ones(1)
        self.norm_line = plots.draw_gradient_norms(self.grad_ax, one, one, "‖∂L/∂a⟨t⟩‖")
        (self.reference_line,) = self.grad_ax.plot(one, one, "k--", linewidth=1, label="ρ^(T−t)")
        self.grad_ax.legend(loc="best", fontsize=9)
        self.drawn_tick_width = None
        super().__init__(controls, figure)

    def update(self):
        rho, T_x, nonlinearity = (self.controls[k].value for k in ("rho", "T_x", "nonlinearity"))
        Waa = rho * self.Q
        n_a = Waa.shape[0]
        parameters = {
            "Wax": self.Wax,
            "Waa": Waa,
            "Wya": np.zeros((1, n_a)),  # no output layer here: the loss sees a⟨T⟩ only
            "ba": np.zeros((n_a, 1)),
            "by": np.zeros((1, 1)),
        }
        a = hidden_states(self.x[:, :, :T_x], self.a0, parameters, nonlinearity)
        norms = gradient_norms(backpropagate_from_last_step(a, Waa, self.g, nonlinearity))
        plots.set_heatmap(self.state_image, a[:, 0, :])
        if nonlinearity == "tanh":  # tanh keeps every value in [-1, 1]
            self.state_image.set_norm(Normalize(-1.0, 1.0))
            self.colorbar.set_ticks([-1, -0.5, 0, 0.5, 1], labels=["−1", "−0.5", "0", "0.5", "1"])
        else:  # a linear RNN's values can grow without bound: linear in [-1, 1], log beyond
            limit = max(1.0, float(np.abs(a).max()))
            self.state_image.set_norm(SymLogNorm(linthresh=1.0, vmin=-limit, vmax=limit, base=10))
            big = f"{limit:.0e}".replace("e+0", "e").replace("e+", "e")
            self.colorbar.set_ticks([-limit, 0, limit], labels=[f"−{big}", "0", big])
        tick_width = len(big) if nonlinearity == "linear" else 0
        self.relayout = tick_width != self.drawn_tick_width  # wider or narrower colour bar labels
        self.drawn_tick_width = tick_width
        self.state_ax.set_xlim(0.5, T_x + 0.5)
        self.state_ax.set_title(
            f"Hidden states, {nonlinearity} RNN, ρ = {rho:.2f}: largest |a| = {np.abs(a).max():.2g}"
        )
        t = np.arange(1, T_x + 1)
        self.norm_line.set_data(t, norms)
        self.reference_line.set_data(t, rho ** (T_x - t))
        self.grad_ax.relim()
        self.grad_ax.autoscale_view()
        self.grad_ax.set_title(f"Gradient from the last step back to step t ({nonlinearity})")


def _printable(char):
    return {" ": "space", "\n": "\\n"}.get(char, char)


class SamplingDashboard(Dashboard):
    """Notebook 05: sampling temperature → next-character probabilities and a sampled text.

    Dividing the logits by a temperature τ before the softmax, softmax(z / τ), sharpens the
    distribution when τ < 1 (towards always picking the most likely character) and flattens it
    when τ > 1 (towards uniform). The bars show the probabilities of the most likely next
    characters after `prompt`; below, a text sampled at that temperature with a fixed seed.
    """

    def __init__(self, parameters, chars, char_to_index, prompt="the ", length=240, top=20, seed=0):
        self.model = (parameters, chars, char_to_index)
        self.prompt, self.length, self.seed = prompt, length, seed
        p = next_char_probabilities(parameters, chars, char_to_index, prompt, temperature=1.0)
        self.order = np.argsort(-p, kind="stable")[
            : min(top, len(chars))
        ]  # fixed: τ keeps the ranking
        controls = {"temperature": float_slider("temperature τ", 1.0, 0.1, 2.0, 0.05)}
        figure, axes = plots.new_figure(height=3.0)
        self.ax = axes[0, 0]
        positions = np.arange(len(self.order))
        self.bars = self.ax.bar(positions, np.zeros(len(self.order)), color="C0", edgecolor="black")
        self.ax.set_xticks(positions, labels=[_printable(chars[i]) for i in self.order])
        self.ax.set_ylim(0, 1)
        self.ax.set_xlabel(
            f"next character after {prompt!r} (the {len(self.order)} most likely at τ = 1)"
        )
        self.ax.set_ylabel("probability")
        self.text = widgets.HTML()
        super().__init__(controls, figure, extra=[self.text])

    def update(self):
        temperature = self.controls["temperature"].value
        parameters, chars, char_to_index = self.model
        p = next_char_probabilities(parameters, chars, char_to_index, self.prompt, temperature)
        for bar, probability in zip(self.bars, p[self.order]):
            bar.set_height(probability)
        self.ax.set_title(f"Next-character probabilities at temperature τ = {temperature:.2f}")
        text = sample(
            parameters, chars, char_to_index, self.prompt, self.length, temperature, self.seed
        )
        self.sampled = text
        self.text.value = (
            f"<b>Sample at τ = {temperature:.2f}</b> (seed {self.seed}):"
            f"<pre style='white-space: pre-wrap'>{html.escape(text)}</pre>"
        )
