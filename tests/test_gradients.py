"""Every gradient of rnn_core against central differences, on random shapes; both paths agree.

Tolerance. A central difference with step h = 1e-5 is off from the true derivative by round-off,
about eps*|f|/h = 2e-11*|f| (eps = 2.2e-16, f the function differentiated), plus truncation, about
h^2*|f'''|/6 = 1e-11. That bound is absolute, so an entry of the gradient as small as 1e-6 can
show an elementwise relative error of 1e-5 while being right to 1e-11. The random tests therefore
ask |analytic - numeric| <= 1e-6*|numeric| + 1e-9*max(1, |f|) (`helpers.assert_gradient`). On
typical problems the elementwise relative error is far below 1e-7, and the fixed problem below
holds `gradient_check` to the 1e-7 it promises.

The loss itself is compared with `helpers.reference_loss`, written out one example and one step
at a time; the gradients of the loss are then central differences of `rnn_loss`.
"""

import functools
import math

import numpy as np
import pytest
from helpers import (
    CORNERS,
    assert_gradient,
    moderate_scales,
    reference_forward,
    reference_loss,
    seeds,
    sizes,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

import rnn_core as rc
from rnn_core import (
    format_error,
    gradient_check,
    numerical_gradient,
    numerical_gradients,
    output_layer_backward,
    relative_error,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_loss,
    rnn_loss_and_gradients,
    rnn_loss_and_gradients_by_steps,
)
from rnn_core.problems import random_problem

CHECK_TOL = 1e-7
ARRAYS = ("Wax", "Waa", "ba", "Wya", "by", "a0", "x")  # what gradient_check perturbs, in order
random_problems = settings(max_examples=40, deadline=None)


def with_corners(test):
    for corner in CORNERS:
        test = example(sizes=corner, seed=0, scale=1.0)(test)
    return test


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_every_loss_equals_the_reference_loss(sizes, seed, scale):
    x, y, a0, parameters = random_problem(*sizes, seed, scale=scale)
    expected = reference_loss(x, y, a0, parameters)
    assert rnn_loss(x, y, a0, parameters) == pytest.approx(expected, rel=1e-13)
    assert rnn_loss_and_gradients(x, y, a0, parameters)[0] == pytest.approx(expected, rel=1e-13)
    by_steps = rnn_loss_and_gradients_by_steps(x, y, a0, parameters)[0]
    assert by_steps == pytest.approx(expected, rel=1e-13)


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_loss_gradients_match_numerical_gradients(sizes, seed, scale):
    x, y, a0, parameters = random_problem(*sizes, seed, scale=scale)
    _, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
    for name in ("Wax", "Waa", "ba", "Wya", "by"):
        loss_of = lambda v, name=name: rnn_loss(x, y, a0, {**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], loss_of, parameters[name], name)
    assert_gradient(gradients["da0"], lambda v: rnn_loss(x, y, v, parameters), a0, "a0")
    assert_gradient(gradients["dx"], lambda v: rnn_loss(v, y, a0, parameters), x, "x")


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
@example(sizes=(1, 2, 3, 3, 3), seed=2, scale=2.0)  # a truncation error of 7e-8 in one entry
def test_rnn_backward_is_the_gradient_of_sum_a_times_da(sizes, seed, scale):
    """rnn_backward(da) is the gradient of the scalar sum(a * da), for any upstream da."""
    x, _, a0, parameters = random_problem(*sizes, seed, scale=scale)
    da = np.random.default_rng(seed).standard_normal((a0.shape[0], *x.shape[1:]))
    da_before = da.copy()
    gradients = rnn_backward(da, rnn_forward(x, a0, parameters)[2])
    np.testing.assert_array_equal(da, da_before)  # da is not modified in place

    def objective(x, a0, parameters):
        return np.sum(rnn_forward(x, a0, parameters)[0] * da)

    for name in ("Wax", "Waa", "ba"):
        objective_of = lambda v, name=name: objective(x, a0, {**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], objective_of, parameters[name], name)
    assert_gradient(gradients["da0"], lambda v: objective(x, v, parameters), a0, "a0")
    assert_gradient(gradients["dx"], lambda v: objective(v, a0, parameters), x, "x")


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_cell_backward_is_the_gradient_of_sum_a_next_times_da_next(sizes, seed, scale):
    x, _, a0, parameters = random_problem(*sizes, seed, scale=scale)
    xt = x[:, :, 0]
    da_next = np.random.default_rng(seed).standard_normal(a0.shape)
    gradients = rnn_cell_backward(da_next, rnn_cell_forward(xt, a0, parameters)[2])

    def objective(xt, a_prev, parameters):
        return np.sum(rnn_cell_forward(xt, a_prev, parameters)[0] * da_next)

    for name in ("Wax", "Waa", "ba"):
        objective_of = lambda v, name=name: objective(xt, a0, {**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], objective_of, parameters[name], name)
    assert_gradient(gradients["da_prev"], lambda v: objective(xt, v, parameters), a0, "a_prev")
    assert_gradient(gradients["dxt"], lambda v: objective(v, a0, parameters), xt, "xt")


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_output_layer_backward_matches_numerical_gradients(sizes, seed, scale):
    """The output layer alone: hidden states held fixed, loss of softmax(Wya a_t + by)."""
    x, y, a0, parameters = random_problem(*sizes, seed, scale=scale)
    a, y_pred, _ = rnn_forward(x, a0, parameters)
    gradients = output_layer_backward(y_pred, y, a, parameters)
    m, T_x = y.shape

    def loss_of(a, Wya, by):
        logits = np.einsum("ya,amt->ymt", Wya, a) + by[:, :, None]  # (n_y, m, T_x)
        largest = logits.max(axis=0)
        log_p = logits - largest - np.log(np.exp(logits - largest).sum(axis=0))
        return -log_p[y, np.arange(m)[:, None], np.arange(T_x)].sum() / m

    Wya, by = parameters["Wya"], parameters["by"]
    assert_gradient(gradients["dWya"], lambda v: loss_of(a, v, by), Wya, "Wya")
    assert_gradient(gradients["dby"], lambda v: loss_of(a, Wya, v), by, "by")
    assert_gradient(gradients["da"], lambda v: loss_of(v, Wya, by), a, "a")


# --- gradient_check and the numerical gradient ---


@pytest.mark.parametrize("path", [rnn_loss_and_gradients, rnn_loss_and_gradients_by_steps])
def test_gradient_check_passes_below_its_threshold_on_a_fixed_problem(path):
    """Notebook 03's sizes at weight scale 0.5, where a correct gradient reads below 1e-7.

    (At other scales an entry of a correct gradient of size 1e-6 can read 1e-6: the elementwise
    relative error of an absolute round-off of 1e-11. Notebook 03 shows that as "look closer".)
    """
    x, y, a0, parameters = random_problem(3, 5, 4, 2, 6, seed=1, scale=0.5)
    errors = gradient_check(x, y, a0, parameters, loss_and_gradients=path)
    assert list(errors) == list(ARRAYS)
    assert max(errors.values()) < CHECK_TOL, errors


def without_tanh_derivative(x, y, a0, parameters):
    """A learner's BPTT that forgets tanh': dz_t = da_t instead of (1 - a_t²) da_t.

    The output layer's gradients are right (they come from rnn_core); the recurrent ones are the
    learner's, written out here with the mistake in them.
    """
    a, y_pred, _ = rnn_forward(x, a0, parameters)
    loss, correct = rnn_loss_and_gradients(x, y, a0, parameters)
    da = output_layer_backward(y_pred, y, a, parameters)["da"]
    previous = np.concatenate([a0[:, :, None], a[:, :, :-1]], axis=2)  # a_{t-1} for every t
    gradients = {**correct, "dx": np.zeros_like(x)}
    gradients.update(dWax=0.0, dWaa=0.0, dba=0.0)
    da_next = np.zeros_like(a0)
    for t in reversed(range(x.shape[2])):
        dz = da[:, :, t] + da_next  # the mistake: no (1 - a_t²) factor
        gradients["dWax"] = gradients["dWax"] + dz @ x[:, :, t].T
        gradients["dWaa"] = gradients["dWaa"] + dz @ previous[:, :, t].T
        gradients["dba"] = gradients["dba"] + dz.sum(axis=1, keepdims=True)
        gradients["dx"][:, :, t] = parameters["Wax"].T @ dz
        da_next = parameters["Waa"].T @ dz
    gradients["da0"] = da_next
    return loss, gradients


def test_gradient_check_catches_a_learners_wrong_gradient():
    x, y, a0, parameters = random_problem(3, 5, 4, 10, 4, seed=1)
    errors = gradient_check(x, y, a0, parameters, loss_and_gradients=without_tanh_derivative)
    assert errors["Wya"] < CHECK_TOL and errors["by"] < CHECK_TOL  # the output layer is right
    for name in ("Wax", "Waa", "ba", "a0", "x"):
        assert errors[name] > 1e-2, (name, errors[name])


def one_wrong_entry(x, y, a0, parameters):
    """rnn_loss_and_gradients with dWaa[2, 3] off by 1: a bug that only one entry shows."""
    loss, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
    dWaa = gradients["dWaa"].copy()
    dWaa[2, 3] += 1.0
    return loss, {**gradients, "dWaa": dWaa}


def test_a_sparse_check_looks_at_some_entries_and_a_full_check_at_all():
    """Three entries of each array: a bug in one entry of Waa (of 36) is seen by some draws only."""
    x, y, a0, parameters = random_problem(4, 6, 3, 2, 5, seed=2)
    full = gradient_check(x, y, a0, parameters, loss_and_gradients=one_wrong_entry)
    assert full["Waa"] > 1e-2
    assert max(v for k, v in full.items() if k != "Waa") < CHECK_TOL
    every_entry = gradient_check(
        x, y, a0, parameters, num_entries=36, seed=5, loss_and_gradients=one_wrong_entry
    )
    assert every_entry["Waa"] == pytest.approx(full["Waa"], rel=1e-6)
    sparse = [
        gradient_check(
            x, y, a0, parameters, num_entries=3, seed=seed, loss_and_gradients=one_wrong_entry
        )
        for seed in range(40)
    ]
    caught = [errors["Waa"] > 1e-2 for errors in sparse]
    assert 0 < sum(caught) < len(caught), sum(caught)  # about 3 of 40 (3/36 per draw)
    assert all(max(errors.values()) < CHECK_TOL for errors, c in zip(sparse, caught) if not c)
    again = gradient_check(
        x, y, a0, parameters, num_entries=3, seed=0, loss_and_gradients=one_wrong_entry
    )
    assert again == sparse[0]  # the seed chooses the entries


def test_numerical_gradient_of_a_known_function_moves_one_entry_at_a_time():
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
    # Every evaluation saw x with exactly one entry moved, by +h or -h.
    for v in seen:
        moved = np.argwhere(v != x_before)
        assert len(moved) == 1
        assert abs(v[tuple(moved[0])] - x_before[tuple(moved[0])]) == pytest.approx(1e-5)
    picked = numerical_gradient(f, x, indices=[(1, 0), (0, 2)])
    np.testing.assert_allclose(picked, [expected[1, 0], expected[0, 2]], rtol=0, atol=1e-9)


def test_relative_error_formula():
    assert relative_error([1.0, 2.0], [1.1, 2.0]) == pytest.approx(0.1 / 2.1, rel=1e-12)
    assert relative_error([0.0], [0.0]) == 0.0
    # below 1e-8 the denominator is the floor of 1e-8: an absolute error
    assert relative_error([1e-12], [-1e-12]) == pytest.approx(2e-12 / 1e-8, rel=1e-9)
    assert relative_error(np.ones((2, 3)), np.ones((2, 3))) == 0.0


def test_numerical_gradients_cover_every_array_and_match_backpropagation():
    x, y, a0, parameters = random_problem(2, 3, 3, 2, 3, seed=5)
    numeric = numerical_gradients(x, y, a0, parameters)
    _, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
    assert list(numeric) == list(ARRAYS)
    for name, values in numeric.items():
        np.testing.assert_allclose(gradients["d" + name], values, rtol=1e-6, atol=1e-9)


def test_format_error_shows_two_significant_digits():
    assert format_error(8.0642e-11) == "8.1e-11"
    assert format_error(3.25e-3) == "3.2e-03"  # round half to even, as Python's format does
    assert format_error(0.0) == "0.0e+00"
    assert format_error(0.5) == "5.0e-01"
    assert format_error(1e300) == "1.0e+300"
    assert format_error(5e-324) == "4.9e-324"  # the smallest subnormal, printed as it is


# --- the fused path equals the step-by-step composition ---


def gradient_bounds(x, y, a0, parameters):
    """Each gradient computed from the absolute value of every term, with |ŷ - onehot(y)| = 1.

    ŷ - onehot(y) is known to round-off in absolute terms only: where ŷ ≈ 1, ŷ - 1 carries an
    error of about eps whatever its size (the one-hot subtraction is exact, the exponential is
    not). A gradient is a sum of products of these with the weights and states, so the scale on
    which two correct computations of it agree is this bound (the usual error bound of a sum of
    products, with each |ŷ - onehot(y)| at its largest), not the gradient itself, which is tiny
    when the model is nearly certain.
    """
    a, _, (cells, _) = rnn_forward(x, a0, parameters)
    _, m, T_x = a.shape
    absolute = {key: np.abs(value) for key, value in parameters.items()}
    dlogits = np.full((absolute["Wya"].shape[0], m, T_x), 1.0 / m)  # (n_y, m, T_x)
    da = np.einsum("ya,ymt->amt", absolute["Wya"], dlogits)  # |Wya|ᵀ |dlogits_t|
    cells = [(a_next, np.abs(a_prev), np.abs(xt), absolute) for a_next, a_prev, xt, _ in cells]
    bounds = rnn_backward(da, (cells, np.abs(x)))  # 1 - a² >= 0 already
    bounds["dWya"] = np.einsum("ymt,amt->ya", dlogits, np.abs(a))
    bounds["dby"] = dlogits.sum(axis=(1, 2))[:, None]
    return bounds


def assert_paths_agree(x, y, a0, parameters, rtol=1e-12):
    """The fused path and the step path give the same finite loss and gradients, to `rtol`.

    The loss (a sum of positive terms) relative to itself; each gradient relative to the largest
    entry of its `gradient_bounds`. Returns the loss.
    """
    loss, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
    step_loss, step_gradients = rnn_loss_and_gradients_by_steps(x, y, a0, parameters)
    assert math.isfinite(loss) and math.isfinite(step_loss), (loss, step_loss)
    assert abs(loss - step_loss) <= rtol * abs(step_loss), (loss, step_loss)
    assert abs(rnn_loss(x, y, a0, parameters) - step_loss) <= rtol * abs(step_loss)
    assert set(gradients) == set(step_gradients)
    bounds = gradient_bounds(x, y, a0, parameters)
    for name, expected in step_gradients.items():
        assert gradients[name].shape == expected.shape, name
        assert np.all(np.isfinite(gradients[name])), name
        assert np.all(np.abs(expected) <= bounds[name] * (1 + 1e-12)), name  # it is a bound
        np.testing.assert_allclose(
            gradients[name], expected, rtol=0, atol=rtol * bounds[name].max(), err_msg=name
        )
    return loss


# Output-layer scales from 1 to 3e3, spread evenly over the decades: Wya has entries of size
# about scale / sqrt(n_a), so the logits reach about 1e4 at the top.
output_scales = st.floats(0.0, 3.5).map(lambda exponent: 10.0**exponent)


@settings(max_examples=60, deadline=None)
@example(sizes=(3, 5, 4, 3, 4), seed=0, scale=30.0, output_scale=3e3)
@example(sizes=(1, 1, 2, 1, 1), seed=0, scale=1.0, output_scale=1.0)
@example(sizes=(2, 3, 2, 1, 5), seed=0, scale=1.0, output_scale=1.0)
@given(sizes=sizes, seed=seeds, scale=st.floats(0.1, 30.0), output_scale=output_scales)
def test_fused_path_equals_the_step_by_step_composition(sizes, seed, scale, output_scale):
    """Up to saturated tanh units (scale 30) and logits of about 1e4 (Wya times 3e3)."""
    x, y, a0, parameters = random_problem(*sizes, seed, scale=scale)
    parameters = {**parameters, "Wya": output_scale * parameters["Wya"]}
    assert_paths_agree(x, y, a0, parameters)


def test_the_largest_example_saturates_and_reaches_logits_of_1e4():
    """The first @example above is the saturated corner it claims to be."""
    x, y, a0, parameters = random_problem(3, 5, 4, 3, 4, 0, scale=30.0)
    parameters = {**parameters, "Wya": 3e3 * parameters["Wya"]}
    a, _ = reference_forward(x, a0, parameters)
    logits = np.einsum("ya,amt->ymt", parameters["Wya"], a)
    assert np.mean(np.abs(a) > 0.999) > 0.8  # most units saturated
    assert np.abs(logits).max() > 5e3
    assert_paths_agree(x, y, a0, parameters)


def test_logits_of_5e3_give_a_finite_loss_equal_on_both_paths():
    """Regression: the step path took log(softmax) and gave inf where the fused path was finite."""
    x, y, a0, parameters = random_problem(2, 1, 2, 3, 4, seed=4, scale=30.0)
    parameters = {**parameters, "Wya": np.array([[5e3], [-5e3]]), "by": np.zeros((2, 1))}
    a, log_p = reference_forward(x, a0, parameters)
    assert np.all(np.abs(a) > 0.99)  # saturated, so the logits are about ±5e3
    assert log_p.min() < -9e3  # a wrong class has probability exp(-1e4), which underflows
    loss = assert_paths_agree(x, y, a0, parameters)
    assert loss == pytest.approx(reference_loss(x, y, a0, parameters), rel=1e-12)
    assert loss > 1e3


# --- gradient_check on the gated cells ---

GATED = [
    ("lstm", rc.initialize_lstm_parameters, rc.lstm_loss_and_gradients, rc.lstm_loss, "dWf"),
    ("gru", rc.initialize_gru_parameters, rc.gru_loss_and_gradients, rc.gru_loss, "dWr"),
    (
        "gru, pytorch form",
        functools.partial(rc.initialize_gru_parameters, variant="pytorch"),
        functools.partial(rc.gru_loss_and_gradients, variant="pytorch"),
        functools.partial(rc.gru_loss, variant="pytorch"),
        "dbha",
    ),
]


@pytest.mark.parametrize("cell, initialize, loss_and_gradients, loss, broken", GATED)
def test_gradient_check_works_on_gated_cells(cell, initialize, loss_and_gradients, loss, broken):
    rng = np.random.default_rng(3)
    x, a0 = rng.standard_normal((3, 2, 5)), rng.standard_normal((4, 2))
    y = rng.integers(0, 5, size=(2, 5))
    parameters = initialize(3, 4, 5, scale=0.5, seed=1)
    errors = gradient_check(x, y, a0, parameters, loss_and_gradients=loss_and_gradients, loss=loss)
    assert list(errors) == [*parameters, "a0", "x"]  # every parameter, then a0 and x
    assert max(errors.values()) < 1e-5, errors  # central differences with h = 1e-5

    def wrong(*problem):  # one gradient 10 % too large: the check must say so
        value, gradients = loss_and_gradients(*problem)
        return value, {**gradients, broken: 1.1 * gradients[broken]}

    errors = gradient_check(x, y, a0, parameters, loss_and_gradients=wrong, loss=loss)
    assert errors[broken[1:]] > 1e-2
    assert all(error < 1e-5 for name, error in errors.items() if name != broken[1:])
