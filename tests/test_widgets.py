"""Every dashboard driven headlessly: each control to its extremes, one redraw each, new pixels.

What a dashboard shows is compared with the tests' reference RNN (`helpers`) and with numerical
gradients, not with the rnn_core functions the dashboard calls.
"""

import base64
import html.parser
import io
import math

import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from PIL import Image

pytest.importorskip("ipywidgets")

from helpers import (
    assert_rejects,
    bad,
    losses_of_a_state,
    reference_forward,
    reference_log_softmax,
)

import rnn_core as rc
from rnn_core.corpus import build_vocabulary, encode, load_corpus
from rnn_core.sampling import sample
from rnn_core.widgets import (
    BPTTDashboard,
    ForwardDashboard,
    GatedDashboard,
    SamplingDashboard,
    VanishingDashboard,
    _PngWriter,
    _round_decades,
    decade_limits,
    nice_limit,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def extremes(control):
    """The values a learner can reach at both ends of a control, plus the starting value."""
    if hasattr(control, "options") and control.options:
        return [*control.options[1:], control.options[0]]
    return [control.max, control.min, control.value]


def sampling_dashboard(text=None, prompt="the "):
    """A SamplingDashboard on an untrained model with random weights of a visible size."""
    chars, char_to_index = build_vocabulary(load_corpus() if text is None else text)
    parameters = rc.initialize_parameters(len(chars), 24, len(chars), scale=0.5, seed=0)
    return SamplingDashboard(parameters, chars, char_to_index, prompt=prompt)


@pytest.mark.parametrize(
    "make_dashboard",
    [ForwardDashboard, BPTTDashboard, VanishingDashboard, sampling_dashboard, GatedDashboard],
)
def test_every_control_at_its_extremes_redraws_once_with_new_pixels(make_dashboard):
    dashboard = make_dashboard()
    assert dashboard.redraws == 1
    assert dashboard.png.startswith(PNG_SIGNATURE)
    for name, control in dashboard.controls.items():
        for value in extremes(control):
            if value == control.value:
                continue
            before, redraws = dashboard.png, dashboard.redraws
            control.value = value
            assert dashboard.redraws == redraws + 1, (name, value)  # exactly one redraw
            assert dashboard.png.startswith(PNG_SIGNATURE)
            assert dashboard.png != before, (name, value)  # and the picture changed
            assert not dashboard.messages.outputs
            assert_sharp_and_whole(dashboard, (name, value))


def decoded(png):
    """PNG bytes -> RGBA pixels (height, width, 4), decoded by PIL."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def full_draw(dashboard):
    """The dashboard's figure drawn by matplotlib all at once, every artist included."""
    artists = [*dashboard.dynamic, *dashboard.view_artists()]
    for artist in artists:
        artist.set_animated(False)
    dashboard.canvas.draw()
    pixels = np.asarray(dashboard.canvas.buffer_rgba()).copy()
    for artist in artists:
        artist.set_animated(True)
    return pixels


def assert_sharp_and_whole(dashboard, where):
    """The picture has 2 pixels per CSS pixel of its width on the page (sharp on a HiDPI screen,
    device pixel ratio 2), and what the dashboard put together from kept parts (a background, the
    view's artists drawn on the rest of the figure, the moving artists on top) is what matplotlib
    draws of the whole figure. They differ only where a moving artist (a heatmap, a line) is drawn
    over the frame of its axes instead of under it: under 1% of the pixels."""
    shown = decoded(dashboard.png)
    css_width = int(dashboard.image.layout.width.removesuffix("px"))
    width, height = dashboard.figure.get_size_inches()
    assert shown.shape == (round(200 * height), 2 * css_width, 4), where
    assert css_width == round(100 * width), where
    different = np.abs(shown.astype(int) - full_draw(dashboard).astype(int)).max(axis=2) > 40
    assert different.mean() < 0.01, (where, different.mean())


def test_the_png_writer_gives_back_every_pixel():
    rng = np.random.default_rng(0)
    write = _PngWriter()
    for shape in ((7, 5, 4), (3, 9, 4), (7, 5, 4)):  # the writer keeps its rows between calls
        rgba = rng.integers(0, 256, shape, dtype=np.uint8)  # noise: the differences wrap at 256
        rgba[1:3] = 255  # flat, as most of a plot
        np.testing.assert_array_equal(decoded(write(rgba)), rgba)


def counted(function, calls):
    def counting(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return counting


def test_a_view_is_drawn_once_and_a_new_view_draws_only_its_own_artists(monkeypatch):
    dashboard = ForwardDashboard()  # T_x = 40: a time axis to 40
    full_draws, artists_drawn = [], []
    monkeypatch.setattr(dashboard.canvas, "draw", counted(dashboard.canvas.draw, full_draws))
    draw_artist = counted(dashboard.figure.draw_artist, artists_drawn)
    monkeypatch.setattr(dashboard.figure, "draw_artist", draw_artist)
    T_x = dashboard.controls["T_x"]

    def drawn(value):
        full_draws.clear()
        artists_drawn.clear()
        T_x.value = value
        return len(full_draws), {artist for (artist,) in artists_drawn}

    view, dynamic = set(dashboard.view_artists()), set(dashboard.dynamic)
    assert drawn(41) == (0, view | dynamic)  # a new view (an axis to 50): its time axis only
    assert drawn(40) == (0, dynamic)  # seen before: its background is kept
    assert drawn(150) == (1, view | dynamic)  # a tick label of 3 digits: the layout is solved
    assert drawn(40) == (0, dynamic)  # the layout of 2 digits was kept, and the view
    assert drawn(150) == (0, dynamic)


def test_pictures_dropped_from_the_caches_are_reused_and_every_view_stays_whole():
    dashboard = ForwardDashboard()
    T_x = dashboard.controls["T_x"]
    held = []  # every array the caches held, kept alive here so that none is counted twice
    lengths = [1, 2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 40, 60, 100]  # 14 time axes, 3 layouts
    moves = [*lengths, *lengths[::-1]]
    for k, value in enumerate(moves):
        T_x.value = value
        if k in (11, 20, len(moves) - 1):  # views drawn into arrays that held other views
            assert_sharp_and_whole(dashboard, value)
        for kept in (*dashboard.backgrounds.values(), *dashboard.static.values()):
            if not any(kept is other for other in held):
                held.append(kept)
    assert len(dashboard.backgrounds) == dashboard.cached_backgrounds
    # without reuse, every first visit and every layout would have left a new array behind
    assert len(held) <= dashboard.cached_backgrounds + dashboard.cached_static + 1, len(held)


def test_the_colour_scale_is_set_only_when_it_changes(monkeypatch):
    dashboard = VanishingDashboard()
    image = dashboard.state_image
    norms = []
    monkeypatch.setattr(image, "set_norm", counted(image.set_norm, norms))
    controls = dashboard.controls
    for value in (70, 80, 200):  # tanh: always [-1, 1]
        controls["T_x"].value = value
    assert norms == []
    controls["nonlinearity"].value = "linear"
    assert len(norms) == 1
    for rho, T_x in ((0.5, 200), (1.5, 200), (1.5, 20)):  # the colour limit moves by decades
        controls["rho"].value, controls["T_x"].value = rho, T_x
        limit = float(image.norm.vmax)
        largest = np.abs(dashboard.shown["a"]).max()
        assert limit == 10.0 ** max(0, math.ceil(math.log10(largest))), (rho, T_x, limit)
        assert_sharp_and_whole(dashboard, (rho, T_x))
    controls["nonlinearity"].value = "tanh"
    assert (image.norm.vmin, image.norm.vmax) == (-1.0, 1.0)
    assert_sharp_and_whole(dashboard, "tanh")


def assert_region_as_drawn_whole(dashboard, ax, where):
    """Inside the axes `ax` (a colour bar, say: too small for assert_sharp_and_whole's 1%), the
    picture is what matplotlib draws of the whole figure."""
    shown = decoded(dashboard.png)
    box = ax.get_window_extent()
    height = shown.shape[0]  # window coordinates count from the bottom, rows from the top
    rows = slice(round(height - box.y1), round(height - box.y0))
    columns = slice(round(box.x0), round(box.x1))
    whole = full_draw(dashboard)[rows, columns].astype(int)
    different = np.abs(shown[rows, columns].astype(int) - whole).max(axis=2) > 40
    assert different.mean() < 0.01, (where, different.mean())


def test_the_tanh_colour_bar_is_drawn_once_per_layout_the_linear_one_with_each_view(monkeypatch):
    dashboard = VanishingDashboard()
    drawn_artists = []
    monkeypatch.setattr(
        dashboard.figure, "draw_artist", counted(dashboard.figure.draw_artist, drawn_artists)
    )
    controls, colour_bar = dashboard.controls, dashboard.colorbar.ax

    def drawn(name, value):
        drawn_artists.clear()
        controls[name].value = value
        return {artist for (artist,) in drawn_artists}

    assert dashboard.grad_ax.xaxis in drawn("T_x", 150)  # a new view: a time axis to 150
    assert colour_bar not in drawn("T_x", 190)  # to 200: under tanh it is always −1 … 1
    assert_region_as_drawn_whole(dashboard, colour_bar, "tanh")
    for rho, T_x in ((1.2, 190), (1.5, 150)):  # linear: the colour bar's decades move
        controls["nonlinearity"].value = "linear"
        assert colour_bar in drawn("rho", rho) | drawn("T_x", T_x)
        assert_region_as_drawn_whole(dashboard, colour_bar, ("linear", rho, T_x))
        assert_sharp_and_whole(dashboard, ("linear", rho, T_x))
        controls["nonlinearity"].value = "tanh"
        assert colour_bar not in drawn("T_x", T_x - 100)
        assert_region_as_drawn_whole(dashboard, colour_bar, ("tanh", rho, T_x - 100))
        assert_sharp_and_whole(dashboard, ("tanh", rho, T_x - 100))


@pytest.mark.parametrize("make_dashboard", [ForwardDashboard, VanishingDashboard])
def test_a_shorter_sequence_on_the_same_time_axis_leaves_no_cells_of_a_longer_one(make_dashboard):
    dashboard = make_dashboard()
    T_x = dashboard.controls["T_x"]
    T_x.value = 100  # a new layout (3-digit ticks): its static part is drawn with 100 columns
    T_x.value = 81  # the same time axis, to 100: columns 82 … 100 must be empty
    assert_sharp_and_whole(dashboard, 81)


def test_a_toggle_solves_each_layout_once(monkeypatch):
    dashboard = VanishingDashboard()
    full_draws = []
    monkeypatch.setattr(dashboard.canvas, "draw", counted(dashboard.canvas.draw, full_draws))
    toggle = dashboard.controls["nonlinearity"]
    toggle.value = "linear"  # a colour bar to 1e…: wider labels, a new layout
    assert len(full_draws) == 1
    for value in ("tanh", "linear", "tanh"):
        toggle.value = value
    assert len(full_draws) == 1


def test_forward_dashboard_shows_the_hidden_states_and_probabilities_of_its_sequence():
    dashboard = ForwardDashboard()
    dashboard.controls["T_x"].value = 200
    dashboard.controls["scale"].value = 0.5
    base = dashboard.base
    parameters = {**base, "Wax": 0.5 * base["Wax"], "Waa": 0.5 * base["Waa"]}
    a, log_p = reference_forward(dashboard.x[:, :, :200], dashboard.a0, parameters)
    p = np.exp(log_p[:, 0, :])
    np.testing.assert_allclose(dashboard.shown["a"], a[:, 0, :], rtol=1e-12)
    np.testing.assert_allclose(dashboard.shown["y_pred"], p, rtol=1e-12, atol=1e-300)
    # the pictures are those values in cividis, on -1 … 1 and 0 … 1 (to one step of 8-bit colour)
    for image, values, low in (
        (dashboard.hidden_image, a[:, 0, :], -1),
        (dashboard.output_image, p, 0),
    ):
        expected = colormaps["cividis"](Normalize(low, 1)(values), bytes=True)
        np.testing.assert_allclose(image.get_array(), expected, atol=1)
    assert dashboard.output_ax.get_xlim() == (0.5, 200.5)


def test_bptt_dashboard_lines_are_the_norms_of_numerical_gradients():
    dashboard = BPTTDashboard()
    T_x = 7
    dashboard.controls["T_x"].value = T_x
    x, y = dashboard.x[:, :, :T_x], dashboard.y[:, :T_x]
    total, local = [], []
    for t in range(T_x):
        a_t, whole_loss, step_loss = losses_of_a_state(x, y, dashboard.a0, dashboard.base, t)
        total.append(np.linalg.norm(rc.numerical_gradient(whole_loss, a_t)))
        local.append(np.linalg.norm(rc.numerical_gradient(step_loss, a_t)))
    t, norms = dashboard.total_line.get_data()
    np.testing.assert_array_equal(t, np.arange(1, T_x + 1))
    np.testing.assert_allclose(norms, total, rtol=1e-6)
    np.testing.assert_allclose(dashboard.local_line.get_data()[1], local, rtol=1e-6)


def test_vanishing_dashboard_linear_follows_rho_to_the_power_and_tanh_stays_below():
    dashboard = VanishingDashboard()
    dashboard.controls["nonlinearity"].value = "linear"
    T_x = dashboard.controls["T_x"].value
    expected = {}
    for rho in (0.5, 1.5):
        dashboard.controls["rho"].value = rho
        expected[rho] = rho ** (T_x - np.arange(1, T_x + 1))  # ρ^(T - t), ‖∂L/∂a_T‖ = 1
        np.testing.assert_allclose(dashboard.reference_line.get_data()[1], expected[rho])
        np.testing.assert_allclose(dashboard.norm_line.get_data()[1], expected[rho], rtol=1e-10)
    dashboard.controls["nonlinearity"].value = "tanh"
    _, norms = dashboard.norm_line.get_data()
    assert np.all(norms <= expected[1.5] * (1 + 1e-12))  # tanh' <= 1 can only shrink it
    assert norms[0] < 1e-3 * expected[1.5][0]


def test_vanishing_dashboard_at_its_longest_and_most_explosive_setting():
    """Regression: ρ = 1.5, T_x = 1000, linear raised OverflowError while drawing."""
    dashboard = VanishingDashboard(max_T_x=1000)
    dashboard.controls["nonlinearity"].value = "linear"
    dashboard.controls["rho"].value = 1.5
    dashboard.controls["T_x"].value = 1000
    assert not dashboard.messages.outputs
    expected = 1.5 ** (1000 - np.arange(1, 1001))  # up to 1.5^999 = 3.7e175
    _, norms = dashboard.norm_line.get_data()
    assert np.all(np.isfinite(norms))
    np.testing.assert_allclose(norms, expected, rtol=1e-9)
    assert dashboard.png.startswith(PNG_SIGNATURE)


WIDGETS = [
    bad(
        f"{dashboard.__name__} with max_T_x = {max_T_x}",
        lambda dashboard=dashboard, max_T_x=max_T_x: dashboard(max_T_x=max_T_x),
        ValueError,
        f"max_T_x must be {bound}, got {max_T_x}",
    )
    for dashboard in (ForwardDashboard, BPTTDashboard, VanishingDashboard)
    for max_T_x, bound in ((1, "at least 2"), (1001, "at most 1000"))
] + [
    bad("n_a = 0", lambda: BPTTDashboard(n_a=0), ValueError, "n_a must be at least 1"),
    bad("max_T_x a float", lambda: ForwardDashboard(max_T_x=50.0), TypeError, "max_T_x must be"),
]

WIDGETS += [
    bad(
        f"GatedDashboard with max_T_x = {max_T_x}",
        lambda max_T_x=max_T_x: GatedDashboard(max_T_x=max_T_x),
        ValueError,
        f"max_T_x must be {bound}, got {max_T_x}",
    )
    for max_T_x, bound in ((1, "at least 2"), (1001, "at most 1000"))
]


@pytest.mark.parametrize("call, error, phrases", WIDGETS)
def test_bad_input_is_rejected_with_a_message_that_names_the_argument(call, error, phrases):
    assert_rejects(call, error, phrases)


def test_an_error_while_redrawing_is_raised_outside_a_notebook():
    dashboard = ForwardDashboard()

    def broken():
        raise RuntimeError("broken update")

    dashboard.update = broken
    with pytest.raises(RuntimeError, match="broken update"):
        dashboard.controls["T_x"].value = 3


def test_sampling_dashboard_bars_are_the_softmax_of_the_logits_over_the_temperature():
    dashboard = sampling_dashboard()
    parameters, chars, char_to_index = dashboard.model
    x = np.eye(len(chars))[:, encode("the ", char_to_index)][:, None, :]  # (n_y, 1, 4) one-hot
    a, _ = reference_forward(x, np.zeros((24, 1)), parameters)
    logits = parameters["Wya"] @ a[:, 0, -1] + parameters["by"][:, 0]
    for temperature in (0.1, 2.0):
        dashboard.controls["temperature"].value = temperature
        expected = np.exp(reference_log_softmax(logits / temperature))
        heights = [bar.get_height() for bar in dashboard.bars]
        np.testing.assert_allclose(heights, expected[dashboard.order], rtol=1e-12, atol=1e-300)
        text = dashboard.sampled
        assert text == sample(parameters, chars, char_to_index, "the ", 240, temperature, 0)
        assert text.startswith("the ") and len(text) == 4 + 240 and set(text) <= set(chars)


class PreText(html.parser.HTMLParser):
    """The text inside each <pre> of an HTML fragment, entities decoded, and any tags inside it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.blocks, self.tags_inside = 0, [], []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.tags_inside.append(tag)
        if tag == "pre":
            self.depth += 1
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "pre":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.blocks[-1] += data


def test_sampled_text_with_markup_characters_is_shown_as_text():
    """A vocabulary with < > & : the sample must reach the page as text, not as tags."""
    dashboard = sampling_dashboard("<b>a & b</b> <i>c</i> <pre>\n", prompt="<b")
    dashboard.controls["temperature"].value = 2.0  # flat: every character is drawn
    assert {"<", ">", "&"} <= set(dashboard.sampled)  # the escaping is exercised
    parser = PreText()
    parser.feed(dashboard.text.value)
    parser.close()
    assert parser.blocks == [dashboard.sampled]
    assert parser.tags_inside == []


def test_log_axis_limits_leave_room_around_the_data():
    assert decade_limits(np.array([1.0, 1.0])) == (0.1, 10.0)  # a flat line at 1 is not on an edge
    assert decade_limits(np.array([3e-4, 2.0])) == (1e-4, 10.0)
    assert decade_limits(np.array([0.0, -1.0])) == (0.1, 10.0)  # nothing positive: a default
    steps = (1, 2, 10, 11, 37, 51, 61, 101, 200, 999)
    assert [nice_limit(n) for n in steps] == [1, 2, 10, 12, 40, 60, 80, 120, 200, 1000]
    for n in range(1, 1001):  # never more than a quarter of a time axis empty
        assert n <= nice_limit(n) and (nice_limit(n) - n) / nice_limit(n) < 0.25


def learner_cell_backward(da_next, cache, slope=True):
    """A learner's cell backward, written from equations (3)-(8) of notebook 02."""
    a_next, a_prev, xt, parameters = cache
    dz = (1 - a_next**2) * da_next if slope else da_next
    return {
        "dxt": parameters["Wax"].T @ dz,
        "da_prev": parameters["Waa"].T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": dz.sum(axis=1, keepdims=True),
    }


def test_bptt_dashboard_draws_the_learners_own_bptt_beside_rnn_cores():
    dashboard = BPTTDashboard(cell_backward=learner_cell_backward)
    for T_x, scale in ((50, 1.0), (7, 3.0), (200, 0.5)):
        dashboard.controls["T_x"].value = T_x
        dashboard.controls["scale"].value = scale
        t, yours = dashboard.yours.line.get_data()
        np.testing.assert_array_equal(t, np.arange(1, T_x + 1))
        # the whole-gradient line is checked against numerical gradients above
        np.testing.assert_allclose(yours, dashboard.total_line.get_data()[1], rtol=1e-12)
        assert "largest relative difference" in dashboard.yours.note.value
        legend = [text.get_text() for text in dashboard.ax.get_legend().get_texts()]
        assert "whole gradient, with your rnn_cell_backward" in legend

    wrong = BPTTDashboard(cell_backward=lambda d, c: learner_cell_backward(d, c, slope=False))
    yours, total = wrong.yours.line.get_data()[1], wrong.total_line.get_data()[1]
    assert np.max(np.abs(yours - total) / total) > 0.1  # a visible gap, and the note says how big
    assert f"{np.max(np.abs(yours - total) / total):.1e}" in wrong.yours.note.value


def scribbles_on_its_arguments(da_next, cache):
    gradients = learner_cell_backward(da_next, cache)
    da_next[:] = 0.0
    for array in (*cache[:3], *cache[3].values()):
        array[:] = np.nan
    return gradients


def test_the_learners_function_gets_copies_and_its_failures_become_a_note():
    clean = BPTTDashboard()
    scribbled = BPTTDashboard(cell_backward=scribbles_on_its_arguments)
    np.testing.assert_array_equal(
        scribbled.total_line.get_data()[1], clean.total_line.get_data()[1]
    )
    np.testing.assert_allclose(
        scribbled.yours.line.get_data()[1], clean.total_line.get_data()[1], rtol=1e-12
    )
    for name, base in scribbled.base.items():
        np.testing.assert_array_equal(base, clean.base[name])

    def stub(da_next, cache):
        raise NotImplementedError("write your cell backward here")

    cases = [
        (stub, "not implemented yet"),
        (lambda d, c: 1 / 0, "it raised ZeroDivisionError: division by zero"),
        (lambda d, c: d, "must return a dict whose &#x27;da_prev&#x27; is an array of shape"),
        (lambda d, c: {"da_prev": d[:1]}, "shape (n_a, m) = (16, 1); at step 50 it returned"),
        (lambda d, c: {"dxt": d}, "a dict without &#x27;da_prev&#x27;"),
        (lambda d, c: {"da_prev": d * np.inf}, "holds NaN or inf"),
    ]
    for function, message in cases:
        dashboard = BPTTDashboard(cell_backward=function)
        assert message in dashboard.yours.note.value, dashboard.yours.note.value
        assert len(dashboard.yours.line.get_data()[1]) == 0
        legend = [text.get_text() for text in dashboard.ax.get_legend().get_texts()]
        assert not any("your" in entry for entry in legend), legend  # no entry without a line
        assert not dashboard.messages.outputs  # a note, not an error
    assert_rejects(lambda: BPTTDashboard(cell_backward="mine"), TypeError, ["cell_backward must"])


def drawn_tick_labels(ax):
    """The tick labels that appear: ticks inside the axis's view, with text."""
    for axis in (ax.xaxis, ax.yaxis):
        low, high = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks():
            if low <= tick.get_loc() <= high and tick.label1.get_text():
                yield tick.label1


@pytest.mark.parametrize(
    "make_dashboard",
    [ForwardDashboard, BPTTDashboard, VanishingDashboard, sampling_dashboard, GatedDashboard],
)
def test_no_label_leaves_the_figure_and_no_legend_sits_on_the_data(make_dashboard):
    dashboard = make_dashboard()
    for name, control in dashboard.controls.items():
        for value in extremes(control):
            control.value = value
            figure = dashboard.figure
            renderer = dashboard.canvas.get_renderer()
            inside = figure.bbox.padded(1)
            for ax in figure.axes:
                for label in drawn_tick_labels(ax):
                    box = label.get_window_extent(renderer)
                    assert inside.contains(box.x0, box.y0), (name, value, label)
                    assert inside.contains(box.x1, box.y1), (name, value, label)
                legend = ax.get_legend()
                if legend is not None and not isinstance(dashboard, BPTTDashboard):
                    # BPTT keeps an empty decade on top for its legend; the others draw it outside
                    assert not legend.get_window_extent(renderer).overlaps(ax.bbox), name


def test_a_saved_dashboard_carries_a_picture_of_its_first_state():
    dashboard = ForwardDashboard()
    bundle, metadata = dashboard._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget in JupyterLab
    assert base64.b64decode(bundle["image/png"]) == dashboard.png  # shown where no kernel runs
    height, width, _ = decoded(dashboard.png).shape
    assert metadata["image/png"] == {"width": width // 2, "height": height // 2}  # CSS pixels
    assert "VBox" not in bundle["text/plain"]
    assert (
        bundle["text/plain"] == "ForwardDashboard: run the cells to move its controls (T_x, scale)"
    )


def test_controls_wrap_instead_of_shrinking_in_a_narrow_column():
    dashboard = VanishingDashboard()
    row = dashboard.widget.children[0]
    assert row.layout.flex_flow == "row wrap"
    for control in dashboard.controls.values():
        assert control.layout.flex == "0 0 auto", control.description


def test_the_sampling_dashboard_marks_the_uniform_probability():
    dashboard = sampling_dashboard()
    V = len(dashboard.model[1])
    levels = [line.get_ydata()[0] for line in dashboard.ax.get_lines()]
    assert 1 / V in levels


def test_the_legend_follows_whether_the_learners_line_is_drawn():
    base = BPTTDashboard().base["Waa"]
    limit = 2 * np.abs(base).max()  # passed at weight scale 1, exceeded at scale 3

    def fails_for_large_weights(da_next, cache):
        if np.abs(cache[3]["Waa"]).max() > limit:
            raise ValueError("my function assumes small weights")
        return learner_cell_backward(da_next, cache)

    dashboard = BPTTDashboard(cell_backward=fails_for_large_weights)

    def entries():
        return [text.get_text() for text in dashboard.ax.get_legend().get_texts()]

    assert "whole gradient, with your rnn_cell_backward" in entries()
    dashboard.controls["scale"].value = 3.0
    assert "ValueError: my function assumes small weights" in dashboard.yours.note.value
    assert len(entries()) == 2
    dashboard.controls["scale"].value = 1.0
    assert "whole gradient, with your rnn_cell_backward" in entries()
    assert len(dashboard.yours.line.get_data()[1]) == 50


def test_vanishing_dashboard_steps_back_with_the_learners_cell_for_tanh_only():
    dashboard = VanishingDashboard(cell_backward=learner_cell_backward)
    for rho, T_x in ((0.9, 60), (1.5, 200), (0.5, 2)):
        dashboard.controls["rho"].value = rho
        dashboard.controls["T_x"].value = T_x
        _, yours = dashboard.yours.line.get_data()
        # the norm line is ρ^(T−t) for the linear RNN and below it for tanh (tests above)
        np.testing.assert_allclose(yours, dashboard.norm_line.get_data()[1], rtol=1e-12)
    dashboard.controls["nonlinearity"].value = "linear"
    assert len(dashboard.yours.line.get_data()[1]) == 0
    assert "tanh RNN only" in dashboard.yours.note.value
    wrong = VanishingDashboard(cell_backward=lambda d, c: learner_cell_backward(d, c, slope=False))
    _, yours = wrong.yours.line.get_data()
    assert np.max(np.abs(yours - wrong.norm_line.get_data()[1])) > 0.1  # without 1 − a², visible


def gated_losses_of_a_state(dashboard, T_x, t):
    """L = gᵀ a⟨T_x⟩ as a function of one state at code index t, by the cells' own public forward
    functions, for numerical gradients: {"rnn": (a_t, L), "lstm_a": …, "lstm_c": …, "gru": …}.
    For the LSTM, L(a) keeps c⟨t⟩; L(c) recomputes a⟨t⟩ = o⟨t⟩ ⊙ tanh(c): the whole gradient
    reaching c⟨t⟩, through both of its paths."""
    parameters = dashboard.parameters()
    x, a0, g = dashboard.x[:, :, :T_x], dashboard.a0, dashboard.g
    rnn, lstm, gru = parameters["rnn"], parameters["lstm"], parameters["gru"]

    def run(cell, start, stop, a):  # the RNN or the GRU from the state a, steps start … stop − 1
        for k in range(start, stop):
            a = cell(x[:, :, k], a)[0]
        return a

    def rnn_cell(xt, a):
        return rc.rnn_cell_forward(xt, a, rnn)

    def gru_cell(xt, a):
        return rc.gru_cell_forward(xt, a, gru)

    def lstm_run(start, a, c):
        for k in range(start, T_x):
            a, c = rc.lstm_cell_forward(x[:, :, k], a, c, lstm)[:2]
        return a

    def loss(a):
        return float(g[:, 0] @ a[:, 0])

    a_prev, c_prev = a0, np.zeros_like(a0)
    for k in range(t):
        a_prev, c_prev = rc.lstm_cell_forward(x[:, :, k], a_prev, c_prev, lstm)[:2]
    a_t, c_t, _, cache = rc.lstm_cell_forward(x[:, :, t], a_prev, c_prev, lstm)
    o_t = cache[7]
    return {
        "rnn": (run(rnn_cell, 0, t + 1, a0), lambda v: loss(run(rnn_cell, t + 1, T_x, v))),
        "lstm_a": (a_t, lambda v: loss(lstm_run(t + 1, v, c_t))),
        "lstm_c": (c_t, lambda v: loss(lstm_run(t + 1, o_t * np.tanh(v), v))),
        "gru": (run(gru_cell, 0, t + 1, a0), lambda v: loss(run(gru_cell, t + 1, T_x, v))),
    }


def test_gated_dashboard_lines_are_the_norms_of_numerical_gradients():
    dashboard = GatedDashboard()
    T_x = 6
    for scale, forget_bias in ((1.5, 1.0), (0.5, -2.0)):
        dashboard.controls["T_x"].value = T_x
        dashboard.controls["scale"].value = scale
        dashboard.controls["forget_bias"].value = forget_bias
        expected = {name: [] for name in dashboard.lines}
        for t in range(T_x):
            for name, (state, loss) in gated_losses_of_a_state(dashboard, T_x, t).items():
                expected[name].append(np.linalg.norm(rc.numerical_gradient(loss, state)))
        for name, line in dashboard.lines.items():
            steps, norms = line.get_data()
            np.testing.assert_array_equal(steps, np.arange(1, T_x + 1))
            np.testing.assert_allclose(norms, expected[name], rtol=1e-6, err_msg=name)
        np.testing.assert_allclose(dashboard.lines["rnn"].get_data()[1][-1], 1.0)  # ‖g‖ = 1


def test_gated_dashboard_at_200_steps_equals_the_cells_own_backpropagation():
    """The dashboard's lean recurrences against the cells' BPTT, where numerical gradients of 200
    steps would be slow: the per-step totals of _rnn_backward, _lstm_backward, _gru_backward."""
    from rnn_core.gru import _gru_backward, _gru_forward
    from rnn_core.lstm import _lstm_backward, _lstm_forward
    from rnn_core.rnn import _rnn_backward, _rnn_forward

    dashboard = GatedDashboard()
    dashboard.controls["T_x"].value = 200
    for scale, forget_bias in ((3.0, 6.0), (0.1, -3.0), (1.0, 0.0)):
        dashboard.controls["scale"].value = scale
        dashboard.controls["forget_bias"].value = forget_bias
        parameters, x, a0 = dashboard.parameters(), dashboard.x, dashboard.a0
        da = np.zeros((a0.shape[0], 1, 200))
        da[:, :, -1] = dashboard.g
        _, lstm_a, lstm_c = _lstm_backward(da, _lstm_forward(x, a0, parameters["lstm"])[3])
        totals = {
            "rnn": _rnn_backward(da, _rnn_forward(x, a0, parameters["rnn"])[2])[1],
            "lstm_a": lstm_a,
            "lstm_c": lstm_c,
            "gru": _gru_backward(da, _gru_forward(x, a0, parameters["gru"], "cho")[2])[1],
        }
        for name, total in totals.items():
            largest = np.abs(total[:, 0, :]).max(axis=0)  # scaled: squares of 1e-188 underflow
            norms = largest * np.sqrt(((total[:, 0, :] / largest) ** 2).sum(axis=0))
            drawn = dashboard.lines[name].get_data()[1]
            np.testing.assert_allclose(drawn, norms, rtol=1e-11, err_msg=(name, scale))


def test_raising_the_forget_bias_opens_the_lstms_gradient_highway():
    dashboard = GatedDashboard()
    dashboard.controls["T_x"].value = 200
    first = {}
    for forget_bias in (-3.0, 0.0, 3.0, 6.0):
        dashboard.controls["forget_bias"].value = forget_bias
        first[forget_bias] = {name: line.get_data()[1][0] for name, line in dashboard.lines.items()}
        assert f"bf = {forget_bias:.2f}" in dashboard.note.value
    a_at_1 = [first[bf]["lstm_a"] for bf in (-3.0, 0.0, 3.0)]
    c_at_1 = [first[bf]["lstm_c"] for bf in (-3.0, 0.0, 3.0, 6.0)]
    assert a_at_1 == sorted(a_at_1) and c_at_1 == sorted(c_at_1)  # larger as the bias rises
    assert a_at_1[0] < 1e-100 and a_at_1[-1] > 1e-3  # shut: gone; open: it reaches step 1
    for forget_bias in (3.0, 6.0):  # open, it beats both other cells by many decades
        others = max(first[forget_bias]["rnn"], first[forget_bias]["gru"])
        assert first[forget_bias]["lstm_a"] > 1e20 * others
    for name in ("rnn", "gru"):  # the forget bias is the LSTM's alone
        assert len({first[bf][name] for bf in first}) == 1


def learner_lstm_cell_backward(da_next, dc_next, cache, forget_in_dc_prev=True):
    """A learner's LSTM cell backward, written from notebook 07's derivation."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dzs = {
        "f": dc * c_prev * ft * (1 - ft),
        "i": dc * cct * it * (1 - it),
        "c": dc * it * (1 - cct**2),
        "o": da_next * tanh_c * ot * (1 - ot),
    }
    stacked = np.concatenate((a_prev, xt))
    ds = sum(p[f"W{g}"].T @ dz for g, dz in dzs.items())
    gradients = {"da_prev": ds[:n_a], "dxt": ds[n_a:]}
    gradients["dc_prev"] = dc * ft if forget_in_dc_prev else dc
    for g, dz in dzs.items():
        gradients[f"dW{g}"] = dz @ stacked.T
        gradients[f"db{g}"] = dz.sum(axis=1, keepdims=True)
    return gradients


def test_gated_dashboard_draws_the_learners_lstm_bptt_on_the_lstm_line():
    dashboard = GatedDashboard(cell_backward=learner_lstm_cell_backward)
    for T_x, scale, forget_bias in ((200, 1.0, 3.0), (9, 2.0, -1.0), (60, 0.5, 6.0)):
        dashboard.controls["T_x"].value = T_x
        dashboard.controls["scale"].value = scale
        dashboard.controls["forget_bias"].value = forget_bias
        t, yours = dashboard.yours.line.get_data()
        np.testing.assert_array_equal(t, np.arange(1, T_x + 1))
        # the LSTM's line is held to numerical gradients and to _lstm_backward above
        np.testing.assert_allclose(yours, dashboard.lines["lstm_a"].get_data()[1], rtol=1e-10)
        assert "Your lstm_cell_backward</b> (× marks)" in dashboard.yours.note.value
        legend = [text.get_text() for text in dashboard.ax.get_legend().get_texts()]
        assert "LSTM, yours" in legend

    wrong = GatedDashboard(
        cell_backward=lambda da, dc, c: learner_lstm_cell_backward(da, dc, c, False)
    )
    wrong.controls["T_x"].value = 200
    yours, line = wrong.yours.line.get_data()[1], wrong.lines["lstm_a"].get_data()[1]
    assert np.max(np.abs(yours - line) / line) > 10  # dc_prev = dc without ft: far too large
    assert f"{np.max(np.abs(yours - line) / line):.1e}" in wrong.yours.note.value


def test_the_learners_lstm_backward_gets_copies_and_its_failures_become_a_note():
    def scribbles(da_next, dc_next, cache):
        gradients = learner_lstm_cell_backward(da_next, dc_next, cache)
        for array in (da_next, dc_next, *cache[:-1], *cache[-1].values()):
            array[:] = np.nan
        return gradients

    clean, scribbled = GatedDashboard(), GatedDashboard(cell_backward=scribbles)
    for name, line in clean.lines.items():
        np.testing.assert_array_equal(scribbled.lines[name].get_data()[1], line.get_data()[1])
    np.testing.assert_allclose(
        scribbled.yours.line.get_data()[1], clean.lines["lstm_a"].get_data()[1], rtol=1e-10
    )

    def stub(da_next, dc_next, cache):
        raise NotImplementedError("write your LSTM cell backward here")

    cases = [
        (stub, "not implemented yet"),
        (lambda a, c, k: {"da_prev": a}, "a dict without &#x27;dc_prev&#x27;"),
        (lambda a, c, k: {"da_prev": a, "dc_prev": c[:2]}, "shape (n_a, m) = (16, 1)"),
        (lambda a, c, k: {"da_prev": a * np.inf, "dc_prev": c}, "da_prev at step 100 holds"),
        (lambda a, c: a, "it raised TypeError"),
    ]
    for function, message in cases:
        dashboard = GatedDashboard(cell_backward=function)
        assert message in dashboard.yours.note.value, dashboard.yours.note.value
        assert len(dashboard.yours.line.get_data()[1]) == 0
        legend = [text.get_text() for text in dashboard.ax.get_legend().get_texts()]
        assert "LSTM, yours" not in legend
        assert not dashboard.messages.outputs
    assert_rejects(
        lambda: GatedDashboard(cell_backward=3), TypeError, ["cell_backward must be", "dc_next"]
    )


@pytest.mark.parametrize("rows, T_x, limit", [(16, 37, 50), (4, 200, 200), (32, 1, 1)])
def test_a_heatmap_from_colours_is_drawn_as_matplotlib_draws_the_values(rows, T_x, limit):
    values = np.random.default_rng(rows).uniform(-1, 1, (rows, T_x))
    figure, axes = rc.plots.new_figure(height=3.0)
    figure.set_dpi(200)
    figure.set_layout_engine("none")
    image, _ = rc.plots.draw_hidden_states(axes[0, 0], values)
    axes[0, 0].set_xlim(0.5, limit + 0.5)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # the values: matplotlib resamples and colours them
    expected = np.asarray(canvas.buffer_rgba()).astype(int)
    rc.plots.set_heatmap(image, values)  # their colours, enlarged by repeating cells
    canvas.draw()
    shown = np.asarray(canvas.buffer_rgba()).astype(int)
    # Compared at the centre of every cell (step t + 1, unit r): where a cell's edge falls, to a
    # pixel, is up to matplotlib's resampler, which changed between its releases.
    t, r = np.meshgrid(np.arange(1, min(T_x, limit) + 1), np.arange(rows))
    centres = axes[0, 0].transData.transform(np.column_stack([t.ravel(), r.ravel()]))
    columns = np.round(centres[:, 0] - 0.5).astype(int)
    lines = np.round(shown.shape[0] - centres[:, 1] - 0.5).astype(int)  # the top line first
    difference = np.abs(shown[lines, columns] - expected[lines, columns]).max()
    assert difference <= 1, difference  # the same colour (a unit of rounding at most)


def test_the_vanishing_gradient_axis_moves_at_a_few_round_decades():
    assert _round_decades((1e-15, 10.0)) == (1e-15, 10.0)  # 15 is one of the round values
    assert _round_decades((1e-16, 1e37)) == (1e-20, 1e40)  # out to the next: 20, 40
    assert _round_decades((1e-1, 1e1)) == (1e-1, 1e1)
    assert _round_decades((1e-308, 1e300)) == (1e-308, 1e300)  # not beyond float64's range


# log10 of the ends a gradient axis may take: 0 to 10, then 12, 15, 20, 25, 30, 40, 50, 60, 80,
# 100, ... (written out here, not computed by nice_limit), and float64's 308
ROUND_EXPONENTS = {*range(11), 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300}
ROUND_EXPONENTS.add(308)


@pytest.mark.parametrize("make_dashboard", [VanishingDashboard, GatedDashboard])
def test_the_gradient_axis_ends_at_round_decades_and_holds_every_line_at_each_length(
    make_dashboard,
):
    dashboard = make_dashboard()
    ax = dashboard.grad_ax if make_dashboard is VanishingDashboard else dashboard.ax
    slider = dashboard.controls["T_x"]
    axes = set()
    for T_x in [*range(slider.min, slider.max, 3), slider.max]:  # each move draws: every third
        slider.value = T_x
        low, high = ax.get_ylim()
        exponents = [round(math.log10(low)), round(math.log10(high))]
        assert (low, high) == (10.0 ** exponents[0], 10.0 ** exponents[1]), (T_x, low, high)
        assert {-exponents[0], exponents[1]} <= ROUND_EXPONENTS | {-e for e in ROUND_EXPONENTS}
        for line in ax.get_lines():
            y = np.asarray(line.get_ydata(), dtype=float)
            y = y[np.isfinite(y) & (y >= np.finfo(np.float64).tiny)]
            assert low < y.min() and y.max() < high, (T_x, line.get_label(), low, high)
        axes.add((low, high))
    # 67 lengths, and the lowest line falls by 40 to 50 decades: a new axis (a slower, first-visit
    # draw) only at each round exponent down to the deepest (1 to 10, then 12, 15, 20, ...), not
    # at every decade a line crosses (the upper end may move once)
    deepest = max(-round(math.log10(low)) for low, _ in axes)
    assert deepest >= 30  # the sweep does reach far down
    rounds = [e for e in ROUND_EXPONENTS if 1 <= e <= deepest]
    assert len(axes) <= len(rounds) + 1, sorted(axes)


def test_notebook_04s_gradient_axis_moves_only_with_its_time_axis_whatever_the_history():
    dashboard = VanishingDashboard()
    controls = dashboard.controls
    controls["rho"].value = 1.2  # the exploding side: the upper end moves too
    lengths = [*range(2, 201, 2), 81, 99, 149]
    seen = {}  # T_x -> (time axis, gradient axis)
    for T_x in [*lengths, *reversed(lengths)]:  # up, then down: the same axes either way
        controls["T_x"].value = T_x
        axes = (dashboard.grad_ax.get_xlim(), dashboard.grad_ax.get_ylim())
        assert seen.setdefault(T_x, axes) == axes, T_x
        for line in dashboard.grad_ax.get_lines():  # the lines drawn still fit
            y = np.asarray(line.get_ydata(), dtype=float)
            assert axes[1][0] < y.min() and y.max() < axes[1][1], (T_x, line.get_label())
    gradient_axis = {}  # time axis -> the gradient axes seen with it
    for time_axis, y_limits in seen.values():
        gradient_axis.setdefault(time_axis, set()).add(y_limits)
    assert all(len(y) == 1 for y in gradient_axis.values()), gradient_axis
    assert len(gradient_axis) >= 15  # the sweep did cross many time axes
