"""Exercises: one step backwards, and backpropagation through time (notebooks 02, 04 and 06).

One step, from da_next = ∂L/∂a_next and the cache (a_next, a_prev, xt, parameters):

    dz      = (1 - a_next**2) * da_next       (n_a, m)    tanh'(z) = 1 - tanh(z)**2
    dxt     = Wax.T @ dz                      (n_x, m)
    da_prev = Waa.T @ dz                      (n_a, m)
    dWax    = dz @ xt.T                       (n_a, n_x)
    dWaa    = dz @ a_prev.T                   (n_a, n_a)
    dba     = sum of dz over axis 1           (n_a, 1)

Through time, the gradient entering step t is da[:, :, t] + da_prev (from the output at step t
and from step t + 1), and the weight gradients of all the steps add up.
"""

import numpy as np

from rnn_core.rnn import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward

from .cases import draw_problem, random_cases, shown
from .engine import Exercise
from .learner import DictOf


def cell_backward_case(rng, sizes):
    """(da_next (n_a, m), cache) of a random problem; the cache is rnn_core's."""
    x, _, a0, parameters = draw_problem(rng, sizes)
    cache = rnn_cell_forward(x[:, :, 0].copy(), a0, parameters)[2]
    da_next = rng.standard_normal(a0.shape)
    return (da_next, cache), shown(sizes, ("n_x", "n_a", "m"))


def rnn_backward_case(rng, sizes):
    """(da (n_a, m, T_x), caches) of a random problem; the caches are rnn_core's."""
    x, _, a0, parameters = draw_problem(rng, sizes)
    caches = rnn_forward(x, a0, parameters)[2]
    da = rng.standard_normal((*a0.shape, sizes["T_x"]))
    return (da, caches), shown(sizes, ("n_x", "n_a", "m", "T_x"))


def cell_backward_cases(rng, count):
    return random_cases(rng, count, cell_backward_case)


def rnn_backward_cases(rng, count):
    return random_cases(rng, count, rnn_backward_case)


CELL_GRADIENTS = {
    "dxt": ("n_x", "m"),
    "da_prev": ("n_a", "m"),
    "dWax": ("n_a", "n_x"),
    "dWaa": ("n_a", "n_a"),
    "dba": ("n_a", "1"),
}
SEQUENCE_GRADIENTS = {
    "dx": ("n_x", "m", "T_x"),
    "da0": ("n_a", "m"),
    "dWax": ("n_a", "n_x"),
    "dWaa": ("n_a", "n_a"),
    "dba": ("n_a", "1"),
}

CELL_BACKWARD = Exercise(
    "rnn_cell_backward",
    arguments=("da_next", "cache"),
    outputs=CELL_GRADIENTS,
    returns=DictOf(*CELL_GRADIENTS),
    reference=rnn_cell_backward,
    cases=cell_backward_cases,
    equations="dz = (1 - a_next**2) * da_next; dxt = Wax.T @ dz; da_prev = Waa.T @ dz; "
    "dWax = dz @ xt.T; dWaa = dz @ a_prev.T; dba = np.sum(dz, axis=1, keepdims=True).",
)

RNN_BACKWARD = Exercise(
    "rnn_backward",
    arguments=("da", "caches"),
    outputs=SEQUENCE_GRADIENTS,
    returns=DictOf(*SEQUENCE_GRADIENTS),
    reference=rnn_backward,
    cases=rnn_backward_cases,
    equations="da_prev starts at zeros; for t from T_x - 1 down to 0: gradients = "
    "rnn_cell_backward(da[:, :, t] + da_prev, caches[0][t]); dx[:, :, t] = gradients['dxt']; "
    "dWax += gradients['dWax'] (and dWaa, dba); da_prev = gradients['da_prev']. "
    "At the end da0 = da_prev.",
    modified_explanations={
        "da": "rnn_backward changes da in place, for example with da[:, :, t] += da_prev. The "
        "caller's da is then no longer the gradient from the output layer; compute "
        "da[:, :, t] + da_prev into a new array instead."
    },
)


# --- rnn_cell_backward: the mistakes ---


def correct_dz(da_next, cache):
    """dz = (1 - a_next**2) * da_next, done right."""
    return (1 - cache[0] ** 2) * da_next


def cell_gradients(dz, cache):
    """The five gradients of one step from dz, done right: what the mistakes below share."""
    _, a_prev, xt, parameters = cache
    return {
        "dxt": parameters["Wax"].T @ dz,
        "da_prev": parameters["Waa"].T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": np.sum(dz, axis=1, keepdims=True),
    }


@CELL_BACKWARD.mistake(
    "dWaa_from_a_next",
    "dWaa computed from a_next instead of a_prev. In the cell, z_t = Wax x_t + Waa a_{t-1} + "
    "ba, so dz_t/dWaa involves a_{t-1}: dWaa = dz @ a_prev.T.",
    summary="dWaa computed from a_next instead of a_prev",
)
def dWaa_from_a_next(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dWaa": dz @ cache[0].T}  # a_next, not a_prev


@CELL_BACKWARD.mistake(
    "missing_tanh_derivative",
    "the tanh derivative is missing: a_next = tanh(z), so dz = (1 - a_next**2) * da_next, with "
    "tanh'(z) = 1 - tanh(z)**2. Every gradient of the cell is computed from dz.",
    summary="the factor 1 - a_next**2 (tanh') is missing from dz",
)
def without_tanh_derivative(da_next, cache):
    return cell_gradients(da_next, cache)  # dz = da_next


@CELL_BACKWARD.mistake(
    "tanh_derivative_not_squared",
    "the tanh derivative is written 1 - a_next; it is 1 - a_next**2, since tanh'(z) = "
    "1 - tanh(z)**2 and a_next = tanh(z): dz = (1 - a_next**2) * da_next.",
    summary="the tanh derivative is written 1 - a_next, not 1 - a_next**2",
)
def tanh_derivative_not_squared(da_next, cache):
    return cell_gradients((1 - cache[0]) * da_next, cache)  # 1 - a_next, not 1 - a_next**2


@CELL_BACKWARD.mistake(
    "tanh_applied_twice",
    "tanh applied twice: a_next already is tanh(z), so tanh'(z) = 1 - a_next**2, not "
    "1 - np.tanh(a_next)**2. dz = (1 - a_next**2) * da_next.",
    summary="the tanh derivative is 1 - tanh(a_next)**2, but a_next is tanh(z)",
)
def tanh_applied_twice(da_next, cache):
    return cell_gradients((1 - np.tanh(cache[0]) ** 2) * da_next, cache)


@CELL_BACKWARD.mistake(
    "dxt_uses_Waa",
    "dxt computed with Waa instead of Wax: xt enters the cell through Wax (Wax @ xt), so "
    "dxt = Wax.T @ dz, shape (n_x, m).",
    summary="dxt computed with Waa instead of Wax",
)
def dxt_from_Waa(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dxt": cache[3]["Waa"].T @ dz}  # Waa, not Wax


def transpose_missing(line, right, shapes):
    """The explanation of a product that misses a transpose."""
    return (
        f"a transpose is missing: {line}. Write it {right}: {shapes}. (Where n_x, n_a and m "
        "differ, the product fails with a shape error; where they are equal it runs and gives "
        "wrong numbers.)"
    )


@CELL_BACKWARD.mistake(
    "missing_transpose",
    transpose_missing("dxt = Wax @ dz", "dxt = Wax.T @ dz", "(n_a, n_x).T @ (n_a, m) -> (n_x, m)"),
    summary="a product misses a transpose, or a gradient comes out transposed",
)
def dxt_without_transpose(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dxt": cache[3]["Wax"] @ dz}


@CELL_BACKWARD.mistake(
    "missing_transpose",
    transpose_missing(
        "da_prev = Waa @ dz", "da_prev = Waa.T @ dz", "(n_a, n_a).T @ (n_a, m) -> (n_a, m)"
    ),
)
def da_prev_without_transpose(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "da_prev": cache[3]["Waa"] @ dz}


@CELL_BACKWARD.mistake(
    "missing_transpose",
    transpose_missing("dWax = dz @ xt", "dWax = dz @ xt.T", "(n_a, m) @ (m, n_x) -> (n_a, n_x)"),
)
def dWax_without_transpose(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dWax": dz @ cache[2]}


@CELL_BACKWARD.mistake(
    "missing_transpose",
    transpose_missing(
        "dWaa = dz @ a_prev", "dWaa = dz @ a_prev.T", "(n_a, m) @ (m, n_a) -> (n_a, n_a)"
    ),
)
def dWaa_without_transpose(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dWaa": dz @ cache[1]}


@CELL_BACKWARD.mistake(
    "missing_transpose",
    "dWax comes out transposed (xt @ dz.T, shape (n_x, n_a)): a gradient has the shape of its "
    "parameter, Wax (n_a, n_x), so dWax = dz @ xt.T.",
)
def dWax_transposed(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dWax": cache[2] @ dz.T}


@CELL_BACKWARD.mistake(
    "missing_transpose",
    "dWaa comes out transposed (a_prev @ dz.T): dWaa[i, j] is the gradient of Waa[i, j], which "
    "multiplies a_prev[j] into unit i, so dWaa = dz @ a_prev.T.",
)
def dWaa_transposed(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dWaa": cache[1] @ dz.T}


DBA_OVER_UNITS = (
    "dba summed over axis 0, the hidden units, instead of axis 1, the m examples of the batch: "
    "the bias is added to every example, so its gradient sums over them. "
    "dba = np.sum(dz, axis=1, keepdims=True), shape (n_a, 1) like ba."
)


@CELL_BACKWARD.mistake(
    "dba_wrong_axis",
    DBA_OVER_UNITS,
    summary="dba summed over the hidden units (axis 0) or over everything, not over m",
    keepdims=True,
)
@CELL_BACKWARD.mistake("dba_wrong_axis", DBA_OVER_UNITS, keepdims=False)
def dba_over_units(da_next, cache, keepdims):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dba": np.sum(dz, axis=0, keepdims=keepdims)}


@CELL_BACKWARD.mistake("dba_wrong_axis", DBA_OVER_UNITS)
def dba_over_units_as_column(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dba": np.sum(dz, axis=0).reshape(-1, 1)}  # (m, 1)


@CELL_BACKWARD.mistake(
    "dba_wrong_axis",
    "dba summed over everything (np.sum(dz) without an axis): sum over the m examples only, one "
    "value per hidden unit: dba = np.sum(dz, axis=1, keepdims=True), shape (n_a, 1).",
)
def dba_over_everything(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dba": np.sum(dz)}


@CELL_BACKWARD.mistake(
    "dba_no_keepdims",
    "dba has shape (n_a,): np.sum(dz, axis=1) drops the summed axis. Keep it, so that dba has "
    "the shape of ba: dba = np.sum(dz, axis=1, keepdims=True), shape (n_a, 1).",
    summary="dba has shape (n_a,): the sum over axis 1 dropped keepdims=True",
)
def dba_without_keepdims(da_next, cache):
    dz = correct_dz(da_next, cache)
    return {**cell_gradients(dz, cache), "dba": np.sum(dz, axis=1)}


# --- rnn_backward: the mistakes ---


def both_paths(da, t, da_prev):
    """The gradient entering step t, done right: from its output and from step t + 1."""
    return da[:, :, t] + da_prev


def through_time(da, caches, into_step=both_paths, assigned=()):
    """BPTT with the gradient entering step t given by into_step(da, t, da_prev), and the weight
    gradients named in `assigned` assigned at every step instead of summed: correct with the
    defaults, and the shared part of the mistakes below."""
    cell_caches, x = caches
    dx = np.zeros(x.shape)
    totals = {"dWax": 0.0, "dWaa": 0.0, "dba": 0.0}
    da_prev = np.zeros(da.shape[:2])
    for t in reversed(range(x.shape[2])):
        gradients = rnn_cell_backward(into_step(da, t, da_prev), cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        for key in totals:
            totals[key] = gradients[key] if key in assigned else totals[key] + gradients[key]
        da_prev = gradients["da_prev"]
    return {"dx": dx, "da0": da_prev, **totals}


ONLY_DA_PREV = (
    "only da_prev is passed to each step's backward, so the gradient from each step's own "
    "output, da[:, :, t], never enters. The gradient reaching a_t has two sources: "
    "rnn_cell_backward(da[:, :, t] + da_prev, caches[0][t])."
)


@RNN_BACKWARD.mistake(
    "only_da_prev",
    ONLY_DA_PREV,
    summary="each step's backward gets only da_prev, not da[:, :, t] + da_prev",
)
def only_da_prev(da, caches):
    return through_time(da, caches, into_step=lambda da, t, da_prev: da_prev)


@RNN_BACKWARD.mistake("only_da_prev", ONLY_DA_PREV)
def only_da_prev_from_the_last_step(da, caches):
    """da_prev starts at da[:, :, -1] instead of zeros, then only da_prev enters each step."""
    last = da.shape[2] - 1
    return through_time(
        da, caches, into_step=lambda da, t, da_prev: da[:, :, t] if t == last else da_prev
    )


@RNN_BACKWARD.mistake(
    "only_da_t",
    "da_prev is dropped: each step's backward gets only da[:, :, t], so nothing flows back "
    "through time. Pass da[:, :, t] + da_prev, where da_prev is what the backward of step "
    "t + 1 returned.",
    summary="each step's backward gets only da[:, :, t]: da_prev is dropped",
)
def only_da_t(da, caches):
    return through_time(da, caches, into_step=lambda da, t, da_prev: da[:, :, t])


NOT_ACCUMULATED = (
    "{names} {hold} only the first time step's share (the loop runs from T_x - 1 down to 0, so "
    "the last assignment is step 0's): {it_is} assigned ({example} = gradients['{example}']) "
    "instead of added up. The same weights serve every step, so start from zeros and sum: "
    "{example} += gradients['{example}']."
)


@RNN_BACKWARD.mistake(
    "not_accumulated",
    NOT_ACCUMULATED.format(
        names="dWax, dWaa and dba", hold="hold", it_is="they are", example="dWax"
    ),
    summary="weight gradients assigned at every step instead of summed over time",
    assigned=("dWax", "dWaa", "dba"),
)
@RNN_BACKWARD.mistake(
    "not_accumulated",
    NOT_ACCUMULATED.format(names="dWax", hold="holds", it_is="it is", example="dWax"),
    assigned=("dWax",),
)
@RNN_BACKWARD.mistake(
    "not_accumulated",
    NOT_ACCUMULATED.format(names="dWaa", hold="holds", it_is="it is", example="dWaa"),
    assigned=("dWaa",),
)
@RNN_BACKWARD.mistake(
    "not_accumulated",
    NOT_ACCUMULATED.format(names="dba", hold="holds", it_is="it is", example="dba"),
    assigned=("dba",),
)
def weights_assigned_at_every_step(da, caches, assigned):
    return through_time(da, caches, assigned=assigned)
