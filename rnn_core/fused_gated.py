"""The LSTM's and the GRU's loss and gradients, arranged to be fast for training (notebook 07).
Unchecked, as `rnn_core.fused`: the same numbers as `_lstm_loss_and_gradients` and
`_gru_loss_and_gradients` (a test holds them to 1e-12), with the same arguments and results.
The forward loop of each is a function of its own, so that the loss on held-out text
(`_fused_lstm_loss_and_state`, `_fused_gru_loss_and_state`) runs it with no backward.

The step path calls a cell forward and a cell backward T_x times each, and every call stacks
[a⟨t-1⟩; x⟨t⟩], does one small product per gate and builds a cache and a dict. At notebook 07's
sizes (n_a = 30, m = 16) one numpy call takes about as long as the arithmetic it does, so what
costs is the number of calls. Here every piece of work that need not wait for the previous step
is taken out of the time loop, as `rnn_core.fused` does for the RNN:

    every gate weight W = [W_a | W_x], W_a = W[:, :n_a] (n_a, n_a) acts on a⟨t-1⟩, W_x = W[:, n_a:]
    (n_a, n_x) on x⟨t⟩ (the stack [a⟨t-1⟩; x⟨t⟩] has a⟨t-1⟩ on top), and the gates' weights are
    stacked on top of each other (LSTM o, f, i, c: (4 n_a, ·); GRU z, r, h: (3 n_a, ·)), so that

    forward    W_x x⟨t⟩ + b of every gate and step   one (G n_a, n_x) @ (n_x, T_x·m) product,
                                                     before the loop (G = 4 or 3 gates)
               W_a a⟨t-1⟩ of the gates               one stacked product per step, in the loop
               Wy a⟨t⟩ + by for every step           one product after the loop
    backward   Wyᵀ dlogits⟨t⟩ for every step         one product before the loop
               the gates' local derivatives          σ' = σ(1 - σ), 1 - tanh², … for every step
                                                     at once, before the loop
               Σ_g W_g,aᵀ dz_g⟨t⟩ into a⟨t-1⟩         one stacked product per step, in the loop
               dW_x = Σ_t dz⟨t⟩ x⟨t⟩ᵀ, dx⟨t⟩          one product each, after the loop
               dW_a = Σ_t dz⟨t⟩ a⟨t-1⟩ᵀ, db           one product (a sum) each, after the loop

The GRU's candidate cannot join the stacked product in Cho's form: h̃ = tanh(Wh [r ⊙ a; x] + bh)
needs r⟨t⟩ before Wh_a can act, so its product is a second one per step, forward and backward.
In PyTorch's form r multiplies Wh_a a⟨t-1⟩ + bha after the product, so all three gates share
one product per step, forward and backward. The LSTM's gates are stacked o, f, i, c rather than
in the order of the equations: the three sigmoid gates o, f, i are then one block of rows (one
call of σ), and f, i, c, the three that dc⟨t⟩ reaches, another (one multiplication by dc⟨t⟩).

Two layouts, each where it is fast:
- the products over all steps take time-major matrices (n, T_x·m), as in `rnn_core.fused`:
  column t·m + i is example i at step t;
- the loops work on step-major arrays (T_x, n, m), where step t's (n, m) block is contiguous:
  at these sizes numpy takes 3 to 5 times as long on a strided (n, m) slice of an (n, T_x, m)
  array. One transposing copy (`_swap`) moves an array from one layout to the other.
The work arrays are kept from one call to the next (`rnn_core.fused._scratch`); what is
returned is new. The inputs are one-hot columns (n_x, m, T_x), as for the step path, or
character indices (m, T_x): then W_x x⟨t⟩ is a gather of columns of W_x and dW_x a scatter-add
(`rnn_core.embedding`), and there is no dx.

The letters: n_x, n_a, n_y, m, T_x as everywhere in rnn_core; G, the number of stacked gates.
"""

import functools

import numpy as np

from ._validation import finite_loss
from .activations import _log_softmax, _sigmoid
from .fused import _dtype, _input_gradients, _input_projection, _inputs_2d, _labels_time_major
from .fused import _scratch as _fused_scratch
from .loss import _negative_log_likelihood

LSTM_STACK = ("o", "f", "i", "c")  # the LSTM's gates, in the order of the stacked rows
LSTM_ORDER = ("f", "i", "c", "o")  # the order of the gradients' keys (that of rnn_core.lstm)
GRU_STACK = ("z", "r", "h")  # the GRU's gates, in the order of the stacked rows and the keys


def _scratch(cell, name, shape, dtype):
    """`rnn_core.fused._scratch`, with the cell's name in front: no array shared with the RNN's."""
    return _fused_scratch(f"{cell} {name}", shape, dtype)


def _swap(array, out):
    """out = array with its first two axes swapped: (n, T_x, m) <-> (T_x, n, m), a copy."""
    np.copyto(out, array.transpose(1, 0, 2))
    return out


def _sigmoid_derivative(s, out):
    """σ'(z) = σ(z) (1 - σ(z)) from s = σ(z), written into out (the shape of s)."""
    np.subtract(1, s, out=out)
    out *= s
    return out


def _tanh_derivative(t, out):
    """tanh'(z) = 1 - tanh²(z) from t = tanh(z), written into out (the shape of t)."""
    np.multiply(t, t, out=out)
    np.subtract(1, out, out=out)
    return out


def _split_gates(parameters, stack, n_a):
    """The gates' weights stacked in the order `stack` and split once per call (G = len(stack)):

    - W_a (G n_a, n_a): the columns that multiply a⟨t-1⟩, one gate's rows under another's;
    - W_x (G n_a, n_x): the columns that multiply x⟨t⟩;
    - b (G n_a, 1): the biases, stacked the same way.
    Contiguous copies, so that BLAS reads them in the order of its sums."""
    W = np.concatenate([parameters[f"W{g}"] for g in stack])  # (G n_a, n_a + n_x)
    b = np.concatenate([parameters[f"b{g}"] for g in stack])  # (G n_a, 1)
    return np.ascontiguousarray(W[:, :n_a]), np.ascontiguousarray(W[:, n_a:]), b


def _input_part(cell, x_2d, W_x, b, T_x, m, dtype):
    """W_x x⟨t⟩ + b of every gate and step, step-major (T_x, G n_a, m): one product before the
    loop, on the time-major (G n_a, T_x*m) matrix, then one transposing copy."""
    zx = _scratch(cell, "zx", (W_x.shape[0], T_x * m), dtype)
    _input_projection(x_2d, W_x, zx)  # (G n_a, n_x) @ (n_x, T_x*m), or a gather for indices
    zx += b  # the bias added in place
    return _swap(zx.reshape(-1, T_x, m), _scratch(cell, "zx_sm", (T_x, W_x.shape[0], m), dtype))


def _output_loss(cell, a_sm, y, Wy, by):
    """The loss of every step at once, from the hidden states a⟨0⟩ … a⟨T_x⟩ step-major
    (T_x + 1, n_a, m), the labels y (m, T_x), Wy (n_y, n_a) and by (n_y, 1).
    Returns (loss, a_tm, states, log_p, (labels, columns)): the states time-major a_tm
    (n_a, T_x + 1, m) and a⟨1⟩ … a⟨T_x⟩ as one matrix (n_a, T_x*m), log ŷ (n_y, T_x*m) and where
    each label is in it: scratch arrays and views, for `_output_layer`'s backward."""
    steps, n_a, m = a_sm.shape
    T_x = steps - 1
    dtype = np.result_type(a_sm, Wy, by)
    a_tm = _swap(a_sm, _scratch(cell, "a_tm", (n_a, steps, m), dtype))  # (n_a, T_x+1, m)
    states = a_tm[:, 1:, :].reshape(n_a, T_x * m)  # a⟨1⟩ … a⟨T_x⟩ as one matrix
    logits = np.matmul(Wy, states, out=_scratch(cell, "logits", (Wy.shape[0], T_x * m), dtype))
    logits += by  # (n_y, T_x*m)
    labels, columns = _labels_time_major(y)
    log_p = _log_softmax(logits)  # (n_y, T_x*m)
    loss = finite_loss(_negative_log_likelihood(log_p[labels, columns], m))  # inf: an overflow
    return loss, a_tm, states, log_p, (labels, columns)


def _output_layer(cell, a_sm, y, Wy, by):
    """The loss and the output layer's backward for every step at once.

    Arguments: as `_output_loss`.
    Returns (loss, dWy (n_y, n_a), dby (n_y, 1), a_tm, da_sm): dWy and dby new arrays; a_tm the
    states time-major (n_a, T_x + 1, m) and da_sm = Wyᵀ dlogits⟨t⟩ step-major (T_x, n_a, m),
    the gradient reaching a⟨t⟩ from step t's own output: scratch arrays."""
    loss, a_tm, states, log_p, (labels, columns) = _output_loss(cell, a_sm, y, Wy, by)
    n_a, steps, m = a_tm.shape
    T_x = steps - 1
    dlogits = np.exp(log_p, out=log_p)  # ŷ for every column (log p is not needed any more)
    dlogits[labels, columns] -= 1  # ŷ - onehot(y)
    dlogits /= m  # the loss is averaged over the m sequences
    dWy = dlogits @ states.T  # Σ_t dlogits⟨t⟩ a⟨t⟩ᵀ: (n_y, T_x*m) @ (T_x*m, n_a)
    dby = dlogits.sum(axis=1, keepdims=True)  # (n_y, 1)
    da = np.matmul(Wy.T, dlogits, out=_scratch(cell, "da_tm", (n_a, T_x * m), dlogits.dtype))
    da_sm = _swap(da.reshape(n_a, T_x, m), _scratch(cell, "da_sm", (T_x, n_a, m), da.dtype))
    return loss, dWy, dby, a_tm, da_sm


def _input_and_bias_gradients(cell, dZ_sm, x_2d, W_x, x):
    """After the backward loop, from dZ_sm (T_x, G n_a, m), the gradients of the gates'
    pre-activations of every step: db = Σ_t Σ_m dz⟨t⟩ (G n_a, 1), dW_x = Σ_t dz⟨t⟩ x⟨t⟩ᵀ
    (G n_a, n_x) and, for one-hot x, dx⟨t⟩ = Σ_g W_g,xᵀ dz_g⟨t⟩ (n_x, m, T_x): one product (or
    one sum) each, on the time-major dZ (G n_a, T_x*m).
    Returns (dZ_2d, db, dW_x, dx or None); dZ_2d and dW_x scratch arrays."""
    T_x, rows, m = dZ_sm.shape
    dZ_2d = _swap(dZ_sm, _scratch(cell, "dZ_tm", (rows, T_x, m), dZ_sm.dtype)).reshape(rows, -1)
    db = dZ_2d.sum(axis=1, keepdims=True)  # (G n_a, 1)
    parts = {"dWax": _scratch(cell, "dW_x", W_x.shape, dZ_sm.dtype)}  # fused.py's names
    if x.ndim == 3:
        parts["dx"] = np.empty(x.shape, dZ_sm.dtype)  # (n_x, m, T_x)
    _input_gradients(dZ_2d, x_2d, W_x, parts)  # a product, or a scatter-add for indices
    return dZ_2d, db, parts["dWax"], parts.get("dx")


def _gate_gradients(dW_a, dW_x, db, stack, order, n_a):
    """{dW_g, db_g} for every gate g in `order`, from dW_a (G n_a, n_a), dW_x (G n_a, n_x) and db
    (G n_a, 1) stacked in the order `stack`: dW_g = [dW_a | dW_x] of gate g's rows. One new
    array holds all the dW_g, one all the db_g; each gate's is a contiguous view of its rows."""
    dW = np.concatenate((dW_a, dW_x), axis=1)  # (G n_a, n_a + n_x), new
    db = db.copy()  # (G n_a, 1), new
    gradients = {}
    for g in order:
        k = stack.index(g)
        gradients[f"dW{g}"] = dW[k * n_a : (k + 1) * n_a]
        gradients[f"db{g}"] = db[k * n_a : (k + 1) * n_a]
    return gradients


# --- the LSTM ---


def _lstm_forward_loop(x_2d, a0, c0, parameters, T_x, dtype):
    """The LSTM's forward over every step: only W_a a⟨t-1⟩ waits for the previous step.

    Arguments: x_2d, the inputs of `rnn_core.fused._inputs_2d`; a0 and c0 (n_a, m) the initial
    states (c0 None: zeros); parameters as for `lstm_cell_forward`; T_x; dtype.
    Returns (gates, a, c, tanh_c, W_a, W_x): step-major scratch arrays, gates (T_x, 4n_a, m) (o,
    f, i, c̃), a and c (T_x + 1, n_a, m) (the states ⟨0⟩ … ⟨T_x⟩), tanh_c (T_x, n_a, m); W_a
    (4n_a, n_a) and W_x (4n_a, n_x), the stacked weights (`_split_gates`)."""
    n_a, m = a0.shape
    W_a, W_x, b = _split_gates(parameters, LSTM_STACK, n_a)  # (4n_a, n_a), (4n_a, n_x), (4n_a, 1)
    zx = _input_part("lstm", x_2d, W_x, b, T_x, m, dtype)  # W_x x⟨t⟩ + b: (T_x, 4n_a, m)
    ofi = slice(0, 3 * n_a)  # the sigmoid gates o, f, i
    gates = _scratch("lstm", "gates", (T_x, 4 * n_a, m), dtype)  # o, f, i, c̃ of every step
    a = _scratch("lstm", "a", (T_x + 1, n_a, m), dtype)  # a⟨0⟩ … a⟨T_x⟩
    c = _scratch("lstm", "c", (T_x + 1, n_a, m), dtype)  # c⟨0⟩ … c⟨T_x⟩
    tanh_c = _scratch("lstm", "tanh_c", (T_x, n_a, m), dtype)  # tanh(c⟨t⟩), t = 1 … T_x
    a[0] = a0
    c[0] = 0 if c0 is None else c0
    ic = _scratch("lstm", "ic", (n_a, m), dtype)
    # step t's blocks: W_x x⟨t⟩ + b (4n_a, m), the gates (4n_a, m: the pre-activations, then the
    # gates) and each gate's rows of them, a⟨t-1⟩, a⟨t⟩, c⟨t-1⟩, c⟨t⟩, tanh(c⟨t⟩)
    steps = zip(zx, gates, gates.reshape(T_x, 4, n_a, m), a[:-1], a[1:], c[:-1], c[1:], tanh_c)
    for z_x, g, (g_o, g_f, g_i, g_c), a_prev, a_next, c_prev, c_next, tanh_c_t in steps:
        np.matmul(W_a, a_prev, out=g)  # W_a a⟨t-1⟩ for the four gates: (4n_a, n_a) @ (n_a, m)
        g += z_x  # + W_x x⟨t⟩ + b
        g[ofi] = _sigmoid(g[ofi])  # o, f, i = σ(W s + b)
        np.tanh(g_c, out=g_c)  # c̃ = tanh(Wc s + bc)
        np.multiply(g_f, c_prev, out=c_next)  # f ⊙ c⟨t-1⟩
        np.multiply(g_i, g_c, out=ic)
        c_next += ic  # c⟨t⟩ = f ⊙ c⟨t-1⟩ + i ⊙ c̃
        np.tanh(c_next, out=tanh_c_t)
        np.multiply(g_o, tanh_c_t, out=a_next)  # a⟨t⟩ = o ⊙ tanh(c⟨t⟩)
    return gates, a, c, tanh_c, W_a, W_x


def _fused_lstm_loss_and_state(x, y, a0, parameters, c0=None):
    """The loss and the last states (a⟨T_x⟩, c⟨T_x⟩) of `_fused_lstm_loss_and_gradients`, with
    no backward: what measuring a model on held-out text needs."""
    x_2d = _inputs_2d(x)  # (n_x, T_x*m), or indices (T_x*m,)
    _, a, c, _, _, _ = _lstm_forward_loop(
        x_2d, a0, c0, parameters, y.shape[1], _dtype(x, a0, parameters)
    )
    loss = _output_loss("lstm", a, y, parameters["Wy"], parameters["by"])[0]
    return loss, (a[-1].copy(), c[-1].copy())


def _fused_lstm_loss_and_gradients(x, y, a0, parameters, c0=None):
    """The loss, the gradients and the last states of `rnn_core.lstm._lstm_loss_and_gradients`.

    Arguments: x one-hot (n_x, m, T_x) or character indices (m, T_x); y labels (m, T_x); a0 and
    c0 (n_a, m) the initial states (c0 None: zeros); parameters as for `lstm_cell_forward`.
    Returns (loss, gradients, (a⟨T_x⟩, c⟨T_x⟩)): gradients with dWf, dbf, dWi, dbi, dWc, dbc,
    dWo, dbo, dWy, dby, da0 (n_a, m) and, for one-hot x, dx (n_x, m, T_x).
    """
    n_a, m = a0.shape
    T_x = y.shape[1]
    dtype = _dtype(x, a0, parameters)
    x_2d = _inputs_2d(x)  # (n_x, T_x*m), or indices (T_x*m,)
    gates, a, c, tanh_c, W_a, W_x = _lstm_forward_loop(x_2d, a0, c0, parameters, T_x, dtype)
    o, f, i, cc = (slice(k * n_a, (k + 1) * n_a) for k in range(4))  # each gate's rows
    ofi = slice(0, 3 * n_a)  # the sigmoid gates o, f, i (then f, i, c̃ are the gates dc reaches)
    loss, dWy, dby, a_tm, da_out = _output_layer("lstm", a, y, parameters["Wy"], parameters["by"])
    ic = _scratch("lstm", "ic", (n_a, m), dtype)  # the forward's work array, now free

    # The local derivatives of every step at once (each (T_x, n_a, m)), so that the loop only
    # multiplies by them: dc⟨t⟩ and da⟨t⟩ are all it waits for.
    # (Into work arrays, with out=: no temporary arrays of that size are allocated.)
    go, gf, gi, gc = gates[:, o], gates[:, f], gates[:, i], gates[:, cc]
    work = functools.partial(_scratch, "lstm", dtype=dtype)
    sigma = _sigmoid_derivative(gates[:, ofi], work("sigma", (T_x, 3 * n_a, m)))  # of o, f, i
    da_dzo = np.multiply(tanh_c, sigma[:, o], out=work("da_dzo", (T_x, n_a, m)))  # tanh(c) σ'(zo)
    da_dc = _tanh_derivative(tanh_c, work("da_dc", (T_x, n_a, m)))
    da_dc *= go  # ∂a/∂c = o ⊙ (1 - tanh²(c)): the path from a⟨t⟩ into c⟨t⟩
    dc_dz = work("dc_dz", (T_x, 3, n_a, m))  # ∂c/∂zf, ∂c/∂zi, ∂c/∂zc: the rows f, i, c̃
    np.multiply(c[:-1], sigma[:, f], out=dc_dz[:, 0])  # c⟨t-1⟩ ⊙ σ'(zf)
    np.multiply(gc, sigma[:, i], out=dc_dz[:, 1])  # c̃ ⊙ σ'(zi)
    _tanh_derivative(gc, dc_dz[:, 2])
    dc_dz[:, 2] *= gi  # i ⊙ tanh'(zc)

    # Backward: only W_aᵀ dz⟨t⟩ waits for step t+1.
    dZ = _scratch("lstm", "dZ", (T_x, 4 * n_a, m), dtype)  # dzo, dzf, dzi, dzc of every step
    W_aT = np.ascontiguousarray(W_a.T)  # (n_a, 4n_a)
    da, dc = _scratch("lstm", "da", (n_a, m), dtype), _scratch("lstm", "dc", (n_a, m), dtype)
    dc[...] = 0  # nothing flows into c⟨T_x⟩ from later
    da_next = np.zeros((n_a, m), dtype)  # ∂L/∂a⟨t⟩ from step t+1; after the loop ∂L/∂a⟨0⟩
    # step t's blocks: ∂L/∂a⟨t⟩ from its output, the local derivatives, f⟨t⟩, dz⟨t⟩ (4n_a, m) and
    # the same dz⟨t⟩ as (4, n_a, m): dzo, then dzf, dzi, dzc
    steps = zip(da_out, da_dc, da_dzo, dc_dz, gf, dZ, dZ.reshape(T_x, 4, n_a, m))
    for da_out_t, da_dc_t, da_dzo_t, dc_dz_t, f_t, dz, dz_gates in reversed(list(steps)):
        np.add(da_out_t, da_next, out=da)  # the whole ∂L/∂a⟨t⟩: its output and step t+1
        np.multiply(da, da_dc_t, out=ic)
        dc += ic  # dc⟨t⟩ = dc from c⟨t+1⟩ + da ⊙ o ⊙ (1 - tanh²(c)): both paths into c⟨t⟩
        np.multiply(dc_dz_t, dc, out=dz_gates[1:])  # dzf, dzi, dzc = dc ⊙ ∂c/∂z
        np.multiply(da, da_dzo_t, out=dz_gates[0])  # dzo = da ⊙ ∂a/∂zo
        np.matmul(W_aT, dz, out=da_next)  # da⟨t-1⟩ = Σ_g W_g,aᵀ dz_g: (n_a, 4n_a) @ (4n_a, m)
        dc *= f_t  # dc⟨t-1⟩ = dc⟨t⟩ ⊙ f⟨t⟩: the highway

    dZ_2d, db, dW_x, dx = _input_and_bias_gradients("lstm", dZ, x_2d, W_x, x)
    previous = a_tm[:, :-1, :].reshape(n_a, T_x * m)  # a⟨0⟩ … a⟨T_x-1⟩
    dW_a = dZ_2d @ previous.T  # Σ_t dz⟨t⟩ a⟨t-1⟩ᵀ: (4n_a, T_x*m) @ (T_x*m, n_a)
    gradients = _gate_gradients(dW_a, dW_x, db, LSTM_STACK, LSTM_ORDER, n_a)  # dWf, dbf, …
    gradients.update(dWy=dWy, dby=dby, da0=da_next)  # the step path's order of keys
    if dx is not None:
        gradients["dx"] = dx
    return loss, gradients, (a[-1].copy(), c[-1].copy())


# --- the GRU ---


def _gru_forward_loop(x_2d, a0, parameters, variant, T_x, dtype):
    """The GRU's forward over every step: only the products of a⟨t-1⟩ wait for the previous step.

    Arguments: x_2d, the inputs of `rnn_core.fused._inputs_2d`; a0 (n_a, m); parameters as for
    `gru_cell_forward`; variant "cho" or "pytorch"; T_x; dtype.
    Returns (gates, a, reset, W_x, W_step, Wh_a): step-major scratch arrays, gates (T_x, 3n_a, m)
    (z, r, h̃), a (T_x + 1, n_a, m) (a⟨0⟩ … a⟨T_x⟩), reset (T_x, n_a, m) (r ⊙ a⟨t-1⟩ for Cho,
    g⟨t⟩ = Wh_a a⟨t-1⟩ + bha for PyTorch); W_x (3n_a, n_x), the stacked input weights; W_step,
    the weights of the product every step starts with, and Wh_a (n_a, n_a)."""
    n_a, m = a0.shape
    cho = variant == "cho"
    W_a, W_x, b = _split_gates(parameters, GRU_STACK, n_a)  # (3n_a, n_a), (3n_a, n_x), (3n_a, 1)
    zx = _input_part("gru", x_2d, W_x, b, T_x, m, dtype)  # W_x x⟨t⟩ + b: (T_x, 3n_a, m)
    h = slice(2 * n_a, 3 * n_a)  # the candidate's rows
    zr = slice(0, 2 * n_a)  # the two sigmoid gates
    # Cho: one product for z and r, and Wh_a's alone (it acts on r ⊙ a⟨t-1⟩, known only then);
    # PyTorch: one product for all three (r multiplies its result).
    W_step = W_a[zr] if cho else W_a  # (2n_a, n_a) or (3n_a, n_a)
    Wh_a = W_a[h]  # (n_a, n_a)
    gates = _scratch("gru", "gates", (T_x, 3 * n_a, m), dtype)  # z, r, h̃ of every step
    a = _scratch("gru", "a", (T_x + 1, n_a, m), dtype)  # a⟨0⟩ … a⟨T_x⟩
    # Cho: r ⊙ a⟨t-1⟩, what Wh_a multiplies; PyTorch: g = Wh_a a⟨t-1⟩ + bha, what r multiplies
    reset = _scratch("gru", "reset", (T_x, n_a, m), dtype)
    a[0] = a0
    u = _scratch("gru", "u", (W_step.shape[0], m), dtype)  # the products of one step
    v = _scratch("gru", "v", (n_a, m), dtype)
    # step t's blocks: W_x x⟨t⟩ + b (3n_a, m), the gates (3n_a, m) and each gate's rows of them,
    # a⟨t-1⟩, a⟨t⟩, and reset (r ⊙ a⟨t-1⟩ or g⟨t⟩)
    steps = zip(zx, gates, gates.reshape(T_x, 3, n_a, m), a[:-1], a[1:], reset)
    for z_x, g, (g_z, g_r, g_h), a_prev, a_next, reset_t in steps:
        np.matmul(W_step, a_prev, out=u)  # [Wz_a; Wr_a (; Wh_a)] a⟨t-1⟩
        np.add(u[zr], z_x[zr], out=g[zr])  # + W_x x⟨t⟩ + b, for z and r
        g[zr] = _sigmoid(g[zr])  # z⟨t⟩, r⟨t⟩
        if cho:  # h̃ = tanh(Wh_a (r ⊙ a⟨t-1⟩) + Wh_x x⟨t⟩ + bh)
            np.multiply(g_r, a_prev, out=reset_t)
            np.matmul(Wh_a, reset_t, out=g_h)
        else:  # h̃ = tanh(Wh_x x⟨t⟩ + bh + r ⊙ (Wh_a a⟨t-1⟩ + bha))
            np.add(u[h], parameters["bha"], out=reset_t)  # g⟨t⟩
            np.multiply(g_r, reset_t, out=g_h)
        g_h += z_x[h]
        np.tanh(g_h, out=g_h)  # h̃⟨t⟩
        np.multiply(g_z, a_prev, out=a_next)  # z ⊙ a⟨t-1⟩
        np.subtract(1, g_z, out=v)
        v *= g_h  # (1 - z) ⊙ h̃
        a_next += v  # a⟨t⟩ = z ⊙ a⟨t-1⟩ + (1 - z) ⊙ h̃
    return gates, a, reset, W_x, W_step, Wh_a


def _fused_gru_loss_and_state(x, y, a0, parameters, variant):
    """The loss and the last state a⟨T_x⟩ of `_fused_gru_loss_and_gradients`, with no backward:
    what measuring a model on held-out text needs."""
    dtype = _dtype(x, a0, parameters)
    a = _gru_forward_loop(_inputs_2d(x), a0, parameters, variant, y.shape[1], dtype)[1]
    loss = _output_loss("gru", a, y, parameters["Wy"], parameters["by"])[0]
    return loss, a[-1].copy()


def _fused_gru_loss_and_gradients(x, y, a0, parameters, variant):
    """The loss, the gradients and the last state of `rnn_core.gru._gru_loss_and_gradients`.

    Arguments: x one-hot (n_x, m, T_x) or character indices (m, T_x); y labels (m, T_x); a0
    (n_a, m); parameters as for `gru_cell_forward`; variant "cho" or "pytorch".
    Returns (loss, gradients, a⟨T_x⟩): gradients with dWz, dbz, dWr, dbr, dWh, dbh, (dbha for
    "pytorch"), dWy, dby, da0 (n_a, m) and, for one-hot x, dx (n_x, m, T_x).
    """
    n_a, m = a0.shape
    T_x = y.shape[1]
    cho = variant == "cho"
    dtype = _dtype(x, a0, parameters)
    x_2d = _inputs_2d(x)  # (n_x, T_x*m), or indices (T_x*m,)
    gates, a, reset, W_x, W_step, Wh_a = _gru_forward_loop(
        x_2d, a0, parameters, variant, T_x, dtype
    )
    z, r, h = (slice(k * n_a, (k + 1) * n_a) for k in range(3))  # each gate's rows
    zr = slice(0, 2 * n_a)  # the two sigmoid gates
    v = _scratch("gru", "v", (n_a, m), dtype)
    loss, dWy, dby, a_tm, da_out = _output_layer("gru", a, y, parameters["Wy"], parameters["by"])

    # The local derivatives of every step at once, each (T_x, n_a, m).
    # (Into work arrays, with out=: no temporary arrays of that size are allocated.)
    gz, gr, gh = gates[:, z], gates[:, r], gates[:, h]
    work = functools.partial(_scratch, "gru", dtype=dtype)
    # PyTorch: dz, dr, dg = da ⊙ (one factor each), stacked for one (3, n_a, m) product per step
    da_dz = work("da_dz", (T_x, 3, n_a, m))
    one_minus_z = np.subtract(1, gz, out=work("1 - z", (T_x, n_a, m)))
    da_dzz = da_dz[:, 0]  # ∂a/∂(z's pre-activation) = (a⟨t-1⟩ - h̃) ⊙ z ⊙ (1 - z)
    np.multiply(np.subtract(a[:-1], gh, out=da_dzz), gz, out=da_dzz)
    da_dzz *= one_minus_z
    da_dzh = _tanh_derivative(gh, work("da_dzh", (T_x, n_a, m)))
    da_dzh *= one_minus_z  # ∂a/∂(h̃'s pre-activation) = (1 - z) ⊙ tanh'
    sigma_r = _sigmoid_derivative(gr, work("sigma_r", (T_x, n_a, m)))  # σ'(r's pre-activation)

    # Backward: da⟨t⟩ and the products that carry it into a⟨t-1⟩ are all the loop waits for.
    # dZ holds dz, dr, dh̃ of every step (PyTorch: dz, dr, dg in the loop, dg = ∂L/∂g⟨t⟩).
    dZ = _scratch("gru", "dZ", (T_x, 3 * n_a, m), dtype)
    da = _scratch("gru", "da", (T_x, n_a, m), dtype)  # the whole ∂L/∂a⟨t⟩ of every step
    da_next = np.zeros((n_a, m), dtype)  # ∂L/∂a⟨t⟩ from step t+1; after the loop ∂L/∂a⟨0⟩
    W_stepT = np.ascontiguousarray(W_step.T)  # (n_a, 2n_a) or (n_a, 3n_a)
    if cho:
        Wh_aT = np.ascontiguousarray(Wh_a.T)  # (n_a, n_a)
        dra = _scratch("gru", "dra", (n_a, m), dtype)  # ∂L/∂(r ⊙ a⟨t-1⟩)
        dra_dzr = np.multiply(a[:-1], sigma_r, out=sigma_r)  # ∂(r ⊙ a)/∂(r's) = a⟨t-1⟩ σ'
    else:
        np.multiply(da_dzh, reset, out=da_dz[:, 1])
        da_dz[:, 1] *= sigma_r  # ∂a/∂(r's pre-activation) = ∂a/∂(h̃'s) ⊙ g ⊙ σ'
        np.multiply(da_dzh, gr, out=da_dz[:, 2])  # ∂a/∂g = ∂a/∂(h̃'s pre-activation) ⊙ r
        dZ_3 = dZ.reshape(T_x, 3, n_a, m)  # a view
    for t in reversed(range(T_x)):
        np.add(da_out[t], da_next, out=da[t])  # the whole ∂L/∂a⟨t⟩: its output and step t+1
        if cho:
            np.multiply(da[t], da_dzz[t], out=dZ[t, z])  # dz
            np.multiply(da[t], da_dzh[t], out=dZ[t, h])  # dh̃
            np.matmul(Wh_aT, dZ[t, h], out=dra)  # Wh_aᵀ dh̃: into r ⊙ a⟨t-1⟩
            np.multiply(dra, dra_dzr[t], out=dZ[t, r])  # dr
            np.matmul(W_stepT, dZ[t, zr], out=da_next)  # Wz_aᵀ dz + Wr_aᵀ dr
            dra *= gr[t]
            da_next += dra  # through r ⊙ a⟨t-1⟩ into a⟨t-1⟩
        else:
            np.multiply(da_dz[t], da[t], out=dZ_3[t])  # dz, dr, dg
            np.matmul(W_stepT, dZ[t], out=da_next)  # Wz_aᵀ dz + Wr_aᵀ dr + Wh_aᵀ dg
        np.multiply(da[t], gz[t], out=v)
        da_next += v  # a⟨t⟩ ∋ z ⊙ a⟨t-1⟩: the highway

    previous = a_tm[:, :-1, :].reshape(n_a, T_x * m)  # a⟨0⟩ … a⟨T_x-1⟩
    # What Wh_a multiplied (h_in), and the gradient of its product (dh_a), time-major
    if cho:  # r ⊙ a⟨t-1⟩ and dh̃
        dZ_2d, db, dW_x, dx = _input_and_bias_gradients("gru", dZ, x_2d, W_x, x)
        h_in = _swap(reset, _scratch("gru", "h_in", (n_a, T_x, m), dtype)).reshape(n_a, -1)
        dh_a = dZ_2d[h]
    else:  # a⟨t-1⟩ and dg; the x part and bh take dh̃ = da ⊙ ∂a/∂h̃ in dg's rows of dZ
        dh_a = _swap(dZ[:, h], _scratch("gru", "dg", (n_a, T_x, m), dtype)).reshape(n_a, -1)
        np.multiply(da, da_dzh, out=dZ[:, h])  # dh̃ of every step
        dZ_2d, db, dW_x, dx = _input_and_bias_gradients("gru", dZ, x_2d, W_x, x)
        h_in = previous
    dW_a = np.empty((3 * n_a, n_a), dtype)
    np.matmul(dZ_2d[zr], previous.T, out=dW_a[zr])  # Σ_t [dz; dr] a⟨t-1⟩ᵀ
    np.matmul(dh_a, h_in.T, out=dW_a[h])  # Σ_t dh̃ (r ⊙ a⟨t-1⟩)ᵀ (Cho), Σ_t dg a⟨t-1⟩ᵀ (PyTorch)
    gradients = _gate_gradients(dW_a, dW_x, db, GRU_STACK, GRU_STACK, n_a)  # dWz, dbz, …
    if not cho:
        gradients["dbha"] = dh_a.sum(axis=1, keepdims=True)  # Σ_t Σ_m dg⟨t⟩: (n_a, 1)
    gradients.update(dWy=dWy, dby=dby, da0=da_next)  # the step path's order of keys
    if dx is not None:
        gradients["dx"] = dx
    return loss, gradients, a[-1].copy()
