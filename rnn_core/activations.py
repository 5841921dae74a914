"""The squashing functions of the series, written so that no finite input overflows.

One log-softmax serves the whole package: `softmax` is its exponential, and every loss (the step
path, the fused path, the cross-entropy of probabilities) takes its logarithm before anything can
underflow, as JAX's and PyTorch's losses do.
"""

import numpy as np

from ._validation import to_float_array


def _check_logits(z):
    z = to_float_array("z", z)
    if z.ndim == 0:
        raise ValueError("z has shape (), expected at least one dimension (n_y, ...)")
    return z


def log_softmax(z):
    """log softmax(z) over axis 0 (the classes), for every column, without overflow or underflow.

    log softmax(z)[k] = (z[k] - max_j z[j]) - log Σ_i exp(z[i] - max_j z[j])

    Every shifted entry is <= 0 and the sum is between 1 and n_y, so the logarithm is finite
    wherever the entries of a column lie within the range of the dtype of each other (1.8e308 in
    float64): a class whose probability underflows to 0 in `softmax` still has its log here.
    Beyond that spread the log-probability itself is below the float range and reads -inf.

    Arguments:
    - z: logits of shape (n_y, ...), for example (n_y, m) or (n_y, m, T_x).
    Returns: log-probabilities of the same shape and dtype.
    """
    return _log_softmax(_check_logits(z))


def _log_softmax(z):
    with np.errstate(over="ignore"):  # a spread beyond the float range: that log p is -inf
        shifted = z - z.max(axis=0, keepdims=True)  # (n_y, ...), every entry <= 0, the largest = 0
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def softmax(z):
    """Softmax over axis 0 (the classes), independently for every column.

    softmax(z)[k] = exp(z[k] - max_j z[j]) / Σ_i exp(z[i] - max_j z[j]) = exp(log_softmax(z)[k])

    Subtracting each column's own maximum changes nothing mathematically and keeps every exponent
    <= 0, so nothing overflows and each column's largest entry contributes exp(0) = 1 to its sum.
    (One maximum for the whole array, as the seed had, lets a column whose entries are all far below
    that maximum underflow to 0/0 = nan.)

    Arguments:
    - z: logits of shape (n_y, ...), for example (n_y, m) for one time step or (n_y, m, T_x).
    Returns: probabilities of the same shape; every column sums to 1.
    """
    return _softmax(_check_logits(z))


def _softmax(z):
    return np.exp(_log_softmax(z))


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), elementwise, for any shape.

    Written with exp(-|z|), which lies in (0, 1] for every finite z, so it never overflows:
    for z >= 0 it is 1 / (1 + exp(-z)); for z < 0 the same value is exp(z) / (1 + exp(z)).
    """
    return _sigmoid(to_float_array("z", z))


def _sigmoid(z):
    e = np.exp(-np.abs(z))  # exp(-|z|) in (0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
