"""The LSTM cell, its sequence forward pass, backpropagation through time, loss and gradients.

Notebook 07 teaches this module. The names are the classic "RNN step by step" assignment's, so that
its learners feel at home; the letters are those of the package docstring (n_x, n_a, n_y, m, T_x).

Every gate acts on the stacked column [a_prev; xt] of shape (n_a + n_x, m), a_prev on top (the
classic order), so every gate weight W has shape (n_a, n_a + n_x): its first n_a columns multiply
a_prev, its last n_x columns multiply xt. Parameters: Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc,
bo (n_a, 1), and the output layer Wy (n_y, n_a), by (n_y, 1), the RNN's Wya and by.

The equations, for one time step t (shapes on the right), with σ the logistic sigmoid:

    s_t      = [a_{t-1}; x_t]                    (n_a + n_x, m)   stacked input
    f_t      = σ(Wf s_t + bf)                    (n_a, m)   forget gate
    i_t      = σ(Wi s_t + bi)                    (n_a, m)   input (update) gate
    c̃_t      = tanh(Wc s_t + bc)                 (n_a, m)   candidate cell state
    o_t      = σ(Wo s_t + bo)                    (n_a, m)   output gate
    c_t      = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t         (n_a, m)   cell state
    a_t      = o_t ⊙ tanh(c_t)                   (n_a, m)   hidden state
    ŷ_t      = softmax(Wy a_t + by)              (n_y, m)   output probabilities

and backwards, given da_t = ∂L/∂a_t and dc_next = ∂L/∂c_t through c_{t+1} (from the later steps).
The gradient reaching c_t has two paths: straight from c_{t+1}, and through a_t = o_t ⊙ tanh(c_t).
The pre-activations zf, zi, zc, zo are what the gates squash (f_t = σ(zf), c̃_t = tanh(zc), …):

    dc_t     = dc_next + da_t ⊙ o_t ⊙ (1 - tanh²(c_t))     (n_a, m)   both paths into c_t
    dzo      = da_t ⊙ tanh(c_t) ⊙ o_t ⊙ (1 - o_t)         (n_a, m)   σ'(z) = σ(z)(1 - σ(z))
    dzc      = dc_t ⊙ i_t ⊙ (1 - c̃_t²)                    (n_a, m)   tanh'(z) = 1 - tanh(z)²
    dzi      = dc_t ⊙ c̃_t ⊙ i_t ⊙ (1 - i_t)               (n_a, m)
    dzf      = dc_t ⊙ c_{t-1} ⊙ f_t ⊙ (1 - f_t)           (n_a, m)
    dWg      = dzg s_tᵀ,  dbg = Σ_m dzg                    for each gate g in f, i, c, o
    ds_t     = Wfᵀ dzf + Wiᵀ dzi + Wcᵀ dzc + Woᵀ dzo       (n_a + n_x, m)
    da_{t-1} = ds_t[:n_a],   dx_t = ds_t[n_a:]             the rows of a_prev, then those of xt
    dc_{t-1} = dc_t ⊙ f_t                                   (n_a, m)   the gradient highway

Every public function checks its arguments once and then calls the unchecked version with a
leading underscore; the sequence functions loop over those step functions, as in `rnn_core.rnn`.
The output layer and the loss are the RNN's own (`rnn_core.loss`), with Wy in the place of Wya.
"""

import numpy as np

from ._validation import (
    CacheLayout,
    Sizes,
    _check_number,
    check_array,
    check_caches,
    check_cell_cache,
    check_labels,
    check_parameters,
    check_positive_float,
    check_positive_int,
    check_seed,
    overflow_error,
    refuses_overflow,
)
from .activations import _sigmoid, _softmax
from .loss import _output_layer_backward, _output_layer_loss
from .rnn import _SLICE_HINT
from .threads import step_work, threads_for

# The parameters and the letters of their shapes, in the order they are checked: `bf` first,
# because it fixes n_a on its own (as `Waa` does for the RNN), then `Wf`, which fixes n_a + n_x.
LSTM_PARAMETER_SHAPES = {
    "bf": ("n_a", "1"),
    "Wf": ("n_a", "n_a + n_x"),
    "Wi": ("n_a", "n_a + n_x"),
    "bi": ("n_a", "1"),
    "Wc": ("n_a", "n_a + n_x"),
    "bc": ("n_a", "1"),
    "Wo": ("n_a", "n_a + n_x"),
    "bo": ("n_a", "1"),
    "Wy": ("n_y", "n_a"),
    "by": ("n_y", "1"),
}
# The classic assignment's order, the order of the equations.
LSTM_PARAMETER_ORDER = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")
GATES = ("f", "i", "c", "o")  # forget, input, candidate, output: dW{g} and db{g} for each
# The cell cache, entry by entry: what `lstm_cell_forward` returns and `lstm_cell_backward` reads.
CACHE_ENTRIES = (
    ("a_next", ("n_a", "m")),
    ("c_next", ("n_a", "m")),
    ("a_prev", ("n_a", "m")),
    ("c_prev", ("n_a", "m")),
    ("ft", ("n_a", "m")),
    ("it", ("n_a", "m")),
    ("cct", ("n_a", "m")),
    ("ot", ("n_a", "m")),
    ("xt", ("n_x", "m")),
)


# --- argument checks (the LSTM's shape tables, on the checkers of rnn_core._validation) ---


def check_lstm_parameters(parameters, sizes=None, name="parameters"):
    """Check an LSTM parameter dict; return (a new dict of float arrays, the sizes it fixes).

    Besides n_a and n_y it fixes n_x = (columns of Wf) - n_a, which must be at least 1: a gate
    weight of shape (n_a, n_x) acts on xt alone and has forgotten the stacked a_prev.
    """
    parameters, sizes = check_parameters(
        parameters, sizes, name, shapes=LSTM_PARAMETER_SHAPES, order=LSTM_PARAMETER_ORDER
    )
    n_a, columns = parameters["Wf"].shape
    if columns <= n_a:
        raise ValueError(
            f"{name}['Wf'] has shape {parameters['Wf'].shape}, expected (n_a, n_a + n_x) = "
            f"({n_a}, {n_a} + n_x) with n_x >= 1: every gate acts on the stacked [a_prev; xt], "
            f"its first n_a = {n_a} columns multiply a_prev and the others xt"
        )
    if "n_x" not in sizes:  # a later cell cache's parameters meet the n_x of the first one
        sizes["n_x"] = columns - n_a
        sizes.origin["n_x"] = f"{name}['Wf'] ({columns} columns = n_a + n_x with n_a = {n_a})"
    return parameters, sizes


def check_lstm_problem(x, y, a0, parameters):
    """The four arguments of `lstm_loss_and_gradients`: (x, y, a0, parameters), checked."""
    parameters, sizes = check_lstm_parameters(parameters)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    y = check_labels("y", y, sizes)
    return x, y, a0, parameters


LSTM_CACHE = CacheLayout("lstm_cell_forward", "lstm_forward", CACHE_ENTRIES, check_lstm_parameters)


def _output_layer(parameters):
    """The output layer's weights under the names `rnn_core.loss` reads: Wy is the RNN's Wya."""
    return {"Wya": parameters["Wy"], "by": parameters["by"]}


# --- parameters ---


def initialize_lstm_parameters(n_x, n_a, n_y, scale=0.01, seed=0, forget_bias=0.0):
    """Random weights and zero biases (bf = forget_bias), reproducible from `seed`.

    Weights are drawn from a normal distribution with standard deviation `scale`, in the order
    Wf, Wi, Wc, Wo, Wy. A positive `forget_bias` starts the forget gate open (f ≈ σ(forget_bias)),
    so that the cell state, and its gradient, pass through many steps (notebook 07's dashboard);
    Jozefowicz et al. (2015) recommend 1.

    Returns: a dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a)
    and by (n_y, 1).
    """
    n_x = check_positive_int("n_x", n_x)
    n_a = check_positive_int("n_a", n_a)
    n_y = check_positive_int("n_y", n_y)
    scale = check_positive_float("scale", scale)
    rng = check_seed("seed", seed)
    forget_bias = _check_number("forget_bias", forget_bias)
    if not np.isfinite(forget_bias):
        raise ValueError(f"forget_bias must be a finite number, got {forget_bias}")
    parameters = {}
    with overflow_error(f"scale = {scale:g} is too large: the weights overflow float64"):
        for g in GATES:  # drawn in the order Wf, Wi, Wc, Wo, then Wy
            parameters[f"W{g}"] = scale * rng.standard_normal((n_a, n_a + n_x))
            parameters[f"b{g}"] = np.full((n_a, 1), forget_bias if g == "f" else 0.0)
        parameters["Wy"] = scale * rng.standard_normal((n_y, n_a))
    parameters["by"] = np.zeros((n_y, 1))
    return parameters


# --- one time step ---


@refuses_overflow("xt, a_prev, c_prev and parameters")
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of the LSTM: the next hidden and cell states and the output probabilities.

    Arguments:
    - xt: input at this time step, of shape (n_x, m).
    - a_prev: hidden state of the previous step, of shape (n_a, m).
    - c_prev: cell state of the previous step, of shape (n_a, m).
    - parameters: dict of Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1),
      Wy (n_y, n_a), by (n_y, 1).

    Returns a tuple of:
    - a_next: next hidden state, of shape (n_a, m).
    - c_next: next cell state, of shape (n_a, m).
    - yt_pred: output probabilities, of shape (n_y, m); each column sums to 1.
    - cache: (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters), what
      `lstm_cell_backward` needs; ft, it, cct, ot are the gates, each (n_a, m).

    The states are checked before xt, so that they fix m: a slice of x taken along the wrong
    axis (x[:, t, :] instead of x[:, :, t]) is then reported as a wrong xt.
    """
    parameters, sizes = check_lstm_parameters(parameters)
    a_prev = check_array("a_prev", a_prev, ("n_a", "m"), sizes)
    c_prev = check_array("c_prev", c_prev, ("n_a", "m"), sizes)
    xt = check_array("xt", xt, ("n_x", "m"), sizes, _SLICE_HINT)
    return _lstm_cell_forward(xt, a_prev, c_prev, parameters)


def _lstm_cell_forward(xt, a_prev, c_prev, parameters):
    p = parameters
    s = np.concatenate((a_prev, xt), axis=0)  # [a_{t-1}; x_t]: (n_a, m) on top of (n_x, m)
    ft = _sigmoid(p["Wf"] @ s + p["bf"])  # f_t = σ(Wf s_t + bf): (n_a, n_a+n_x) @ (n_a+n_x, m)
    it = _sigmoid(p["Wi"] @ s + p["bi"])  # i_t = σ(Wi s_t + bi)
    cct = np.tanh(p["Wc"] @ s + p["bc"])  # c̃_t = tanh(Wc s_t + bc)
    ot = _sigmoid(p["Wo"] @ s + p["bo"])  # o_t = σ(Wo s_t + bo)
    c_next = ft * c_prev + it * cct  # c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t
    a_next = ot * np.tanh(c_next)  # a_t = o_t ⊙ tanh(c_t), of c_t, not of c_{t-1}
    yt_pred = _softmax(p["Wy"] @ a_next + p["by"])  # ŷ_t = softmax(Wy a_t + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


@refuses_overflow("da_next, dc_next and cache")
def lstm_cell_backward(da_next, dc_next, cache):
    """Backward through one step: from ∂L/∂a_t and ∂L/∂c_t to every input and weight.

    Arguments:
    - da_next: gradient of the loss with respect to a_next, of shape (n_a, m).
    - dc_next: gradient of the loss with respect to c_next through the later steps only (the
      path through a_next is added here), of shape (n_a, m).
    - cache: the cache that `lstm_cell_forward` returned for this step.

    Returns a dict of:
    - dxt: gradient with respect to xt, of shape (n_x, m).
    - da_prev: gradient with respect to a_prev, of shape (n_a, m).
    - dc_prev: gradient with respect to c_prev, of shape (n_a, m).
    - dWf, dWi, dWc, dWo (n_a, n_a + n_x) and dbf, dbi, dbc, dbo (n_a, 1): this step's share of
      the gate weights' gradients.
    """
    sizes = Sizes()
    cache = check_cell_cache(cache, sizes, layout=LSTM_CACHE)
    da_next = check_array("da_next", da_next, ("n_a", "m"), sizes)
    dc_next = check_array("dc_next", dc_next, ("n_a", "m"), sizes)
    return _lstm_cell_backward(da_next, dc_next, cache)[0]


def _lstm_cell_backward(da_next, dc_next, cache):
    """One step backward without checks. Returns (gradients, dc), dc = the whole ∂L/∂c_t."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)  # (n_a, m), of c_t as in the forward pass
    dc = dc_next + da_next * ot * (1 - tanh_c**2)  # both paths into c_t: from c_{t+1}, from a_t
    dzo = da_next * tanh_c * ot * (1 - ot)  # a_t = o_t tanh(c_t); σ'(zo) = o_t (1 - o_t)
    dzc = dc * it * (1 - cct**2)  # c_t ∋ i_t c̃_t; tanh'(zc) = 1 - c̃_t²
    dzi = dc * cct * it * (1 - it)  # c_t ∋ i_t c̃_t; σ'(zi) = i_t (1 - i_t)
    dzf = dc * c_prev * ft * (1 - ft)  # c_t ∋ f_t c_{t-1}; σ'(zf) = f_t (1 - f_t)
    s = np.concatenate((a_prev, xt), axis=0)  # the stacked input again: (n_a + n_x, m)
    ds = p["Wf"].T @ dzf + p["Wi"].T @ dzi + p["Wc"].T @ dzc + p["Wo"].T @ dzo  # (n_a + n_x, m)
    gradients = {
        "dxt": ds[n_a:],  # the rows of xt, the last n_x: (n_x, m)
        "da_prev": ds[:n_a],  # the rows of a_prev, the first n_a: (n_a, m)
        "dc_prev": dc * ft,  # c_t = f_t c_{t-1} + …: the highway, scaled by the forget gate only
        "dWf": dzf @ s.T,  # (n_a, m) @ (m, n_a + n_x) -> (n_a, n_a + n_x)
        "dbf": dzf.sum(axis=1, keepdims=True),  # sum over the m examples -> (n_a, 1)
        "dWi": dzi @ s.T,
        "dbi": dzi.sum(axis=1, keepdims=True),
        "dWc": dzc @ s.T,
        "dbc": dzc.sum(axis=1, keepdims=True),
        "dWo": dzo @ s.T,
        "dbo": dzo.sum(axis=1, keepdims=True),
    }
    return gradients, dc


# --- a whole sequence ---


@refuses_overflow("x, a0 and parameters")
def lstm_forward(x, a0, parameters):
    """Run the LSTM cell over all T_x time steps, from the hidden state a0 and c⟨0⟩ = 0.

    Arguments:
    - x: inputs for every time step, of shape (n_x, m, T_x).
    - a0: initial hidden state, of shape (n_a, m). The initial cell state is zero.
    - parameters: as for `lstm_cell_forward`.

    Returns a tuple of:
    - a: hidden states a_1 … a_{T_x}, of shape (n_a, m, T_x) (a0 is not included).
    - y: output probabilities for every step, of shape (n_y, m, T_x).
    - c: cell states c_1 … c_{T_x}, of shape (n_a, m, T_x).
    - caches: (list of T_x cell caches, x), what `lstm_backward` needs.
    """
    parameters, sizes = check_lstm_parameters(parameters)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    return _lstm_forward(x, a0, parameters)


def _lstm_forward(x, a0, parameters, c0=None):
    """Unchecked; c0 (n_a, m) is the initial cell state, None for zero (training carries it)."""
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    dtype = np.result_type(x, a0, *parameters.values())
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    cell_caches = []
    a_next = a0  # the recurrence starts from a0 …
    c_next = np.zeros((n_a, m), dtype=dtype) if c0 is None else c0  # … and a zero cell state
    for t in range(T_x):
        a_next, c_next, yt_pred, cache = _lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y, c, (cell_caches, x)


@refuses_overflow("da and caches")
def lstm_backward(da, caches):
    """Backpropagation through time over the hidden and cell states.

    At every step the gradient reaching a_t has two sources, `da[:, :, t]` (from the output at
    step t) and `da_prev` from step t+1, and their sum enters the cell's backward together with
    `dc_prev` from step t+1; nothing flows into the last step from later, and c⟨0⟩ = 0 is a
    constant. The weight gradients of all steps add up, because the same weights serve every step.

    Arguments:
    - da: ∂L/∂a_t coming from above for every step, of shape (n_a, m, T_x), with the T_x of the
      caches (the classic assignment's test passed 4 steps for a 7-step x). Not modified.
    - caches: what `lstm_forward` returned.

    Returns a dict of:
    - dx: gradient with respect to x, of shape (n_x, m, T_x).
    - da0: gradient with respect to a0, of shape (n_a, m).
    - dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1): summed over time.
    """
    sizes = Sizes()
    caches = check_caches(caches, sizes, LSTM_CACHE)
    da = check_array("da", da, ("n_a", "m", "T_x"), sizes)
    return _lstm_backward(da, caches)[0]


def _lstm_backward(da, caches):
    """BPTT without checks. Returns (gradients, da_total, dc_total).

    da_total[:, :, t] and dc_total[:, :, t] are the whole gradients that reached a_t and c_t
    (from the output at step t and from step t+1): what notebook 07's dashboard plots.
    """
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dtype = np.result_type(da, x, *cell_caches[0][-1].values())
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    sums = {}  # dWf, dbf, …, dWo, dbo: the gate weights' gradients, summed over the steps
    for g in GATES:
        sums[f"dW{g}"] = np.zeros((n_a, n_a + n_x), dtype=dtype)
        sums[f"db{g}"] = np.zeros((n_a, 1), dtype=dtype)
    da_total = np.zeros((n_a, m, T_x), dtype=dtype)
    dc_total = np.zeros((n_a, m, T_x), dtype=dtype)
    da_prev = np.zeros((n_a, m), dtype=dtype)  # nothing flows back into the last step …
    dc_prev = np.zeros((n_a, m), dtype=dtype)  # … from later, into neither state
    for t in reversed(range(T_x)):
        # Both paths into a_t: from this step's output (da[:, :, t]) and from step t+1 (da_prev).
        da_total[:, :, t] = da[:, :, t] + da_prev
        step, dc_total[:, :, t] = _lstm_cell_backward(da_total[:, :, t], dc_prev, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        for key in sums:
            sums[key] += step[key]
        da_prev = step["da_prev"]
        dc_prev = step["dc_prev"]
    gradients = {"dx": dx, "da0": da_prev, **sums}
    return gradients, da_total, dc_total


# --- the whole network: loss and gradients ---


@refuses_overflow("x, a0 and parameters")
def lstm_loss(x, y, a0, parameters):
    """The loss alone (forward pass + cross-entropy), for numerical gradients.

    Arguments as for `lstm_loss_and_gradients`. Returns: the loss, a float.
    """
    x, y, a0, parameters = check_lstm_problem(x, y, a0, parameters)
    with threads_for(step_work(x.shape[0], *a0.shape, gates=4)):
        a = _lstm_forward(x, a0, parameters)[0]  # (n_a, m, T_x)
        return _output_layer_loss(a, y, _output_layer(parameters))


@refuses_overflow("x, a0 and parameters")
def lstm_loss_and_gradients(x, y, a0, parameters):
    """Forward pass, loss, and every gradient by backpropagation through time.

    The same composition as the RNN's `rnn_loss_and_gradients_by_steps`: `lstm_forward`, the
    cross-entropy from the logits, the RNN's output layer backward (which turns the predictions
    into the per-step da), then `lstm_backward`.

    Arguments:
    - x: inputs of shape (n_x, m, T_x).
    - y: integer class indices of shape (m, T_x), each in [0, n_y).
    - a0: initial hidden state of shape (n_a, m); the initial cell state is zero.
    - parameters: as for `lstm_cell_forward`.

    Returns a tuple of:
    - loss: a float, the cross-entropy summed over time and averaged over the batch.
    - gradients: a dict with dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo, dWy, dby (each of its
      parameter's shape), da0 (n_a, m) and dx (n_x, m, T_x).
    """
    x, y, a0, parameters = check_lstm_problem(x, y, a0, parameters)
    with threads_for(step_work(x.shape[0], *a0.shape, gates=4)):
        return _lstm_loss_and_gradients(x, y, a0, parameters)[:2]


def _lstm_loss_and_gradients(x, y, a0, parameters, c0=None):
    """Unchecked. Returns (loss, gradients, (a⟨T_x⟩, c⟨T_x⟩)): the last states, where training
    starts the next window when it carries the state (`rnn_core.training`)."""
    a, y_pred, c, caches = _lstm_forward(x, a0, parameters, c0)  # a: (n_a, m, T_x), y_pred …
    output_layer = _output_layer(parameters)
    loss = _output_layer_loss(a, y, output_layer)  # from the logits: log-softmax, no underflow
    output = _output_layer_backward(y_pred, y, a, output_layer)  # dWya, dby and da (n_a, m, T_x)
    recurrent = _lstm_backward(output["da"], caches)[0]  # dx, da0 and the gates' gradients
    gradients = {f"d{key}": recurrent[f"d{key}"] for key in LSTM_PARAMETER_ORDER[:8]}
    gradients.update(dWy=output["dWya"], dby=output["dby"])  # the RNN's dWya is our dWy
    gradients.update(da0=recurrent["da0"], dx=recurrent["dx"])
    return loss, gradients, (a[:, :, -1], c[:, :, -1])
