"""The LSTM checkers of notebook 07: right learner functions pass, each classic mistake is named.

The learner functions here are written as a learner would, in the classic assignment's style or
with a loop over the gates, sharing no code with `rnn_core.checkers.lstm`'s mistakes. The generic
tests over every checker live in test_checkers.py; `LSTM_MADE` is read there, so that "every
mistake is made by some learner" covers the LSTM identifiers too.
"""

import inspect
import re
from typing import NamedTuple

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.checkers import (
    MISTAKES,
    CheckResult,
    check_lstm_backward,
    check_lstm_cell_backward,
    check_lstm_cell_forward,
    check_lstm_forward,
)

LSTM_CHECKERS = (
    check_lstm_cell_forward,
    check_lstm_forward,
    check_lstm_cell_backward,
    check_lstm_backward,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


# --- lstm_cell_forward: learners ---


def lstm_cell_forward_classic(xt, a_prev, c_prev, parameters, bug=None):
    """The classic assignment's cell; `bug` puts one mistake in it."""
    Wf, bf, Wi, bi = parameters["Wf"], parameters["bf"], parameters["Wi"], parameters["bi"]
    Wc, bc, Wo, bo = parameters["Wc"], parameters["bc"], parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]
    n_x, m = xt.shape
    n_a = a_prev.shape[0]
    concat = np.zeros((n_a + n_x, m))
    if bug == "x_on_top":
        concat[:n_x], concat[n_x:] = xt, a_prev
    else:
        concat[:n_a], concat[n_a:] = a_prev, xt
    if bug == "no_bf":
        bf = 0
    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = sigmoid(np.dot(Wc, concat) + bc) if bug == "sigmoid_cct" else np.tanh(Wc @ concat + bc)
    ot = sigmoid(np.dot(Wo, concat) + bo)
    if bug == "swapped":
        c_next = it * c_prev + ft * cct
    elif bug == "a_prev":
        c_next = ft * a_prev + it * cct
    else:
        c_next = ft * c_prev + it * cct
    if bug == "tanh_c_prev":
        a_next = ot * np.tanh(c_prev)
    elif bug == "no_tanh":
        a_next = ot * c_next
    else:
        a_next = ot * np.tanh(c_next)
    yt_pred = softmax(np.dot(Wy, a_next) + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    if bug == "cache_order":
        cache = (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_cell_forward_gate_loop(xt, a_prev, c_prev, parameters):
    s = np.vstack([a_prev, xt])
    act = {"f": sigmoid, "i": sigmoid, "c": np.tanh, "o": sigmoid}
    g = {k: act[k](parameters["W" + k] @ s + parameters["b" + k]) for k in "fico"}
    c_next = g["f"] * c_prev + g["i"] * g["c"]
    a_next = g["o"] * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, *g.values(), xt, parameters)


def lstm_cell_forward_in_place(xt, a_prev, c_prev, parameters):
    a_next, c_next, yt_pred, cache = lstm_cell_forward_classic(xt, a_prev, c_prev, parameters)
    c_prev[...] = c_next  # the caller's c_prev is overwritten
    return a_next, c_next, yt_pred, cache


def cell_forward_with_bug(bug):
    def function(xt, a_prev, c_prev, parameters):
        return lstm_cell_forward_classic(xt, a_prev, c_prev, parameters, bug=bug)

    function.__name__ = f"lstm_cell_forward_{bug}"
    return function


# --- lstm_forward: learners ---


def lstm_forward_classic(x, a0, parameters, bug=None):
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches = []
    a_next = np.zeros((n_a, m)) if bug == "a_zeros" else a0
    c_next = a0 if bug == "c_a0" else np.zeros((n_a, m))
    for t in range(T_x):
        if bug == "c_reset":
            c_next = np.zeros((n_a, m))
        a_next, c_next, yt, cache = rc.lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, (caches if bug == "no_x" else (caches, x))


def lstm_forward_with_lists(x, a0, parameters):
    a_list, y_list, c_list, caches = [], [], [], []
    a_next, c_next = a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_next, c_next, yt, cache = lstm_cell_forward_gate_loop(
            x[:, :, t], a_next, c_next, parameters
        )
        a_list.append(a_next)
        y_list.append(yt)
        c_list.append(c_next)
        caches.append(cache)
    return np.stack(a_list, 2), np.stack(y_list, 2), np.stack(c_list, 2), (caches, x)


def forward_with_bug(bug):
    def function(x, a0, parameters):
        return lstm_forward_classic(x, a0, parameters, bug=bug)

    function.__name__ = f"lstm_forward_{bug}"
    return function


# --- lstm_cell_backward: learners ---


def lstm_cell_backward_classic(da_next, dc_next, cache, bug=None):
    """The classic assignment's backward step; `bug` puts one mistake in it."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_x = xt.shape[0]
    n_a = a_next.shape[0]
    tc = np.tanh(c_prev) if bug == "tanh_c_prev" else np.tanh(c_next)
    if bug == "no_da_path":
        dc = dc_next
    elif bug == "no_dc_next":
        dc = ot * (1 - tc**2) * da_next
    else:
        dc = dc_next + ot * (1 - tc**2) * da_next
    dot = da_next * tc * ot * (1 - ot)
    dcct = dc * it * (1 - cct**2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    if bug == "sigmoid_of_gate":

        def d_sigmoid(g):
            return sigmoid(g) * (1 - sigmoid(g))

        dot = da_next * tc * d_sigmoid(ot)
        dit = dc * cct * d_sigmoid(it)
        dft = dc * c_prev * d_sigmoid(ft)
    if bug == "no_ft_derivative":
        dft = dc * c_prev
    if bug == "tanh_form":
        dit = dc * cct * (1 - it**2)
        dft = dc * c_prev * (1 - ft**2)
        dot = da_next * tc * (1 - ot**2)
    if bug == "dot_from_dc":
        dot = dc * tc * ot * (1 - ot)
    concat = np.concatenate((a_prev, xt), axis=0)
    grads = {}
    for name, dz in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        grads["dW" + name] = np.dot(dz, concat.T)
        grads["db" + name] = np.sum(dz, axis=1, keepdims=True)
    Wf, Wi, Wc, Wo = (parameters[k] for k in ("Wf", "Wi", "Wc", "Wo"))
    dconcat = Wf.T @ dft + Wi.T @ dit + Wc.T @ dcct + Wo.T @ dot
    if bug == "split_x_first":
        dxt, da_prev = dconcat[:n_x], dconcat[n_x:]
    else:
        da_prev, dxt = dconcat[:n_a], dconcat[n_a:]
    dc_prev = dc if bug == "dc_prev_no_ft" else dc * ft
    if bug == "dc_prev_from_dc_next":
        dc_prev = dc_next * ft
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, **grads}


def lstm_cell_backward_with_matmul(da_next, dc_next, cache):
    _, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_prev.shape[0]
    s = np.vstack([a_prev, xt])
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c * tanh_c)
    dz = {
        "f": dc * c_prev * ft * (1 - ft),
        "i": dc * cct * it * (1 - it),
        "c": dc * it * (1 - cct * cct),
        "o": da_next * tanh_c * ot * (1 - ot),
    }
    ds = sum(np.matmul(p["W" + g].T, dz[g]) for g in "fico")
    out = {"dxt": ds[n_a:], "da_prev": ds[:n_a], "dc_prev": dc * ft}
    for g in "fico":
        out["dW" + g] = np.matmul(dz[g], s.T)
        out["db" + g] = dz[g].sum(axis=1).reshape(-1, 1)
    return out


def cell_backward_with_bug(bug):
    def function(da_next, dc_next, cache):
        return lstm_cell_backward_classic(da_next, dc_next, cache, bug=bug)

    function.__name__ = f"lstm_cell_backward_{bug}"
    return function


# --- lstm_backward: learners ---


def lstm_backward_classic(da, caches, bug=None):
    caches_list, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    sums = {f"d{w}{g}": 0 for g in "fico" for w in "Wb"}
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        if bug == "in_place":
            da[:, :, t] += da_prevt
            into = da[:, :, t]
        else:
            into = da[:, :, t] + da_prevt
        dc_into = np.zeros((n_a, m)) if bug == "dc_zeros" else dc_prevt
        grads = rc.lstm_cell_backward(into, dc_into, caches_list[t])
        dx[:, :, t] = grads["dxt"]
        for key in sums:
            sums[key] = sums[key] + grads[key]
        da_prevt, dc_prevt = grads["da_prev"], grads["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **sums}


def lstm_backward_with_the_cell_of_the_test(da, caches):
    cell_caches, x = caches
    da_prev = np.zeros(da.shape[:2])
    dc_prev = np.zeros(da.shape[:2])
    dx_steps, total = [], None
    for t in range(x.shape[2] - 1, -1, -1):
        step = lstm_cell_backward_with_matmul(da[:, :, t] + da_prev, dc_prev, cell_caches[t])
        dx_steps.insert(0, step["dxt"])
        weights = {k: v for k, v in step.items() if k[:2] in ("dW", "db")}
        total = weights if total is None else {k: total[k] + weights[k] for k in total}
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
    return {"dx": np.stack(dx_steps, axis=2), "da0": da_prev, **total}


def backward_with_bug(bug):
    def function(da, caches):
        return lstm_backward_classic(da, caches, bug=bug)

    function.__name__ = f"lstm_backward_{bug}"
    return function


def lstm_backward_assigned(da, caches):
    caches_list, x = caches
    da_prevt, dc_prevt = np.zeros(da.shape[:2]), np.zeros(da.shape[:2])
    dx = np.zeros(x.shape)
    for t in reversed(range(x.shape[2])):
        grads = rc.lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches_list[t])
        dx[:, :, t] = grads["dxt"]
        weights = {k: grads[k] for k in grads if k.startswith(("dW", "db"))}  # assigned
        da_prevt, dc_prevt = grads["da_prev"], grads["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **weights}


def lstm_backward_only_da_t(da, caches):
    caches_list, x = caches
    dc_prevt = np.zeros(da.shape[:2])
    out = {"dx": np.zeros(x.shape)}
    for t in reversed(range(x.shape[2])):
        grads = rc.lstm_cell_backward(da[:, :, t], dc_prevt, caches_list[t])  # no da_prev
        out["dx"][:, :, t] = grads["dxt"]
        for k in grads:
            if k.startswith(("dW", "db")):
                out[k] = out.get(k, 0) + grads[k]
        out["da0"], dc_prevt = grads["da_prev"], grads["dc_prev"]
    return out


# --- the table: who makes which mistake, and a phrase of what the checker says ---


class Made(NamedTuple):
    checker: object
    function: object
    mistake: str | None
    phrase: str


def named(checker, function, mistake, phrase):
    return pytest.param(
        Made(checker, function, mistake, phrase), id=f"{mistake}-{function.__name__}"
    )


F, S, B, T = (
    check_lstm_cell_forward,
    check_lstm_forward,
    check_lstm_cell_backward,
    check_lstm_backward,
)
LSTM_MADE = [
    named(F, cell_forward_with_bug("x_on_top"), "stacked_in_wrong_order", "[xt; a_prev]"),
    named(F, cell_forward_with_bug("tanh_c_prev"), "tanh_of_c_prev", "tanh(c_prev)"),
    named(F, cell_forward_with_bug("no_tanh"), "missing_tanh_of_c", "not ot * c_next"),
    named(F, cell_forward_with_bug("swapped"), "forget_input_swapped", "gates are swapped"),
    named(F, cell_forward_with_bug("a_prev"), "cell_from_a_prev", "from a_prev instead of c_prev"),
    named(F, cell_forward_with_bug("sigmoid_cct"), "candidate_with_sigmoid", "with sigmoid"),
    named(F, cell_forward_with_bug("no_bf"), "gate_bias_missing", "the bias bf of the forget"),
    named(F, cell_forward_with_bug("cache_order"), "lstm_cache_wrong_form", "cache[4]"),
    named(F, lstm_cell_forward_in_place, "modifies_input", "c_prev is changed in place"),
    named(S, forward_with_bug("a_zeros"), "starts_from_zeros", "starts from zeros instead of a0"),
    named(S, forward_with_bug("c_a0"), "c0_from_a0", "the cell state starts from a0"),
    named(S, forward_with_bug("c_reset"), "c_not_carried", "not carried from step to step"),
    named(S, forward_with_bug("no_x"), "caches_wrong_form", "not a tuple of 2"),
    named(B, cell_backward_with_bug("no_da_path"), "da_path_dropped", "a_next into the cell"),
    named(B, cell_backward_with_bug("no_dc_next"), "dc_next_dropped", "dc_next is dropped"),
    named(B, cell_backward_with_bug("dc_prev_no_ft"), "dc_prev_without_ft", "dc_prev = dc: the"),
    named(
        B, cell_backward_with_bug("dc_prev_from_dc_next"), "dc_prev_from_dc_next", "dc_next * ft"
    ),
    named(B, cell_backward_with_bug("tanh_c_prev"), "tanh_of_c_prev", "uses tanh(c_prev)"),
    named(B, cell_backward_with_bug("sigmoid_of_gate"), "gate_derivative_of_gate", "sigmoid(ft)"),
    named(
        B, cell_backward_with_bug("no_ft_derivative"), "gate_derivative_missing", "ft * (1 - ft)"
    ),
    named(B, cell_backward_with_bug("tanh_form"), "gate_derivative_wrong_form", "1 - g**2"),
    named(B, cell_backward_with_bug("dot_from_dc"), "dzo_from_dc", "reads dc"),
    named(B, cell_backward_with_bug("split_x_first"), "stacked_in_wrong_order", "ds[:n_a]"),
    named(T, backward_with_bug("dc_zeros"), "dc_not_carried", "gradient highway"),
    named(T, backward_with_bug("in_place"), "modifies_input", "changes da in place"),
    named(T, lstm_backward_assigned, "not_accumulated", "instead of added up"),
    named(T, lstm_backward_only_da_t, "only_da_t", "da_prev is dropped"),
]


@pytest.mark.parametrize("made", LSTM_MADE)
def test_each_lstm_mistake_is_named_with_its_explanation(made):
    result = made.checker(made.function)
    assert isinstance(result, CheckResult)
    assert not result.passed, result.message
    assert result.mistake == made.mistake, result.message
    assert made.phrase in result.message, result.message
    assert result.mistake in dict(MISTAKES)
    shown = str(result)
    assert shown.split() == result.message.split()
    for line in shown.splitlines():
        assert len(line) <= 88 or " " not in line.strip(), line


RIGHT = [
    (F, lstm_cell_forward_classic),
    (F, lstm_cell_forward_gate_loop),
    (S, lstm_forward_classic),
    (S, lstm_forward_with_lists),
    (B, lstm_cell_backward_classic),
    (B, lstm_cell_backward_with_matmul),
    (T, lstm_backward_classic),
    (T, lstm_backward_with_the_cell_of_the_test),
]


@pytest.mark.parametrize("checker, function", RIGHT, ids=lambda f: f.__name__)
@pytest.mark.parametrize("seed, cases", [(0, None), (7, 6)])
def test_a_right_lstm_function_passes(checker, function, seed, cases):
    options = {} if cases is None else {"cases": cases}
    result = checker(function, seed=seed, **options)
    assert result.passed, result.message
    assert result.mistake is None
    assert result.message.startswith(f"{result.name}: matches ")


def test_every_lstm_checker_has_two_right_functions():
    assert all(sum(checker is c for c, _ in RIGHT) >= 2 for checker in LSTM_CHECKERS)


def test_the_lstm_checkers_have_the_same_keyword_arguments():
    for checker in LSTM_CHECKERS:
        parameters = inspect.signature(checker).parameters
        assert list(parameters) == [
            "fn",
            "seed",
            "cases",
            "time_limit",
            "loops_allowed",
            "max_products_in_loop",
        ]
        assert parameters["time_limit"].default == 5.0
        assert checker.__module__ == "rnn_core.checkers"


@pytest.mark.parametrize("checker", LSTM_CHECKERS, ids=lambda checker: checker.__name__)
def test_a_stub_and_a_bad_seed(checker):
    def stub(*args):
        raise NotImplementedError

    assert checker(stub).mistake == "not_implemented"
    with pytest.raises(ValueError, match=re.escape("seed must be an int >= 0")):
        checker(stub, seed=-1)


def test_the_stacking_mistake_is_named_where_every_size_is_equal_too():
    result = check_lstm_cell_forward(cell_forward_with_bug("x_on_top"), cases=2)
    assert result.mistake == "stacked_in_wrong_order"
    assert "case 1 of 2 (n_x=3, n_a=5, n_y=4, m=2)" in result.message
