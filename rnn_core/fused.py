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
"""

import numpy as np

from ._validation import finite_loss
from .activations import _log_softmax
from .loss import _negative_log_likelihood


def _time_major(x):
    """(n, m, T_x) -> (n, T_x, m), contiguous, so that reshape(n, T_x*m) needs no copy."""
    return np.ascontiguousarray(x.transpose(0, 2, 1))


def _fused_forward(x, a0, parameters):
    """Hidden states and logits for every step, time-major.

    Returns a tuple of:
    - a_tm: a⟨0⟩ … a⟨T_x⟩, of shape (n_a, T_x+1, m).
    - x_2d: the inputs as one matrix (n_x, T_x*m); column t*m + i is example i at step t.
    - states: a⟨1⟩ … a⟨T_x⟩ as one matrix (n_a, T_x*m), columns as in x_2d.
    - logits: Wya a⟨t⟩ + by for every step, (n_y, T_x*m), columns as in x_2d.
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    n_x, m, T_x = x.shape
    n_a = Waa.shape[0]
    x_2d = _time_major(x).reshape(n_x, T_x * m)  # (n_x, T_x*m): column t*m + i
    dtype = np.result_type(x, a0, *parameters.values())
    a_tm = np.empty((n_a, T_x + 1, m), dtype=dtype)
    a_tm[:, 0, :] = a0
    # Wax x⟨t⟩ + ba for every step, one product before the loop
    inputs = (Wax @ x_2d + ba).reshape(n_a, T_x, m)
    for t in range(T_x):  # only Waa a⟨t-1⟩ must wait for the previous step
        a_tm[:, t + 1, :] = np.tanh(inputs[:, t, :] + Waa @ a_tm[:, t, :])
    states = a_tm[:, 1:, :].reshape(n_a, T_x * m)  # a⟨1⟩ … a⟨T_x⟩ as one matrix (a view)
    logits = Wya @ states + by  # (n_y, T_x*m), one product after the loop
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
    return finite_loss(loss), a_tm[:, -1, :]  # inf from finite inputs: an overflow


def _fused_loss_and_gradients(x, y, a0, parameters):
    """The loss and gradients of `rnn_loss_and_gradients_by_steps`, in fewer, larger products,
    and the last hidden state a⟨T_x⟩ (n_a, m), where training's next window can start."""
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    n_x, m, T_x = x.shape
    n_a = Waa.shape[0]
    a_tm, x_2d, states, logits = _fused_forward(x, a0, parameters)
    labels, columns = _labels_time_major(y)

    log_p = _log_softmax(logits)  # (n_y, T_x*m)
    loss = finite_loss(_negative_log_likelihood(log_p[labels, columns], m))  # inf: overflow
    dlogits = np.exp(log_p, out=log_p)  # ŷ for every column (log_p is not needed any more)
    dlogits[labels, columns] -= 1  # ŷ - onehot(y)
    dlogits /= m
    dWya = dlogits @ states.T  # (n_y, n_a)
    dby = dlogits.sum(axis=1, keepdims=True)  # (n_y, 1)
    # dz starts as ∂L/∂a⟨t⟩ from each step's own output, and becomes dz⟨t⟩ one step at a time
    # (one array for both saves a copy of the size of all hidden states)
    dz = (Wya.T @ dlogits).reshape(n_a, T_x, m)
    da_next = np.zeros((n_a, m), dtype=dlogits.dtype)
    WaaT = np.ascontiguousarray(Waa.T)
    for t in reversed(range(T_x)):  # only Waaᵀ dz⟨t⟩ must wait for step t+1
        a_t = a_tm[:, t + 1, :]
        dz[:, t, :] += da_next  # the whole ∂L/∂a⟨t⟩: this step's output and step t+1
        dz[:, t, :] *= 1 - a_t * a_t  # dz⟨t⟩ = tanh'(z⟨t⟩) * ∂L/∂a⟨t⟩
        da_next = WaaT @ dz[:, t, :]
    dz_2d = dz.reshape(n_a, T_x * m)
    previous = a_tm[:, :-1, :].reshape(n_a, T_x * m)  # a⟨0⟩ … a⟨T_x-1⟩: a view, no copy
    gradients = {
        "dWax": dz_2d @ x_2d.T,  # Σ_t dz⟨t⟩ x⟨t⟩ᵀ
        "dWaa": dz_2d @ previous.T,  # Σ_t dz⟨t⟩ a⟨t-1⟩ᵀ
        "dba": dz_2d.sum(axis=1, keepdims=True),
        "dWya": dWya,
        "dby": dby,
        "da0": da_next,
        "dx": np.ascontiguousarray((Wax.T @ dz_2d).reshape(n_x, T_x, m).transpose(0, 2, 1)),
    }
    return loss, gradients, a_tm[:, -1, :]
