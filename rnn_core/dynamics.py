"""How gradients travel back through time: Jacobian products, spectral radius, truncation.

Going back one step multiplies the gradient by the transpose of the step's Jacobian:

    ∂a_t/∂a_{t-1} = diag(φ'(z_t)) Waa                                     (n_a, n_a)
    ∂L/∂a_{t-1}  ⊇ Waaᵀ (φ'(z_t) * ∂L/∂a_t)                                (n_a, m)

with φ = tanh (φ'(z_t) = 1 - a_t²) or the identity (φ' = 1, a linear RNN). From the last step back
to step t that is a product of T_x - t such factors, so its size grows or shrinks roughly like
ρ^(T_x - t), where ρ is the spectral radius of Waa (the largest |eigenvalue|). With Waa = ρ·Q for
an orthogonal Q, a linear RNN follows ρ^(T_x - t) exactly, and tanh can only shrink it further,
because 0 < 1 - a² <= 1.
"""

import numpy as np

from ._validation import (
    Sizes,
    check_array,
    check_parameters,
    check_positive_float,
    check_positive_int,
    check_problem,
    check_seed,
    choose,
    refuses_overflow,
)
from .activations import _sigmoid
from .loss import _output_layer_backward
from .lstm import GATES
from .rnn import _rnn_backward, _rnn_cell_backward, _rnn_forward

NONLINEARITIES = ("tanh", "linear")


@refuses_overflow("matrix")
def spectral_radius(matrix):
    """The largest absolute eigenvalue of a square matrix."""
    matrix = check_array("matrix", matrix, ("n", "n"), Sizes())
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def scaled_orthogonal_matrix(n, spectral_radius=1.0, seed=0):
    """ρ·Q with Q a random orthogonal matrix: every eigenvalue and singular value has size ρ.

    Multiplying a vector by it scales the vector's length by exactly ρ, which makes it the
    cleanest Waa for watching gradients vanish (ρ < 1) or explode (ρ > 1).
    """
    n = check_positive_int("n", n)
    rho = check_positive_float("spectral_radius", spectral_radius)
    q, r = np.linalg.qr(check_seed("seed", seed).standard_normal((n, n)))
    return rho * q * np.sign(np.diag(r))  # the signs make Q uniformly distributed


@refuses_overflow("x, a0 and parameters")
def hidden_state_gradients(x, y, a0, parameters):
    """∂L/∂a_t for every time step: the whole gradient that reaches each hidden state.

    It is the sum of what comes from the output at step t and what comes back from step t+1,
    the quantity `rnn_backward` feeds into each cell's backward.

    Returns: an array of shape (n_a, m, T_x).
    """
    x, y, a0, parameters = check_problem(x, y, a0, parameters)
    a, y_pred, caches = _rnn_forward(x, a0, parameters)
    da = _output_layer_backward(y_pred, y, a, parameters)["da"]
    return _rnn_backward(da, caches)[1]


def gradient_norms(da_total):
    """The norm ‖∂L/∂a_t‖ of each time step: sqrt of the sum over n_a and m. Shape (T_x,)."""
    da_total = check_array("da_total", da_total, ("n_a", "m", "T_x"), Sizes())
    # Each step is divided by its largest |entry| before squaring: the square of an entry above
    # 1.3e154 (float64) or 1.8e19 (float32) overflows, although the norm itself need not.
    largest = np.abs(da_total).max(axis=(0, 1))  # (T_x,)
    safe = np.where(largest > 0, largest, 1)  # an all-zero step has norm 0
    ratio = np.sqrt(((da_total / safe) ** 2).sum(axis=(0, 1)))  # (T_x,), each in [1, sqrt(n_a m)]
    with np.errstate(over="ignore"):  # a norm beyond the range of the dtype is inf
        return safe * ratio


@refuses_overflow("x, a0 and parameters")
def hidden_states(x, a0, parameters, nonlinearity="tanh"):
    """Hidden states a_1 … a_T of shape (n_a, m, T_x), with tanh (rnn_core's cell) or linear.

    The tanh RNN is the recurrence of rnn_core's cell, a_t = tanh(Wax x_t + Waa a_{t-1} + ba),
    computed as the cell computes it (the same numbers as `rnn_forward`'s a, to the last bit)
    without the output layer, which is not needed here. The linear RNN a_t = Wax x_t +
    Waa a_{t-1} + ba is the same recurrence without the squashing.
    """
    choose("nonlinearity", nonlinearity, NONLINEARITIES)
    parameters, sizes = check_parameters(parameters)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]
    a = np.zeros((a0.shape[0], *x.shape[1:]), dtype=np.result_type(x, a0, Wax, Waa, ba))
    a_t = a0
    for t in range(x.shape[2]):
        z = Wax @ x[:, :, t] + Waa @ a_t + ba  # the cell's pre-activation, in the cell's order
        a_t = np.tanh(z) if nonlinearity == "tanh" else z
        a[:, :, t] = a_t
    return a


@refuses_overflow("a, Waa and da_last")
def backpropagate_from_last_step(a, Waa, da_last, nonlinearity="tanh"):
    """∂L/∂a_t for every t when the loss depends on the last hidden state only.

    Starting from da_last = ∂L/∂a_T, one step back is da_{t-1} = Waaᵀ (φ'(z_t) * da_t), with
    φ'(z_t) = 1 - a_t² for tanh and 1 for a linear RNN: the transposed Jacobian of one step.

    Arguments:
    - a: hidden states of shape (n_a, m, T_x), from `hidden_states` with the same nonlinearity.
    - Waa: (n_a, n_a).   - da_last: ∂L/∂a_T, of shape (n_a, m).
    Returns: ∂L/∂a_t of shape (n_a, m, T_x); its last slice is da_last.
    """
    choose("nonlinearity", nonlinearity, NONLINEARITIES)
    sizes = Sizes()
    a = check_array("a", a, ("n_a", "m", "T_x"), sizes)
    Waa = check_array("Waa", Waa, ("n_a", "n_a"), sizes)
    da_last = check_array("da_last", da_last, ("n_a", "m"), sizes)
    T_x = a.shape[2]
    da = np.zeros(a.shape, dtype=np.result_type(a, Waa, da_last))
    da[:, :, T_x - 1] = da_last
    for t in range(T_x - 1, 0, -1):
        derivative = 1 - a[:, :, t] ** 2 if nonlinearity == "tanh" else 1.0  # φ'(z_t)
        da[:, :, t - 1] = Waa.T @ (derivative * da[:, :, t])  # (∂a_t/∂a_{t-1})ᵀ da_t
    return da


@refuses_overflow("x, a0 and parameters")
def truncated_bptt_gradients(x, y, a0, parameters, k):
    """Weight gradients of BPTT truncated to k steps: each step's loss flows back at most k steps.

    The loss at step t reaches the weights through a_t, a_{t-1}, …, a_{t-k+1} and stops there
    (Williams and Peng's BPTT(k)). With k >= T_x this is full BPTT. Costs O(T_x·k) cell backwards.

    Returns: a dict with dWax, dWaa, dba (the output layer's dWya and dby do not depend on k).
    """
    x, y, a0, parameters = check_problem(x, y, a0, parameters)
    k = check_positive_int("k", k)
    a, y_pred, (cell_caches, _) = _rnn_forward(x, a0, parameters)
    da = _output_layer_backward(y_pred, y, a, parameters)["da"]  # from each step's own loss
    dtype = np.result_type(x, a0, *parameters.values())
    gradients = {
        name: np.zeros(parameters[name[1:]].shape, dtype) for name in ("dWax", "dWaa", "dba")
    }
    for t in range(x.shape[2]):
        da_s = da[:, :, t]  # the loss at step t, entering a_t
        for s in range(t, max(t - k, -1), -1):  # steps t, t-1, …, t-k+1
            step = _rnn_cell_backward(da_s, cell_caches[s])
            for name in gradients:
                gradients[name] += step[name]
            da_s = step["da_prev"]
    return gradients


__all__ = [
    "spectral_radius",
    "scaled_orthogonal_matrix",
    "hidden_state_gradients",
    "gradient_norms",
    "hidden_states",
    "backpropagate_from_last_step",
    "truncated_bptt_gradients",
]


# --- the three cells side by side: the gradient from the last step back (notebook 07) ---
# For one sequence (m = 1), the loss L = gᵀ a⟨T⟩ and weights without checks: the fast path of
# GatedDashboard, which computes only the gradients reaching the states, with the input products
# of all steps taken at once. The tests hold each to the cells' own backward functions.


def rnn_state_gradients(x, a0, p, g):
    """∂L/∂a⟨t⟩ of shape (n_a, T) for L = gᵀ a⟨T⟩: da⟨t−1⟩ = Waaᵀ ((1 − a⟨t⟩²) ⊙ da⟨t⟩)."""
    T = x.shape[1]
    inputs = p["Wax"] @ x + p["ba"]  # (n_a, T)
    a = np.empty((a0.shape[0], T))
    a_t = a0
    for t in range(T):
        a_t = np.tanh(inputs[:, t] + p["Waa"] @ a_t)
        a[:, t] = a_t
    slope = 1 - a**2
    WaaT = p["Waa"].T.copy()
    da = np.empty_like(a)
    da_t = g
    for t in reversed(range(T)):
        da[:, t] = da_t
        da_t = WaaT @ (slope[:, t] * da_t)
    return da


def lstm_state_gradients(x, a0, p, g):
    """∂L/∂a⟨t⟩ and ∂L/∂c⟨t⟩ (the whole gradient, both paths), each (n_a, T), for L = gᵀ a⟨T⟩;
    the equations of `rnn_core.lstm`, with c⟨0⟩ = 0."""
    n_a, T = a0.shape[0], x.shape[1]
    W = np.vstack([p[f"W{gate}"] for gate in GATES])  # (4 n_a, n_a + n_x): f, i, c̃, o
    inputs = W[:, n_a:] @ x + np.vstack([p[f"b{gate}"] for gate in GATES])  # (4 n_a, T)
    W_a = W[:, :n_a].copy()
    gates = np.empty((4 * n_a, T))
    c = np.empty((n_a, T + 1))  # c[:, t] is c⟨t⟩, c⟨0⟩ = 0
    c[:, 0] = 0.0
    a_t = a0
    for t in range(T):
        z = inputs[:, t] + W_a @ a_t
        gate = _sigmoid(z)
        gate[2 * n_a : 3 * n_a] = np.tanh(z[2 * n_a : 3 * n_a])  # the candidate c̃ is a tanh
        f, i, cc, o = gate[:n_a], gate[n_a : 2 * n_a], gate[2 * n_a : 3 * n_a], gate[3 * n_a :]
        c[:, t + 1] = f * c[:, t] + i * cc
        a_t = o * np.tanh(c[:, t + 1])
        gates[:, t] = gate
    f, i, cc, o = (gates[k * n_a : (k + 1) * n_a] for k in range(4))
    tanh_c = np.tanh(c[:, 1:])
    to_c = o * (1 - tanh_c**2)  # da → dc through a = o ⊙ tanh(c)
    # dz = [dc ⊙ c⟨t−1⟩ f(1−f); dc ⊙ c̃ i(1−i); dc ⊙ i(1−c̃²); da ⊙ tanh(c) o(1−o)]
    from_c = np.vstack((c[:, :-1] * f * (1 - f), cc * i * (1 - i), i * (1 - cc**2)))
    from_a = tanh_c * o * (1 - o)
    W_cT, W_oT = W_a[: 3 * n_a].T.copy(), W_a[3 * n_a :].T.copy()
    da, dc = np.empty((n_a, T)), np.empty((n_a, T))
    da_t, dc_next = g, np.zeros(n_a)
    for t in reversed(range(T)):
        dc_t = dc_next + da_t * to_c[:, t]
        da[:, t], dc[:, t] = da_t, dc_t
        da_t = W_cT @ (np.tile(dc_t, 3) * from_c[:, t]) + W_oT @ (da_t * from_a[:, t])
        dc_next = dc_t * f[:, t]  # the highway: the forget gate alone
    return da, dc


def gru_state_gradients(x, a0, p, g):
    """∂L/∂a⟨t⟩ of shape (n_a, T) for L = gᵀ a⟨T⟩; Cho's GRU as in `rnn_core.gru`."""
    n_a, T = a0.shape[0], x.shape[1]
    W_zr = np.vstack((p["Wz"], p["Wr"]))  # (2 n_a, n_a + n_x)
    inputs_zr = W_zr[:, n_a:] @ x + np.vstack((p["bz"], p["br"]))  # (2 n_a, T)
    inputs_h = p["Wh"][:, n_a:] @ x + p["bh"]  # (n_a, T)
    W_zr_a, W_h_a = W_zr[:, :n_a].copy(), p["Wh"][:, :n_a].copy()
    a = np.empty((n_a, T + 1))  # a[:, t] is a⟨t⟩
    zr = np.empty((2 * n_a, T))
    h = np.empty((n_a, T))
    a[:, 0] = a0
    for t in range(T):
        a_prev = a[:, t]
        gate = _sigmoid(inputs_zr[:, t] + W_zr_a @ a_prev)
        z, r = gate[:n_a], gate[n_a:]
        h[:, t] = np.tanh(inputs_h[:, t] + W_h_a @ (r * a_prev))
        a[:, t + 1] = z * a_prev + (1 - z) * h[:, t]
        zr[:, t] = gate
    z, r, a_prev = zr[:n_a], zr[n_a:], a[:, :-1]
    to_z = (a_prev - h) * z * (1 - z)
    to_h = (1 - z) * (1 - h**2)
    to_r = a_prev * r * (1 - r)
    W_h_aT, W_z_aT, W_r_aT = W_h_a.T.copy(), W_zr_a[:n_a].T.copy(), W_zr_a[n_a:].T.copy()
    da = np.empty((n_a, T))
    da_t = g
    for t in reversed(range(T)):
        da[:, t] = da_t
        dra = W_h_aT @ (da_t * to_h[:, t])  # ∂L/∂(r ⊙ a⟨t−1⟩)
        da_t = (
            da_t * z[:, t]
            + dra * r[:, t]
            + W_z_aT @ (da_t * to_z[:, t])
            + W_r_aT @ (dra * to_r[:, t])
        )
    return da
