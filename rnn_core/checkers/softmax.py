"""Exercise: softmax over the classes, stable for every column (notebook 01 exercise 1, 05).

The cases: random logits, then three batches of large logits where only a softmax that subtracts
each column's own maximum stays finite: two columns 1000 apart, columns shifted by up to 800, and
columns whose own entries lie up to 2000 apart, so that any other shift (the column's minimum, its
mean, its first entry, one maximum for the whole batch) overflows somewhere.
"""

import numpy as np

from rnn_core.activations import softmax

from .cases import Case, draw_sizes
from .engine import TOLERANCE, Exercise
from .learner import OneValue


def softmax_cases(rng, count):
    """`count` random batches z of shape (n_y, m), then the three batches of large logits."""
    cases = []
    for sizes in draw_sizes(rng, count):
        n_y, m = sizes["n_y"], sizes["m"]
        z = 3 * rng.standard_normal((n_y, m))
        cases.append(Case.of((z,), {"n_y": n_y, "m": m}, label="random cases", tolerance=TOLERANCE))
    far_apart = np.array([[1000.0, 0.0], [1001.0, 1.0]])
    shifted = rng.standard_normal((3, 4)) + np.array([[0.0, 300.0, -300.0, 800.0]])
    wide = np.array(
        [
            [0.0, 0.0, -1000.0, 500.0],
            [1000.0, 0.0, 5.0, 1000.0],
            [-1000.0, 800.0, 0.0, -1000.0],
        ]
    )
    notes = (
        (far_apart, "z = [[1000, 0], [1001, 1]]: large logits, columns 1000 apart"),
        (shifted, "z of shape (3, 4) with its columns shifted by 0, 300, -300 and 800"),
        (wide, "z of shape (3, 4) with columns like [0, 1000, -1000]: entries 2000 apart"),
    )
    for z, note in notes:
        cases.append(
            Case.of((z,), {}, note=note, label="cases with large logits", tolerance=TOLERANCE)
        )
    return cases


SOFTMAX = Exercise(
    "softmax",
    arguments=("z",),
    outputs={"the result": ("n_y", "m")},
    returns=OneValue("the result", "the probabilities, an array of z's shape (n_y, m)"),
    reference=softmax,
    cases=softmax_cases,
    equations="softmax(z)[k] = exp(z[k] - max_j z[j]) / sum_i exp(z[i] - max_j z[j]), with "
    "the max and the sum over axis 0 (keepdims=True), separately for every column.",
)


def exponentiate_and_normalise(shifted, axis=0):
    """exp(shifted) divided by its sum over `axis` (None: the whole array): the part of softmax
    that the mistakes below share."""
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


# --- the mistakes ---

ROWS = (
    "softmax normalised over axis 1: each row sums to 1 instead of each column. A column "
    "z[:, i] holds the class scores of example i, so the max and the sum run over axis 0: "
    "np.max(z, axis=0, keepdims=True) and np.sum(e, axis=0, keepdims=True)."
)
WHOLE = (
    "softmax normalised over the whole array (np.sum(e) without an axis): all the entries "
    "together sum to 1 instead of each column. Sum over axis 0: np.sum(e, axis=0, keepdims=True)."
)


@SOFTMAX.mistake(
    "softmax_wrong_axis",
    ROWS,
    summary="softmax normalised over axis 1 or the whole array, not each column",
    max_axis=1,
)
@SOFTMAX.mistake("softmax_wrong_axis", ROWS, max_axis=0)
def summed_over_rows(z, max_axis=1):
    return exponentiate_and_normalise(z - np.max(z, axis=max_axis, keepdims=True), axis=1)


@SOFTMAX.mistake("softmax_wrong_axis", WHOLE, max_axis=None)
@SOFTMAX.mistake("softmax_wrong_axis", WHOLE, max_axis=0)
def summed_over_everything(z, max_axis=None):
    return exponentiate_and_normalise(z - np.max(z, axis=max_axis, keepdims=True), axis=None)


@SOFTMAX.mistake(
    "softmax_max_wrong_axis",
    "the maximum is taken over axis 1 (each row's) and the sum over axis 0. Subtracting a "
    "different number from each entry of a column changes its softmax; subtract each column's "
    "own maximum: z - np.max(z, axis=0, keepdims=True).",
    summary="softmax subtracts each row's maximum instead of each column's",
)
def minus_row_maximum(z):
    return exponentiate_and_normalise(z - np.max(z, axis=1, keepdims=True))


@SOFTMAX.mistake(
    "softmax_one_max",
    "one maximum for the whole batch (np.max(z) without an axis). That is exact in exact "
    "arithmetic, but a column whose entries all lie far below that maximum underflows to "
    "0/0 = nan. Subtract each column's own maximum: np.max(z, axis=0, keepdims=True).",
    summary="softmax subtracts one maximum for the whole batch: nan on far columns",
)
def minus_one_maximum(z):
    return exponentiate_and_normalise(z - np.max(z))


@SOFTMAX.mistake(
    "softmax_no_max",
    "no maximum subtracted: np.exp(1000) overflows to inf, and inf/inf = nan. Subtract each "
    "column's maximum first: softmax(z) = softmax(z - c) for any c that is the same for the "
    "whole column, and with c = the column's max every exponent is <= 0.",
    summary="softmax subtracts no maximum: exp overflows to nan on large logits",
)
def without_maximum(z):
    return exponentiate_and_normalise(z)


SHIFT = (
    "softmax subtracts each column's {what} instead of its maximum. Any number c that is the "
    "same for the whole column leaves softmax unchanged in exact arithmetic, but only c = the "
    "column's maximum keeps every exponent <= 0: with the {what}, a column whose entries lie far "
    "apart, like [0, 1000, -1000], gets exp(1000) = inf, and inf/inf = nan. Subtract "
    "np.max(z, axis=0, keepdims=True)."
)


@SOFTMAX.mistake(
    "softmax_shift_not_max",
    SHIFT.format(what="minimum"),
    summary="softmax subtracts each column's minimum, mean or first entry, not its maximum",
)
def minus_column_minimum(z):
    return exponentiate_and_normalise(z - np.min(z, axis=0, keepdims=True))


@SOFTMAX.mistake("softmax_shift_not_max", SHIFT.format(what="mean"))
def minus_column_mean(z):
    return exponentiate_and_normalise(z - np.mean(z, axis=0, keepdims=True))


@SOFTMAX.mistake("softmax_shift_not_max", SHIFT.format(what="first entry"))
def minus_first_entry(z):
    return exponentiate_and_normalise(z - z[:1])
