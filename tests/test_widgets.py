"""Every dashboard driven headlessly: each control to its extremes, one redraw each, new pixels.

What a dashboard shows is compared with the tests' reference RNN (`helpers`) and with numerical
gradients, not with the rnn_core functions the dashboard calls.
"""

import html.parser

import numpy as np
import pytest

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
    SamplingDashboard,
    VanishingDashboard,
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
    "make_dashboard", [ForwardDashboard, BPTTDashboard, VanishingDashboard, sampling_dashboard]
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


def test_forward_dashboard_shows_the_hidden_states_and_probabilities_of_its_sequence():
    dashboard = ForwardDashboard()
    dashboard.controls["T_x"].value = 200
    dashboard.controls["scale"].value = 0.5
    base = dashboard.base
    parameters = {**base, "Wax": 0.5 * base["Wax"], "Waa": 0.5 * base["Waa"]}
    a, log_p = reference_forward(dashboard.x[:, :, :200], dashboard.a0, parameters)
    np.testing.assert_allclose(dashboard.hidden_image.get_array(), a[:, 0, :], rtol=1e-12)
    np.testing.assert_allclose(
        dashboard.output_image.get_array(), np.exp(log_p[:, 0, :]), rtol=1e-12, atol=1e-300
    )
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
    assert [nice_limit(n) for n in (1, 10, 11, 37, 51, 200)] == [10, 10, 20, 50, 100, 200]
