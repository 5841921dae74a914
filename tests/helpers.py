"""What the test files share: hypothesis strategies, a reference RNN, and the bad-input check.

Problems are drawn with `rnn_core.problems.random_problem` (the one random-problem generator of
the package); only the strategies for its sizes and seeds live here.

The reference RNN below is written from the equations, one example and one time step at a time,
with the logarithm of the softmax taken by `math.fsum` after subtracting the largest logit. It
shares no code with rnn_core, so a number it gives is an expected value that rnn_core did not
compute. The tests that use it are only as good as it is: `test_gradients.py` holds it to
PyTorch-independent numerical gradients, and `test_seed.py` to the seed notebook's printed values.
"""

import math
import os

import numpy as np
import pytest
from hypothesis import strategies as st

import rnn_core as rc

# PyTorch for the optional cross-checks: None when it is not installed, unless CI asks for it
# (RNN_CORE_REQUIRE_TORCH=1), where a skip would hide the cross-check and the import must work.
if os.environ.get("RNN_CORE_REQUIRE_TORCH"):
    import torch
else:
    try:
        import torch
    except ImportError:
        torch = None
needs_torch = pytest.mark.skipif(
    torch is None,
    reason="the PyTorch cross-check needs torch: pip install torch (the CPU build is enough)",
)

# --- hypothesis strategies ---

# (n_x, n_a, n_y, m, T_x): small enough for a full numerical gradient in milliseconds.
sizes = st.tuples(
    st.integers(1, 4),  # n_x
    st.integers(1, 5),  # n_a
    st.integers(2, 4),  # n_y
    st.integers(1, 3),  # m
    st.integers(1, 4),  # T_x
)
seeds = st.integers(0, 2**32 - 1)
# Weight scales at which tanh is far from saturation, at its knee, and saturating. At 2, a central
# difference with h = 1e-5 can be off by 1e-7 (its truncation): `assert_gradient` allows for it.
moderate_scales = st.sampled_from((0.5, 1.0, 2.0))

# Corners worth pinning: one sequence, one step, two classes.
CORNERS = [(1, 1, 2, 1, 1), (3, 4, 2, 1, 1), (2, 3, 2, 1, 5), (2, 3, 3, 4, 1)]


# --- a reference RNN, written out ---


def reference_log_softmax(logits):
    """log softmax of one vector: z - max z - log Σ exp(z - max z), the sum taken by math.fsum."""
    largest = max(float(v) for v in logits)
    shifted = [float(v) - largest for v in logits]
    log_total = math.log(math.fsum(math.exp(v) for v in shifted))
    return np.array([v - log_total for v in shifted])


def reference_forward(x, a0, parameters, nonlinearity="tanh"):
    """Hidden states and log-probabilities, one example and one time step at a time, in float64.

    a_t = φ(Wax x_t + Waa a_{t-1} + ba), log ŷ_t = log softmax(Wya a_t + by), φ = tanh or identity.
    Returns a tuple of a (n_a, m, T_x) and log_p (n_y, m, T_x).
    """
    Wax, Waa, Wya, ba, by = (
        np.asarray(parameters[k], dtype=np.float64) for k in ("Wax", "Waa", "Wya", "ba", "by")
    )
    x, a0 = np.asarray(x, dtype=np.float64), np.asarray(a0, dtype=np.float64)
    _, m, T_x = x.shape
    a = np.zeros((Waa.shape[0], m, T_x))
    log_p = np.zeros((Wya.shape[0], m, T_x))
    for i in range(m):
        state = a0[:, i]
        for t in range(T_x):
            z = Wax @ x[:, i, t] + Waa @ state + ba[:, 0]
            state = np.tanh(z) if nonlinearity == "tanh" else z
            a[:, i, t] = state
            log_p[:, i, t] = reference_log_softmax(Wya @ state + by[:, 0])
    return a, log_p


def picked_loss(log_p, y):
    """-(1/m) Σ_i Σ_t log_p[y[i, t], i, t], summed with math.fsum."""
    m, T_x = np.shape(y)
    return -math.fsum(log_p[y[i, t], i, t] for i in range(m) for t in range(T_x)) / m


def reference_loss(x, y, a0, parameters):
    """The cross-entropy of the whole sequence, summed over time and averaged over the batch."""
    return picked_loss(reference_forward(x, a0, parameters)[1], y)


def reference_step_loss(a_t, y_t, parameters):
    """The loss of one step's output given its hidden states a_t (n_a, m) and labels y_t (m,)."""
    log_p = [
        reference_log_softmax(parameters["Wya"] @ a_t[:, i] + parameters["by"][:, 0])
        for i in range(a_t.shape[1])
    ]
    return -math.fsum(log_p[i][y_t[i]] for i in range(a_t.shape[1])) / a_t.shape[1]


def losses_of_a_state(x, y, a0, parameters, t):
    """The loss as a function of the hidden state a_t alone, for numerical gradients.

    Returns a tuple of:
    - a_t: the reference hidden state at step t, (n_a, m).
    - total(v): the whole loss with a_t replaced by v: the steps before t are unchanged, step t's
      output and every later step are computed from v. Its gradient is ∂L/∂a_t.
    - local(v): the loss of step t's output alone: the part of ∂L/∂a_t that does not come back
      from later steps.
    """
    a, log_p = reference_forward(x, a0, parameters)
    earlier = picked_loss(log_p[:, :, :t], y[:, :t])

    def local(v):
        return reference_step_loss(v, y[:, t], parameters)

    def total(v):
        later = 0.0
        if t + 1 < x.shape[2]:
            later = reference_loss(x[:, :, t + 1 :], y[:, t + 1 :], v, parameters)
        return earlier + local(v) + later

    return a[:, :, t], total, local


# --- comparing with numerical gradients ---

RANDOM_TOL = 1e-6
STEP = 1e-5  # numerical_gradient's default h


def assert_gradient(analytic, f, at, name=""):
    """`analytic` is the gradient of the scalar function `f` at the array `at`.

    |analytic - numeric| <= 1e-6·|numeric| + 1e-9·max(1, |f|): the absolute term is 50 times the
    round-off of a central difference with h = 1e-5 (about 2e-11·|f|), the relative term is where a
    wrong gradient (a missing factor, a wrong matrix) shows up, by orders of magnitude.

    A central difference D(h) also errs by its truncation, h²/6 times the third derivative, to
    leading order: where tanh bends sharply (weights of scale 2), a third derivative of a few
    thousand puts it near 1e-7, above the tolerance of a small entry. Where D(h) misses, the
    comparison is made with Richardson's (4 D(h) - D(2h)) / 3 instead, which cancels the h² term
    (its error is O(h⁴)) with about the same round-off: a wrong gradient misses both.
    """
    assert np.shape(analytic) == np.shape(at), name
    atol = 1e-9 * max(1.0, abs(f(at)))
    numeric = rc.numerical_gradient(f, at, h=STEP)
    if not np.allclose(analytic, numeric, rtol=RANDOM_TOL, atol=atol):
        numeric = (4 * numeric - rc.numerical_gradient(f, at, h=2 * STEP)) / 3
    np.testing.assert_allclose(analytic, numeric, rtol=RANDOM_TOL, atol=atol, err_msg=name)


# --- bad input ---


def bad(case_id, call, error, *phrases):
    """One row of a bad-input table: `call()` raises `error` with each of `phrases` in its message.

    The first phrase names the argument at fault; a second one, where given, is the hint the
    message must carry. Phrases are matched as plain text, not as patterns.
    """
    return pytest.param(call, error, phrases, id=case_id)


def assert_rejects(call, error, phrases):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} is not in the message {message!r}"
