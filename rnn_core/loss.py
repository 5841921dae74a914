"""The loss and the output layer: where the `da` of `rnn_backward` comes from (notebook 02).

The loss over a batch of m sequences with integer labels y (shape (m, T_x)) is the cross-entropy of
the predicted probabilities, summed over the time steps and averaged over the sequences:

    L = -(1/m) Σ_i Σ_t log ŷ_t[y_it, i]                          ŷ_t = softmax(Wya a_t + by)

Softmax and cross-entropy together have the simplest of gradients with respect to the logits:

    dlogits_t = (ŷ_t - onehot(y_t)) / m                         (n_y, m)

and the output layer passes it on to its weights and to the hidden state:

    dWya = Σ_t dlogits_t a_tᵀ     dby = Σ_t Σ_m dlogits_t      da_t = Wyaᵀ dlogits_t

That da, of shape (n_a, m, T_x), is exactly what `rnn_backward` takes. How the pieces are put
together into one loss and all its gradients is in `rnn_core.network`.
"""

import numpy as np

from ._validation import (
    Sizes,
    check_array,
    check_labels,
    check_parameters,
    check_positive_int,
    check_probabilities,
    finite_loss,
    refuses_overflow,
)
from .activations import _log_softmax


def one_hot(y, n_y):
    """Integer labels of shape (m, T_x) as one-hot columns of shape (n_y, m, T_x), float64."""
    n_y = check_positive_int("n_y", n_y)
    y = check_labels("y", y, {"n_y": n_y})
    return _one_hot(y, n_y)


def _one_hot(y, n_y):
    m, T_x = y.shape
    encoded = np.zeros((n_y, m, T_x))
    encoded[_label_index(y)] = 1.0
    return encoded


def _label_index(y):
    """The index of the right class of every (i, t): values[_label_index(y)] is (m, T_x)."""
    m, T_x = y.shape
    return y, np.arange(m)[:, None], np.arange(T_x)[None, :]  # broadcast to (m, T_x) each


def _picked(values, y):
    """values[y[i, t], i, t] for every (i, t): the entry of the right class, shape (m, T_x)."""
    return values[_label_index(y)]


def cross_entropy_loss(y_pred, y):
    """L = -(1/m) Σ_i Σ_t log y_pred[y[i, t], i, t]: summed over time, averaged over the batch.

    Arguments:
    - y_pred: probabilities of shape (n_y, m, T_x), as returned by `rnn_forward` (every column
      sums to 1; logits are refused: pass them through `softmax` first).
    - y: integer class indices of shape (m, T_x), each in [0, n_y).
    Returns: the loss, a float. A probability that underflowed to 0 gives inf: the loss of the
    whole network, from the logits, is `rnn_core.rnn_loss`, which never underflows.
    """
    sizes = Sizes()
    y_pred = check_probabilities("y_pred", y_pred, ("n_y", "m", "T_x"), sizes)
    y = check_labels("y", y, sizes)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the honest answer for an underflow
        return _negative_log_likelihood(np.log(_picked(y_pred, y)), y.shape[0])


def _negative_log_likelihood(log_p_correct, m):
    """-(1/m) Σ log p of the right classes: the last line of every loss in rnn_core."""
    return float(-log_p_correct.sum() / m)  # sum over i and t, then divide by m


def _output_logits(a, parameters):
    """Wya a_t + by for every step at once: (n_y, n_a) @ (n_a, m·T_x) -> (n_y, m, T_x)."""
    n_a, m, T_x = a.shape
    logits = parameters["Wya"] @ a.reshape(n_a, m * T_x) + parameters["by"]
    return logits.reshape(-1, m, T_x)


def _output_layer_loss(a, y, parameters):
    """The loss from the hidden states through the logits, with a log-softmax: never underflows.

    Unchecked; `rnn_core.network` calls it on arrays it has checked. Returns: the loss, a float.
    """
    log_p = _log_softmax(_output_logits(a, parameters))  # (n_y, m, T_x)
    # finite inputs whose logits spread beyond the float range give log p = -inf: an overflow
    return finite_loss(_negative_log_likelihood(_picked(log_p, y), y.shape[0]))


@refuses_overflow("a and parameters")
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
    a = check_array("a", a, ("n_a", "m", "T_x"), sizes)
    y_pred = check_probabilities("y_pred", y_pred, ("n_y", "m", "T_x"), sizes)
    y = check_labels("y", y, sizes)
    return _output_layer_backward(y_pred, y, a, parameters)


def _output_layer_backward(y_pred, y, a, parameters):
    n_y, m, T_x = y_pred.shape
    n_a = a.shape[0]
    dtype = np.result_type(y_pred, a, parameters["Wya"])  # float32 only if all three are
    dlogits = y_pred.astype(dtype)  # a copy, (n_y, m, T_x)
    dlogits[y, np.arange(m)[:, None], np.arange(T_x)[None, :]] -= 1  # ŷ - onehot(y): each (i, t)
    dlogits /= m  # the loss is averaged over the m sequences
    dlogits_2d = dlogits.reshape(n_y, m * T_x)  # (n_y, m, T_x) -> (n_y, m*T_x): all steps at once
    a_2d = a.reshape(n_a, m * T_x)  # (n_a, m, T_x) -> (n_a, m*T_x)
    dWya = dlogits_2d @ a_2d.T  # Σ_t dlogits_t a_tᵀ -> (n_y, n_a)
    dby = dlogits_2d.sum(axis=1, keepdims=True)  # Σ_t Σ_m dlogits_t -> (n_y, 1)
    da = (parameters["Wya"].T @ dlogits_2d).reshape(n_a, m, T_x)  # Wyaᵀ dlogits_t for every t
    return {"dWya": dWya, "dby": dby, "da": da}
