"""Dashboards: controls that recompute with rnn_core and redraw one figure. One call shows one.

In a notebook cell::

    from rnn_core.widgets import ForwardDashboard
    ForwardDashboard()

Each dashboard owns one matplotlib Figure. When a control changes, it recomputes what that control
affects, updates the figure's artists in place (no new figure, no new axes), renders the figure to
PNG once and shows the PNG in an `ipywidgets.Image`. Errors raised while redrawing are shown in the
dashboard's `messages` area instead of disappearing into the kernel log.

Most of the time of drawing a figure goes into what does not change when a slider moves: axes,
ticks, tick labels (text is slow to draw), colour bars. So a dashboard draws those once into a
background image, keyed by the view (axis limits, colour scale), keeps it, and on each move only
pastes the background and draws the artists that changed on top ("blitting"). Axis limits snap to
a few round values (a sequence of 37 steps is shown on an axis to 50, a gradient between 3e-4 and
2 on decades 1e-4 to 10), so that most moves find their background already drawn; the first
visit of a view draws only what differs between views (the axes whose limits moved) on a kept
picture of the rest. Settings are written under the picture, not in a title: a title that
changes at every move would be drawn at every move.

The picture has two pixels for each pixel of its size on the page, so that it is sharp on a
HiDPI screen, and is written as PNG by a writer made for speed (`_PngWriter`).

Without a browser (tests, scripts), set a control's value and read the result::

    dashboard = ForwardDashboard()
    dashboard.controls["T_x"].value = 200   # recomputes and redraws, exactly once
    dashboard.png                           # the PNG bytes the learner now sees
    dashboard.redraws                       # how many times it has been drawn
"""

import base64
import html
import math
import struct
import zlib

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize, SymLogNorm
from matplotlib.image import AxesImage
from matplotlib.ticker import FixedLocator, LogLocator, MaxNLocator, NullLocator

from . import plots
from ._validation import check_callable, check_int, check_positive_int, check_seed
from .dynamics import (
    backpropagate_from_last_step,
    gradient_norms,
    gru_state_gradients,
    hidden_state_gradients,
    hidden_states,
    lstm_state_gradients,
    rnn_state_gradients,
    scaled_orthogonal_matrix,
    spectral_radius,
)
from .gru import initialize_gru_parameters
from .loss import output_layer_backward
from .lstm import _lstm_forward, initialize_lstm_parameters
from .problems import random_problem
from .rnn import rnn_forward
from .sampling import next_char_probabilities, sample

SLIDER_STYLE = {"description_width": "initial"}
# A control keeps its width and the row of controls wraps: in a narrow notebook column (1024 px
# with the file browser open) a slider moves to the next line instead of shrinking to nothing.
SLIDER_LAYOUT = {"width": "420px", "flex": "0 0 auto"}  # a track of about 200 px
CONTROLS_LAYOUT = {"flex_flow": "row wrap", "width": "100%"}


def _slider(kind, description, value, low, high, step, **options):
    return kind(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=False,  # one redraw when the handle is released, not one per pixel
        style=SLIDER_STYLE,
        layout=SLIDER_LAYOUT,
        **options,
    )


def int_slider(description, value, low, high, step=1):
    return _slider(widgets.IntSlider, description, value, low, high, step)


def float_slider(description, value, low, high, step):
    return _slider(widgets.FloatSlider, description, value, low, high, step, readout_format=".2f")


NICE_STEPS = (10, 12, 15, 20, 25, 30, 40, 50, 60, 80)  # per decade: at most a quarter left empty


def nice_limit(n):
    """An axis end for n time steps: n itself up to 10, else the smallest of 12, 15, 20, 25, 30,
    40, 50, 60, 80, 100, 120, … that is at least n (so that most moves reuse a drawn background)."""
    if n <= 10:
        return max(n, 1)
    scale = 1
    while True:
        for step in NICE_STEPS:
            if step * scale >= n:
                return step * scale
        scale *= 10


def decade_limits(values):
    """Log-axis limits: whole decades strictly below the smallest and above the largest value.

    A value that is itself a power of ten (a gradient of norm exactly 1) gets a decade of room,
    so that no line runs along the edge of the plot. Values below the smallest normal float
    (2.2e-308, a gradient that has underflowed) are left below the axis: a decade under 5e-324
    would be 10^-324, which is 0, and a log axis cannot start at 0.
    """
    positive = values[values >= np.finfo(np.float64).tiny]
    if positive.size == 0:
        return (1e-1, 1e1)
    low = 10.0 ** (math.ceil(math.log10(positive.min())) - 1)
    high = 10.0 ** (math.floor(math.log10(positive.max())) + 1)
    return (low, high)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind, data):
    """One PNG chunk: length, kind, data, CRC-32 of kind and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class _PngWriter:
    """RGBA pixels of shape (height, width, 4), uint8 → PNG bytes, fast enough for every move.

    PIL's writer tries five PNG filters on every row and keeps the best, which costs more than the
    compression. Here every row uses the "Up" filter (each byte minus the byte above it, modulo
    256): the large flat areas of a plot become zeros, which zlib at level 1 compresses quickly.
    The result is 10-20% larger than PIL's and takes a third to a quarter of its time
    (benchmarks/widget_latency.py prints both). The filtered rows live in one array kept between
    calls: a new array of 6 MB at every move would be paged in by the operating system each time.
    """

    def __init__(self):
        self.rows = np.zeros((0, 0), np.uint8)

    def __call__(self, rgba):
        height, width, _ = rgba.shape
        if self.rows.shape != (height, 1 + 4 * width):
            self.rows = np.empty((height, 1 + 4 * width), np.uint8)
            self.rows[:, 0] = 2  # each row starts with its filter type: 2, "Up"
        pixels = rgba.reshape(height, 4 * width)  # (height, width, 4) -> (height, 4 * width)
        up = self.rows[:, 1:]
        up[0] = pixels[0]  # the row above the first is taken as zeros
        np.subtract(pixels[1:], pixels[:-1], out=up[1:])  # uint8 arithmetic wraps: modulo 256
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
        return b"".join(
            (
                PNG_SIGNATURE,
                _png_chunk(b"IHDR", header),
                _png_chunk(b"IDAT", zlib.compress(self.rows, 1)),
                _png_chunk(b"IEND", b""),
            )
        )


class Dashboard:
    """Base class: controls, one figure, and an update() that sets the figure's changing artists.

    Subclasses build the figure, list the artists that change at every move in `dynamic`, and
    define `update()`, which recomputes, sets those artists' data, sets axis limits and returns a
    key (any hashable) that names the view: everything else in the picture. Two updates that return
    the same key share one background. The artists that differ from one view to the next (the
    axes whose limits move, a colour bar whose scale changes) are listed by `view_artists()`; the
    rest of the figure is drawn once per layout. So a move draws the dynamic artists on a kept
    background, and the first visit of a view draws only its view artists on the kept rest.

    An update that changes how wide the tick labels are (a time axis to 100 instead of 50, a colour
    bar to 1e12), or anything else drawn once per layout (a legend that gains an entry, a title),
    sets `self.layout_signature` to something new: the layout is solved once for it, so that no
    label is clipped at the figure's edge, and kept, like the backgrounds, for when the dashboard
    returns to it.

    The picture has `pixel_ratio` device pixels per CSS pixel (2: sharp on HiDPI screens, whose
    browsers show 2 device pixels per CSS pixel) and is shown at `css_dpi` CSS pixels per inch of
    the figure.

    Displayed, a dashboard is its live widget in JupyterLab; the same output also carries a PNG of
    the picture as it was first drawn, which is what a page without a kernel (GitHub, nbviewer, a
    static book) shows in its place.
    """

    css_dpi = 100
    pixel_ratio = 2
    cached_backgrounds = 8  # 2.5 to 7 MB each at pixel_ratio 2
    cached_static = 3  # the figure without its view artists, per layout

    def __init__(self, controls, figure, dynamic, extra=()):
        self.controls = controls
        self.figure = figure
        figure.set_dpi(self.css_dpi * self.pixel_ratio)
        figure.set_facecolor("white")  # opaque: the PNG keeps its alpha channel
        self.canvas = FigureCanvasAgg(figure)
        self.dynamic = list(dynamic)
        for artist in self.dynamic:
            artist.set_animated(True)  # left out of the background, drawn on top of it
        width = round(figure.get_figwidth() * self.css_dpi)  # CSS pixels; the height follows
        layout = {"width": f"{width}px", "max_width": "100%"}
        self.image = widgets.Image(format="png", layout=layout)
        self.messages = widgets.Output()
        self.redraws = 0
        self.layout_signature = self.drawn_signature = None
        self.layouts, self.static, self.backgrounds = {}, {}, {}
        self.spare = []  # pixel arrays dropped from the caches, for the next snapshot to reuse
        self.marked = []  # the view artists left out of the static part drawn last
        self.write_png = _PngWriter()
        self.redraw()
        for control in controls.values():
            control.observe(self._on_change, names="value")
        row = widgets.HBox(list(controls.values()), layout=CONTROLS_LAYOUT)
        self.widget = widgets.VBox([row, self.image, *extra, self.messages])

    @property
    def png(self):
        """The PNG bytes currently shown."""
        return bytes(self.image.value)

    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self):
        """Recompute from the controls' values, set the changing artists; return the view key."""
        raise NotImplementedError

    def view_artists(self):
        """The artists that differ between views (an axis whose limits move); none by default.
        The list may depend on the layout signature, not on anything else: what it leaves out is
        drawn once per layout, in the layout's static part."""
        return []

    def _mark_view_artists(self):
        """Leave this layout's view artists out of the static part (animated), and only them."""
        artists = self.view_artists()
        for artist in self.marked:
            if not any(artist is other for other in artists):
                artist.set_animated(False)
        for artist in artists:
            artist.set_animated(True)
        self.marked = artists
        return artists

    def redraw(self):
        key = self.update()
        self._mark_view_artists()  # (before anything is drawn, and for a full draw in the tests)
        signature = self.layout_signature
        if signature not in self.layouts:
            self._solve_layout()
        elif signature != self.drawn_signature:
            self._restore_layout()
        view = (signature, key)
        background = self.backgrounds.pop(view, None)  # put back below as the latest used
        if background is None:
            background = self._draw_background()
        else:
            self._restore(background)
        self._keep(self.backgrounds, view, background, self.cached_backgrounds)
        for artist in self.dynamic:
            self.figure.draw_artist(artist)
        self.image.value = self.write_png(np.asarray(self.canvas.buffer_rgba()))
        self.redraws += 1
        self.update_text()

    def update_text(self):
        """Update what is shown beside the picture and takes long to compute (a sampled text):
        called once the new picture is on its way, so that the picture does not wait for it."""

    def _solve_layout(self):
        """Solve the layout for the labels of the current view, keep it, and keep the figure
        without its view artists as this layout's static part (the layout engine measures the
        animated artists too, it only does not draw them)."""
        self.figure.set_layout_engine("constrained")
        self._draw_static()
        self.figure.set_layout_engine("none")  # solving it at every draw costs a draw
        self.layouts[self.layout_signature] = [
            (ax, ax.get_position(original=True), ax.get_position()) for ax in self.figure.axes
        ]
        self._keep(self.static, self.layout_signature, self._snapshot(), self.cached_static)
        self.drawn_signature = self.layout_signature

    def _restore_layout(self):
        for ax, original, active in self.layouts[self.layout_signature]:
            # the private setter: the public one takes the axes out of the layout engine's hands
            ax._set_position(original, which="original")
            ax._set_position(active, which="active")
        self.drawn_signature = self.layout_signature

    def _draw_background(self):
        """The picture of the current view without its dynamic artists."""
        artists = self.marked
        static = self.static.pop(self.layout_signature, None)
        if static is None:
            self._draw_static()
            static = self._snapshot()
        else:
            self._restore(static)
        self._keep(self.static, self.layout_signature, static, self.cached_static)
        for artist in artists:
            self.figure.draw_artist(artist)
        return self._snapshot()

    def _draw_static(self):
        """Draw everything but the dynamic and the view artists (they are animated). matplotlib
        before 3.11 draws an animated image all the same: the dynamic images are hidden here, or
        the static part would keep a heatmap that shows wherever a later, narrower one ends."""
        images = [a for a in self.dynamic if isinstance(a, AxesImage) and a.get_visible()]
        for image in images:
            image.set_visible(False)
        try:
            self.canvas.draw()
        finally:
            for image in images:
                image.set_visible(True)

    def _snapshot(self):
        """A copy of the picture's pixels, (height, width, 4) uint8, in an array dropped from a
        cache where one of the right shape is spare: a new array of several MB is paged in by the
        operating system at every first visit (copying into a kept one takes a fifth of the
        time)."""
        pixels = np.asarray(self.canvas.buffer_rgba())
        while self.spare:
            kept = self.spare.pop()
            if kept.shape == pixels.shape:
                np.copyto(kept, pixels)
                return kept
        return pixels.copy()

    def _restore(self, snapshot):
        np.copyto(np.asarray(self.canvas.buffer_rgba()), snapshot)

    def _keep(self, cache, key, snapshot, size):
        """Put key last in the dict `cache` (the latest used) and drop the oldest beyond `size`;
        the pixels dropped are kept as a spare for the next snapshot."""
        cache[key] = snapshot
        while len(cache) > size:
            self.spare = [cache.pop(next(iter(cache)))]

    def _on_change(self, change):
        if self.messages.outputs:  # an earlier error message: this redraw replaces it
            self.messages.clear_output()
        try:
            self.redraw()
        except Exception:
            # in a notebook, the error is shown in the dashboard (and raised outside one). Only
            # then: entering the Output at every move would cost two more messages each time
            with self.messages:
                raise

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        names = ", ".join(self.controls)
        bundle["text/plain"] = (
            f"{type(self).__name__}: run the cells to move its controls ({names})"
        )
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        # shown at its CSS size there too: a page without a kernel would show it twice as large
        width, height = (round(inches * self.css_dpi) for inches in self.figure.get_size_inches())
        return bundle, {"image/png": {"width": width, "height": height}}


LONGEST = 1000  # the largest max_T_x: ρ^T_x stays finite in float64 at every ρ a control allows


def _sequence(n_x, n_a, n_y, max_T_x, seed):
    """One random sequence (m = 1) of max_T_x steps, labels, a0 = 0, and weights without biases.

    Weight entries have standard deviation 1/√(fan-in) (`rnn_core.problems`), so at weight scale s
    the spectral radius of Waa is close to s and each pre-activation has a variance of about s² per
    input.
    """
    sizes = {"n_x": n_x, "n_a": n_a, "n_y": n_y}
    sizes = {name: check_positive_int(name, value) for name, value in sizes.items()}
    why = f" (beyond {LONGEST} steps, ρ^T_x at ρ = 1.5 leaves the range of float64)"
    max_T_x = check_int("max_T_x", max_T_x, 2, LONGEST, why)
    return random_problem(n_x, n_a, n_y, 1, max_T_x, seed, bias_scale=0.0, a0_scale=0.0)


def _whole_steps(ax):
    """Ticks on whole time steps only: a sequence of 2 steps is not labelled 1.2, 1.4, …"""
    ax.xaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10], integer=True, min_n_ticks=1))


def _scaled(base, scale):
    return {**base, "Wax": scale * base["Wax"], "Waa": scale * base["Waa"]}


class ForwardDashboard(Dashboard):
    """Notebook 01: sequence length and weight scale → hidden states and output probabilities.

    One sequence (m = 1) of random inputs; the first T_x steps of the same 200 are used, so a
    longer sequence extends the shorter one. The weight scale multiplies Wax and Waa. After an
    update, `shown` holds the values drawn: {"a": (n_a, T_x), "y_pred": (n_y, T_x)}.
    """

    def __init__(self, n_x=3, n_a=16, n_y=4, max_T_x=200, seed=0):
        self.x, _, self.a0, self.base = _sequence(n_x, n_a, n_y, max_T_x, seed)
        controls = {
            "T_x": int_slider("sequence length T_x", min(40, max_T_x), 1, max_T_x),
            "scale": float_slider("weight scale", 1.0, 0.1, 3.0, 0.1),
        }
        figure, axes = plots.new_figure(height=5.2, nrows=2, sharex=True)
        self.hidden_ax, self.output_ax = axes[0, 0], axes[1, 0]
        self.hidden_image, _ = plots.draw_hidden_states(self.hidden_ax, np.zeros((n_a, 1)))
        self.output_image, _ = plots.draw_probabilities(self.output_ax, np.zeros((n_y, 1)))
        self.hidden_ax.set_xlabel("")
        self.hidden_ax.set_title("Hidden states a⟨t⟩")
        _whole_steps(self.output_ax)  # shared with the top panel
        self.note = widgets.HTML()
        dynamic = [self.hidden_image, self.output_image]
        super().__init__(controls, figure, dynamic, extra=[self.note])

    def view_artists(self):
        return [self.hidden_ax.xaxis, self.output_ax.xaxis]  # the time axis, shared

    def update(self):
        T_x, scale = self.controls["T_x"].value, self.controls["scale"].value
        parameters = _scaled(self.base, scale)
        a, y_pred, _ = rnn_forward(self.x[:, :, :T_x], self.a0, parameters)
        self.shown = {"a": a[:, 0, :], "y_pred": y_pred[:, 0, :]}  # (n_a, T_x), (n_y, T_x)
        plots.set_heatmap(self.hidden_image, self.shown["a"])
        plots.set_heatmap(self.output_image, self.shown["y_pred"])
        limit = nice_limit(T_x)
        self.output_ax.set_xlim(0.5, limit + 0.5)  # shared with the top panel
        self.layout_signature = len(str(limit))  # the width of the last tick label
        rho = spectral_radius(parameters["Waa"])
        # Under the picture, not in its title: a title redrawn at every move costs as much as
        # the rest of the move (see GatedDashboard)
        self.note.value = (
            f"T_x = {T_x}, weight scale {scale:.2f}: spectral radius of Waa {rho:.2f}."
        )
        return limit


class BPTTDashboard(Dashboard):
    """Notebook 02: sequence length and weight scale → ‖∂L/∂a⟨t⟩‖ for every step, log scale.

    Two lines: the gradient that reaches a⟨t⟩ from the output at step t alone, and the whole
    gradient, which adds what flows back from all later steps through Waa.

    cell_backward: optionally, your own `rnn_cell_backward(da_next, cache)`. The dashboard then
    steps back through time with it, from t = T_x to 1 (da_next = the output's share at step t plus
    the da_prev your function returned for step t + 1), and draws the whole gradient it finds as a
    third line, with how far it lies from rnn_core's. If your function raises or returns something
    unusable, the dashboard says so under the picture and draws rnn_core's lines only.
    """

    def __init__(self, n_x=3, n_a=16, n_y=4, max_T_x=200, seed=0, cell_backward=None):
        self.x, self.y, self.a0, self.base = _sequence(n_x, n_a, n_y, max_T_x, seed)
        cell_backward = _check_cell_backward(cell_backward)
        controls = {
            "T_x": int_slider("sequence length T_x", min(50, max_T_x), 2, max_T_x),
            "scale": float_slider("weight scale", 1.0, 0.1, 3.0, 0.1),
        }
        figure, axes = plots.new_figure(height=3.6)
        self.ax = axes[0, 0]
        _whole_steps(self.ax)
        one = np.ones(1)
        self.total_line = plots.draw_gradient_norms(self.ax, one, one, "whole gradient ‖∂L/∂a⟨t⟩‖")
        self.local_line = plots.draw_gradient_norms(
            self.ax, one, one, "from the output at step t only", style="--", marker=None
        )
        self.ax.legend(loc="upper left", fontsize=9)
        self.ax.set_title("Gradient reaching each hidden state")
        dynamic = [self.total_line, self.local_line]
        label = "whole gradient, with your rnn_cell_backward"
        legend = {"loc": "upper left", "fontsize": 9}
        self.yours = YourBackward(cell_backward, self.ax, label, legend)
        self.note = widgets.HTML()
        extra = [self.note, *self.yours.extra]
        super().__init__(controls, figure, dynamic + self.yours.dynamic, extra)

    def view_artists(self):
        return [self.ax.xaxis, self.ax.yaxis]

    def update(self):
        T_x, scale = self.controls["T_x"].value, self.controls["scale"].value
        parameters = _scaled(self.base, scale)
        x, y = self.x[:, :, :T_x], self.y[:, :T_x]
        a, y_pred, caches = rnn_forward(x, self.a0, parameters)
        da = output_layer_backward(y_pred, y, a, parameters)["da"]
        local = gradient_norms(da)
        total = gradient_norms(hidden_state_gradients(x, y, self.a0, parameters))
        t = np.arange(1, T_x + 1)
        self.total_line.set_data(t, total)
        self.local_line.set_data(t, local)
        self.yours.update(t, total, da, caches[0])
        limit = nice_limit(T_x)
        low, high = decade_limits(np.concatenate([total, local]))
        y_limits = (low, high * 10)  # an empty decade on top, where the legend sits
        self.ax.set_xlim(0.5, limit + 0.5)
        self.ax.set_ylim(*y_limits)
        # the last tick label's width; the legend, which lists the × marks while they are drawn
        self.layout_signature = (len(str(limit)), self.yours.drawn)
        self.note.value = f"T_x = {T_x}, weight scale {scale:.2f}."  # not in the title: it is slow
        return limit, y_limits, self.yours.drawn


def _check_cell_backward(cell_backward, what="a function (da_next, cache) -> dict of gradients"):
    if cell_backward is None:
        return None
    return check_callable("cell_backward", cell_backward, what)


class YourBackward:
    """The learner's own cell backward in a dashboard: a line of × marks and a note under the
    picture. Without a function (None) it draws nothing and adds nothing.

    `name` is the function's name in the notebook ("rnn_cell_backward"); `step_back(function,
    *problem)` steps back through time with it and returns (the norms, None) or (None, why not),
    for the `problem` that `update` is given (`_whole_gradient_norms` for the RNN,
    `_lstm_gradient_norms` for the LSTM).
    """

    def __init__(self, cell_backward, ax, label, legend_options, name="rnn_cell_backward",
                 step_back=None, color="C3"):  # fmt: skip
        self.cell_backward, self.ax, self.legend_options = cell_backward, ax, legend_options
        self.label, self.name = label, name
        self.step_back = _whole_gradient_norms if step_back is None else step_back
        self.dynamic, self.extra, self.drawn = [], [], False
        if cell_backward is None:
            return
        (self.line,) = ax.plot(
            [], [], linestyle="none", marker="x", markersize=6, color=color, label=self.label
        )
        self.note = widgets.HTML()
        self.dynamic, self.extra, self.drawn = [self.line], [self.note], True
        ax.legend(**legend_options)

    def update(self, t, reference, *problem):
        """Step back with the learner's function; draw what it gives beside `reference`."""
        if self.cell_backward is None:
            return
        norms, why_not = self.step_back(self.cell_backward, *problem)
        if why_not is None:
            with np.errstate(divide="ignore", invalid="ignore"):  # a norm that underflowed to 0
                relative = np.abs(norms - reference) / reference
            difference = np.max(np.where(reference > 0, relative, np.abs(norms)))
            self.line.set_data(t, norms)
            self.line.set_markevery(max(1, len(t) // 50))  # at most about 50 marks: readable
            self.note.value = (
                f"<b>Your {self.name}</b> (× marks): the largest relative difference "
                f"from rnn_core's line is {difference:.1e}."
            )
        else:
            self.skip(f"is not drawn: {why_not}")
        self._set_drawn(why_not is None)

    def skip(self, why):
        """Draw no × marks, and say why under the picture."""
        if self.cell_backward is None:
            return
        self.line.set_data([], [])
        self.note.value = f"<b>Your {self.name}</b> {html.escape(why)}"
        self._set_drawn(False)

    def _set_drawn(self, drawn):
        if drawn != self.drawn:  # the legend lists the × marks only while they are drawn
            self.line.set_label(self.label if drawn else "_")
            self.ax.legend(**self.legend_options)
            self.drawn = drawn


def _call_learner(cell_backward, arguments):
    """(gradients, None) from the learner's function, or (None, a sentence saying why not)."""
    try:
        return cell_backward(*arguments), None
    except NotImplementedError:
        return None, "it is not implemented yet (it raised NotImplementedError)."
    except Exception as error:  # a learner's bug is a message, not a broken dashboard
        return None, f"it raised {type(error).__name__}: {error}"


def _returned_state(gradients, key, shape, t):
    """(gradients[key], None) if it is a finite array of `shape`, else (None, why not)."""
    value = gradients.get(key) if isinstance(gradients, dict) else None
    if not isinstance(value, np.ndarray) or value.shape != shape:
        return None, (
            f"it must return a dict whose {key!r} is an array of shape (n_a, m) = {shape}; at "
            f"step {t + 1} it returned {_describe(gradients, key)}."
        )
    if not np.all(np.isfinite(value)):
        return None, f"its {key} at step {t + 1} holds NaN or inf."
    return value, None


def _whole_gradient_norms(cell_backward, da, cell_caches):
    """‖∂L/∂a⟨t⟩‖ for t = 1 … T_x from stepping back with `cell_backward`, and None; or None and
    a sentence saying why it could not be done. The function gets copies: it can change nothing."""
    n_a, m, T_x = da.shape
    norms = np.zeros(T_x)
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):  # code index t holds step ⟨t + 1⟩
        da_next = da[:, :, t] + da_prev  # (n_a, m): the output's share plus the later steps'
        norms[t] = np.linalg.norm(da_next)
        a_next, a_prev, xt, parameters = cell_caches[t]
        copied = {key: value.copy() for key, value in parameters.items()}
        cache = (a_next.copy(), a_prev.copy(), xt.copy(), copied)
        gradients, why_not = _call_learner(cell_backward, (da_next.copy(), cache))
        if why_not is None:
            da_prev, why_not = _returned_state(gradients, "da_prev", (n_a, m), t)
        if why_not is not None:
            return None, why_not
    return norms, None


def _lstm_gradient_norms(lstm_cell_backward, g, cell_caches):
    """‖∂L/∂a⟨t⟩‖ for t = 1 … T_x, stepping back with the learner's `lstm_cell_backward` from
    da_next = g, dc_next = 0 at t = T_x (L = gᵀ a⟨T_x⟩: no other step has a loss of its own), and
    None; or None and why not. The function gets copies of everything."""
    n_a, m = g.shape
    T_x = len(cell_caches)
    norms = np.zeros(T_x)
    da_next, dc_next = g, np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        norms[t] = np.linalg.norm(da_next)
        *arrays, parameters = cell_caches[t]
        cache = (*(a.copy() for a in arrays), {k: v.copy() for k, v in parameters.items()})
        gradients, why_not = _call_learner(
            lstm_cell_backward, (da_next.copy(), dc_next.copy(), cache)
        )
        if why_not is None:
            da_next, why_not = _returned_state(gradients, "da_prev", (n_a, m), t)
        if why_not is None:
            dc_next, why_not = _returned_state(gradients, "dc_prev", (n_a, m), t)
        if why_not is not None:
            return None, why_not
    return norms, None


def _describe(gradients, key="da_prev"):
    if not isinstance(gradients, dict):
        return f"a {type(gradients).__name__}"
    value = gradients.get(key)
    if value is None:
        return f"a dict without {key!r} (keys {sorted(map(str, gradients))})"
    return f"{key!r} of shape {np.shape(value)}"


class VanishingDashboard(Dashboard):
    """Notebook 04: spectral radius ρ, T_x and the nonlinearity → hidden states and ‖∂L/∂a⟨t⟩‖.

    Waa = ρ·Q with Q orthogonal; the loss depends on the last hidden state only, through a fixed
    unit vector g = ∂L/∂a⟨T⟩. For a linear RNN the gradient norm is exactly ρ^(T−t); tanh can only
    make it smaller, because every factor 1 − a² is at most 1. After an update, `shown["a"]` holds
    the hidden states drawn, (n_a, T_x).

    cell_backward: optionally, your own `rnn_cell_backward(da_next, cache)`, stepped back from
    da_next = g at t = T (the tanh RNN only; it is a tanh cell's backward), drawn as × marks.
    """

    def __init__(self, n_x=3, n_a=32, max_T_x=200, seed=0, cell_backward=None):
        cell_backward = _check_cell_backward(cell_backward)
        rng = check_seed("seed", seed)  # one stream for the sequence, then Q
        self.x, _, self.a0, weights = _sequence(n_x, n_a, 1, max_T_x, rng)
        self.Wax = weights["Wax"]
        self.Q = scaled_orthogonal_matrix(n_a, 1.0, seed=rng)
        g = weights["Wya"].T  # (n_a, 1), a fixed random direction
        self.g = g / np.linalg.norm(g)  # ‖∂L/∂a⟨T⟩‖ = 1
        controls = {
            "rho": float_slider("spectral radius ρ", 0.9, 0.5, 1.5, 0.05),
            "T_x": int_slider("sequence length T_x", min(60, max_T_x), 2, max_T_x),
            "nonlinearity": widgets.ToggleButtons(
                options=["tanh", "linear"],
                value="tanh",
                description="nonlinearity",
                style=SLIDER_STYLE,
                layout={"flex": "0 0 auto"},
            ),
        }
        figure, axes = plots.new_figure(height=6.0, nrows=2)
        self.state_ax, self.grad_ax = axes[0, 0], axes[1, 0]
        _whole_steps(self.state_ax)
        _whole_steps(self.grad_ax)
        self.state_image, self.colorbar = plots.draw_hidden_states(
            self.state_ax, np.zeros((n_a, 1))
        )
        one = np.ones(1)
        self.norm_line = plots.draw_gradient_norms(self.grad_ax, one, one, "‖∂L/∂a⟨t⟩‖")
        (self.reference_line,) = self.grad_ax.plot(one, one, "k--", linewidth=1, label="ρ^(T−t)")
        # above the panel, under its title, not on it: at some setting the lines cross every part
        legend = {
            "loc": "lower center",
            "bbox_to_anchor": (0.5, 1.0),
            "ncol": 3,
            "fontsize": 9,
            "frameon": False,
        }
        self.grad_ax.legend(**legend)
        self.yours = YourBackward(
            cell_backward, self.grad_ax, "with your rnn_cell_backward", legend
        )
        self.note = widgets.HTML()
        self.colours = None  # (nonlinearity, colour limit) of the colour scale set
        self.reaches = {}  # (ρ, nonlinearity, time axis end) -> the lines' smallest, largest
        dynamic = [self.state_image, self.norm_line, self.reference_line]
        extra = [self.note, *self.yours.extra]
        super().__init__(controls, figure, dynamic + self.yours.dynamic, extra)

    def view_artists(self):
        axes = [self.state_ax.xaxis, self.grad_ax.xaxis, self.grad_ax.yaxis]
        if self.controls["nonlinearity"].value == "tanh":  # its colour bar is always −1 … 1
            return axes  # (the nonlinearity is in the layout signature)
        return [*axes, self.colorbar.ax]

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
        largest = float(np.abs(a).max())
        if nonlinearity == "tanh":  # tanh keeps every value in [-1, 1]
            colour_limit = 1.0
            tick_width = 0
        else:  # a linear RNN's values can grow without bound: linear in [-1, 1], log beyond
            colour_limit = 10.0 ** max(0, math.ceil(math.log10(largest)))  # a whole decade
            tick_width = len(f"1e{round(math.log10(colour_limit))}")
        self.shown = {"a": a[:, 0, :]}  # (n_a, T_x)
        if (nonlinearity, colour_limit) == self.colours:
            plots.set_heatmap(self.state_image, self.shown["a"])  # on the same colour scale
        else:
            self._set_colour_scale(nonlinearity, colour_limit)
        limit = nice_limit(T_x)
        self.state_ax.set_xlim(0.5, limit + 0.5)
        self.state_ax.set_title(f"Hidden states, {nonlinearity} RNN")
        self.note.value = (  # under the picture, not in a title: a title redrawn is slow
            f"ρ = {rho:.2f}, T_x = {T_x}, {nonlinearity} RNN: largest |a| = {largest:.2g}."
        )
        t = np.arange(1, T_x + 1)
        reference = rho ** (T_x - t)
        self.norm_line.set_data(t, norms)
        self.reference_line.set_data(t, reference)
        if nonlinearity == "tanh":
            self.yours.update(t, norms, *self._your_problem(a, parameters))
        else:
            self.yours.skip("is drawn for the tanh RNN only: it is the backward of a tanh cell.")
        # The gradient's axis holds the lines of every length this time axis shows, so that it
        # moves with the time axis, not at other lengths (each move of it is a first visit)
        reach = self._reach(rho, nonlinearity, limit, parameters, a)
        y_limits = _round_decades(decade_limits(np.concatenate([norms, reference, reach])))
        self.grad_ax.set_xlim(0.5, limit + 0.5)
        self.grad_ax.set_ylim(*y_limits)
        self.grad_ax.set_title(
            f"Gradient from the last step back to step t ({nonlinearity})", pad=20
        )
        # tick and colour-bar label widths; the titles name the nonlinearity; the legend
        self.layout_signature = (len(str(limit)), tick_width, nonlinearity, self.yours.drawn)
        return limit, y_limits, colour_limit

    def _reach(self, rho, nonlinearity, limit, parameters, a):
        """The smallest and largest value, (2,), of both lines over every sequence length that
        is shown on the time axis to `limit`: the gradient's axis holds them all, so that it
        stays put while T_x moves on one time axis (each move of it is a slower first visit).
        Kept for each (ρ, nonlinearity, limit): a sweep over T_x asks for the same few again.

        The lengths T share one run of the hidden states (the first T of the longest), and go
        back together as the columns of one batch, each sequence placed at the end of the
        batch's time axis, so that its last step is the batch's last (the steps before its start
        are zeros, gone through after its own: they change nothing in it). a: the hidden states
        of the current T_x, (n_a, 1, T_x), which the longest run continues."""
        key = (rho, nonlinearity, limit)
        if key in self.reaches:
            return self.reaches[key]
        if len(self.reaches) >= 256:  # a long session of many settings: start again
            self.reaches.clear()
        longest = min(limit, self.x.shape[2])
        lengths = [T for T in range(1, longest + 1) if nice_limit(T) == limit]  # T, ..., longest
        if a.shape[2] < longest:  # the same steps as one run from a⟨0⟩: the recurrence goes on
            rest = hidden_states(self.x[:, :, a.shape[2] : longest], a[:, :, -1], parameters,
                                 nonlinearity)  # fmt: skip
            a = np.concatenate([a, rest], axis=2)
        n_a = a.shape[0]
        batch = np.zeros((n_a, len(lengths), longest))  # column k: a⟨1⟩ … a⟨T_k⟩ at the end
        for k, T in enumerate(lengths):
            batch[:, k, longest - T :] = a[:, 0, :T]
        g = np.repeat(self.g, len(lengths), axis=1)  # (n_a, K)
        da = backpropagate_from_last_step(batch, parameters["Waa"], g, nonlinearity)
        norms = np.hypot.reduce(da, axis=0)  # (K, longest): ‖·‖ with no overflow
        steps = np.arange(longest)
        own = steps >= longest - np.array(lengths)[:, None]  # (K, longest): each one's own steps
        references = rho ** (longest - np.arange(1, longest + 1))  # holds every shorter one's
        lines = np.concatenate([norms[own], references])
        positive = lines[lines >= np.finfo(np.float64).tiny]  # what a log axis can show
        reach = np.array([positive.min(), positive.max()]) if positive.size else lines[:0]
        self.reaches[key] = reach
        return reach

    def _set_colour_scale(self, nonlinearity, colour_limit):
        """Colour the hidden states on a new scale, and set the colour bar's ticks for it. Only
        when the scale changes: a new norm makes the colour bar recompute itself (6 ms a move)."""
        if nonlinearity == "tanh":
            norm = Normalize(-1.0, 1.0)
            ticks, labels = [-1, -0.5, 0, 0.5, 1], ["−1", "−0.5", "0", "0.5", "1"]
        else:
            norm = SymLogNorm(linthresh=1.0, vmin=-colour_limit, vmax=colour_limit, base=10)
            big = f"1e{round(math.log10(colour_limit))}"
            ticks, labels = [-colour_limit, 0, colour_limit], [f"−{big}", "0", big]
        plots.set_heatmap(self.state_image, self.shown["a"], norm)
        self.colorbar.set_ticks(ticks, labels=labels)  # after the norm: a new norm resets them
        self.colours = (nonlinearity, colour_limit)

    def _your_problem(self, a, parameters):
        """The per-step gradient da (g at the last step, 0 before) and the caches of every step,
        as `rnn_cell_forward` would have left them, for stepping back with a cell backward."""
        n_a, m, T_x = a.shape
        da = np.zeros((n_a, m, T_x))
        da[:, :, -1] = self.g  # the loss sees a⟨T⟩ only
        a_prev = [self.a0] + [a[:, :, t] for t in range(T_x - 1)]
        caches = [(a[:, :, t], a_prev[t], self.x[:, :, t], parameters) for t in range(T_x)]
        return da, caches


def _round_decades(limits):
    """Log-axis limits further out, to 10^±n for n in 1 … 10, 12, 15, 20, 25, 30, 40, …
    (`nice_limit`): a longer sequence moves the axis at a few lengths, not at every step, and
    each new axis is a first visit, drawn (at most a quarter of the decades stay empty). They
    stay within 10^±308, where float64 ends."""
    low, high = (round(math.log10(limit)) for limit in limits)
    low = max(-nice_limit(-low), -308) if low < 0 else low
    high = min(nice_limit(high), 308) if high > 0 else high
    return (10.0**low, 10.0**high)


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
        top = check_positive_int("top", top)  # the other arguments are checked by sample()
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
        uniform = 1 / len(chars)
        self.ax.axhline(uniform, color="black", linestyle="--", linewidth=1)
        self.ax.annotate(
            f"uniform, 1/V = 1/{len(chars)}",
            (1.0, uniform),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=9,
        )
        self.ax.set_ylim(0, 1)
        self.ax.set_xlabel(
            f"next character after {prompt!r} (the {len(self.order)} most likely at τ = 1)"
        )
        self.ax.set_ylabel("probability")
        # the temperature is in the text under the picture: a title redrawn at every move is slow
        self.ax.set_title("Next-character probabilities, softmax(z / τ)")
        self.text = widgets.HTML()
        super().__init__(controls, figure, self.bars, extra=[self.text])

    def update(self):
        temperature = self.controls["temperature"].value
        parameters, chars, char_to_index = self.model
        p = next_char_probabilities(parameters, chars, char_to_index, self.prompt, temperature)
        for bar, probability in zip(self.bars, p[self.order]):
            bar.set_height(probability)
        return None  # the axes never change: one background serves every temperature

    def update_text(self):
        """The text sampled at this temperature (a loop of `length` steps): after the picture."""
        temperature = self.controls["temperature"].value
        parameters, chars, char_to_index = self.model
        text = sample(
            parameters, chars, char_to_index, self.prompt, self.length, temperature, self.seed
        )
        self.sampled = text
        self.text.value = (
            f"<b>Sample at τ = {temperature:.2f}</b> (seed {self.seed}):"
            f"<pre style='white-space: pre-wrap'>{html.escape(text)}</pre>"
        )


def _gate_weights(W, n_a, n_x):
    """Gate weights drawn with standard deviation 1 → the RNN's sizes: the a⟨t−1⟩ columns get
    1/√n_a (as Waa), the x⟨t⟩ columns 1/√n_x (as Wax), so every gate's recurrent block has a
    spectral radius close to 1, like Waa, before the weight scale multiplies it."""
    return np.hstack((W[:, :n_a] / math.sqrt(n_a), W[:, n_a:] / math.sqrt(n_x)))


def _decade_ticks(ax, limits):
    """Log-axis ticks every 1, 2, 3, 5, 10, 20, 50 or 100 decades, at most 8 of them, at
    multiples of that step (1e-30, 1e-20, …, not 1e-28, 1e-57); minor ticks only when every
    decade has a major one."""
    low, high = (round(math.log10(limit)) for limit in limits)
    step = next(s for s in (1, 2, 3, 5, 10, 20, 50, 100) if (high - low) / s <= 7)
    exponents = np.arange(math.ceil(low / step) * step, high + 1, step)
    ax.yaxis.set_major_locator(FixedLocator(10.0**exponents))
    ax.yaxis.set_minor_locator(LogLocator(subs=np.arange(2, 10)) if step == 1 else NullLocator())


# The dashboard's three backward passes, for one sequence (m = 1) and a loss that sees a⟨T⟩ only.
# They compute only what is plotted, the gradients reaching the states, not the weights', and take
# every input product x⟨t⟩ → gates for all steps at once; the cells' own `_rnn_backward`,
# `_lstm_backward` and `_gru_backward` give the same numbers in about 8 times the time (the tests
# compare them to 1e-12). x: (n_x, T); a0, g: (n_a,); weights as in the cells (m = 1 dropped).


def _norms(d):
    """‖·‖ of each column, (n_a, T) → (T,), as `gradient_norms`: no overflow in the squares."""
    return gradient_norms(d[:, None, :])


class GatedDashboard(Dashboard):
    """Notebook 07: an RNN, an LSTM and a GRU on the same sequence → ‖∂L/∂a⟨t⟩‖ and ‖∂L/∂c⟨t⟩‖.

    The three cells read the same random input x⟨1⟩ … x⟨T_x⟩ (the first T_x of the same 200 steps)
    from a⟨0⟩ = 0 (and c⟨0⟩ = 0). Their weights are drawn once, from `seed`, and are of comparable
    size: the RNN's from `rnn_core.problems` (Waa with standard deviation 1/√n_a, Wax 1/√n_x), the
    LSTM's and GRU's from `initialize_lstm_parameters` / `initialize_gru_parameters`, rescaled so
    that every gate's a⟨t−1⟩ block has the size of Waa and its x⟨t⟩ block the size of Wax. The
    weight scale multiplies every weight of the three cells (not the loss vector g); all biases
    are 0 except the LSTM's forget-gate bias bf, which has its own control.

    The loss sees the last hidden state only, through a fixed random unit vector g:
    L = gᵀ a⟨T_x⟩, so ∂L/∂a⟨T_x⟩ = g and ‖∂L/∂a⟨T_x⟩‖ = 1 for all three cells. This loss is chosen
    because it shows one thing only: how much of a gradient at step T_x survives the trip back to
    step t through each cell's recurrence. A loss at every step (the cross-entropy of every
    output) would add each step's own, local gradient, which is of the same size for the three
    cells and hides the difference between them (notebook 02's dashboard shows that sum).

    Read the picture: the RNN's gradient shrinks (or grows) by about the same factor every step.
    The LSTM's cell state passes its gradient back through dc⟨t−1⟩ = dc⟨t⟩ ⊙ f⟨t⟩, the forget gate
    alone: at bf = −3 the gate is nearly shut (σ(−3) ≈ 0.05) and the gradient dies within a few
    steps; at bf = 3 or more it is nearly open (σ(3) ≈ 0.95) and the gradient travels back over
    the whole sequence: the gradient highway. The GRU's a⟨t−1⟩ = z ⊙ a⟨t−1⟩ + … path is the same
    kind of highway, with its update gate at σ(0) on average here.

    The lines are the per-step totals that `_rnn_backward`, `_lstm_backward` and `_gru_backward`
    return for the upstream gradient da = (0, …, 0, g), computed by lean copies of those
    recurrences that skip the weights' gradients (about 8 times faster; the tests compare them).

    cell_backward: optionally, your own `lstm_cell_backward(da_next, dc_next, cache)`. The
    dashboard then steps back through the LSTM with it, from da_next = g and dc_next = 0 at
    t = T_x, feeding each step the da_prev and dc_prev your function returned for the step after
    it, and draws the ‖∂L/∂a⟨t⟩‖ it finds as × marks on the LSTM's line, with how far they lie
    from rnn_core's.
    """

    def __init__(self, n_x=3, n_a=16, max_T_x=200, seed=0, cell_backward=None):
        cell_backward = _check_cell_backward(
            cell_backward, "a function (da_next, dc_next, cache) -> dict of gradients"
        )
        rng = check_seed("seed", seed)  # one stream: the sequence and the RNN, then g, LSTM, GRU
        self.x, _, self.a0, rnn = _sequence(n_x, n_a, 1, max_T_x, rng)
        self.rnn_base = {**rnn, "Wya": np.zeros((1, n_a)), "by": np.zeros((1, 1))}
        g = rng.standard_normal((n_a, 1))
        self.g = g / np.linalg.norm(g)  # ‖∂L/∂a⟨T⟩‖ = 1
        lstm = initialize_lstm_parameters(n_x, n_a, 1, scale=1.0, seed=rng)
        gru = initialize_gru_parameters(n_x, n_a, 1, scale=1.0, seed=rng)
        self.lstm_base = {k: _gate_weights(lstm[k], n_a, n_x) for k in ("Wf", "Wi", "Wc", "Wo")}
        self.gru_base = {k: _gate_weights(gru[k], n_a, n_x) for k in ("Wz", "Wr", "Wh")}
        zeros = np.zeros((n_a, 1))
        self.lstm_fixed = {"bi": zeros, "bc": zeros, "bo": zeros}
        self.lstm_fixed.update(Wy=np.zeros((1, n_a)), by=np.zeros((1, 1)))  # no output layer
        self.gru_fixed = {"bz": zeros, "br": zeros, "bh": zeros}
        self.gru_fixed.update(Wy=np.zeros((1, n_a)), by=np.zeros((1, 1)))
        controls = {
            "T_x": int_slider("sequence length T_x", min(100, max_T_x), 2, max_T_x),
            "scale": float_slider("weight scale", 1.0, 0.1, 3.0, 0.1),
            "forget_bias": float_slider("LSTM forget-gate bias bf", 0.0, -3.0, 6.0, 0.25),
        }
        figure, axes = plots.new_figure(height=4.2)
        self.ax = ax = axes[0, 0]
        _whole_steps(ax)
        one = np.ones(1)
        self.lines = {
            "rnn": plots.draw_gradient_norms(ax, one, one, "RNN ‖∂L/∂a⟨t⟩‖", marker=None),
            "lstm_a": plots.draw_gradient_norms(ax, one, one, "LSTM ‖∂L/∂a⟨t⟩‖", marker=None),
            "lstm_c": plots.draw_gradient_norms(
                ax, one, one, "LSTM ‖∂L/∂c⟨t⟩‖", style=":", marker=None
            ),
            "gru": plots.draw_gradient_norms(ax, one, one, "GRU ‖∂L/∂a⟨t⟩‖", marker=None),
        }
        colours = {"rnn": "C0", "lstm_a": "C3", "lstm_c": "C3", "gru": "C2"}
        for name, line in self.lines.items():
            line.set_color(colours[name])
            line.set_linewidth(2.2 if name == "lstm_c" else 1.6)
        ax.set_ylabel("‖∂L/∂a⟨t⟩‖, ‖∂L/∂c⟨t⟩‖ (log scale)")
        ax.set_xlabel("time step t   (L = gᵀ a⟨T_x⟩: the loss sees the last hidden state only)")
        # above the panel, under its title, not on it: at some setting the lines cross every part
        legend = {"loc": "lower center", "bbox_to_anchor": (0.5, 1.0), "fontsize": 9,
                  "ncol": 4 if cell_backward is None else 3, "frameon": False,
                  "handlelength": 2.5}  # fmt: skip
        ax.legend(**legend)
        # The settings are under the picture, not in its title: a title redrawn at every move
        # costs as much as the three curves (the text of a Unicode title is slow to render)
        pad = 22 if cell_backward is None else 36  # room for the legend's one or two rows
        ax.set_title("Gradient from the last step back to step t", pad=pad)
        self.yours = YourBackward(
            cell_backward, ax, "LSTM, yours", legend, "lstm_cell_backward", _lstm_gradient_norms,
            "k",
        )  # fmt: skip
        self.note = widgets.HTML()
        dynamic = [*self.lines.values(), *self.yours.dynamic]
        super().__init__(controls, figure, dynamic, extra=[self.note, *self.yours.extra])

    def view_artists(self):
        return [self.ax.xaxis, self.ax.yaxis]

    def parameters(self):
        """The three cells' parameters at the current settings: {"rnn": …, "lstm": …, "gru": …}."""
        scale = self.controls["scale"].value
        forget_bias = self.controls["forget_bias"].value
        n_a = self.a0.shape[0]
        rnn = {**self.rnn_base, "Wax": scale * self.rnn_base["Wax"]}
        rnn["Waa"] = scale * self.rnn_base["Waa"]
        lstm = {k: scale * W for k, W in self.lstm_base.items()}
        lstm.update(self.lstm_fixed, bf=np.full((n_a, 1), float(forget_bias)))
        gru = {k: scale * W for k, W in self.gru_base.items()}
        gru.update(self.gru_fixed)
        return {"rnn": rnn, "lstm": lstm, "gru": gru}

    def update(self):
        T_x, scale, forget_bias = (self.controls[k].value for k in ("T_x", "scale", "forget_bias"))
        parameters = self.parameters()
        x, a0, g = self.x[:, 0, :T_x], self.a0[:, 0], self.g[:, 0]
        with np.errstate(over="ignore", under="ignore"):  # a norm beyond float64 is drawn as inf
            lstm_da, lstm_dc = lstm_state_gradients(x, a0, parameters["lstm"], g)
            rnn = _norms(rnn_state_gradients(x, a0, parameters["rnn"], g))
            gru = _norms(gru_state_gradients(x, a0, parameters["gru"], g))
            lstm_a, lstm_c = _norms(lstm_da), _norms(lstm_dc)
        self.norms = {"rnn": rnn, "lstm_a": lstm_a, "lstm_c": lstm_c, "gru": gru}
        t = np.arange(1, T_x + 1)
        for name, line in self.lines.items():
            line.set_data(t, self.norms[name])
        if self.yours.cell_backward is not None:  # rnn_core's caches, for the learner's steps
            caches = _lstm_forward(x[:, None, :], a0[:, None], parameters["lstm"])[3][0]
            with np.errstate(over="ignore", under="ignore"):
                self.yours.update(t, lstm_a, self.g, caches)
        limit = nice_limit(T_x)
        # whole decades, further out as in notebook 04: the axis moves at a few lengths only
        y_limits = _round_decades(decade_limits(np.concatenate(list(self.norms.values()))))
        self.ax.set_xlim(0.5, limit + 0.5)
        self.ax.set_ylim(*y_limits)
        # tick label widths; the legend, which lists the × marks while they are drawn
        self.layout_signature = (len(str(limit)), len(f"{y_limits[0]:.0e}"), self.yours.drawn)
        _decade_ticks(self.ax, y_limits)
        first = ", ".join(
            f"{label} {self.norms[name][0]:.1e}"
            for name, label in (
                ("rnn", "RNN ‖∂L/∂a⟨1⟩‖"),
                ("lstm_a", "LSTM ‖∂L/∂a⟨1⟩‖"),
                ("lstm_c", "LSTM ‖∂L/∂c⟨1⟩‖"),
                ("gru", "GRU ‖∂L/∂a⟨1⟩‖"),
            )
        )
        self.note.value = (
            f"T_x = {T_x}, weight scale {scale:.2f}, LSTM forget-gate bias bf = {forget_bias:.2f} "
            f"(σ(bf) = {1 / (1 + math.exp(-forget_bias)):.2f}).<br><b>What reaches step 1</b> "
            f"(it is 1 at step T_x = {T_x}): {first}."
        )
        return limit, y_limits, self.yours.drawn
