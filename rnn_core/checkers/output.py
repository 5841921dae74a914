"""Exercises: the cross-entropy loss and the output layer backwards (notebooks 02, 03, 05, 06).

L         = -(1/m) Σ_i Σ_t log y_pred[y[i, t], i, t]     summed over time, averaged over m
dlogits   = (y_pred - onehot(y)) / m                    (n_y, m, T_x)
dWya      = Σ_t dlogits[:, :, t] @ a[:, :, t].T         (n_y, n_a)
dby       = Σ_t Σ_i dlogits[:, i, t]                    (n_y, 1)
da[:, :, t] = Wya.T @ dlogits[:, :, t]                  (n_a, m, T_x)
"""

import numpy as np

from rnn_core.loss import cross_entropy_loss, one_hot, output_layer_backward
from rnn_core.rnn import rnn_forward

from .backward import transpose_missing
from .cases import Case, draw_problem, random_cases, shown
from .engine import TOLERANCE, Exercise
from .learner import DictOf, OneValue


def output_cases(rng, count):
    """(y_pred (n_y, m, T_x), y (m, T_x), a (n_a, m, T_x), parameters) of `count` random problems,
    y_pred and a from rnn_core's forward pass."""
    return random_cases(rng, count, output_case)


def output_case(rng, sizes):
    x, y, a0, parameters = draw_problem(rng, sizes)
    a, y_pred, _ = rnn_forward(x, a0, parameters)
    return (y_pred, y, a, parameters), shown(sizes, ("n_a", "n_y", "m", "T_x"))


def loss_cases(rng, count):
    """(y_pred (n_y, m, T_x), y (m, T_x)) of `count` random problems."""
    cases = []
    for case in output_cases(rng, count):
        y_pred, y = case.make()[:2]
        letters = shown(case.sizes, ("n_y", "m", "T_x"))
        cases.append(Case.of((y_pred, y), letters, label="random cases", tolerance=TOLERANCE))
    return cases


OUTPUT_GRADIENTS = {"dWya": ("n_y", "n_a"), "dby": ("n_y", "1"), "da": ("n_a", "m", "T_x")}

CROSS_ENTROPY_LOSS = Exercise(
    "cross_entropy_loss",
    arguments=("y_pred", "y"),
    outputs={"the loss": ()},
    returns=OneValue("the loss", "the loss, one number"),
    reference=cross_entropy_loss,
    cases=loss_cases,
    equations="L = -(1/m) * sum over i and t of log y_pred[y[i, t], i, t]: the probability of "
    "the right class, summed over the T_x steps, averaged over the m sequences.",
)

OUTPUT_LAYER_BACKWARD = Exercise(
    "output_layer_backward",
    arguments=("y_pred", "y", "a", "parameters"),
    outputs=OUTPUT_GRADIENTS,
    returns=DictOf(*OUTPUT_GRADIENTS),
    reference=output_layer_backward,
    cases=output_cases,
    equations="dlogits = (y_pred - onehot(y)) / m, shape (n_y, m, T_x); dWya = sum over t of "
    "dlogits[:, :, t] @ a[:, :, t].T; dby = sum over m and t of dlogits, shape (n_y, 1); "
    "da[:, :, t] = Wya.T @ dlogits[:, :, t].",
    modified_explanations={
        "y_pred": "output_layer_backward changes y_pred in place: dlogits = y_pred makes a "
        "second name for the same array, so subtracting the labels from dlogits changes the "
        "caller's y_pred. Start from a copy: dlogits = y_pred.copy()."
    },
)


# --- cross_entropy_loss: the mistakes ---


def log_right_class(y_pred, y):
    """log y_pred[y[i, t], i, t] for every i and t, shape (m, T_x), done right."""
    m, T_x = y.shape
    return np.log(y_pred[y, np.arange(m)[:, None], np.arange(T_x)[None, :]])


@CROSS_ENTROPY_LOSS.mistake(
    "averaged_over_time",
    "the loss is divided by T_x instead of m. It is summed over the time steps (each step adds "
    "its own prediction's error) and averaged over the m sequences of the batch: "
    "L = -(1/m) * sum of log y_pred[y[i, t], i, t].",
    summary="the loss is divided by T_x instead of m",
)
def divided_by_T_x(y_pred, y):
    return -np.sum(log_right_class(y_pred, y)) / y.shape[1]


@CROSS_ENTROPY_LOSS.mistake(
    "averaged_over_time_and_batch",
    "the loss is divided by m * T_x (np.mean over every entry): sum over the time steps and "
    "divide by m only, L = -(1/m) * sum of log y_pred[y[i, t], i, t].",
    summary="the loss is divided by m * T_x instead of m",
)
def divided_by_m_times_T_x(y_pred, y):
    return -np.mean(log_right_class(y_pred, y))


@CROSS_ENTROPY_LOSS.mistake(
    "not_averaged",
    "the loss is summed but not averaged over the batch: divide the sum by m, so that the loss "
    "(and its gradient) does not grow with the batch size.",
    summary="the loss is summed but not divided by m",
)
def not_averaged(y_pred, y):
    return -np.sum(log_right_class(y_pred, y))


LABELS = (
    "The probability of the right class is y_pred[y[i, t], i, t]: the class index on axis 0, "
    "the sequence i on axis 1, the step t on axis 2, with y of shape (m, T_x)."
)


@CROSS_ENTROPY_LOSS.mistake(
    "labels_wrong_axis",
    "the label indexes the batch axis: y_pred[i, y[i, t], t]. " + LABELS,
    summary="the labels index the wrong axis of y_pred, or y is read transposed",
)
def label_on_the_batch_axis(y_pred, y):
    m, T_x = y.shape
    total = sum(np.log(y_pred[i, y[i, t], t]) for i in range(m) for t in range(T_x))
    return -total / m


@CROSS_ENTROPY_LOSS.mistake(
    "labels_wrong_axis",
    "the labels are read transposed, y[t, i]: the label of sequence i at step t is y[i, t]. "
    + LABELS,
)
def labels_transposed(y_pred, y):
    m, T_x = y.shape
    total = sum(np.log(y_pred[y[t, i], i, t]) for i in range(m) for t in range(T_x))
    return -total / m


@CROSS_ENTROPY_LOSS.mistake(
    "missing_minus_sign",
    "the minus sign is missing: log of a probability is <= 0, so the cross-entropy is "
    "L = -(1/m) * sum of log y_pred[y[i, t], i, t] >= 0.",
    summary="the loss has no minus sign: it comes out negative",
)
def without_minus_sign(y_pred, y):
    return np.sum(log_right_class(y_pred, y)) / y.shape[0]


# --- output_layer_backward: the mistakes ---


def correct_dlogits(y_pred, y):
    """dlogits = (y_pred - onehot(y)) / m, shape (n_y, m, T_x), done right."""
    return (y_pred - one_hot(y, y_pred.shape[0])) / y.shape[0]


def output_gradients(dlogits, a, parameters):
    """dWya, dby and da from dlogits, done right: what the mistakes below share."""
    return {
        "dWya": np.einsum("ymt,amt->ya", dlogits, a),  # Σ_t dlogits_t a_tᵀ
        "dby": dlogits.sum(axis=(1, 2)).reshape(-1, 1),  # (n_y, 1)
        "da": np.einsum("ya,ymt->amt", parameters["Wya"], dlogits),  # Wyaᵀ dlogits_t
    }


@OUTPUT_LAYER_BACKWARD.mistake(
    "forgot_divide_by_m",
    "the gradients are not divided by m: the loss averages over the m sequences, so "
    "dlogits = (y_pred - onehot(y)) / m, and dWya, dby and da all carry that 1/m.",
    summary="the output-layer gradients are not divided by m",
)
def not_divided_by_m(y_pred, y, a, parameters):
    return output_gradients(y_pred - one_hot(y, y_pred.shape[0]), a, parameters)


@OUTPUT_LAYER_BACKWARD.mistake(
    "missing_one_hot",
    "the one-hot labels are not subtracted: the gradient of softmax followed by cross-entropy "
    "with respect to the logits is (y_pred - onehot(y)) / m, i.e. subtract 1 at the right class "
    "of every column: dlogits[y[i, t], i, t] -= 1.",
    summary="dlogits is y_pred, without subtracting the one-hot labels",
)
def without_one_hot(y_pred, y, a, parameters):
    return output_gradients(y_pred / y.shape[0], a, parameters)


DBY = (
    "dby is not summed over both the batch and the time steps: by is added to every example at "
    "every step, so dby = np.sum(dlogits, axis=(1, 2)) with the result kept as a column, "
    "shape (n_y, 1) like by (or sum dlogits[:, :, t].sum(axis=1, keepdims=True) over t)."
)


@OUTPUT_LAYER_BACKWARD.mistake(
    "dby_not_summed",
    DBY,
    summary="dby is not summed over both the batch and the time steps",
    axis=1,
    keepdims=True,
)
@OUTPUT_LAYER_BACKWARD.mistake("dby_not_summed", DBY, axis=1, keepdims=False)
@OUTPUT_LAYER_BACKWARD.mistake("dby_not_summed", DBY, axis=2, keepdims=True)
@OUTPUT_LAYER_BACKWARD.mistake("dby_not_summed", DBY, axis=2, keepdims=False)
@OUTPUT_LAYER_BACKWARD.mistake("dby_not_summed", DBY, axis=(), keepdims=False)
def dby_summed_over_one_axis(y_pred, y, a, parameters, axis, keepdims):
    dlogits = correct_dlogits(y_pred, y)
    dby = np.sum(dlogits, axis=axis, keepdims=keepdims)  # axis=() sums nothing
    return {**output_gradients(dlogits, a, parameters), "dby": dby}


@OUTPUT_LAYER_BACKWARD.mistake(
    "dby_no_keepdims",
    "dby has shape (n_y,): the sum dropped the summed axes. Keep a column, the shape of by: "
    "np.sum(dlogits, axis=(1, 2)).reshape(n_y, 1), or keepdims=True.",
    summary="dby has shape (n_y,): the sum dropped keepdims",
)
def dby_without_keepdims(y_pred, y, a, parameters):
    dlogits = correct_dlogits(y_pred, y)
    return {**output_gradients(dlogits, a, parameters), "dby": np.sum(dlogits, axis=(1, 2))}


@OUTPUT_LAYER_BACKWARD.mistake(
    "missing_transpose",
    "da uses Wya instead of Wya.T: the output layer computes Wya @ a_t, so the gradient flows "
    "back through the transpose, da[:, :, t] = Wya.T @ dlogits[:, :, t], "
    "(n_y, n_a).T @ (n_y, m) -> (n_a, m). (Where n_y and n_a differ, the product fails with a "
    "shape error; where they are equal it gives wrong numbers.)",
)
def da_without_transpose(y_pred, y, a, parameters):
    dlogits = correct_dlogits(y_pred, y)
    Wya, T_x = parameters["Wya"], y.shape[1]
    da = np.stack([Wya @ dlogits[:, :, t] for t in range(T_x)], axis=2)  # Wya, not Wya.T
    return {**output_gradients(dlogits, a, parameters), "da": da}


@OUTPUT_LAYER_BACKWARD.mistake(
    "missing_transpose",
    "dWya comes out transposed (a_t @ dlogits_t.T, shape (n_a, n_y)): a gradient has the shape "
    "of its parameter, Wya (n_y, n_a), so dWya = sum over t of dlogits[:, :, t] @ a[:, :, t].T.",
)
def dWya_transposed(y_pred, y, a, parameters):
    dlogits = correct_dlogits(y_pred, y)
    dWya = np.einsum("ymt,amt->ay", dlogits, a)  # (n_a, n_y)
    return {**output_gradients(dlogits, a, parameters), "dWya": dWya}


@OUTPUT_LAYER_BACKWARD.mistake(
    "missing_transpose",
    transpose_missing(
        "dWya = dlogits_t @ a_t",
        "dlogits[:, :, t] @ a[:, :, t].T",
        "(n_y, m) @ (m, n_a) -> (n_y, n_a)",
    ),
)
def dWya_without_transpose(y_pred, y, a, parameters):
    dlogits = correct_dlogits(y_pred, y)
    dWya = sum(dlogits[:, :, t] @ a[:, :, t] for t in range(y.shape[1]))  # a_t, not a_t.T
    return {**output_gradients(dlogits, a, parameters), "dWya": dWya}


def last_step_share(dlogits, a):
    """dWya and dby of the last time step alone: what a loop that assigns them leaves."""
    return {
        "dWya": dlogits[:, :, -1] @ a[:, :, -1].T,
        "dby": dlogits[:, :, -1].sum(axis=1, keepdims=True),
    }


LAST_STEP = (
    "{names} {hold} only the last time step's share: {it_is} assigned at every step "
    "({example} = ...) instead of added up ({example} += ...). Wya and by serve every step, so "
    "sum their gradients over t."
)


@OUTPUT_LAYER_BACKWARD.mistake(
    "not_accumulated",
    LAST_STEP.format(names="dWya and dby", hold="hold", it_is="they are", example="dWya"),
    assigned=("dWya", "dby"),
)
@OUTPUT_LAYER_BACKWARD.mistake(
    "not_accumulated",
    LAST_STEP.format(names="dWya", hold="holds", it_is="it is", example="dWya"),
    assigned=("dWya",),
)
@OUTPUT_LAYER_BACKWARD.mistake(
    "not_accumulated",
    LAST_STEP.format(names="dby", hold="holds", it_is="it is", example="dby"),
    assigned=("dby",),
)
def assigned_at_every_step(y_pred, y, a, parameters, assigned):
    dlogits = correct_dlogits(y_pred, y)
    gradients = output_gradients(dlogits, a, parameters)
    share = last_step_share(dlogits, a)
    return {**gradients, **{name: share[name] for name in assigned}}
