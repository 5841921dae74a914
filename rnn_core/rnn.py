"""The recurrent cell, its sequence forward pass, and backpropagation through time.

The equations, for one time step t (shapes on the right):

    z_t      = Wax x_t + Waa a_{t-1} + ba        (n_a, m)   pre-activation
    a_t      = tanh(z_t)                         (n_a, m)   hidden state
    ŷ_t      = softmax(Wya a_t + by)             (n_y, m)   output probabilities

and backwards, given da_t = ∂L/∂a_t from everything above this step:

    dz_t     = (1 - a_t²) * da_t                 (n_a, m)   tanh'(z) = 1 - tanh(z)²
    dx_t     = Waxᵀ dz_t                         (n_x, m)
    da_{t-1} = Waaᵀ dz_t                         (n_a, m)
    dWax     = dz_t x_tᵀ,  dWaa = dz_t a_{t-1}ᵀ,  dba = Σ_m dz_t

Every public function checks its arguments once and then calls the unchecked version with a
leading underscore; the sequence functions loop over those step functions, so the code a learner
reads for one step is the code that runs inside the loop.
"""

import numpy as np

from ._validation import (
    Sizes,
    check_array,
    check_caches,
    check_cell_cache,
    check_parameters,
    check_positive_float,
    check_positive_int,
    check_seed,
    overflow_error,
    refuses_overflow,
)
from .activations import _softmax


def initialize_parameters(n_x, n_a, n_y, scale=0.01, seed=0):
    """Random weights and zero biases, reproducible from `seed`.

    Weights are drawn from a normal distribution with standard deviation `scale`. Small weights
    (the default 0.01) start the network near its linear regime, where tanh' ≈ 1; notebook 04 shows
    what larger scales do to the gradients.

    Returns: a dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    """
    n_x = check_positive_int("n_x", n_x)
    n_a = check_positive_int("n_a", n_a)
    n_y = check_positive_int("n_y", n_y)
    scale = check_positive_float("scale", scale)
    rng = check_seed("seed", seed)
    with overflow_error(f"scale = {scale:g} is too large: the weights overflow float64"):
        return {
            "Wax": scale * rng.standard_normal((n_a, n_x)),
            "Waa": scale * rng.standard_normal((n_a, n_a)),
            "Wya": scale * rng.standard_normal((n_y, n_a)),
            "ba": np.zeros((n_a, 1)),
            "by": np.zeros((n_y, 1)),
        }


# --- one time step ---


@refuses_overflow("xt, a_prev and parameters")
def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN: the next hidden state and the output probabilities.

    Arguments:
    - xt: input at this time step, of shape (n_x, m).
    - a_prev: hidden state of the previous step, of shape (n_a, m).
    - parameters: dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns a tuple of:
    - a_next: next hidden state, of shape (n_a, m).
    - yt_pred: output probabilities, of shape (n_y, m); each column sums to 1.
    - cache: (a_next, a_prev, xt, parameters), what `rnn_cell_backward` needs.

    The state a_prev is checked before xt, so that it fixes m: a slice of x taken along the wrong
    axis (x[:, t, :] instead of x[:, :, t]) is then reported as a wrong xt.
    """
    parameters, sizes = check_parameters(parameters)
    a_prev = check_array("a_prev", a_prev, ("n_a", "m"), sizes)
    xt = check_array("xt", xt, ("n_x", "m"), sizes, _SLICE_HINT)
    return _rnn_cell_forward(xt, a_prev, parameters)


_SLICE_HINT = "; one time step of x of shape (n_x, m, T_x) is x[:, :, t]"


def _rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)  # a_t = tanh(Wax x_t + Waa a_{t-1} + ba)
    yt_pred = _softmax(Wya @ a_next + by)  # ŷ_t = softmax(Wya a_t + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


@refuses_overflow("da_next and cache")
def rnn_cell_backward(da_next, cache):
    """Backward through one step: from ∂L/∂a_t to the gradients of its inputs and weights.

    Arguments:
    - da_next: gradient of the loss with respect to a_next, of shape (n_a, m).
    - cache: the cache that `rnn_cell_forward` returned for this step.

    Returns a dict of:
    - dxt: gradient with respect to xt, of shape (n_x, m).
    - da_prev: gradient with respect to a_prev, of shape (n_a, m).
    - dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1): this step's share of the weight gradients.
    """
    sizes = Sizes()
    cache = check_cell_cache(cache, sizes)
    da_next = check_array("da_next", da_next, ("n_a", "m"), sizes)
    return _rnn_cell_backward(da_next, cache)


def _rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = (1 - a_next**2) * da_next  # dz_t = tanh'(z_t) * da_t, with tanh'(z) = 1 - tanh(z)^2
    dxt = Wax.T @ dz  # (n_a, n_x).T @ (n_a, m) -> (n_x, m)
    dWax = dz @ xt.T  # (n_a, m) @ (m, n_x) -> (n_a, n_x)
    da_prev = Waa.T @ dz  # (n_a, n_a).T @ (n_a, m) -> (n_a, m)
    dWaa = dz @ a_prev.T  # (n_a, m) @ (m, n_a) -> (n_a, n_a), uses a_{t-1}, not a_t
    dba = dz.sum(axis=1, keepdims=True)  # sum over the m examples -> (n_a, 1)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# --- a whole sequence ---


@refuses_overflow("x, a0 and parameters")
def rnn_forward(x, a0, parameters):
    """Run the cell over all T_x time steps, starting from the hidden state a0.

    Arguments:
    - x: inputs for every time step, of shape (n_x, m, T_x).
    - a0: initial hidden state, of shape (n_a, m).
    - parameters: as for `rnn_cell_forward`.

    Returns a tuple of:
    - a: hidden states a_1 … a_{T_x}, of shape (n_a, m, T_x) (a0 is not included).
    - y_pred: output probabilities for every step, of shape (n_y, m, T_x).
    - caches: (list of T_x cell caches, x), what `rnn_backward` needs.
    """
    parameters, sizes = check_parameters(parameters)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    return _rnn_forward(x, a0, parameters)


def _rnn_forward(x, a0, parameters):
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    dtype = np.result_type(x, a0, *parameters.values())
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=dtype)
    cell_caches = []
    a_next = a0  # the recurrence starts from a0, not from zeros
    for t in range(T_x):
        a_next, yt_pred, cache = _rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y_pred, (cell_caches, x)


@refuses_overflow("da and caches")
def rnn_backward(da, caches):
    """Backpropagation through time over the hidden states.

    At every step the gradient reaching a_t has two sources: `da[:, :, t]` (from the output at step
    t, and from the loss) and `da_prev` (from step t+1, through Waa). Their sum enters the cell's
    backward; the weight gradients of all steps add up, because the same weights serve every step.

    Arguments:
    - da: ∂L/∂a_t coming from above for every step, of shape (n_a, m, T_x). Not modified.
    - caches: what `rnn_forward` returned.

    Returns a dict of:
    - dx: gradient with respect to x, of shape (n_x, m, T_x).
    - da0: gradient with respect to a0, of shape (n_a, m).
    - dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1): weight gradients summed over time.
    """
    sizes = Sizes()
    caches = check_caches(caches, sizes)
    da = check_array("da", da, ("n_a", "m", "T_x"), sizes)
    return _rnn_backward(da, caches)[0]


def _rnn_backward(da, caches):
    """BPTT without checks. Returns (gradients, da_total).

    da_total[:, :, t] is the whole gradient that reached a_t, from the output at step t and from
    step t+1: the quantity notebooks 02 and 04 plot. rnn_backward returns only the gradients.
    """
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dtype = np.result_type(da, x, *cell_caches[0][3].values())
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    dWax = np.zeros((n_a, n_x), dtype=dtype)
    dWaa = np.zeros((n_a, n_a), dtype=dtype)
    dba = np.zeros((n_a, 1), dtype=dtype)
    da_total = np.zeros((n_a, m, T_x), dtype=dtype)
    da_prev = np.zeros((n_a, m), dtype=dtype)  # nothing flows back into the last step from later
    for t in reversed(range(T_x)):
        # Both paths into a_t: from this step's output (da[:, :, t]) and from step t+1 (da_prev).
        da_total[:, :, t] = da[:, :, t] + da_prev
        gradients = _rnn_cell_backward(da_total[:, :, t], cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
        da_prev = gradients["da_prev"]
    gradients = {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return gradients, da_total
