"""Gradient clipping (notebook 04) and the optimisers of the character model (notebook 05).

Nothing here modifies a dict it is given: clipping and the optimisers return new dicts. A notebook
cell that is run twice then starts from the same values both times, instead of clipping an already
clipped gradient or stepping from parameters that the first run already moved. (The exceptions are
private: `_clip_in_place` and `Adagrad._step_in_place`, for the arrays `train` owns, with the same
numbers and without the copies.)
"""

import math

import numpy as np

from ._validation import (
    check_gradients,
    check_positive_float,
    check_square_fits,
    check_step,
    overflow_error,
)


def global_norm(gradients, keys=None):
    """sqrt(Σ_k Σ_entries gradients[k]²): the length of all the chosen gradients as one vector.

    Arguments:
    - gradients: dict of arrays, as returned by `rnn_loss_and_gradients`.
    - keys: the keys to include; by default every key that starts with "dW" or "db".
    Returns: the norm, a float.
    """
    gradients, keys = check_gradients(gradients, keys)
    return _global_norm(gradients, keys)


def _global_norm(gradients, keys):
    largest, ratio = _norm_parts(gradients, keys)
    return largest * ratio  # Python floats: inf, not a warning, if the norm exceeds float64


def _norm_parts(gradients, keys):
    """(largest |entry|, ratio) with norm = largest * ratio and 1 <= ratio <= sqrt(entries).

    Dividing by the largest entry before squaring keeps every square <= 1: the square of an entry
    above 1.3e154 (float64) or 1.8e19 (float32) would overflow, although the norm need not.
    """
    largest = max(float(np.abs(gradients[k]).max()) for k in keys)
    if largest == 0:
        return 0.0, 1.0
    ratio = math.sqrt(sum(float(np.sum((gradients[k] / largest) ** 2)) for k in keys))
    return largest, ratio


def clip_by_global_norm(gradients, max_norm, keys=None):
    """Scale the gradients down together when their global norm exceeds `max_norm`.

        norm = sqrt(Σ_k Σ_entries gradients[k]²)        over the clipped keys k
        g_k <- g_k * max_norm / norm                     only when norm > max_norm

    Every clipped array is multiplied by the same factor, so the direction of the whole update is
    kept; only its length is capped.

    Arguments:
    - gradients: dict of arrays, as returned by `rnn_loss_and_gradients`. Not modified.
    - max_norm: the largest allowed global norm, > 0.
    - keys: the keys to clip; by default every key that starts with "dW" or "db" (the parameter
      gradients), so da0 and dx are neither clipped nor counted in the norm.

    Returns a tuple of:
    - clipped: a new dict with the same keys; every array is a new array (the keys that are not
      clipped are copies of the input).
    - norm: the global norm before clipping, a float.
    """
    gradients, keys = check_gradients(gradients, keys)
    max_norm = check_positive_float("max_norm", max_norm)
    largest, ratio = _norm_parts(gradients, keys)
    norm = largest * ratio
    scale = (max_norm / largest) / ratio if norm > max_norm else 1.0  # max_norm / norm, no overflow
    clipped = {k: g * scale if k in keys else g.copy() for k, g in gradients.items()}
    return clipped, norm


def _clip_in_place(gradients, keys, max_norm):
    """`clip_by_global_norm` for arrays the caller owns (the training loop's, unchecked): the
    arrays of `keys` are scaled in place, by the same factor. Returns: the norm before clipping."""
    largest, ratio = _norm_parts(gradients, keys)
    if largest * ratio > max_norm:
        scale = (max_norm / largest) / ratio  # max_norm / norm, no overflow
        for k in keys:
            gradients[k] *= scale
    return largest * ratio


def clip_elementwise(gradients, max_value, keys=None):
    """Clip every entry of the chosen gradients to [-max_value, max_value] (as min-char-rnn does).

    Unlike `clip_by_global_norm`, this changes the direction of the update: only the entries
    beyond the bound are cut.

    Arguments as for `clip_by_global_norm`, with `max_value` > 0 in place of `max_norm`.
    Returns: a new dict with the same keys and new arrays; `gradients` is not modified.
    """
    gradients, keys = check_gradients(gradients, keys)
    max_value = check_positive_float("max_value", max_value)
    return {
        k: np.clip(g, -max_value, max_value) if k in keys else g.copy()
        for k, g in gradients.items()
    }


# --- optimisers ---


def sgd_step(parameters, gradients, learning_rate):
    """One step of gradient descent: p <- p - learning_rate * dp, for every parameter p.

    Arguments:
    - parameters: dict of arrays, for example Wax, Waa, Wya, ba, by. Not modified.
    - gradients: dict holding "d" + name for every parameter name, of the parameter's shape
      (other keys, such as da0 and dx, are ignored). Not modified.
    - learning_rate: the step size, > 0.
    Returns: a new dict of new arrays, with the keys of `parameters`.
    """
    parameters, gradients = check_step(parameters, gradients)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    with overflow_error(f"learning_rate = {learning_rate:g} is too large: p - lr * dp overflows"):
        return {name: p - learning_rate * gradients["d" + name] for name, p in parameters.items()}


class Adagrad:
    """Adagrad: every entry of every parameter gets its own step size.

    For each parameter p with gradient dp, the optimiser keeps G, the running sum of dp², and steps

        G <- G + dp²                                   (elementwise, shape of p)
        p <- p - learning_rate * dp / (sqrt(G) + eps)

    Entries that have received large gradients take small steps from then on; rarely-seen
    characters keep larger steps. The state G starts at zero for each parameter on its first step.

    `step` returns new parameters and leaves the caller's dicts alone; it does update the
    optimiser's own state G, so to start over, create a new `Adagrad`.
    """

    def __init__(self, learning_rate=0.1, eps=1e-8):
        self.learning_rate = check_positive_float("learning_rate", learning_rate)
        self.eps = check_positive_float("eps", eps)
        self.sum_of_squares = {}  # name -> G, the sum of the squared gradients so far

    def step(self, parameters, gradients):
        """One Adagrad step. Arguments as for `sgd_step`; returns a new dict of new arrays."""
        parameters, gradients = check_step(parameters, gradients)
        for name, p in parameters.items():
            G = self.sum_of_squares.get(name)
            if G is not None and G.shape != p.shape:
                raise ValueError(
                    f"parameters[{name!r}] has shape {p.shape}, but this Adagrad has accumulated "
                    f"shape {G.shape} for it; create a new Adagrad for a new model"
                )
            check_square_fits(f"gradients['d{name}']", gradients["d" + name], G, p.dtype)
        new_parameters = {}
        for name, p in parameters.items():
            dp = gradients["d" + name]
            G = self.sum_of_squares.get(name, np.zeros_like(p)) + dp**2  # G <- G + dp²
            self.sum_of_squares[name] = G
            new_parameters[name] = p - self.learning_rate * dp / (np.sqrt(G) + self.eps)
        return new_parameters

    def _step_in_place(self, parameters, gradients):
        """`step` for a loop that owns its parameters (`train`), unchecked: the same two
        equations, written into the arrays of `parameters` and G instead of new arrays."""
        for name, p in parameters.items():
            dp = gradients["d" + name]
            G = self.sum_of_squares.get(name)
            if G is None:  # the first step: G starts at zero
                G = self.sum_of_squares[name] = np.zeros_like(p)
            G += dp**2  # G <- G + dp²
            p -= self.learning_rate * dp / (np.sqrt(G) + self.eps)
