"""Every dashboard driven headlessly: each control to its extremes, one redraw each, new pixels."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

import rnn_core as rc  # noqa: E402
from rnn_core import training  # noqa: E402
from rnn_core.widgets import (  # noqa: E402
    BPTTDashboard,
    ForwardDashboard,
    SamplingDashboard,
    VanishingDashboard,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def extremes(control):
    """The values a learner can reach at both ends of a control, plus the starting value."""
    if hasattr(control, "options") and control.options:
        return list(control.options[1:]) + [control.options[0]]
    return [control.max, control.min, control.value]


def sampling_dashboard():
    """A SamplingDashboard on an untrained model with random weights of a visible size."""
    chars, char_to_index = training.build_vocabulary(training.load_corpus())
    parameters = rc.initialize_parameters(len(chars), 24, len(chars), scale=0.5, seed=0)
    return SamplingDashboard(parameters, chars, char_to_index)


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


def test_forward_dashboard_shows_what_rnn_forward_computes():
    dashboard = ForwardDashboard()
    dashboard.controls["T_x"].value = 200
    dashboard.controls["scale"].value = 0.5
    parameters = {
        **dashboard.base,
        "Wax": 0.5 * dashboard.base["Wax"],
        "Waa": 0.5 * dashboard.base["Waa"],
    }
    a, y_pred, _ = rc.rnn_forward(dashboard.x, dashboard.a0, parameters)
    np.testing.assert_array_equal(dashboard.hidden_image.get_array(), a[:, 0, :])
    np.testing.assert_array_equal(dashboard.output_image.get_array(), y_pred[:, 0, :])
    assert dashboard.output_ax.get_xlim() == (0.5, 200.5)


def test_bptt_dashboard_lines_are_the_gradient_norms():
    dashboard = BPTTDashboard()
    dashboard.controls["T_x"].value = 7
    t, norms = dashboard.total_line.get_data()
    np.testing.assert_array_equal(t, np.arange(1, 8))
    parameters = {**dashboard.base}
    expected = rc.gradient_norms(
        rc.hidden_state_gradients(
            dashboard.x[:, :, :7], dashboard.y[:, :7], dashboard.a0, parameters
        )
    )
    np.testing.assert_allclose(norms, expected, rtol=1e-15)


def test_vanishing_dashboard_linear_follows_the_reference_line():
    dashboard = VanishingDashboard()
    dashboard.controls["nonlinearity"].value = "linear"
    for rho in (0.5, 1.5):
        dashboard.controls["rho"].value = rho
        _, norms = dashboard.norm_line.get_data()
        _, reference = dashboard.reference_line.get_data()
        np.testing.assert_allclose(norms, reference, rtol=1e-10)
    dashboard.controls["nonlinearity"].value = "tanh"
    _, norms = dashboard.norm_line.get_data()
    _, reference = dashboard.reference_line.get_data()
    assert np.all(norms <= reference * (1 + 1e-12))  # tanh' <= 1 can only shrink the gradient
    assert norms[0] < 1e-3 * reference[0]


def test_an_error_while_redrawing_is_raised_outside_a_notebook():
    dashboard = ForwardDashboard()

    def broken():
        raise RuntimeError("broken update")

    dashboard.update = broken
    with pytest.raises(RuntimeError, match="broken update"):
        dashboard.controls["T_x"].value = 3


def test_sampling_dashboard_bars_and_text_follow_the_temperature():
    dashboard = sampling_dashboard()
    parameters, chars, char_to_index = dashboard.model
    for temperature in (0.1, 2.0):
        dashboard.controls["temperature"].value = temperature
        expected = training.next_char_probabilities(
            parameters, chars, char_to_index, "the ", temperature
        )
        heights = [bar.get_height() for bar in dashboard.bars]
        np.testing.assert_allclose(heights, expected[dashboard.order], rtol=1e-15)
        assert dashboard.sampled == training.sample(
            parameters, chars, char_to_index, "the ", 240, temperature, 0
        )
        assert "&lt;" not in dashboard.sampled and dashboard.sampled[:4] in dashboard.text.value


def test_log_axis_limits_leave_room_around_the_data():
    from rnn_core.widgets import decade_limits, nice_limit

    assert decade_limits(np.array([1.0, 1.0])) == (0.1, 10.0)  # a flat line at 1 is not on an edge
    assert decade_limits(np.array([3e-4, 2.0])) == (1e-4, 10.0)
    assert decade_limits(np.array([0.0, -1.0])) == (0.1, 10.0)  # nothing positive: a default
    assert [nice_limit(n) for n in (1, 10, 11, 37, 51, 200)] == [10, 10, 20, 50, 100, 200]
