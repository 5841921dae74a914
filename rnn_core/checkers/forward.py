"""Exercises: one step of the RNN, and the forward pass over a sequence (notebook 01, 2 and 3).

    a_next  = tanh(Wax @ xt + Waa @ a_prev + ba)      (n_a, m)
    yt_pred = softmax(Wya @ a_next + by)              (n_y, m)
    cache   = (a_next, a_prev, xt, parameters)

`rnn_forward` runs that step over the T_x columns x[:, :, t], from a_next = a0, and returns
a (n_a, m, T_x), y_pred (n_y, m, T_x) and caches = (list of the T_x cell caches, x).
"""

from collections.abc import Mapping

import numpy as np

from rnn_core.activations import softmax
from rnn_core.rnn import rnn_cell_forward, rnn_forward

from .cases import draw_problem, random_cases, shown
from .engine import Exercise, same
from .learner import TupleOf, describe, read_output
from .softmax import ROWS, WHOLE, summed_over_everything, summed_over_rows


def cell_forward_case(rng, sizes):
    """(xt (n_x, m), a_prev (n_a, m), parameters) of a random problem."""
    x, _, a0, parameters = draw_problem(rng, sizes)
    return (x[:, :, 0].copy(), a0, parameters), shown(sizes, ("n_x", "n_a", "n_y", "m"))


def rnn_forward_case(rng, sizes):
    """(x (n_x, m, T_x), a0 (n_a, m), parameters) of a random problem."""
    x, _, a0, parameters = draw_problem(rng, sizes)
    return (x, a0, parameters), sizes


def cell_forward_cases(rng, count):
    return random_cases(rng, count, cell_forward_case)


def rnn_forward_cases(rng, count):
    return random_cases(rng, count, rnn_forward_case)


CELL_FORWARD = Exercise(
    "rnn_cell_forward",
    arguments=("xt", "a_prev", "parameters"),
    outputs={"a_next": ("n_a", "m"), "yt_pred": ("n_y", "m")},
    returns=TupleOf("a_next", "yt_pred", "cache"),
    reference=rnn_cell_forward,
    cases=cell_forward_cases,
    equations="a_next = tanh(Wax @ xt + Waa @ a_prev + ba); "
    "yt_pred = softmax(Wya @ a_next + by) over axis 0.",
    modified_explanations={
        "a_prev": "a_prev is changed in place (a_prev[:] = a_next, or a_prev += ...): the caller "
        "still needs it, rnn_forward keeps it in this step's cache, and backpropagation reads it "
        "there. Compute a_next into a new array: a_next = np.tanh(...)."
    },
)

RNN_FORWARD = Exercise(
    "rnn_forward",
    arguments=("x", "a0", "parameters"),
    outputs={"a": ("n_a", "m", "T_x"), "y_pred": ("n_y", "m", "T_x")},
    returns=TupleOf("a", "y_pred", "caches"),
    reference=rnn_forward,
    cases=rnn_forward_cases,
    equations="start from a_next = a0; at every step t, a_next, yt_pred, cache = "
    "rnn_cell_forward(x[:, :, t], a_next, parameters), then a[:, :, t] = a_next, "
    "y_pred[:, :, t] = yt_pred, and append cache to a list; caches = (that list, x).",
)


# --- the form of the caches, which the values cannot show ---


def cell_cache_problem(cache, expected, label):
    """None, or what is wrong when `cache` is not rnn_core's (a_next, a_prev, xt, parameters)."""
    if not isinstance(cache, tuple) or len(cache) != 4:
        return f"{label} is {describe(cache)}, not a tuple of 4."
    for k, name in enumerate(("a_next", "a_prev", "xt")):
        if not same(read_output(name, cache[k]), read_output(name, expected[k])):
            return f"{label}[{k}] is {describe(cache[k])} that is not this step's {name}."
    parameters = cache[3]
    if not isinstance(parameters, Mapping) or not all(
        key in parameters and same(read_output(key, parameters[key]), read_output(key, value))
        for key, value in expected[3].items()
    ):
        return f"{label}[3] is {describe(parameters)}, not the parameters dict."
    return None


@CELL_FORWARD.structure(
    "cache_wrong_form",
    "the cache is not the tuple (a_next, a_prev, xt, parameters), in this order: "
    "rnn_cell_backward unpacks it as (a_next, a_prev, xt, parameters) = cache.",
    summary="the cell cache is not the tuple (a_next, a_prev, xt, parameters)",
)
def cache_not_as_rnn_core(returned, expected):
    return cell_cache_problem(returned["cache"], expected["cache"], "cache")


@RNN_FORWARD.structure(
    "caches_wrong_form",
    "caches is not the tuple (caches_list, x), where caches_list holds the T_x cell caches in "
    "the order of the steps, each (a_next, a_prev, xt, parameters): rnn_backward unpacks it as "
    "(caches_list, x) = caches, then reads caches_list[t].",
    summary="caches is not the tuple (list of T_x cell caches, x)",
)
def caches_not_as_rnn_core(returned, expected):
    return sequence_caches_problem(returned["caches"], expected["caches"], cell_cache_problem)


def sequence_caches_problem(caches, expected_caches, cell_problem):
    """What is wrong with `caches` against rnn_core's (caches_list, x), or None; each cell cache
    is judged by cell_problem(cache, wanted, name), so that every cell's caches are read alike."""
    cell_caches, x = expected_caches
    if not isinstance(caches, tuple) or len(caches) != 2:
        return f"caches is {describe(caches)}, not a tuple of 2."
    if not isinstance(caches[0], list):
        return f"caches[0] is {describe(caches[0])}, not a list."
    if len(caches[0]) != len(cell_caches):
        return f"caches[0] holds {len(caches[0])} cell caches instead of T_x = {len(cell_caches)}."
    if not same(read_output("x", caches[1]), read_output("x", x)):
        return f"caches[1] is {describe(caches[1])} that is not x."
    for t, (cache, wanted) in enumerate(zip(caches[0], cell_caches)):
        problem = cell_problem(cache, wanted, f"caches[0][{t}]")
        if problem is not None:
            return problem
    return None


# --- rnn_cell_forward: the mistakes ---


def finish_step(a_next, xt, a_prev, parameters):
    """(a_next, yt_pred, cache) from a_next: the rest of the step, done right."""
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def next_state(xt, a_prev, parameters):
    """a_next = tanh(Wax @ xt + Waa @ a_prev + ba), done right."""
    p = parameters
    return np.tanh(p["Wax"] @ xt + p["Waa"] @ a_prev + p["ba"])


@CELL_FORWARD.mistake("softmax_wrong_axis", ROWS)
def output_summed_over_rows(xt, a_prev, parameters):
    a_next = next_state(xt, a_prev, parameters)
    yt_pred = summed_over_rows(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@CELL_FORWARD.mistake("softmax_wrong_axis", WHOLE)
def output_summed_over_everything(xt, a_prev, parameters):
    a_next = next_state(xt, a_prev, parameters)
    yt_pred = summed_over_everything(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@CELL_FORWARD.mistake(
    "missing_bias",
    "the bias ba is missing: a_next = tanh(Wax @ xt + Waa @ a_prev + ba).",
    summary="the bias ba (or by) is left out",
)
def without_ba(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev)  # + ba is missing
    return finish_step(a_next, xt, a_prev, parameters)


@CELL_FORWARD.mistake(
    "missing_bias", "the bias by is missing: yt_pred = softmax(Wya @ a_next + by)."
)
def without_by(xt, a_prev, parameters):
    a_next = next_state(xt, a_prev, parameters)
    yt_pred = softmax(parameters["Wya"] @ a_next)  # + by is missing
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@CELL_FORWARD.mistake(
    "missing_bias",
    "both biases are missing: a_next = tanh(Wax @ xt + Waa @ a_prev + ba) and "
    "yt_pred = softmax(Wya @ a_next + by).",
)
def without_biases(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev)  # + ba is missing
    yt_pred = softmax(parameters["Wya"] @ a_next)  # + by is missing
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@CELL_FORWARD.mistake(
    "Wax_Waa_swapped",
    "Wax and Waa are swapped. The second letter says what a matrix multiplies: Wax multiplies "
    "the input x, Waa the hidden state a. a_next = tanh(Wax @ xt + Waa @ a_prev + ba), with "
    "Wax (n_a, n_x) @ xt (n_x, m) and Waa (n_a, n_a) @ a_prev (n_a, m).",
    summary="Waa multiplies xt and Wax multiplies a_prev",
)
def weights_swapped(xt, a_prev, parameters):
    p = parameters
    a_next = np.tanh(p["Waa"] @ xt + p["Wax"] @ a_prev + p["ba"])  # Waa and Wax swapped
    return finish_step(a_next, xt, a_prev, parameters)


@CELL_FORWARD.mistake(
    "output_from_a_prev",
    "the output is computed from a_prev instead of a_next: this step's prediction reads this "
    "step's hidden state, yt_pred = softmax(Wya @ a_next + by).",
    summary="the output is softmax(Wya a_prev + by) instead of a_next",
)
def output_from_a_prev(xt, a_prev, parameters):
    a_next = next_state(xt, a_prev, parameters)
    yt_pred = softmax(parameters["Wya"] @ a_prev + parameters["by"])  # a_prev, not a_next
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@CELL_FORWARD.mistake(
    "missing_tanh",
    "tanh is missing: a_next = tanh(Wax @ xt + Waa @ a_prev + ba).",
    summary="the hidden state is Wax xt + Waa a_prev + ba, without tanh",
)
def without_tanh(xt, a_prev, parameters):
    p = parameters
    a_next = p["Wax"] @ xt + p["Waa"] @ a_prev + p["ba"]  # np.tanh is missing
    return finish_step(a_next, xt, a_prev, parameters)


# --- rnn_forward: the mistakes ---


@RNN_FORWARD.mistake(
    "starts_from_zeros",
    "the recurrence starts from zeros instead of a0: the first step's a_prev is the a0 passed "
    "in, so set a_next = a0 before the loop.",
    summary="the recurrence starts from zeros instead of a0",
)
def starts_from_zeros(x, a0, parameters):
    return rnn_forward(x, np.zeros_like(a0), parameters)  # zeros where a0 belongs


@RNN_FORWARD.mistake(
    "stores_a_prev",
    "a[:, :, t] holds a_prev, the state before step t, instead of a_next: a[:, :, 0] should be "
    "the state after the first step (a0 itself is not stored in a).",
    summary="a[:, :, t] holds a_prev (the state before step t) instead of a_next",
)
def stores_a_prev(x, a0, parameters):
    a, y_pred, caches = rnn_forward(x, a0, parameters)
    before = np.concatenate([a0[:, :, None], a[:, :, :-1]], axis=2)  # a_prev of every step
    return before, y_pred, caches


@RNN_FORWARD.mistake(
    "a0_at_every_step",
    "every step starts from a0: pass the a_next that the previous step returned to the next "
    "call of the cell, so that the state carries through time.",
    summary="every step starts from a0 instead of the previous step's a_next",
)
def a0_at_every_step(x, a0, parameters):
    steps = [rnn_cell_forward(x[:, :, t], a0, parameters) for t in range(x.shape[2])]  # a0 each
    a = np.stack([a_next for a_next, _, _ in steps], axis=2)
    y_pred = np.stack([yt_pred for _, yt_pred, _ in steps], axis=2)
    return a, y_pred, ([cache for _, _, cache in steps], x)
