"""Gradients through time against numerical gradients of independently written losses.

The losses differentiated here are written with the tests' reference RNN (`helpers`), one example
and one step at a time, so neither the expected states nor the expected gradients come from the
rnn_core code under test.
"""

import numpy as np
import pytest
from helpers import (
    assert_gradient,
    losses_of_a_state,
    moderate_scales,
    picked_loss,
    reference_forward,
    seeds,
    sizes,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_core as rc
from rnn_core.problems import random_problem


@pytest.mark.parametrize("nonlinearity", ["tanh", "linear"])
def test_hidden_states_follow_the_recurrence_written_out(nonlinearity):
    x, _, a0, parameters = random_problem(3, 4, 2, 2, 6, seed=7, scale=1.5)
    expected, _ = reference_forward(x, a0, parameters, nonlinearity)
    np.testing.assert_allclose(
        rc.hidden_states(x, a0, parameters, nonlinearity), expected, rtol=1e-13, atol=1e-15
    )
    if nonlinearity == "tanh":  # the cell's own numbers, to the last bit (rnn_forward is checked
        # against the seed's)
        assert np.array_equal(
            rc.hidden_states(x, a0, parameters), rc.rnn_forward(x, a0, parameters)[0]
        )


@settings(max_examples=25, deadline=None)
@given(sizes=sizes, seed=seeds, scale=moderate_scales, data=st.data())
def test_hidden_state_gradients_are_the_derivative_of_the_loss_with_respect_to_a_t(
    sizes, seed, scale, data
):
    x, y, a0, parameters = random_problem(*sizes, seed, scale=scale)
    t = data.draw(st.integers(0, x.shape[2] - 1))
    a_t, total, _ = losses_of_a_state(x, y, a0, parameters, t)
    assert_gradient(rc.hidden_state_gradients(x, y, a0, parameters)[:, :, t], total, a_t, "a_t")


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.5])
def test_linear_rnn_with_scaled_orthogonal_waa_follows_rho_to_the_power_exactly(rho):
    n_a, m, T_x = 6, 3, 12
    Waa = rc.scaled_orthogonal_matrix(n_a, rho, seed=1)
    np.testing.assert_allclose(Waa.T @ Waa, rho**2 * np.eye(n_a), atol=1e-12)
    assert rc.spectral_radius(Waa) == pytest.approx(rho, rel=1e-12)
    x, _, a0, parameters = random_problem(2, n_a, 3, m, T_x, seed=2)
    a = rc.hidden_states(x, a0, {**parameters, "Waa": Waa}, "linear")
    g = np.random.default_rng(0).standard_normal((n_a, m))
    norms = rc.gradient_norms(rc.backpropagate_from_last_step(a, Waa, g, "linear"))
    expected = np.linalg.norm(g) * rho ** (T_x - 1 - np.arange(T_x))
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


def test_gradient_norms_are_the_norm_of_each_step_written_out():
    da = np.random.default_rng(3).standard_normal((4, 3, 5))
    expected = [np.sqrt(sum(v**2 for v in da[:, :, t].ravel())) for t in range(5)]
    np.testing.assert_allclose(rc.gradient_norms(da), expected, rtol=1e-14)
    # entries whose squares overflow: the norm is still finite (3-4-5 scaled by 1e200)
    big = np.zeros((2, 1, 1))
    big[:, 0, 0] = [3e200, 4e200]
    np.testing.assert_allclose(rc.gradient_norms(big), [5e200], rtol=1e-15)


@settings(max_examples=20, deadline=None)
@given(sizes=sizes, seed=seeds, scale=moderate_scales, data=st.data())
def test_backpropagate_from_last_step_matches_numerical_gradient_with_tanh(
    sizes, seed, scale, data
):
    x, _, a0, parameters = random_problem(*sizes, seed, scale=scale)
    T_x = x.shape[2]
    t = data.draw(st.integers(0, T_x - 1))
    a = rc.hidden_states(x, a0, parameters, "tanh")
    g = np.random.default_rng(seed).standard_normal(a0.shape)
    da = rc.backpropagate_from_last_step(a, parameters["Waa"], g, "tanh")

    def objective(v):  # sum(a_T * g) with a_t = v and the later steps run from it
        a_last = v
        if t < T_x - 1:
            a_last = reference_forward(x[:, :, t + 1 :], v, parameters)[0][:, :, -1]
        return np.sum(a_last * g)

    assert_gradient(da[:, :, t], objective, a[:, :, t], f"a[:, :, {t}]")


@settings(max_examples=20, deadline=None)
@given(sizes=sizes, seed=seeds, scale=moderate_scales, k=st.integers(1, 5))
def test_truncated_bptt_is_the_gradient_of_losses_that_see_only_k_steps(sizes, seed, scale, k):
    """BPTT(k) differentiates Σ_t L_t with a_{t-k} held fixed: written out and differentiated."""
    x, y, a0, parameters = random_problem(*sizes, seed, scale=scale)
    T_x = x.shape[2]
    states, _ = reference_forward(x, a0, parameters)
    a_fixed = np.concatenate([a0[:, :, None], states], axis=2)  # a_fixed[:, :, s] is a_s

    def truncated_loss(p):
        total = 0.0
        for t in range(T_x):
            first = max(t - k + 1, 0)  # steps first..t see p; a_{first-1} is held fixed
            _, log_p = reference_forward(x[:, :, first : t + 1], a_fixed[:, :, first], p)
            total += picked_loss(log_p[:, :, -1:], y[:, t : t + 1])
        return total

    gradients = rc.truncated_bptt_gradients(x, y, a0, parameters, k)
    assert set(gradients) == {"dWax", "dWaa", "dba"}
    for name in ("Wax", "Waa", "ba"):
        loss_of = lambda v, name=name: truncated_loss({**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], loss_of, parameters[name], name)


def test_truncated_bptt_with_k_at_least_t_x_is_full_bptt():
    x, y, a0, parameters = random_problem(3, 5, 4, 2, 6, seed=3)
    _, full = rc.rnn_loss_and_gradients(x, y, a0, parameters)
    for k in (6, 50):
        truncated = rc.truncated_bptt_gradients(x, y, a0, parameters, k)
        for name in truncated:
            np.testing.assert_allclose(truncated[name], full[name], rtol=1e-13, atol=1e-15)
    one_step = rc.truncated_bptt_gradients(x, y, a0, parameters, 1)
    assert rc.relative_error(one_step["dWaa"], full["dWaa"]) > 1e-3
