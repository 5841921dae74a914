"""Figures for the notebooks: arrays in, a matplotlib Figure out.

Every function builds a `matplotlib.figure.Figure` directly (not through pyplot), so a figure shows
once, where the notebook displays it, and none piles up in pyplot's list of open figures. The
`draw_*` functions draw into an existing Axes and return the artists, so that the dashboards in
`rnn_core.widgets` can update them in place when a slider moves.

Colours: heatmaps use "cividis", whose lightness rises steadily from one end to the other, so it
reads the same in greyscale and for readers with any common colour-vision deficiency. Line plots use
distinct line styles as well as colours.

Time steps are numbered t = 1 … T_x in every figure, as in the equations (in code, step t is
x[:, :, t - 1]); hidden units and classes are numbered from 0, as numpy indexes them.
"""

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import LogFormatter, MaxNLocator
from matplotlib.transforms import IdentityTransform

HEATMAP_CMAP = "cividis"
LINE_STYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "v"]
FIGURE_WIDTH = 7.5  # inches: fits JupyterLab's notebook column at 100 % zoom


def new_figure(height=3.2, ncols=1, nrows=1, width=FIGURE_WIDTH, **subplot_kw):
    """A Figure with a grid of Axes, laid out once ("constrained")."""
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return figure, axes


# --- heatmaps over time ---


class _CellImage(AxesImage):
    """An image of cells, as imshow(values, interpolation="nearest") draws it. Once
    `set_heatmap` has given it colours, (rows, columns, 4) uint8, it is enlarged to the screen by
    repeating each cell's colour (numpy indexing), not by matplotlib's general resampler, which
    works in floating point on every pixel of the picture: 5 to 10 times the time in a dashboard."""

    def make_image(self, renderer, magnification=1.0, unsampled=False):
        cells = np.ma.getdata(self.get_array())  # colours have no mask: index the plain array
        colours = cells.ndim == 3 and cells.shape[2] == 4 and cells.dtype == np.uint8
        if not colours or unsampled:  # values, coloured by matplotlib as usual
            return super().make_image(renderer, magnification, unsampled)
        rows, columns, _ = cells.shape
        left, right, bottom, top = self.get_extent()
        (x0, y0), (x1, y1) = self.get_transform().transform([(left, bottom), (right, top)])
        clip = self.axes.bbox  # draw only the pixels inside the axes, whose centres are cells'
        xs = np.arange(math.floor(max(x0, clip.x0)), math.ceil(min(x1, clip.x1))) + 0.5
        ys = np.arange(math.floor(max(y0, clip.y0)), math.ceil(min(y1, clip.y1))) + 0.5
        if xs.size == 0 or ys.size == 0:
            return None, 0, 0, None
        column = np.clip(((xs - x0) / (x1 - x0) * columns).astype(int), 0, columns - 1)
        row = np.clip(((y1 - ys) / (y1 - y0) * rows).astype(int), 0, rows - 1)  # row 0 on top
        # (height, width, 4), one cell per pixel; the renderer takes the bottom pixel row first.
        # Each pixel's 4 bytes as one uint32, the columns enlarged first (a few rows), then whole
        # rows repeated: a twentieth of the time of indexing (row, column) pairs of bytes
        colours = np.ascontiguousarray(cells).view(np.uint32)[:, :, 0]  # (rows, columns)
        pixels = colours[:, column][row]  # (height, width)
        pixels = pixels.view(np.uint8).reshape(*pixels.shape, 4)
        return pixels, xs[0] - 0.5, ys[0] - 0.5, IdentityTransform()


def draw_heatmap(ax, values, *, vmin, vmax, colorbar_label, ylabel, title, extend="neither"):
    """values (rows, T_x) as an image with time steps 1…T_x across and a labelled colour bar."""
    rows, T_x = values.shape
    image = _CellImage(ax, cmap=HEATMAP_CMAP, interpolation="nearest", origin="upper")
    image.set_data(values)
    image.set_clim(vmin, vmax)
    ax.add_image(image)
    image.set_extent((0.5, T_x + 0.5, rows - 0.5, -0.5))  # columns centred on t = 1 … T_x
    colorbar = ax.figure.colorbar(image, ax=ax, pad=0.01, fraction=0.05, extend=extend)
    colorbar.set_label(colorbar_label)
    ax.yaxis.set_major_locator(
        MaxNLocator(integer=True)
    )  # rows are units or classes: whole numbers
    ax.set_xlabel("time step t")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return image, colorbar


def set_heatmap(image, values, norm=None):
    """Show new values (rows, T_x) in an image drawn by `draw_heatmap`; T_x may change. A `norm`
    (a matplotlib Normalize) replaces the image's mapping from values to colours.

    The image is given the values' colours, shape (rows, T_x, 4), not the values: matplotlib then
    enlarges a few thousand coloured cells to the picture's pixels, instead of enlarging the
    values to every pixel of the picture and colouring each (several times the work in a
    dashboard's picture of 1500 px). The colour bar keeps reading the image's norm and colour map.
    """
    rows, T_x = values.shape
    if norm is not None:
        image.set_data(values)  # the colour bar follows a new norm from the values, not colours
        image.set_norm(norm)
    image.set_data(image.to_rgba(values, bytes=True))  # (rows, T_x) -> (rows, T_x, 4) uint8
    image.set_extent((0.5, T_x + 0.5, rows - 0.5, -0.5))


def draw_hidden_states(ax, a_2d, title="Hidden states a⟨t⟩ of one sequence"):
    """a_2d: hidden states of one sequence, shape (n_a, T_x), values in [-1, 1] (tanh)."""
    return draw_heatmap(
        ax,
        a_2d,
        vmin=-1,
        vmax=1,
        colorbar_label="hidden-state value",
        ylabel="hidden unit (index 0 … n_a−1)",
        title=title,
    )


def draw_probabilities(ax, p_2d, class_names=None, title="Output probabilities ŷ⟨t⟩"):
    """p_2d: output probabilities of one sequence, shape (n_y, T_x), each column summing to 1."""
    image, colorbar = draw_heatmap(
        ax,
        p_2d,
        vmin=0,
        vmax=1,
        colorbar_label="probability",
        ylabel="class (index 0 … n_y−1)",
        title=title,
    )
    n_y = p_2d.shape[0]
    if class_names is not None:
        ax.set_yticks(range(n_y), labels=class_names)
    elif n_y <= 10:
        ax.set_yticks(range(n_y))
    return image, colorbar


def plot_hidden_states(a, example=0, title="Hidden states a⟨t⟩ of one sequence"):
    """Heatmap of a[:, example, :]: hidden units down, time steps across. a: (n_a, m, T_x)."""
    figure, axes = new_figure(height=max(2.4, 0.16 * a.shape[0] + 1.2))
    draw_hidden_states(axes[0, 0], np.asarray(a)[:, example, :], title=title)
    return figure


def plot_forward_pass(a, y_pred, example=0, class_names=None):
    """Hidden states (top) and output probabilities (bottom) of one sequence, on one time axis."""
    figure, axes = new_figure(height=5.0, nrows=2, sharex=True)
    draw_hidden_states(axes[0, 0], np.asarray(a)[:, example, :])
    draw_probabilities(axes[1, 0], np.asarray(y_pred)[:, example, :], class_names)
    axes[0, 0].set_xlabel("")
    return figure


# --- the unrolled network ---


def plot_unrolled_rnn(T_x=4):
    """The RNN unrolled over T_x steps: the same cell, the same weights, at every step."""
    gap = 1.6  # horizontal distance between time steps, in data units
    figure, axes = new_figure(height=3.6)
    ax = axes[0, 0]
    ax.set_xlim(-0.5, T_x * gap + 1.0)
    ax.set_ylim(-0.1, 3.3)
    ax.axis("off")
    half_w, half_h = 0.36, 0.22

    def node(x, y, text, face):
        corner = (x - half_w, y - half_h)
        style = "round,pad=0.03"
        ax.add_patch(
            FancyBboxPatch(
                corner, 2 * half_w, 2 * half_h, boxstyle=style, facecolor=face, edgecolor="black"
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=11)

    def arrow(start, end):
        ax.add_patch(
            FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, linewidth=1.2)
        )

    node(0.0, 1.6, "a⟨0⟩", "#f0f0f0")
    for t in range(1, T_x + 1):
        x = t * gap
        node(x, 0.3, f"x⟨{t}⟩", "#ffffff")
        node(x, 1.6, "tanh", "#d0d0d0")
        node(x, 2.9, f"ŷ⟨{t}⟩", "#ffffff")
        arrow((x, 0.3 + half_h + 0.03), (x, 1.6 - half_h - 0.03))
        ax.text(x + 0.06, 0.95, "Wax", fontsize=9, style="italic", va="center")
        arrow((x, 1.6 + half_h + 0.03), (x, 2.9 - half_h - 0.03))
        ax.text(x + 0.06, 2.25, "Wya, softmax", fontsize=9, style="italic", va="center")
        arrow((x - gap + half_w + 0.03, 1.6), (x - half_w - 0.03, 1.6))
        ax.text(x - gap / 2, 1.72, f"a⟨{t - 1}⟩", fontsize=9, ha="center", va="bottom")
        ax.text(x - gap / 2, 1.48, "Waa", fontsize=9, style="italic", ha="center", va="top")
    ax.set_title(f"An RNN unrolled over T_x = {T_x} steps: one cell and one set of weights, reused")
    return figure


# --- gradients ---


def draw_gradient_norms(ax, t, norms, label="‖∂L/∂a⟨t⟩‖", style="-", marker="o"):
    """One line of gradient norms against time steps t, on a log scale. Returns the Line2D."""
    (line,) = ax.plot(t, norms, style, marker=marker, markersize=3, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("time step t")
    ax.set_ylabel("gradient norm (log scale)")
    ax.grid(True, which="major", alpha=0.3)
    return line


def plot_gradient_norms(norms, reference=None, reference_label=None, title=None):
    """‖∂L/∂a_t‖ against t = 1 … T_x on a log scale, with an optional dashed reference line.

    norms: one array of shape (T_x,), or a dict {label: array} for several lines.
    """
    figure, axes = new_figure(height=3.4)
    ax = axes[0, 0]
    series = norms if isinstance(norms, dict) else {"‖∂L/∂a⟨t⟩‖": norms}
    for i, (label, values) in enumerate(series.items()):
        t = np.arange(1, len(values) + 1)
        draw_gradient_norms(
            ax, t, values, label=label, style=LINE_STYLES[i % 4], marker="o" if i == 0 else None
        )
    if reference is not None:
        t = np.arange(1, len(reference) + 1)
        ax.plot(t, reference, "k--", linewidth=1, label=reference_label or "reference")
    ax.set_title(title or "Size of the gradient reaching each hidden state")
    ax.legend(loc="best", fontsize=9)
    return figure


def label_axes(ax, xlabel, ylabel, title):
    """Axis labels, title, a light grid and a legend: how every line plot here ends."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize=9)


def draw_lines(plot, x, series):
    """One line per {label: values} with `plot` (ax.plot, ax.loglog, …), told apart by marker
    and line style as well as colour, so that the figure also reads in greyscale."""
    for i, (label, values) in enumerate(series.items()):
        plot(x, values, marker=MARKERS[i % 4], linestyle=LINE_STYLES[i % 4], label=label)


def plot_error_vs_step(steps, errors, title="Numerical gradient error against the step h"):
    """Log-log plot of error against h; errors is a dict {label: array like steps}."""
    figure, axes = new_figure(height=3.6)
    ax = axes[0, 0]
    draw_lines(ax.loglog, steps, errors)
    label_axes(ax, "finite-difference step h (log scale)", "relative error (log scale)", title)
    return figure


# Where the perplexity axis of `plot_loss_curve` puts its ticks (those within the axis' range)
PERPLEXITY_TICKS = [1, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 40, 60, 100, 200, 300, 1000, 3000]


def plot_loss_curve(
    losses,
    smoothed=None,
    uniform=None,
    title="Training loss",
    held_out_steps=None,
    held_out_losses=None,
):
    """Loss per character against the training step, with perplexity on a second y-axis.

    - losses: the loss per character of each training batch, shape (steps,), drawn at steps
      1 … steps; smoothed: its moving average, (steps,), or None.
    - uniform: the loss of a uniform guess, ln(n_y), drawn as a dashed line, or None.
    - held_out_steps (k,), held_out_losses (k,): the loss per character on held-out text after
      that many updates (`TrainingResult.held_out_steps`, `.held_out_losses`), or both None.

    The right-hand axis reads the same heights as perplexities, exp(loss per character).
    """
    if (held_out_steps is None) != (held_out_losses is None):
        raise ValueError("give both held_out_steps and held_out_losses, or neither")
    figure, axes = new_figure(height=3.6)
    ax = axes[0, 0]
    steps = np.arange(1, len(losses) + 1)
    ax.plot(steps, losses, color="0.7", linewidth=0.8, label="loss of each training batch")
    if smoothed is not None:
        ax.plot(steps, smoothed, color="C0", linewidth=2, label="moving average (training)")
    if held_out_steps is not None:
        ax.plot(
            held_out_steps,
            held_out_losses,
            color="C1",
            linestyle="-.",
            marker="s",
            markersize=3.5,
            linewidth=1.6,
            label="held-out text",
        )
    if uniform is not None:
        ax.axhline(
            uniform, color="black", linestyle="--", linewidth=1, label="uniform guess, ln(n_y)"
        )
    label_axes(ax, "training step", "cross-entropy per character (nats)", title)
    ax.legend(loc="upper right", fontsize=9)  # the curves fall from the top left
    low, high = ax.get_ylim()
    ax.set_ylim(max(low, 0.0), high)
    perplexity_axis = ax.secondary_yaxis("right", functions=(np.exp, _safe_log))
    ticks = [t for t in PERPLEXITY_TICKS if np.exp(max(low, 0.0)) <= t <= np.exp(high)]
    perplexity_axis.set_yticks(ticks, labels=[f"{t:g}" for t in ticks])
    perplexity_axis.set_ylabel("perplexity, exp(loss per character)")
    return figure


def _safe_log(values):
    """np.log for the inverse of the perplexity axis, quiet at values <= 0 (never shown)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(values)


def plot_training_gradient_norms(norms, clip=None, title="Gradient norm at each training step"):
    """Global gradient norm before clipping against the training step, on a log scale.

    - norms: `TrainingResult.gradient_norms`, shape (steps,), drawn at steps 1 … steps.
    - clip: the clipping threshold, drawn as a dashed line (steps above it were scaled down to
      it), or None.
    """
    figure, axes = new_figure(height=3.4)
    ax = axes[0, 0]
    norms = np.asarray(norms)
    steps = np.arange(1, norms.size + 1)
    ax.plot(steps, norms, color="0.35", linewidth=0.8, label="‖g‖ before clipping")
    if clip is not None:
        ax.axhline(
            clip, color="C3", linestyle="--", linewidth=1.4, label=f"clipping threshold {clip:g}"
        )
    ax.set_yscale("log")
    low = min(norms.min(), np.inf if clip is None else clip)
    ax.set_ylim(low / 1.5, None)  # room below the threshold line and the smallest norm
    ax.yaxis.set_major_formatter(LogFormatter())  # 5, 10, 20, 50 rather than 5×10⁰, 10¹
    ax.yaxis.set_minor_formatter(LogFormatter(minor_thresholds=(2, 0.5)))
    label_axes(ax, "training step", "global gradient norm ‖g‖ (log scale)", title)
    ax.grid(True, which="minor", axis="y", alpha=0.15)
    return figure


def plot_bars(groups, ylabel, title, log=False):
    """Grouped bars: groups is {series label: {bar name: value}}, the same bars in every series."""
    figure, axes = new_figure(height=3.4)
    ax = axes[0, 0]
    names = list(next(iter(groups.values())))
    width = 0.8 / len(groups)
    hatches = ["", "//", "..", "xx"]
    for i, (label, values) in enumerate(groups.items()):
        positions = np.arange(len(names)) + (i - (len(groups) - 1) / 2) * width
        ax.bar(
            positions,
            [values[n] for n in names],
            width,
            label=label,
            hatch=hatches[i % 4],
            edgecolor="black",
        )
    ax.set_xticks(range(len(names)), labels=names)
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="best", fontsize=9)
    return figure


def plot_truncation_error(ks, errors, title="Truncated BPTT: distance from the full gradient"):
    """Relative distance ‖G_k − G‖ / ‖G‖ of the k-step truncated gradient G_k from full BPTT's G.

    errors: a dict {label: array like ks}.
    """
    figure, axes = new_figure(height=3.4)
    ax = axes[0, 0]
    draw_lines(ax.semilogy, ks, errors)
    label_axes(
        ax,
        "truncation length k (steps each loss flows back)",
        "‖G_k − G‖ / ‖G‖ (log scale)",
        title,
    )
    return figure
