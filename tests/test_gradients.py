"""Every gradient of rnn_core against central differences, on random shapes.

Tolerance. A central difference with step h = 1e-5 is off from the true derivative by round-off,
about eps*|f|/h = 2e-11*|f| (eps = 2.2e-16, f the function differentiated), plus truncation, about
h^2*|f'''|/6 = 1e-11. That bound is absolute, so an entry of the gradient as small as 1e-6 can
show an elementwise relative error of 1e-5 while being right to 1e-11. The random tests therefore
ask |analytic - numeric| <= 1e-6*|numeric| + 1e-9*max(1, |f|): the absolute term is 50 times the
round-off bound; the relative term is where a wrong gradient (a missing factor, a wrong matrix)
shows up, by orders of magnitude. On typical problems the elementwise relative error is far below
1e-7 (over 300 random problems: median 3e-9), and the fixed problem below holds `gradient_check`
to the 1e-7 it promises.
"""

import numpy as np
import pytest
from hypothesis import example, given, settings
from problems import CORNERS, make_problem, seeds, sizes

from rnn_core import (
    gradient_check,
    numerical_gradient,
    output_layer_backward,
    relative_error,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_loss,
    rnn_loss_and_gradients,
    rnn_loss_and_gradients_by_steps,
    softmax,
)
from rnn_core import numerical_gradients as rc_numerical_gradients

RANDOM_TOL = 1e-6
CHECK_TOL = 1e-7
random_problems = settings(max_examples=40, deadline=None)


def assert_gradient(analytic, f, at, name=""):
    """`analytic` is the gradient of the scalar function `f` at the array `at`."""
    numeric = numerical_gradient(f, at)
    assert analytic.shape == np.shape(at), name
    np.testing.assert_allclose(
        analytic, numeric, rtol=RANDOM_TOL, atol=1e-9 * max(1.0, abs(f(at))), err_msg=name
    )


def with_corners(test):
    for corner in CORNERS:
        test = example(sizes=corner, seed=0)(test)
    return test


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds)
def test_loss_gradients_match_numerical_gradients(sizes, seed):
    x, y, a0, parameters = make_problem(sizes, seed)
    loss, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
    assert loss == pytest.approx(rnn_loss(x, y, a0, parameters), rel=1e-15)
    for name in ("Wax", "Waa", "ba", "Wya", "by"):
        loss_of = lambda v: rnn_loss(x, y, a0, {**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], loss_of, parameters[name], name)
    assert_gradient(gradients["da0"], lambda v: rnn_loss(x, y, v, parameters), a0, "a0")
    assert_gradient(gradients["dx"], lambda v: rnn_loss(v, y, a0, parameters), x, "x")


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds)
def test_rnn_backward_is_the_gradient_of_sum_a_times_da(sizes, seed):
    """rnn_backward(da) is the gradient of the scalar sum(a * da), for any upstream da."""
    x, _, a0, parameters = make_problem(sizes, seed)
    da = np.random.default_rng(seed).standard_normal((a0.shape[0],) + x.shape[1:])
    da_before = da.copy()
    gradients = rnn_backward(da, rnn_forward(x, a0, parameters)[2])
    np.testing.assert_array_equal(da, da_before)  # da is not modified in place

    def objective(x, a0, parameters):
        return np.sum(rnn_forward(x, a0, parameters)[0] * da)

    for name in ("Wax", "Waa", "ba"):
        objective_of = lambda v: objective(x, a0, {**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], objective_of, parameters[name], name)
    assert_gradient(gradients["da0"], lambda v: objective(x, v, parameters), a0, "a0")
    assert_gradient(gradients["dx"], lambda v: objective(v, a0, parameters), x, "x")


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds)
def test_cell_backward_is_the_gradient_of_sum_a_next_times_da_next(sizes, seed):
    x, _, a0, parameters = make_problem(sizes, seed)
    xt = x[:, :, 0]
    da_next = np.random.default_rng(seed).standard_normal(a0.shape)
    gradients = rnn_cell_backward(da_next, rnn_cell_forward(xt, a0, parameters)[2])

    def objective(xt, a_prev, parameters):
        return np.sum(rnn_cell_forward(xt, a_prev, parameters)[0] * da_next)

    for name in ("Wax", "Waa", "ba"):
        objective_of = lambda v: objective(xt, a0, {**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], objective_of, parameters[name], name)
    assert_gradient(gradients["da_prev"], lambda v: objective(xt, v, parameters), a0, "a_prev")
    assert_gradient(gradients["dxt"], lambda v: objective(v, a0, parameters), xt, "xt")


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds)
def test_output_layer_backward_matches_numerical_gradients(sizes, seed):
    """The output layer alone: hidden states held fixed, loss of softmax(Wya a_t + by)."""
    x, y, a0, parameters = make_problem(sizes, seed)
    a, y_pred, _ = rnn_forward(x, a0, parameters)
    gradients = output_layer_backward(y_pred, y, a, parameters)
    m, T_x = y.shape

    def loss_of(a, Wya, by):
        logits = np.einsum("ya,amt->ymt", Wya, a) + by[:, :, None]  # (n_y, m, T_x)
        p = softmax(logits)
        return -np.log(p[y, np.arange(m)[:, None], np.arange(T_x)]).sum() / m

    Wya, by = parameters["Wya"], parameters["by"]
    assert_gradient(gradients["dWya"], lambda v: loss_of(a, v, by), Wya, "Wya")
    assert_gradient(gradients["dby"], lambda v: loss_of(a, Wya, v), by, "by")
    assert_gradient(gradients["da"], lambda v: loss_of(v, Wya, by), a, "a")


def test_gradient_check_passes_below_its_threshold_on_a_fixed_problem():
    x, y, a0, parameters = make_problem((3, 5, 4, 10, 4), seed=1)
    errors = gradient_check(x, y, a0, parameters)
    assert set(errors) == {"Wax", "Waa", "ba", "Wya", "by", "a0", "x"}
    assert max(errors.values()) < CHECK_TOL, errors


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    """Break one gradient (drop tanh' from the cell backward) and the check must fail loudly."""
    import rnn_core.gradcheck as gradcheck
    import rnn_core.rnn as rnn

    original = rnn._rnn_cell_backward

    def without_tanh_derivative(da_next, cache):
        a_next, a_prev, xt, parameters = cache
        linear = (np.zeros_like(a_next), a_prev, xt, parameters)  # 1 - 0² = 1: no tanh'
        return original(da_next, linear)

    monkeypatch.setattr(rnn, "_rnn_cell_backward", without_tanh_derivative)
    # gradient_check's backpropagated gradients: the step path, with the broken cell inside
    monkeypatch.setattr(gradcheck, "rnn_loss_and_gradients", rnn_loss_and_gradients_by_steps)
    x, y, a0, parameters = make_problem((3, 5, 4, 10, 4), seed=1)
    errors = gradient_check(x, y, a0, parameters)
    assert errors["Wya"] < CHECK_TOL and errors["by"] < CHECK_TOL  # the output layer is untouched
    for name in ("Wax", "Waa", "ba", "a0", "x"):
        assert errors[name] > 1e-2, (name, errors[name])


def test_sparse_gradient_check_checks_the_requested_number_of_entries(monkeypatch):
    import rnn_core.gradcheck as module

    x, y, a0, parameters = make_problem((4, 6, 3, 2, 5), seed=2)
    calls = []

    def counting_loss(*args):
        calls.append(1)
        return rnn_loss(*args)

    monkeypatch.setattr(module, "rnn_loss", counting_loss)
    errors = gradient_check(x, y, a0, parameters, num_entries=3)
    assert max(errors.values()) < CHECK_TOL
    # Seven arrays, each with at least 3 entries (by has 3): two loss evaluations per entry.
    assert len(calls) == 7 * 3 * 2


def test_numerical_gradient_of_a_known_function_and_x_left_unchanged():
    x = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]])
    x_before = x.copy()
    seen = []

    def f(v):
        seen.append(v.copy())
        return np.sum(v**3) + v[0, 1] * v[1, 2]

    expected = 3 * x**2
    expected[0, 1] += x[1, 2]
    expected[1, 2] += x[0, 1]
    numeric = numerical_gradient(f, x)
    np.testing.assert_allclose(numeric, expected, rtol=0, atol=1e-9)  # truncation h² = 1e-10
    np.testing.assert_array_equal(x, x_before)
    # f saw exactly one entry moved by ±h at a time
    moved = [np.count_nonzero(v != x_before) for v in seen]
    assert moved == [1] * (2 * x.size)
    picked = numerical_gradient(f, x, indices=[(1, 0), (0, 2)])
    np.testing.assert_allclose(picked, [expected[1, 0], expected[0, 2]], rtol=0, atol=1e-9)


def test_relative_error_formula():
    assert relative_error([1.0, 2.0], [1.1, 2.0]) == pytest.approx(0.1 / 2.1, rel=1e-12)
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1e-12], [-1e-12]) == pytest.approx(
        2e-12 / 1e-8, rel=1e-9
    )  # floor of 1e-8
    assert relative_error(np.ones((2, 3)), np.ones((2, 3))) == 0.0


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds)
def test_fused_path_equals_the_step_by_step_composition(sizes, seed):
    """rnn_loss_and_gradients (fused) against rnn_forward + output_layer_backward + rnn_backward."""
    x, y, a0, parameters = make_problem(sizes, seed)
    loss, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
    step_loss, step_gradients = rnn_loss_and_gradients_by_steps(x, y, a0, parameters)
    assert abs(loss - step_loss) <= 1e-12 * abs(step_loss)
    assert abs(rnn_loss(x, y, a0, parameters) - step_loss) <= 1e-12 * abs(step_loss)
    assert set(gradients) == set(step_gradients)
    for name, expected in step_gradients.items():
        assert gradients[name].shape == expected.shape, name
        scale = np.abs(expected).max()
        np.testing.assert_allclose(
            gradients[name], expected, rtol=0, atol=1e-12 * scale, err_msg=name
        )


def test_fused_path_keeps_float32():
    x, y, a0, parameters = make_problem((3, 4, 2, 2, 5), seed=4)
    as32 = {k: v.astype(np.float32) for k, v in parameters.items()}
    _, gradients = rnn_loss_and_gradients(x.astype(np.float32), y, a0.astype(np.float32), as32)
    assert all(g.dtype == np.float32 for g in gradients.values())


def test_numerical_gradients_cover_every_array_and_match_backpropagation():
    x, y, a0, parameters = make_problem((2, 3, 3, 2, 3), seed=5)
    numeric = rc_numerical_gradients(x, y, a0, parameters)
    _, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
    assert list(numeric) == ["Wax", "Waa", "ba", "Wya", "by", "a0", "x"]
    for name, values in numeric.items():
        np.testing.assert_allclose(gradients["d" + name], values, rtol=RANDOM_TOL, atol=1e-9)


def test_error_bound_rounds_up_to_a_power_of_ten_and_never_below_a_tenth_of_the_tolerance():
    from rnn_core import error_bound

    assert error_bound(3.2e-5, 1e-3) == "< 1e-04"
    assert error_bound(1e-5, 1e-3) == "< 1e-04"  # 1e-5 is not below 1e-5: the next power up
    assert error_bound(4.4e-16, 1e-12) == "< 1e-13"  # round-off: the floor, tolerance / 10
    assert error_bound(0.0, 1e-8) == "< 1e-09"
    assert error_bound(0.5, 1e-8) == "< 1e+00"
