"""The loss and the output layer: where the `da` of `rnn_backward` comes from.

The loss over a batch of m sequences with integer labels y (shape (m, T_x)) is the cross-entropy of
the predicted probabilities, summed over the time steps and averaged over the sequences:

    L = -(1/m) Σ_i Σ_t log ŷ_t[y_it, i]                          ŷ_t = softmax(Wya a_t + by)

Softmax and cross-entropy together have the simplest of gradients with respect to the logits:

    dlogits_t = (ŷ_t - onehot(y_t)) / m                         (n_y, m)

and the output layer passes it on to its weights and to the hidden state:

    dWya = Σ_t dlogits_t a_tᵀ     dby = Σ_t Σ_m dlogits_t      da_t = Wyaᵀ dlogits_t

That da, of shape (n_a, m, T_x), is exactly what `rnn_backward` takes.
"""

import numpy as np

from ._validation import check_array, check_labels, check_parameters, check_positive_int
from .fused import fused_loss, fused_loss_and_gradients
from .rnn import _rnn_backward, _rnn_forward


def one_hot(y, n_y):
    """Integer labels of shape (m, T_x) as one-hot columns of shape (n_y, m, T_x)."""
    n_y = check_positive_int("n_y", n_y)
    y = check_labels("y", y, {"n_y": n_y})
    return _one_hot(y, n_y)


def _one_hot(y, n_y):
    m, T_x = y.shape
    encoded = np.zeros((n_y, m, T_x))
    encoded[y, np.arange(m)[:, None], np.arange(T_x)[None, :]] = 1.0
    return encoded


def cross_entropy_loss(y_pred, y):
    """L = -(1/m) Σ_i Σ_t log y_pred[y[i, t], i, t]: summed over time, averaged over the batch.

    Arguments:
    - y_pred: probabilities of shape (n_y, m, T_x), as returned by `rnn_forward`.
    - y: integer class indices of shape (m, T_x), each in [0, n_y).
    Returns: the loss, a float. A probability that underflowed to 0 gives inf.
    """
    sizes = {}
    y_pred = check_array("y_pred", y_pred, ("n_y", "m", "T_x"), sizes)
    y = check_labels("y", y, sizes)
    return _cross_entropy_loss(y_pred, y)


def _cross_entropy_loss(y_pred, y):
    m, T_x = y.shape
    p_correct = y_pred[y, np.arange(m)[:, None], np.arange(T_x)[None, :]]  # (m, T_x)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the honest answer for an underflow
        return float(-np.log(p_correct).sum() / m)  # sum over i and t, then divide by m


def output_layer_backward(y_pred, y, a, parameters):
    """Gradients of the loss with respect to the output layer and to every hidden state.

    Arguments:
    - y_pred: probabilities of shape (n_y, m, T_x), from `rnn_forward`.
    - y: integer class indices of shape (m, T_x).
    - a: hidden states of shape (n_a, m, T_x), from `rnn_forward`.
    - parameters: the parameter dict (only Wya is used here).

    Returns a dict of:
    - dWya (n_y, n_a), dby (n_y, 1): the output layer's gradients.
    - da: ∂L/∂a_t through the output layer, of shape (n_a, m, T_x): the input of `rnn_backward`.
    """
    parameters, sizes = check_parameters(parameters)
    y_pred = check_array("y_pred", y_pred, ("n_y", "m", "T_x"), sizes)
    y = check_labels("y", y, sizes)
    a = check_array("a", a, ("n_a", "m", "T_x"), sizes)
    return _output_layer_backward(y_pred, y, a, parameters)


def _output_layer_backward(y_pred, y, a, parameters):
    n_y, m, T_x = y_pred.shape
    n_a = a.shape[0]
    dlogits = y_pred.copy()  # (n_y, m, T_x)
    dlogits[y, np.arange(m)[:, None], np.arange(T_x)[None, :]] -= 1  # ŷ - onehot(y)
    dlogits /= m  # the loss is averaged over the m sequences
    dlogits_2d = dlogits.reshape(n_y, m * T_x)  # (n_y, m, T_x) -> (n_y, m*T_x): all steps at once
    a_2d = a.reshape(n_a, m * T_x)  # (n_a, m, T_x) -> (n_a, m*T_x)
    dWya = dlogits_2d @ a_2d.T  # Σ_t dlogits_t a_tᵀ -> (n_y, n_a)
    dby = dlogits_2d.sum(axis=1, keepdims=True)  # Σ_t Σ_m dlogits_t -> (n_y, 1)
    da = (parameters["Wya"].T @ dlogits_2d).reshape(n_a, m, T_x)  # Wyaᵀ dlogits_t for every t
    return {"dWya": dWya, "dby": dby, "da": da}


def _check_problem(x, y, a0, parameters):
    parameters, sizes = check_parameters(parameters)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    y = check_labels("y", y, sizes)
    return x, y, a0, parameters


def rnn_loss(x, y, a0, parameters):
    """The loss alone (forward pass + cross-entropy), for numerical gradients.

    Arguments as for `rnn_loss_and_gradients`. Returns: the loss, a float.
    """
    x, y, a0, parameters = _check_problem(x, y, a0, parameters)
    return fused_loss(x, y, a0, parameters)


def rnn_loss_and_gradients_by_steps(x, y, a0, parameters):
    """Forward pass, loss, and every gradient, composed from the step functions.

    This is backpropagation through time as the notebooks explain it: `rnn_forward`, the
    cross-entropy, `output_layer_backward` (which turns the predictions into the per-step `da`),
    then `rnn_backward`. `rnn_loss_and_gradients` returns the same numbers, computed faster.

    Arguments and returns as for `rnn_loss_and_gradients`.
    """
    x, y, a0, parameters = _check_problem(x, y, a0, parameters)
    a, y_pred, caches = _rnn_forward(x, a0, parameters)  # a: (n_a, m, T_x), y_pred: (n_y, m, T_x)
    loss = _cross_entropy_loss(y_pred, y)
    output = _output_layer_backward(y_pred, y, a, parameters)  # dWya, dby and da (n_a, m, T_x)
    recurrent, _ = _rnn_backward(output["da"], caches)  # dx, da0, dWax, dWaa, dba
    gradients = {
        "dWax": recurrent["dWax"],
        "dWaa": recurrent["dWaa"],
        "dba": recurrent["dba"],
        "dWya": output["dWya"],
        "dby": output["dby"],
        "da0": recurrent["da0"],
        "dx": recurrent["dx"],
    }
    return loss, gradients


def rnn_loss_and_gradients(x, y, a0, parameters):
    """Forward pass, loss, and every gradient by backpropagation through time.

    The numbers are those of `rnn_loss_and_gradients_by_steps` (to about 1e-15 relative); the
    computation takes every product that does not have to wait for the previous time step out of
    the time loop (see `rnn_core.fused` and notebook 06).

    Arguments:
    - x: inputs of shape (n_x, m, T_x).
    - y: integer class indices of shape (m, T_x), each in [0, n_y).
    - a0: initial hidden state of shape (n_a, m).
    - parameters: dict of Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns a tuple of:
    - loss: a float, the cross-entropy summed over time and averaged over the batch.
    - gradients: a dict with dWax, dWaa, dba, dWya, dby (each of its parameter's shape),
      da0 (n_a, m) and dx (n_x, m, T_x).
    """
    x, y, a0, parameters = _check_problem(x, y, a0, parameters)
    return fused_loss_and_gradients(x, y, a0, parameters)
