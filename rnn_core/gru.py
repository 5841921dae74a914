"""The gated recurrent unit (GRU): its cell, its sequence and its BPTT (notebook 07).

Cho et al. (2014), as d2l writes it. The gates look at the stack s_t = [a_{t-1}; x_t] of shape
(n_a + n_x, m), a_{t-1} on top, so every gate weight has shape (n_a, n_a + n_x) and its first n_a
columns act on a_{t-1}. For one time step t (shapes on the right):

    s_t   = [a_{t-1}; x_t]                                  (n_a + n_x, m)  the stack
    z_t   = σ(Wz s_t + bz)                                  (n_a, m)   update gate
    r_t   = σ(Wr s_t + br)                                  (n_a, m)   reset gate
    h̃_t   = tanh(Wh [r_t ⊙ a_{t-1}; x_t] + bh)               (n_a, m)   candidate state
    a_t   = z_t ⊙ a_{t-1} + (1 - z_t) ⊙ h̃_t                  (n_a, m)   hidden state
    ŷ_t   = softmax(Wy a_t + by)                            (n_y, m)   output probabilities

with Wz, Wr, Wh (n_a, n_a + n_x), bz, br, bh (n_a, 1), Wy (n_y, n_a), by (n_y, 1). Where z_t is
near 1 the state is copied forward unchanged: the gradient highway of notebook 07.

The PyTorch variant (`variant="pytorch"`, what `torch.nn.GRU` computes) applies the reset gate
after the recurrent product, and that product has a bias of its own, bha (n_a, 1):

    h̃_t   = tanh(Wh_x x_t + bh + r_t ⊙ (Wh_a a_{t-1} + bha))  (n_a, m)
            with Wh = [Wh_a | Wh_x]: Wh_a = Wh[:, :n_a] (n_a, n_a), Wh_x = Wh[:, n_a:] (n_a, n_x)

Everything else is the same. (nn.GRU has two biases for every gate; in z_t and r_t they only ever
appear as their sum, so bz and br are that sum and bha is the one extra parameter.)

Backwards, given da_t = ∂L/∂a_t from everything above this step, and writing σ' and tanh' through
the gate values themselves (σ'(u) = σ(u)(1 - σ(u)), tanh'(u) = 1 - tanh(u)²):

    dz_t      = da_t ⊙ (a_{t-1} - h̃_t) ⊙ z_t ⊙ (1 - z_t)     (n_a, m)   into z's pre-activation
    dh̃_t      = da_t ⊙ (1 - z_t) ⊙ (1 - h̃_t²)                (n_a, m)   into h̃'s pre-activation
    Cho:      dWh = dh̃_t [r_t ⊙ a_{t-1}; x_t]ᵀ,  [dra; dxh] = Whᵀ dh̃_t
              dr_t = dra ⊙ a_{t-1} ⊙ r_t ⊙ (1 - r_t),  a_{t-1} gets dra ⊙ r_t, x_t gets dxh
    PyTorch:  g_t = Wh_a a_{t-1} + bha,  dg_t = dh̃_t ⊙ r_t  (n_a, m)
              dWh = [dg_t a_{t-1}ᵀ | dh̃_t x_tᵀ],  dbha = Σ_m dg_t
              dr_t = dh̃_t ⊙ g_t ⊙ r_t ⊙ (1 - r_t),  a_{t-1} gets Wh_aᵀ dg_t, x_t gets Wh_xᵀ dh̃_t
    dWz = dz_t s_tᵀ,  dWr = dr_t s_tᵀ,  dbz, dbr, dbh = Σ_m dz_t, dr_t, dh̃_t
    ds_t      = Wzᵀ dz_t + Wrᵀ dr_t                         (n_a + n_x, m)
    da_{t-1}  = da_t ⊙ z_t + ds_t[:n_a] + (the candidate's part above)
    dx_t      = ds_t[n_a:] + (the candidate's part above)

The output layer and the loss are the RNN's (`rnn_core.loss`), with Wy and by in the place of Wya
and by: the cross-entropy summed over time and averaged over the m sequences.

The cell cache is the tuple (a_next, a_prev, zt, rt, h_tilde, xt, parameters, variant): the
gates and the candidate as the forward computed them, so that the backward needs no exponential.
The backward reads the variant from the cache, so a forward of one variant cannot meet a backward
of the other.

As in `rnn_core.rnn`, every public function checks its arguments once and then calls the
unchecked version with a leading underscore; the sequence functions loop over those step
functions.
"""

from collections.abc import Mapping

import numpy as np

from ._validation import (
    CacheLayout,
    Sizes,
    check_array,
    check_caches,
    check_cell_cache,
    check_labels,
    check_parameters,
    check_positive_float,
    check_positive_int,
    check_seed,
    choose,
    overflow_error,
    refuses_overflow,
)
from .activations import _sigmoid, _softmax
from .loss import _output_layer_backward, _output_layer_loss
from .threads import step_work, threads_for

VARIANTS = ("cho", "pytorch")

# The parameters and the letters of their shapes, in the order they are checked (and returned):
# Wz first, because it fixes n_a and n_a + n_x on its own. "n_a + n_x" is one letter for the check;
# n_x is then its number of columns minus n_a.
_GATE = ("n_a", "n_a + n_x")
_BIAS = ("n_a", "1")
_GATES = {"Wz": _GATE, "bz": _BIAS, "Wr": _GATE, "br": _BIAS, "Wh": _GATE, "bh": _BIAS}
_OUTPUT = {"Wy": ("n_y", "n_a"), "by": ("n_y", "1")}
_SHAPES = {
    "cho": {**_GATES, **_OUTPUT},
    "pytorch": {**_GATES, "bha": _BIAS, **_OUTPUT},  # the bias of Wh_a a_{t-1}, inside the reset
}

_SLICE_HINT = "; one time step of x of shape (n_x, m, T_x) is x[:, :, t]"


def _check_gru_parameters(
    parameters, variant, sizes=None, name="parameters", variant_name="variant"
):
    """The parameter dict of `variant`, checked; returns (a new dict, the sizes it fixes).

    Wz is looked at first, on its own: it must have more columns than rows, since its columns are
    n_a + n_x with n_x >= 1 (a Wz for xt alone would otherwise be reported as a wrong Wr). n_x is
    bound to the difference. Cho's parameters with variant="pytorch" (the likelier mistake is
    the variant) are refused with a message that names both: `variant_name` is the variant's.
    """
    if variant == "pytorch" and isinstance(parameters, Mapping) and "bha" not in parameters:
        missing = [key for key in _SHAPES[variant] if key not in parameters]
        raise ValueError(
            f"{name} is missing {', '.join(repr(k) for k in missing)}; expected the keys "
            f"{', '.join(_SHAPES[variant])}: bha, the bias of Wh_a a_prev inside the reset, is "
            f"required by {variant_name} = 'pytorch' (Cho's form, 'cho', has no bha)"
        )
    if isinstance(parameters, Mapping) and "Wz" in parameters:
        Wz = check_array(f"{name}['Wz']", parameters["Wz"], _GATE, Sizes())
        if Wz.shape[1] <= Wz.shape[0]:
            raise ValueError(
                f"{name}['Wz'] has shape {Wz.shape}, expected (n_a, n_a + n_x) with n_x >= 1, "
                f"that is more than n_a = {Wz.shape[0]} columns: every gate weight acts on the "
                "stack [a_prev; xt]"
            )
    parameters, sizes = check_parameters(parameters, sizes, name, shapes=_SHAPES[variant])
    n_a, columns = parameters["Wz"].shape
    sizes["n_x"] = columns - n_a
    sizes.origin["n_x"] = f"{name}['Wz'] (n_a + n_x = {columns} columns, n_a = {n_a})"
    return parameters, sizes


def _check_gru_problem(x, y, a0, parameters, variant):
    """The arguments of `gru_loss` and `gru_loss_and_gradients`, checked."""
    variant = choose("variant", variant, VARIANTS)
    parameters, sizes = _check_gru_parameters(parameters, variant)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    y = check_labels("y", y, sizes)
    return x, y, a0, parameters, variant


def initialize_gru_parameters(n_x, n_a, n_y, scale=0.01, seed=0, variant="cho"):
    """Random weights and zero biases for a GRU, reproducible from `seed`.

    Weights are drawn from a normal distribution with standard deviation `scale`, in the order
    Wz, Wr, Wh, Wy. With small weights and zero biases both gates start near σ(0) = 1/2.

    Returns: a dict with Wz (n_a, n_a + n_x), bz (n_a, 1), Wr, br, Wh, bh of the same shapes,
    (for variant="pytorch" also bha (n_a, 1)), Wy (n_y, n_a) and by (n_y, 1).
    """
    n_x = check_positive_int("n_x", n_x)
    n_a = check_positive_int("n_a", n_a)
    n_y = check_positive_int("n_y", n_y)
    scale = check_positive_float("scale", scale)
    rng = check_seed("seed", seed)
    variant = choose("variant", variant, VARIANTS)
    with overflow_error(f"scale = {scale:g} is too large: the weights overflow float64"):
        Wz, Wr, Wh = (scale * rng.standard_normal((n_a, n_a + n_x)) for _ in range(3))
        Wy = scale * rng.standard_normal((n_y, n_a))
    parameters = {"Wz": Wz, "bz": np.zeros((n_a, 1)), "Wr": Wr, "br": np.zeros((n_a, 1))}
    parameters.update(Wh=Wh, bh=np.zeros((n_a, 1)))
    if variant == "pytorch":
        parameters["bha"] = np.zeros((n_a, 1))
    parameters.update(Wy=Wy, by=np.zeros((n_y, 1)))
    return parameters


# --- one time step ---


@refuses_overflow("xt, a_prev and parameters")
def gru_cell_forward(xt, a_prev, parameters, variant="cho"):
    """One step of the GRU: the next hidden state and the output probabilities.

    Arguments:
    - xt: input at this time step, of shape (n_x, m).
    - a_prev: hidden state of the previous step, of shape (n_a, m).
    - parameters: dict of Wz, Wr, Wh (n_a, n_a + n_x), bz, br, bh (n_a, 1), Wy (n_y, n_a),
      by (n_y, 1); for variant="pytorch" also bha (n_a, 1). Other keys are ignored.
    - variant: "cho" (reset before the recurrent product, Cho et al. and d2l) or "pytorch"
      (reset after it, with the bias bha, as torch.nn.GRU).

    Returns a tuple of:
    - a_next: next hidden state, of shape (n_a, m).
    - yt_pred: output probabilities, of shape (n_y, m); each column sums to 1.
    - cache: (a_next, a_prev, zt, rt, h_tilde, xt, parameters, variant), what
      `gru_cell_backward` needs; zt, rt and h_tilde are the gates and the candidate, each (n_a, m).
    """
    variant = choose("variant", variant, VARIANTS)
    parameters, sizes = _check_gru_parameters(parameters, variant)
    a_prev = check_array("a_prev", a_prev, ("n_a", "m"), sizes)
    xt = check_array("xt", xt, ("n_x", "m"), sizes, _SLICE_HINT)
    return _gru_cell_forward(xt, a_prev, parameters, variant)


def _gru_cell_forward(xt, a_prev, parameters, variant):
    Wz, Wr, Wh, Wy = parameters["Wz"], parameters["Wr"], parameters["Wh"], parameters["Wy"]
    bz, br, bh, by = parameters["bz"], parameters["br"], parameters["bh"], parameters["by"]
    n_a = a_prev.shape[0]
    stack = np.vstack((a_prev, xt))  # s_t = [a_{t-1}; x_t]: (n_a + n_x, m), a_{t-1} on top
    zt = _sigmoid(Wz @ stack + bz)  # z_t = σ(Wz s_t + bz): (n_a, n_a + n_x) @ (n_a + n_x, m)
    rt = _sigmoid(Wr @ stack + br)  # r_t = σ(Wr s_t + br)
    if variant == "cho":  # reset first: h̃_t = tanh(Wh [r_t ⊙ a_{t-1}; x_t] + bh)
        h_tilde = np.tanh(Wh @ np.vstack((rt * a_prev, xt)) + bh)
    else:  # reset last: h̃_t = tanh(Wh_x x_t + bh + r_t ⊙ (Wh_a a_{t-1} + bha))
        h_tilde = np.tanh(Wh[:, n_a:] @ xt + bh + rt * (Wh[:, :n_a] @ a_prev + parameters["bha"]))
    a_next = zt * a_prev + (1 - zt) * h_tilde  # a_t = z_t ⊙ a_{t-1} + (1 - z_t) ⊙ h̃_t
    yt_pred = _softmax(Wy @ a_next + by)  # ŷ_t = softmax(Wy a_t + by): (n_y, m)
    cache = (a_next, a_prev, zt, rt, h_tilde, xt, parameters, variant)
    return a_next, yt_pred, cache


def _check_cache_parameters(parameters, sizes, name, variant):
    # name is "<cache>[6] (parameters)"; the variant is the next entry, "<cache>[7] (variant)"
    cache = name[: name.rindex("[")]
    return _check_gru_parameters(parameters, variant, sizes, name, f"{cache}[7] (variant)")


GRU_CACHE = CacheLayout(
    "gru_cell_forward",
    "gru_forward",
    (
        ("a_next", ("n_a", "m")),
        ("a_prev", ("n_a", "m")),
        ("zt", ("n_a", "m")),
        ("rt", ("n_a", "m")),
        ("h_tilde", ("n_a", "m")),
        ("xt", ("n_x", "m")),
    ),
    _check_cache_parameters,
    (("variant", lambda value, name: choose(name, value, VARIANTS)),),
)


@refuses_overflow("da_next and cache")
def gru_cell_backward(da_next, cache):
    """Backward through one GRU step: from ∂L/∂a_t to the gradients of its inputs and weights.

    Arguments:
    - da_next: gradient of the loss with respect to a_next, of shape (n_a, m).
    - cache: the cache that `gru_cell_forward` returned for this step (it carries the variant).

    Returns a dict of:
    - dxt: gradient with respect to xt, of shape (n_x, m).
    - da_prev: gradient with respect to a_prev, of shape (n_a, m).
    - dWz, dWr, dWh (n_a, n_a + n_x), dbz, dbr, dbh (n_a, 1): this step's share of the weight
      gradients; for the PyTorch variant also dbha (n_a, 1).
    """
    sizes = Sizes()
    cache = check_cell_cache(cache, sizes, layout=GRU_CACHE)
    da_next = check_array("da_next", da_next, ("n_a", "m"), sizes)
    return _gru_cell_backward(da_next, cache)


def _gru_cell_backward(da_next, cache):
    _, a_prev, zt, rt, h_tilde, xt, parameters, variant = cache  # a_next is not needed
    Wz, Wr, Wh = parameters["Wz"], parameters["Wr"], parameters["Wh"]
    n_a = a_prev.shape[0]
    stack = np.vstack((a_prev, xt))  # s_t = [a_{t-1}; x_t]: (n_a + n_x, m)
    # a_t = z_t ⊙ a_{t-1} + (1 - z_t) ⊙ h̃_t: three paths back
    da_prev = da_next * zt  # straight through z_t ⊙ a_{t-1}: the highway
    dz = da_next * (a_prev - h_tilde) * zt * (1 - zt)  # ∂a_t/∂z_t = a_{t-1} - h̃_t, σ' = z(1 - z)
    dh = da_next * (1 - zt) * (1 - h_tilde**2)  # ∂a_t/∂h̃_t = 1 - z_t, tanh' = 1 - h̃²
    if variant == "cho":  # h̃_t = tanh(Wh [r_t ⊙ a_{t-1}; x_t] + bh)
        dWh = dh @ np.vstack((rt * a_prev, xt)).T  # (n_a, m) @ (m, n_a + n_x) -> (n_a, n_a + n_x)
        dreset_stack = Wh.T @ dh  # (n_a + n_x, n_a) @ (n_a, m) -> (n_a + n_x, m)
        dra = dreset_stack[:n_a]  # ∂L/∂(r_t ⊙ a_{t-1}): (n_a, m)
        dr = dra * a_prev * rt * (1 - rt)  # through r_t ⊙ a_{t-1} into r's pre-activation
        da_prev = da_prev + dra * rt  # through r_t ⊙ a_{t-1} into a_{t-1}
        dxt = dreset_stack[n_a:]  # (n_x, m)
        extra = {}
    else:  # h̃_t = tanh(Wh_x x_t + bh + r_t ⊙ g_t), g_t = Wh_a a_{t-1} + bha
        g = Wh[:, :n_a] @ a_prev + parameters["bha"]  # (n_a, n_a) @ (n_a, m) -> (n_a, m)
        dg = dh * rt  # ∂L/∂g_t: (n_a, m)
        dr = dh * g * rt * (1 - rt)  # through r_t ⊙ g_t into r's pre-activation
        dWh = np.hstack((dg @ a_prev.T, dh @ xt.T))  # [dWh_a | dWh_x]: (n_a, n_a + n_x)
        da_prev = da_prev + Wh[:, :n_a].T @ dg  # (n_a, n_a).T @ (n_a, m) -> (n_a, m)
        dxt = Wh[:, n_a:].T @ dh  # (n_a, n_x).T @ (n_a, m) -> (n_x, m)
        extra = {"dbha": dg.sum(axis=1, keepdims=True)}  # sum over the m examples -> (n_a, 1)
    dWz = dz @ stack.T  # (n_a, m) @ (m, n_a + n_x) -> (n_a, n_a + n_x)
    dWr = dr @ stack.T  # (n_a, m) @ (m, n_a + n_x) -> (n_a, n_a + n_x)
    dstack = Wz.T @ dz + Wr.T @ dr  # both gates read s_t: (n_a + n_x, m)
    da_prev = da_prev + dstack[:n_a]  # the a_{t-1} rows of the stack
    dxt = dxt + dstack[n_a:]  # the x_t rows of the stack
    return {
        "dxt": dxt,
        "da_prev": da_prev,
        "dWz": dWz,
        "dWr": dWr,
        "dWh": dWh,
        "dbz": dz.sum(axis=1, keepdims=True),  # sum over the m examples -> (n_a, 1)
        "dbr": dr.sum(axis=1, keepdims=True),
        "dbh": dh.sum(axis=1, keepdims=True),
        **extra,
    }


# --- a whole sequence ---


@refuses_overflow("x, a0 and parameters")
def gru_forward(x, a0, parameters, variant="cho"):
    """Run the GRU cell over all T_x time steps, starting from the hidden state a0.

    Arguments:
    - x: inputs for every time step, of shape (n_x, m, T_x).
    - a0: initial hidden state, of shape (n_a, m).
    - parameters, variant: as for `gru_cell_forward`.

    Returns a tuple of:
    - a: hidden states a_1 … a_{T_x}, of shape (n_a, m, T_x) (a0 is not included).
    - y_pred: output probabilities for every step, of shape (n_y, m, T_x).
    - caches: (list of T_x cell caches, x), what `gru_backward` needs.
    """
    variant = choose("variant", variant, VARIANTS)
    parameters, sizes = _check_gru_parameters(parameters, variant)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    return _gru_forward(x, a0, parameters, variant)


def _gru_forward(x, a0, parameters, variant):
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    dtype = np.result_type(x, a0, *parameters.values())
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=dtype)
    cell_caches = []
    a_next = a0  # the recurrence starts from a0
    for t in range(T_x):
        a_next, yt_pred, cache = _gru_cell_forward(x[:, :, t], a_next, parameters, variant)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y_pred, (cell_caches, x)


@refuses_overflow("da and caches")
def gru_backward(da, caches):
    """Backpropagation through time for the GRU.

    As for the RNN, the gradient reaching a_t is `da[:, :, t]` (from the output at step t) plus
    `da_prev` from step t+1; the weight gradients of all steps add up.

    Arguments:
    - da: ∂L/∂a_t coming from above for every step, of shape (n_a, m, T_x). Not modified.
    - caches: what `gru_forward` returned.

    Returns a dict of:
    - dx: gradient with respect to x, of shape (n_x, m, T_x).
    - da0: gradient with respect to a0, of shape (n_a, m).
    - dWz, dWr, dWh (n_a, n_a + n_x), dbz, dbr, dbh (n_a, 1): weight gradients summed over
      time; for the PyTorch variant also dbha (n_a, 1).
    """
    sizes = Sizes()
    caches = check_caches(caches, sizes, GRU_CACHE)
    da = check_array("da", da, ("n_a", "m", "T_x"), sizes)
    return _gru_backward(da, caches)[0]


def _gru_backward(da, caches):
    """BPTT without checks. Returns (gradients, da_total).

    da_total[:, :, t] is the whole gradient that reached a_t, from the output at step t and from
    step t+1: what notebook 07's dashboard plots.
    """
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    parameters = cell_caches[0][6]
    dtype = np.result_type(da, x, *parameters.values())
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    weight_keys = ["dWz", "dWr", "dWh", "dbz", "dbr", "dbh"]
    weight_keys += ["dbha"] if cell_caches[0][7] == "pytorch" else []
    totals = {key: np.zeros_like(parameters[key[1:]], dtype=dtype) for key in weight_keys}
    da_total = np.zeros((n_a, m, T_x), dtype=dtype)
    da_prev = np.zeros((n_a, m), dtype=dtype)  # nothing flows back into the last step from later
    for t in reversed(range(T_x)):
        da_total[:, :, t] = da[:, :, t] + da_prev  # from this step's output and from step t+1
        gradients = _gru_cell_backward(da_total[:, :, t], cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        for key in weight_keys:
            totals[key] += gradients[key]  # the same weights serve every step
        da_prev = gradients["da_prev"]
    return {"dx": dx, "da0": da_prev, **totals}, da_total


# --- the loss and every gradient ---


def _output_parameters(parameters):
    """The GRU's output layer under the names of `rnn_core.loss`: Wy as Wya, by as by."""
    return {"Wya": parameters["Wy"], "by": parameters["by"]}


@refuses_overflow("x, a0 and parameters")
def gru_loss(x, y, a0, parameters, variant="cho"):
    """The loss alone (GRU forward pass + cross-entropy), for numerical gradients.

    Arguments as for `gru_loss_and_gradients`. Returns: the loss, a float.
    """
    x, y, a0, parameters, variant = _check_gru_problem(x, y, a0, parameters, variant)
    with threads_for(step_work(x.shape[0], *a0.shape, gates=3)):
        a, _, _ = _gru_forward(x, a0, parameters, variant)
        return _output_layer_loss(a, y, _output_parameters(parameters))


@refuses_overflow("x, a0 and parameters")
def gru_loss_and_gradients(x, y, a0, parameters, variant="cho"):
    """Forward pass, loss, and every gradient of a GRU network by backpropagation through time.

    The output layer and the loss are the RNN's: `gru_forward`, the cross-entropy from the logits,
    the output layer's backward (which gives dWy, dby and the per-step da), then `gru_backward`.

    Arguments:
    - x: inputs of shape (n_x, m, T_x).
    - y: integer class indices of shape (m, T_x), each in [0, n_y).
    - a0: initial hidden state of shape (n_a, m).
    - parameters, variant: as for `gru_cell_forward`.

    Returns a tuple of:
    - loss: a float, the cross-entropy summed over time and averaged over the batch.
    - gradients: a dict with dWz, dbz, dWr, dbr, dWh, dbh, (dbha for the PyTorch variant), dWy,
      dby (each of its parameter's shape), da0 (n_a, m) and dx (n_x, m, T_x).
    """
    x, y, a0, parameters, variant = _check_gru_problem(x, y, a0, parameters, variant)
    with threads_for(step_work(x.shape[0], *a0.shape, gates=3)):
        return _gru_loss_and_gradients(x, y, a0, parameters, variant)[:2]


def _gru_loss_and_gradients(x, y, a0, parameters, variant):
    """Unchecked. Returns (loss, gradients, a⟨T_x⟩): the last hidden state (n_a, m), where
    training starts the next window when it carries the state (`rnn_core.training`)."""
    a, y_pred, caches = _gru_forward(x, a0, parameters, variant)  # a (n_a, m, T_x)
    output_parameters = _output_parameters(parameters)
    loss = _output_layer_loss(a, y, output_parameters)  # from the logits: no underflow
    output = _output_layer_backward(y_pred, y, a, output_parameters)  # dWya, dby, da
    recurrent, _ = _gru_backward(output["da"], caches)
    gradients = {
        **{key: recurrent[key] for key in ("dWz", "dbz", "dWr", "dbr", "dWh", "dbh")},
        **({"dbha": recurrent["dbha"]} if variant == "pytorch" else {}),
        "dWy": output["dWya"],  # the output layer's names are the RNN's: Wya there is our Wy
        "dby": output["dby"],
        "da0": recurrent["da0"],
        "dx": recurrent["dx"],
    }
    return loss, gradients, a[:, :, -1]
