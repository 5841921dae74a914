"""The same loss and gradients as the step functions, arranged to be fast (notebook 06). Unchecked:
`rnn_core.network` checks the arguments and then calls these functions.

The step-by-step path (`rnn_forward`, `output_layer_backward`, `rnn_backward`) calls the cell
T_x times forward and T_x times backward, and each call does small matrix products. Only one
product really has to be inside the time loop: Waa a⟨t-1⟩, because a⟨t-1⟩ is not known until
step t-1 is done. Everything else can be done for all time steps at once, as one large product:

    forward    Wax x⟨t⟩ for every t         one (n_a, n_x) @ (n_x, T_x·m) product, before the loop
               Wya a⟨t⟩ + by for every t    one (n_y, n_a) @ (n_a, T_x·m) product, after the loop
    backward   Wyaᵀ dlogits⟨t⟩ for every t  one product, before the loop
               dWax = Σ_t dz⟨t⟩ x⟨t⟩ᵀ        one (n_a, T_x·m) @ (T_x·m, n_x) product, after the loop
               dWaa = Σ_t dz⟨t⟩ a⟨t-1⟩ᵀ      one product, after the loop
               dx⟨t⟩ = Waxᵀ dz⟨t⟩            one product, after the loop

Arrays here are time-major inside: (n, T_x, m), so that all the columns of one time step are next
to each other, and the T_x·m columns of a whole sequence form one matrix. The results are the same
numbers as the step path (a test holds them to 1e-12); only the order of some sums differs.

The inputs x are either one-hot columns (n_x, m, T_x), or the character indices (m, T_x) that
training uses. For indices the two input lines of the table are not products: Wax x⟨t⟩ is a
gather of columns of Wax and dWax a scatter-add (`rnn_core.embedding`), and there is no dx. Those
two places (`_input_projection`, `_input_gradients`) are the only difference.

No large array is allocated anew on every call. The intermediate arrays (all the hidden states,
the logits, dz) are written into scratch arrays kept from one call to the next (`_scratch`), and
products write into them with `out=`: allocating megabytes and freeing them again costs more than
it seems, since the memory goes back to the operating system and comes back page by page. The
arrays returned to the caller are new (or the caller's own `gradients`), never scratch.
"""

import functools
import threading

import numpy as np

from ._validation import finite_loss
from .activations import _log_softmax
from .embedding import _embedding_backward, _embedding_forward
from .loss import _negative_log_likelihood


def _scratch(name, shape, dtype):
    """A work array of `shape`, the same one every time for the same name, shape, dtype and thread
    (so two threads never share one). Its contents are garbage until written; never return it."""
    return _kept_array(name, shape, np.dtype(dtype), threading.get_ident())


@functools.lru_cache(maxsize=64)  # the recent sizes only: a notebook that tries many lets go
def _kept_array(name, shape, dtype, thread):
    return np.empty(shape, dtype)


def _time_major(x):
    """(n, m, T_x) -> (n, T_x, m), contiguous, so that reshape(n, T_x*m) needs no copy."""
    return np.ascontiguousarray(x.transpose(0, 2, 1))


def _inputs_2d(x):
    """The inputs with one column per (t, i), column t*m + i: one-hot x (n_x, m, T_x) becomes the
    matrix (n_x, T_x*m); character indices (m, T_x) become the vector (T_x*m,)."""
    if x.ndim == 2:  # indices (m, T_x) -> (T_x, m) -> (T_x*m,)
        return x.T.ravel()
    n_x, m, T_x = x.shape
    return _time_major(x).reshape(n_x, T_x * m)


def _input_projection(x_2d, Wax, out):
    """Wax x⟨t⟩ for every step, written into out (n_a, T_x*m): one product for one-hot columns,
    the column gather Wax[:, indices] for indices (the same numbers)."""
    if x_2d.ndim == 1:  # (take does not cast: a float32 Wax among float64 arrays is cast first)
        return _embedding_forward(x_2d, Wax.astype(out.dtype, copy=False), out=out)
    return np.matmul(Wax, x_2d, out=out)


def _input_gradients(dz_2d, x_2d, Wax, gradients):
    """dWax = Σ_t dz⟨t⟩ x⟨t⟩ᵀ and, for one-hot inputs, dx⟨t⟩ = Waxᵀ dz⟨t⟩ (n_x, m, T_x), into
    `gradients`. For indices dWax is a scatter-add, and there is no dx."""
    n_x = Wax.shape[1]
    if x_2d.ndim == 1:
        _embedding_backward(dz_2d, x_2d, n_x, out=gradients["dWax"])
        return
    np.matmul(dz_2d, x_2d.T, out=gradients["dWax"])  # (n_a, T_x*m) @ (T_x*m, n_x)
    dx_tm = _scratch("dx_tm", (n_x, dz_2d.shape[1]), dz_2d.dtype)
    np.matmul(Wax.T, dz_2d, out=dx_tm)  # (n_x, T_x*m), time-major
    m, T_x = gradients["dx"].shape[1:]
    gradients["dx"][...] = dx_tm.reshape(n_x, T_x, m).transpose(0, 2, 1)  # -> (n_x, m, T_x)


def _dtype(x, a0, parameters):
    """float32 only if every float array is (indices do not count: they are not numbers here)."""
    return np.result_type(a0, *parameters.values(), *([] if x.ndim == 2 else [x]))


def _fused_forward(x, a0, parameters):
    """Hidden states and logits for every step, time-major. x: one-hot (n_x, m, T_x) or
    character indices (m, T_x).

    Returns a tuple of (scratch arrays, valid until the next call):
    - a_tm: a⟨0⟩ … a⟨T_x⟩, of shape (n_a, T_x+1, m).
    - x_2d: the inputs, one column per (t, i): (n_x, T_x*m), or indices (T_x*m,).
    - states: a⟨1⟩ … a⟨T_x⟩ as one matrix (n_a, T_x*m); column t*m + i is example i at step t.
    - logits: Wya a⟨t⟩ + by for every step, (n_y, T_x*m), columns as in states.
    """
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    n_a, m = a0.shape
    T_x = x.shape[-1]
    x_2d = _inputs_2d(x)
    dtype = _dtype(x, a0, parameters)
    a_tm = _scratch("a_tm", (n_a, T_x + 1, m), dtype)
    a_tm[:, 0, :] = a0
    # Wax x⟨t⟩ + ba for every step, one product before the loop (the bias added in place)
    inputs = _input_projection(x_2d, parameters["Wax"], _scratch("z", (n_a, T_x * m), dtype))
    inputs += ba
    inputs = inputs.reshape(n_a, T_x, m)
    # The loop works on a⟨t⟩ in a contiguous (n_a, m) array, a: BLAS reads a slice a_tm[:, t, :]
    # (rows (T_x+1)*m apart) up to three times slower, and elementwise work on it costs more calls.
    a, z = _scratch("a", (n_a, m), dtype), _scratch("z_t", (n_a, m), dtype)
    a[...] = a0
    for t in range(T_x):  # only Waa a⟨t-1⟩ must wait for the previous step
        np.matmul(Waa, a, out=z)  # Waa a⟨t-1⟩
        z += inputs[:, t, :]  # + Wax x⟨t⟩ + ba
        np.tanh(z, out=a)  # a⟨t⟩
        a_tm[:, t + 1, :] = a  # kept for the output layer and the backward pass
    states = a_tm[:, 1:, :].reshape(n_a, T_x * m)  # a⟨1⟩ … a⟨T_x⟩ as one matrix (a view)
    logits = np.matmul(Wya, states, out=_scratch("logits", (Wya.shape[0], T_x * m), dtype))
    logits += by  # (n_y, T_x*m), one product after the loop
    return a_tm, x_2d, states, logits


def _labels_time_major(y):
    m, T_x = y.shape
    return y.T.reshape(T_x * m), np.arange(T_x * m)  # label and column of each (t, i)


def _fused_loss(x, y, a0, parameters):
    """The loss alone, as `rnn_loss`."""
    return _fused_loss_and_state(x, y, a0, parameters)[0]


def _fused_loss_and_state(x, y, a0, parameters):
    """The loss and the last hidden state a⟨T_x⟩ (n_a, m), where the next window starts."""
    a_tm, _, _, logits = _fused_forward(x, a0, parameters)
    labels, columns = _labels_time_major(y)
    loss = _negative_log_likelihood(_log_softmax(logits)[labels, columns], y.shape[0])
    return finite_loss(loss), a_tm[:, -1, :].copy()  # inf from finite inputs: an overflow


def new_gradients(x, a0, parameters):
    """Empty arrays for every gradient of `_fused_loss_and_gradients`: dWax, dWaa, dba, dWya,
    dby of their parameters' shapes, da0 (n_a, m) and, for one-hot x (n_x, m, T_x), dx."""
    dtype = _dtype(x, a0, parameters)
    names = ("Wax", "Waa", "ba", "Wya", "by")  # the order clipping sums the squares in
    gradients = {"d" + name: np.empty(parameters[name].shape, dtype) for name in names}
    gradients["da0"] = np.empty(a0.shape, dtype)
    if x.ndim == 3:
        gradients["dx"] = np.empty(x.shape, dtype)
    return gradients


def _fused_loss_and_gradients(x, y, a0, parameters, gradients=None):
    """The loss and gradients of `rnn_loss_and_gradients_by_steps`, in fewer, larger products,
    and the last hidden state a⟨T_x⟩ (n_a, m), where training's next window can start.

    x: one-hot (n_x, m, T_x) or character indices (m, T_x). gradients: None (new arrays), or the
    dict an earlier call of the same shapes returned, to write into (training reuses one set)."""
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_a, m = a0.shape
    T_x = y.shape[1]
    if gradients is None:
        gradients = new_gradients(x, a0, parameters)
    a_tm, x_2d, states, logits = _fused_forward(x, a0, parameters)
    labels, columns = _labels_time_major(y)

    log_p = _log_softmax(logits)  # (n_y, T_x*m)
    loss = finite_loss(_negative_log_likelihood(log_p[labels, columns], m))  # inf: overflow
    dlogits = np.exp(log_p, out=log_p)  # ŷ for every column (log_p is not needed any more)
    dlogits[labels, columns] -= 1  # ŷ - onehot(y)
    dlogits /= m
    np.matmul(dlogits, states.T, out=gradients["dWya"])  # (n_y, n_a)
    np.sum(dlogits, axis=1, keepdims=True, out=gradients["dby"])  # (n_y, 1)
    # dz starts as ∂L/∂a⟨t⟩ from each step's own output, and becomes dz⟨t⟩ one step at a time
    # (one array for both, the scratch that held Wax x⟨t⟩ + ba: the forward pass is done with it)
    dz = np.matmul(Wya.T, dlogits, out=_scratch("z", (n_a, T_x * m), dlogits.dtype))
    dz = dz.reshape(n_a, T_x, m)
    # tanh'(z⟨t⟩) = 1 - a⟨t⟩² for every step at once: the loop needs no a⟨t⟩ (n_a, T_x*m)
    dtanh = np.multiply(states, states, out=_scratch("dtanh", (n_a, T_x * m), dz.dtype))
    dtanh = np.subtract(1, dtanh, out=dtanh).reshape(n_a, T_x, m)
    da_next = gradients["da0"]  # ∂L/∂a⟨t⟩ from step t+1; after the loop, ∂L/∂a⟨0⟩
    da_next[...] = 0
    dz_t = _scratch("dz_t", (n_a, m), dz.dtype)  # contiguous, as a in the forward loop
    WaaT = _scratch("WaaT", Waa.shape[::-1], Waa.dtype)
    WaaT[...] = Waa.T  # contiguous: for m = 1 the view Waa.T goes to a BLAS routine that rounds
    # its sums differently, and training would no longer repeat its earlier runs to the last bit
    for t in reversed(range(T_x)):  # only Waaᵀ dz⟨t⟩ must wait for step t+1
        np.add(dz[:, t, :], da_next, out=dz_t)  # the whole ∂L/∂a⟨t⟩: its output and step t+1
        dz_t *= dtanh[:, t, :]  # dz⟨t⟩ = tanh'(z⟨t⟩) * ∂L/∂a⟨t⟩
        dz[:, t, :] = dz_t  # kept for dWax, dWaa and dba
        np.matmul(WaaT, dz_t, out=da_next)
    dz_2d = dz.reshape(n_a, T_x * m)
    previous = a_tm[:, :-1, :].reshape(n_a, T_x * m)  # a⟨0⟩ … a⟨T_x-1⟩: a view, no copy
    np.matmul(dz_2d, previous.T, out=gradients["dWaa"])  # Σ_t dz⟨t⟩ a⟨t-1⟩ᵀ
    np.sum(dz_2d, axis=1, keepdims=True, out=gradients["dba"])
    _input_gradients(dz_2d, x_2d, parameters["Wax"], gradients)  # dWax (and dx)
    return loss, gradients, a_tm[:, -1, :].copy()
