"""Gradients through time against numerical gradients of independently written losses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from problems import make_problem, seeds, sizes

import rnn_core as rc

TOL = dict(rtol=1e-6, atol=1e-9)


def loss_at_step(a_t, y_t, parameters):
    """Cross-entropy of one step's output, averaged over the batch: written out, not imported."""
    logits = parameters["Wya"] @ a_t + parameters["by"]  # (n_y, m)
    log_p = logits - logits.max(axis=0) - np.log(np.exp(logits - logits.max(axis=0)).sum(axis=0))
    return -log_p[y_t, np.arange(y_t.size)].sum() / y_t.size


def run_steps(x, a_start, parameters, first, last):
    """tanh states from a_start through steps first..last (inclusive), written out."""
    a = a_start
    for t in range(first, last + 1):
        a = np.tanh(parameters["Wax"] @ x[:, :, t] + parameters["Waa"] @ a + parameters["ba"])
    return a


@settings(max_examples=25, deadline=None)
@given(sizes=sizes, seed=seeds, data=st.data())
def test_hidden_state_gradients_are_the_derivative_of_the_loss_with_respect_to_a_t(
    sizes, seed, data
):
    x, y, a0, parameters = make_problem(sizes, seed)
    T_x = x.shape[2]
    t = data.draw(st.integers(0, T_x - 1))
    a, _, _ = rc.rnn_forward(x, a0, parameters)
    earlier = sum(loss_at_step(a[:, :, s], y[:, s], parameters) for s in range(t))

    def loss_given_a_t(v):  # the loss as a function of a_t alone, later steps run from v
        later = 0.0
        if t + 1 < T_x:
            later = rc.rnn_loss(x[:, :, t + 1 :], y[:, t + 1 :], v, parameters)
        return earlier + loss_at_step(v, y[:, t], parameters) + later

    expected = rc.numerical_gradient(loss_given_a_t, a[:, :, t])
    np.testing.assert_allclose(
        rc.hidden_state_gradients(x, y, a0, parameters)[:, :, t], expected, **TOL
    )


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.5])
def test_linear_rnn_with_scaled_orthogonal_waa_follows_rho_to_the_power_exactly(rho):
    n_a, m, T_x = 6, 3, 12
    Waa = rc.scaled_orthogonal_matrix(n_a, rho, seed=1)
    np.testing.assert_allclose(Waa.T @ Waa, rho**2 * np.eye(n_a), atol=1e-12)
    assert rc.spectral_radius(Waa) == pytest.approx(rho, rel=1e-12)
    rng = np.random.default_rng(0)
    parameters = rc.initialize_parameters(2, n_a, 3, scale=0.5, seed=2)
    parameters["Waa"] = Waa
    a = rc.hidden_states(rng.standard_normal((2, m, T_x)), np.zeros((n_a, m)), parameters, "linear")
    g = rng.standard_normal((n_a, m))
    norms = rc.gradient_norms(rc.backpropagate_from_last_step(a, Waa, g, "linear"))
    expected = np.linalg.norm(g) * rho ** (T_x - 1 - np.arange(T_x))
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


@settings(max_examples=20, deadline=None)
@given(sizes=sizes, seed=seeds, data=st.data())
def test_backpropagate_from_last_step_matches_numerical_gradient_with_tanh(sizes, seed, data):
    x, _, a0, parameters = make_problem(sizes, seed)
    T_x = x.shape[2]
    t = data.draw(st.integers(0, T_x - 1))
    a = rc.hidden_states(x, a0, parameters, "tanh")
    np.testing.assert_array_equal(a, rc.rnn_forward(x, a0, parameters)[0])
    g = np.random.default_rng(seed).standard_normal(a0.shape)
    da = rc.backpropagate_from_last_step(a, parameters["Waa"], g, "tanh")

    def objective(v):  # sum(a_T * g) with a_t = v and the later steps run from it
        return np.sum(run_steps(x, v, parameters, t + 1, T_x - 1) * g)

    np.testing.assert_allclose(da[:, :, t], rc.numerical_gradient(objective, a[:, :, t]), **TOL)


@settings(max_examples=20, deadline=None)
@given(sizes=sizes, seed=seeds, k=st.integers(1, 5))
def test_truncated_bptt_is_the_gradient_of_losses_that_see_only_k_steps(sizes, seed, k):
    """BPTT(k) differentiates Σ_t L_t with a_{t-k} held fixed: written out and differentiated."""
    x, y, a0, parameters = make_problem(sizes, seed)
    T_x = x.shape[2]
    a_fixed = np.concatenate([a0[:, :, None], rc.rnn_forward(x, a0, parameters)[0]], axis=2)

    def truncated_loss(p):  # a_fixed[:, :, s] is a_s, with a_0 = a0
        return sum(
            loss_at_step(
                run_steps(x, a_fixed[:, :, max(t - k + 1, 0)], p, max(t - k + 1, 0), t), y[:, t], p
            )
            for t in range(T_x)
        )

    gradients = rc.truncated_bptt_gradients(x, y, a0, parameters, k)
    for name in ("Wax", "Waa", "ba"):
        expected = rc.numerical_gradient(
            lambda v: truncated_loss({**parameters, name: v}), parameters[name]
        )
        np.testing.assert_allclose(gradients["d" + name], expected, err_msg=name, **TOL)


def test_truncated_bptt_with_k_at_least_t_x_is_full_bptt():
    x, y, a0, parameters = make_problem((3, 5, 4, 2, 6), seed=3)
    _, full = rc.rnn_loss_and_gradients(x, y, a0, parameters)
    for k in (6, 50):
        truncated = rc.truncated_bptt_gradients(x, y, a0, parameters, k)
        for name in truncated:
            np.testing.assert_allclose(truncated[name], full[name], rtol=1e-13, atol=1e-15)
    one_step = rc.truncated_bptt_gradients(x, y, a0, parameters, 1)
    assert rc.relative_error(one_step["dWaa"], full["dWaa"]) > 1e-3


def test_bad_nonlinearity_and_k_are_rejected():
    x, y, a0, parameters = make_problem((2, 3, 2, 1, 2), seed=0)
    with pytest.raises(
        ValueError, match=r"^nonlinearity must be one of \('tanh', 'linear'\), got 'relu'"
    ):
        rc.hidden_states(x, a0, parameters, "relu")
    with pytest.raises(ValueError, match=r"^k must be at least 1"):
        rc.truncated_bptt_gradients(x, y, a0, parameters, 0)
    with pytest.raises(
        ValueError, match=r"^matrix has shape \(2, 3\), expected \(n, n\) = \(2, 2\)"
    ):
        rc.spectral_radius(np.ones((2, 3)))
