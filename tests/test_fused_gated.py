"""The fused LSTM and GRU loss and gradients (rnn_core.fused_gated) against the step path.

Expected values come from the step path (`_lstm_loss_and_gradients`, `_gru_loss_and_gradients`,
which tests/test_lstm.py and tests/test_gru.py hold to PyTorch and to numerical gradients) and
from central differences of the step path's public loss, never from the fused code.
"""

import functools

import numpy as np
import pytest
from helpers import assert_gradient

from rnn_core import gru_loss, initialize_gru_parameters, initialize_lstm_parameters, lstm_loss
from rnn_core.fused_gated import (
    _fused_gru_loss_and_gradients,
    _fused_gru_loss_and_state,
    _fused_lstm_loss_and_gradients,
    _fused_lstm_loss_and_state,
)
from rnn_core.gru import _gru_loss_and_gradients
from rnn_core.loss import one_hot
from rnn_core.lstm import _lstm_loss_and_gradients

RTOL, ATOL = 1e-12, 1e-13  # relative, and absolute for the tiny entries

# (n_x, n_a, n_y, m, T_x): notebook 07's LSTM and GRU, one example of one step, n_x != n_y
SHAPES = {
    "notebook 07 lstm": (37, 30, 37, 16, 25),
    "notebook 07 gru": (37, 35, 37, 16, 25),
    "m = 1, T_x = 1": (3, 2, 4, 1, 1),
    "m = 1": (4, 3, 4, 1, 6),
    "T_x = 1": (4, 3, 4, 5, 1),
    "n_x != n_y": (5, 4, 3, 2, 7),
}
VARIANTS = ("cho", "pytorch")


def random_weights(initial, seed, scale):
    """Every array of `initial` replaced by normal entries of standard deviation `scale` (biases
    too, so that they matter), reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    return {key: scale * rng.standard_normal(value.shape) for key, value in initial.items()}


def random_inputs(n_x, n_a, n_y, m, T_x, seed):
    """(indices (m, T_x), real-valued x (n_x, m, T_x), y (m, T_x), a0 (n_a, m), c0 (n_a, m))."""
    rng = np.random.default_rng(seed + 1000)
    indices = rng.integers(0, n_x, size=(m, T_x))
    x = rng.standard_normal((n_x, m, T_x))
    y = rng.integers(0, n_y, size=(m, T_x))
    return indices, x, y, rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))


def lstm_problem(shape, seed=0, scale=0.5):
    n_x, n_a, n_y, _, _ = shape
    parameters = random_weights(initialize_lstm_parameters(n_x, n_a, n_y), seed, scale)
    return (*random_inputs(*shape, seed), parameters)


def gru_problem(shape, variant, seed=0, scale=0.5):
    n_x, n_a, n_y, _, _ = shape
    initial = initialize_gru_parameters(n_x, n_a, n_y, variant=variant)
    return (*random_inputs(*shape, seed), random_weights(initial, seed, scale))


def assert_same_results(fused, step):
    """(loss, gradients, state(s)) equal to RTOL/ATOL: the same keys in the same order, shapes,
    dtypes; states a tuple of arrays or one array, as the step path returns them."""
    (loss, gradients, state), (step_loss, step_gradients, step_state) = fused, step
    assert isinstance(loss, float)
    assert abs(loss - step_loss) <= RTOL * abs(step_loss), (loss, step_loss)
    assert list(gradients) == list(step_gradients)
    for key, expected in step_gradients.items():
        assert gradients[key].shape == expected.shape, key
        assert gradients[key].dtype == expected.dtype, key
        np.testing.assert_allclose(gradients[key], expected, rtol=RTOL, atol=ATOL, err_msg=key)
    if isinstance(step_state, tuple):
        assert isinstance(state, tuple) and len(state) == len(step_state)
    else:
        state, step_state = (state,), (step_state,)
    for value, expected in zip(state, step_state):
        assert value.shape == expected.shape and value.dtype == expected.dtype
        np.testing.assert_allclose(value, expected, rtol=RTOL, atol=ATOL)


# --- equal to the step path ---


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("with_c0", [False, True], ids=["c0 None", "c0 given"])
def test_lstm_equals_the_step_path(shape, with_c0):
    indices, x, y, a0, c0, parameters = lstm_problem(shape)
    c0 = c0 if with_c0 else None
    for inputs in (one_hot(indices, shape[0]), x):  # one-hot columns, and any real x
        step = _lstm_loss_and_gradients(inputs, y, a0, parameters, c0)
        assert_same_results(_fused_lstm_loss_and_gradients(inputs, y, a0, parameters, c0), step)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("variant", VARIANTS)
def test_gru_equals_the_step_path(shape, variant):
    indices, x, y, a0, _, parameters = gru_problem(shape, variant)
    for inputs in (one_hot(indices, shape[0]), x):
        step = _gru_loss_and_gradients(inputs, y, a0, parameters, variant)
        fused = _fused_gru_loss_and_gradients(inputs, y, a0, parameters, variant)
        assert_same_results(fused, step)


# The held-out text read as one stream: one row of many steps (notebook 07: 4,975).
STREAM = (37, 6, 37, 1, 300)


@pytest.mark.parametrize("shape", [*SHAPES.values(), STREAM], ids=[*SHAPES, "one stream"])
@pytest.mark.parametrize("cell", ["lstm", "cho", "pytorch"])
def test_the_forward_alone_gives_the_step_paths_loss_and_last_state(shape, cell):
    """The loss-and-state path (held-out text) has no backward: its loss and last state(s) are
    the step path's, for one-hot x, any real x, and character indices (their one-hot's)."""
    if cell == "lstm":
        indices, x, y, a0, c0, parameters = lstm_problem(shape)
        step = functools.partial(_lstm_loss_and_gradients, y=y, a0=a0, parameters=parameters, c0=c0)
        alone = functools.partial(
            _fused_lstm_loss_and_state, y=y, a0=a0, parameters=parameters, c0=c0
        )
    else:
        indices, x, y, a0, _, parameters = gru_problem(shape, cell)
        kept = {"y": y, "a0": a0, "parameters": parameters, "variant": cell}
        step = functools.partial(_gru_loss_and_gradients, **kept)
        alone = functools.partial(_fused_gru_loss_and_state, **kept)
    hot = one_hot(indices, shape[0])
    for inputs, reference in ((hot, hot), (x, x), (indices, hot)):
        step_loss, _, step_state = step(reference)
        loss, state = alone(inputs)
        assert isinstance(loss, float)
        assert abs(loss - step_loss) <= RTOL * abs(step_loss), (loss, step_loss)
        expected = step_state if isinstance(step_state, tuple) else (step_state,)
        state = state if isinstance(state, tuple) else (state,)
        assert len(state) == len(expected)
        for value, wanted in zip(state, expected):
            assert value.shape == wanted.shape and value.dtype == wanted.dtype
            np.testing.assert_allclose(value, wanted, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("scale", [0.05, 3.0], ids=["small weights", "saturated gates"])
def test_both_cells_equal_the_step_path_from_small_to_saturated_weights(scale):
    """From weights near notebook 07's start to gates pinned at 0 or 1, on a small shape: at
    n_a = 30 weights of size 3 make the recurrence chaotic, and any two orders of summation then
    drift apart far beyond round-off (the gradients reach 1e7; either path is as right)."""
    shape = SHAPES["n_x != n_y"]
    _, x, y, a0, c0, parameters = lstm_problem(shape, seed=3, scale=scale)
    step = _lstm_loss_and_gradients(x, y, a0, parameters, c0)
    assert_same_results(_fused_lstm_loss_and_gradients(x, y, a0, parameters, c0), step)
    for variant in VARIANTS:
        _, x, y, a0, _, parameters = gru_problem(shape, variant, seed=3, scale=scale)
        step = _gru_loss_and_gradients(x, y, a0, parameters, variant)
        assert_same_results(_fused_gru_loss_and_gradients(x, y, a0, parameters, variant), step)


def test_the_saturated_case_saturates():
    """The scale-3 case above does reach gates within 1e-3 of 0 or 1, for a good share of them."""
    _, x, _, a0, _, parameters = lstm_problem(SHAPES["n_x != n_y"], seed=3, scale=3.0)
    stack = np.concatenate((a0, x[:, :, 0]))  # the first step's [a0; x⟨1⟩]
    forget = 1 / (1 + np.exp(-(parameters["Wf"] @ stack + parameters["bf"])))  # (n_a, m)
    assert np.mean((forget < 1e-3) | (forget > 1 - 1e-3)) > 0.2


@pytest.mark.parametrize("cell", ["lstm", "cho", "pytorch"])
def test_character_indices_give_the_one_hot_results_without_dx(cell):
    """Indices (m, T_x) are the embedding lookup of one-hot columns: the same numbers, no dx."""
    shape = SHAPES["n_x != n_y"]
    if cell == "lstm":
        indices, _, y, a0, c0, parameters = lstm_problem(shape)
        step = _lstm_loss_and_gradients(one_hot(indices, shape[0]), y, a0, parameters, c0)
        fused = _fused_lstm_loss_and_gradients(indices, y, a0, parameters, c0)
    else:
        indices, _, y, a0, _, parameters = gru_problem(shape, cell)
        step = _gru_loss_and_gradients(one_hot(indices, shape[0]), y, a0, parameters, cell)
        fused = _fused_gru_loss_and_gradients(indices, y, a0, parameters, cell)
    assert "dx" not in fused[1]
    del step[1]["dx"]
    assert_same_results(fused, step)


@pytest.mark.parametrize("cell", ["lstm", "cho", "pytorch"])
def test_float32_stays_float32_as_on_the_step_path(cell):
    """float32 inputs and weights: every gradient and state float32 on both paths, and equal to
    float32's round-off (the step path's products add the terms in another order)."""
    shape = SHAPES["n_x != n_y"]
    if cell == "lstm":
        _, x, y, a0, c0, parameters = lstm_problem(shape)
    else:
        _, x, y, a0, c0, parameters = gru_problem(shape, cell)
    x, a0, c0 = (value.astype(np.float32) for value in (x, a0, c0))
    parameters = {key: value.astype(np.float32) for key, value in parameters.items()}
    if cell == "lstm":
        step = _lstm_loss_and_gradients(x, y, a0, parameters, c0)
        fused = _fused_lstm_loss_and_gradients(x, y, a0, parameters, c0)
    else:
        step = _gru_loss_and_gradients(x, y, a0, parameters, cell)
        fused = _fused_gru_loss_and_gradients(x, y, a0, parameters, cell)
    assert abs(fused[0] - step[0]) <= 1e-5 * abs(step[0])
    assert list(fused[1]) == list(step[1])
    for key, expected in step[1].items():
        assert expected.dtype == np.float32, key  # the step path keeps float32 …
        assert fused[1][key].dtype == np.float32, key  # … and so does the fused path
        np.testing.assert_allclose(fused[1][key], expected, rtol=1e-4, atol=1e-6, err_msg=key)
    states = fused[2] if isinstance(fused[2], tuple) else (fused[2],)
    assert all(state.dtype == np.float32 for state in states)


# --- what the fused path must not do: change its arguments, return its work arrays ---


@pytest.mark.parametrize("cell", ["lstm", "cho", "pytorch"])
def test_arguments_are_not_modified_and_results_outlive_the_next_call(cell):
    shape = SHAPES["n_x != n_y"]

    def call(seed):
        if cell == "lstm":
            _, x, y, a0, c0, parameters = lstm_problem(shape, seed)
            arguments = (x, y, a0, parameters, c0)
            return arguments, _fused_lstm_loss_and_gradients(*arguments)
        _, x, y, a0, _, parameters = gru_problem(shape, cell, seed)
        arguments = (x, y, a0, parameters, cell)
        return arguments, _fused_gru_loss_and_gradients(*arguments)

    arguments, (_, gradients, state) = call(seed=1)
    kept = {key: value.copy() for key, value in gradients.items()}
    states = state if isinstance(state, tuple) else (state,)
    kept_states = [value.copy() for value in states]
    x, y, a0, parameters, _ = arguments
    given = [x.copy(), y.copy(), a0.copy(), {k: v.copy() for k, v in parameters.items()}]
    call(seed=2)  # the same shapes: the same work arrays, other numbers
    for key, value in kept.items():
        np.testing.assert_array_equal(gradients[key], value, err_msg=key)
    for value, copy in zip(states, kept_states):
        np.testing.assert_array_equal(value, copy)
    for value, copy in zip((x, y, a0), given[:3]):
        np.testing.assert_array_equal(value, copy)
    for key, value in parameters.items():
        np.testing.assert_array_equal(value, given[3][key], err_msg=key)


# --- numerical gradients of the step path's loss, on a tiny shape ---

TINY = (3, 2, 4, 2, 3)  # n_x, n_a, n_y, m, T_x


def test_lstm_gradients_equal_central_differences_of_the_loss():
    """One weight matrix and bias of each gate, Wy, a0 and x, from lstm_loss (c0 = 0 there)."""
    _, x, y, a0, _, parameters = lstm_problem(TINY, seed=5)
    _, gradients, _ = _fused_lstm_loss_and_gradients(x, y, a0, parameters)
    for key in ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"):

        def loss_of(value, key=key):
            return lstm_loss(x, y, a0, {**parameters, key: value})

        assert_gradient(gradients[f"d{key}"], loss_of, parameters[key], key)
    assert_gradient(gradients["da0"], lambda a: lstm_loss(x, y, a, parameters), a0, "a0")
    assert_gradient(gradients["dx"], lambda v: lstm_loss(v, y, a0, parameters), x, "x")


@pytest.mark.parametrize("variant", VARIANTS)
def test_gru_gradients_equal_central_differences_of_the_loss(variant):
    _, x, y, a0, _, parameters = gru_problem(TINY, variant, seed=5)
    _, gradients, _ = _fused_gru_loss_and_gradients(x, y, a0, parameters, variant)
    for key in parameters:  # Wz, bz, Wr, br, Wh, bh (, bha), Wy, by

        def loss_of(value, key=key):
            return gru_loss(x, y, a0, {**parameters, key: value}, variant)

        assert_gradient(gradients[f"d{key}"], loss_of, parameters[key], key)
    assert_gradient(gradients["da0"], lambda a: gru_loss(x, y, a, parameters, variant), a0, "a0")
    assert_gradient(gradients["dx"], lambda v: gru_loss(v, y, a0, parameters, variant), x, "x")
