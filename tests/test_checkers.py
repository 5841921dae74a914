"""The exercise checkers: right functions pass, classic mistakes are named, bugs never escape.

Every function a checker is fed here is written the way a learner would write it, in plain numpy
with loops and np.dot (as the seed notebook did), independently of rnn_core and of the buggy
versions that rnn_core.checkers keeps to recognise mistakes. Each buggy version differs from the
correct one by the one mistake named next to it.
"""

import re

import numpy as np
import pytest

import rnn_core
from rnn_core.checkers import (
    MISTAKES,
    CheckResult,
    check_cross_entropy_loss,
    check_numerical_gradient,
    check_output_layer_backward,
    check_rnn_backward,
    check_rnn_cell_backward,
    check_rnn_cell_forward,
    check_rnn_forward,
    check_softmax,
)

# --- softmax ---


def learner_softmax(z):
    n_y, m = z.shape
    probabilities = np.zeros((n_y, m))
    for i in range(m):
        column = z[:, i]
        e = np.exp(column - np.max(column))
        probabilities[:, i] = e / np.sum(e)
    return probabilities


def softmax_over_rows(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def softmax_over_everything(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def softmax_row_max(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=0)


def softmax_seed(x):  # the seed notebook's softmax, verbatim
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)


def softmax_without_max(z):
    e = np.exp(z)
    return e / np.sum(e, axis=0)


def softmax_in_place(z):
    z -= np.max(z, axis=0)
    np.exp(z, out=z)
    z /= np.sum(z, axis=0)
    return z


# --- rnn_cell_forward ---


def learner_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba)
    yt_pred = learner_softmax(np.dot(Wya, a_next) + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def cell_forward_softmax_over_rows(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + parameters["ba"])
    yt_pred = softmax_over_rows(np.dot(Wya, a_next) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def cell_forward_without_ba(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev))
    yt_pred = learner_softmax(np.dot(Wya, a_next) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def cell_forward_swapped(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    a_next = np.tanh(np.dot(Waa, xt) + np.dot(Wax, a_prev) + parameters["ba"])
    yt_pred = learner_softmax(np.dot(Wya, a_next) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def cell_forward_output_from_a_prev(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + parameters["ba"])
    yt_pred = learner_softmax(np.dot(Wya, a_prev) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def cell_forward_without_tanh(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    a_next = np.dot(Wax, xt) + np.dot(Waa, a_prev) + parameters["ba"]
    yt_pred = learner_softmax(np.dot(Wya, a_next) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def cell_forward_cache_in_other_order(xt, a_prev, parameters):
    a_next, yt_pred, _ = learner_cell_forward(xt, a_prev, parameters)
    return a_next, yt_pred, (a_next, xt, a_prev, parameters)


def cell_forward_two_outputs(xt, a_prev, parameters):
    a_next, yt_pred, _ = learner_cell_forward(xt, a_prev, parameters)
    return a_next, yt_pred


# --- rnn_forward ---


def learner_rnn_forward(x, a0, parameters, start="a0", store="a_next", caches_as="tuple"):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0 if start == "a0" else np.zeros((n_a, m))
    for t in range(T_x):
        a_prev = a0 if start == "a0 every step" else a_next
        a_next, yt_pred, cache = learner_cell_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t] = a_next if store == "a_next" else a_prev
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    if caches_as == "list only":
        return a, y_pred, caches
    return a, y_pred, (caches, x)


def rnn_forward_from_zeros(x, a0, parameters):
    return learner_rnn_forward(x, a0, parameters, start="zeros")


def rnn_forward_storing_a_prev(x, a0, parameters):
    return learner_rnn_forward(x, a0, parameters, store="a_prev")


def rnn_forward_a0_every_step(x, a0, parameters):
    return learner_rnn_forward(x, a0, parameters, start="a0 every step")


def rnn_forward_caches_without_x(x, a0, parameters):
    return learner_rnn_forward(x, a0, parameters, caches_as="list only")


# --- rnn_cell_backward (the seed's style: np.dot, keepdims=1) ---


def learner_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dtanh = (1 - a_next**2) * da_next
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=1)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def cell_backward_with_dtanh(dtanh_of):
    """The learner's cell backward with dtanh = dtanh_of(a_next, da_next) instead of its line."""

    def cell_backward(da_next, cache):
        (a_next, a_prev, xt, parameters) = cache
        dtanh = dtanh_of(a_next, da_next)
        return {
            "dxt": np.dot(parameters["Wax"].T, dtanh),
            "da_prev": np.dot(parameters["Waa"].T, dtanh),
            "dWax": np.dot(dtanh, xt.T),
            "dWaa": np.dot(dtanh, a_prev.T),
            "dba": np.sum(dtanh, axis=1, keepdims=True),
        }

    return cell_backward


def cell_backward_with_line(name, line):
    """The learner's cell backward with the line for `name` written as line(dtanh, ...)."""

    def cell_backward(da_next, cache):
        (a_next, a_prev, xt, parameters) = cache
        gradients = learner_cell_backward(da_next, cache)
        dtanh = (1 - a_next**2) * da_next
        gradients[name] = line(dtanh, parameters["Wax"], parameters["Waa"], xt, a_prev, a_next)
        return gradients

    return cell_backward


def cell_backward_dWaa_from_a_next(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": np.dot(parameters["Wax"].T, dtanh),
        "da_prev": np.dot(parameters["Waa"].T, dtanh),
        "dWax": np.dot(dtanh, xt.T),
        "dWaa": np.dot(dtanh, a_next.T),
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


def cell_backward_missing_transpose_with_matmul(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dz = (1 - a_next**2) * da_next
    dxt = parameters["Wax"] @ dz
    return {
        "dxt": dxt,
        "da_prev": parameters["Waa"].T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": dz.sum(axis=1, keepdims=True),
    }


CELL_BACKWARD_BUGS = [
    (cell_backward_with_dtanh(lambda a_next, da_next: da_next), "missing_tanh_derivative"),
    (
        cell_backward_with_dtanh(lambda a_next, da_next: (1 - a_next) * da_next),
        "tanh_derivative_not_squared",
    ),
    (
        cell_backward_with_dtanh(lambda a_next, da_next: (1 - np.tanh(a_next) ** 2) * da_next),
        "tanh_applied_twice",
    ),
    (
        cell_backward_with_line("dxt", lambda dtanh, Wax, Waa, *_: np.dot(Waa.T, dtanh)),
        "dxt_uses_Waa",
    ),
    (
        cell_backward_with_line("dxt", lambda dtanh, Wax, Waa, *_: np.dot(Wax, dtanh)),
        "missing_transpose",
    ),
    (
        cell_backward_with_line("da_prev", lambda dtanh, Wax, Waa, *_: np.dot(Waa, dtanh)),
        "missing_transpose",
    ),
    (
        cell_backward_with_line("dWax", lambda dtanh, Wax, Waa, xt, *_: np.dot(dtanh, xt)),
        "missing_transpose",
    ),
    (
        cell_backward_with_line("dWax", lambda dtanh, Wax, Waa, xt, *_: np.dot(xt, dtanh.T)),
        "missing_transpose",
    ),
    (
        cell_backward_with_line("dba", lambda dtanh, *_: np.sum(dtanh, axis=0, keepdims=True)),
        "dba_wrong_axis",
    ),
    (
        cell_backward_with_line("dba", lambda dtanh, *_: np.sum(dtanh, axis=0).reshape(-1, 1)),
        "dba_wrong_axis",
    ),
    (cell_backward_with_line("dba", lambda dtanh, *_: np.sum(dtanh, axis=1)), "dba_no_keepdims"),
]


# --- rnn_backward ---


def learner_rnn_backward(da, caches, mode="correct"):
    (cell_caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        if mode == "only da_prev":
            da_next = da_prevt
        elif mode == "only da_t":
            da_next = da[:, :, t]
        elif mode == "in place":
            da[:, :, t] += da_prevt
            da_next = da[:, :, t]
        else:
            da_next = da[:, :, t] + da_prevt
        gradients = learner_cell_backward(da_next, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        if mode == "assigned":
            dWax, dWaa, dba = gradients["dWax"], gradients["dWaa"], gradients["dba"]
        else:
            dWax += gradients["dWax"]
            dWaa += gradients["dWaa"]
            dba += gradients["dba"]
        da_prevt = gradients["da_prev"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}


RNN_BACKWARD_BUGS = [
    ("only da_prev", "only_da_prev"),
    ("only da_t", "only_da_t"),
    ("in place", "modifies_input"),
    ("assigned", "not_accumulated"),
]


# --- cross_entropy_loss ---


def learner_loss(y_pred, y, divide_by="m", sign=-1, index="right"):
    n_y, m, T_x = y_pred.shape
    total = 0.0
    for i in range(m):
        for t in range(T_x):
            if index == "right":
                total += np.log(y_pred[y[i, t], i, t])
            else:
                total += np.log(y_pred[i, y[i, t], t])
    divisor = {"m": m, "T_x": T_x, "m*T_x": m * T_x, "nothing": 1}[divide_by]
    return sign * total / divisor


LOSS_BUGS = [
    ({"divide_by": "T_x"}, "averaged_over_time"),
    ({"divide_by": "m*T_x"}, "averaged_over_time_and_batch"),
    ({"divide_by": "nothing"}, "not_averaged"),
    ({"index": "class on the batch axis"}, "labels_wrong_axis"),
    ({"sign": 1}, "missing_minus_sign"),
]


def loss_with_np_mean(y_pred, y):
    m, T_x = y.shape
    p = y_pred[y, np.arange(m)[:, None], np.arange(T_x)]
    return -np.mean(np.log(p))


# --- output_layer_backward ---


def learner_output_backward(y_pred, y, a, parameters, bug=None):
    Wya = parameters["Wya"]
    n_y, m, T_x = y_pred.shape
    n_a = a.shape[0]
    dWya = np.zeros((n_y, n_a))
    dby = np.zeros((n_y, 1))
    da = np.zeros((n_a, m, T_x))
    for t in range(T_x):
        dlogits = y_pred[:, :, t] if bug == "no copy" else y_pred[:, :, t].copy()
        if bug != "no one-hot":
            for i in range(m):
                dlogits[y[i, t], i] -= 1
        if bug != "no 1/m":
            dlogits /= m
        if bug == "assigned":
            dWya = np.dot(dlogits, a[:, :, t].T)
            dby = np.sum(dlogits, axis=1, keepdims=True)
        else:
            dWya += np.dot(dlogits, a[:, :, t].T)
            dby += np.sum(dlogits, axis=1, keepdims=True)
        da[:, :, t] = np.dot(Wya, dlogits) if bug == "Wya" else np.dot(Wya.T, dlogits)
    return {"dWya": dWya, "dby": dby, "da": da}


def output_backward_dby_per_step(y_pred, y, a, parameters):
    n_y, m, T_x = y_pred.shape
    n_a = a.shape[0]
    dlogits = y_pred.copy()
    dlogits[y, np.arange(m)[:, None], np.arange(T_x)] -= 1
    dlogits = dlogits / m
    dlogits_2d = dlogits.reshape(n_y, m * T_x)
    dWya = dlogits_2d @ a.reshape(n_a, m * T_x).T
    dby = np.sum(dlogits, axis=1, keepdims=True)  # summed over the batch only: (n_y, 1, T_x)
    da = (parameters["Wya"].T @ dlogits_2d).reshape(n_a, m, T_x)
    return {"dWya": dWya, "dby": dby, "da": da}


def output_backward_dby_flat(y_pred, y, a, parameters):
    gradients = learner_output_backward(y_pred, y, a, parameters)
    n_y, m, T_x = y_pred.shape
    dlogits = y_pred.copy()
    dlogits[y, np.arange(m)[:, None], np.arange(T_x)] -= 1
    gradients["dby"] = np.sum(dlogits / m, axis=(1, 2))  # (n_y,)
    return gradients


OUTPUT_BACKWARD_BUGS = [
    (dict(bug="no 1/m"), "forgot_divide_by_m"),
    (dict(bug="no one-hot"), "missing_one_hot"),
    (dict(bug="Wya"), "missing_transpose"),
    (dict(bug="assigned"), "not_accumulated"),
    (dict(bug="no copy"), "modifies_input"),
]


# --- numerical_gradient ---


def learner_numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)  # a copy: the caller's x never moves
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old_value = x[index]
        x[index] = old_value + h
        f_plus = f(x)
        x[index] = old_value - h
        f_minus = f(x)
        x[index] = old_value
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradient_one_sided(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    gradient = np.zeros_like(x)
    f_x = f(x)
    for index in np.ndindex(x.shape):
        old_value = x[index]
        x[index] = old_value + h
        gradient[index] = (f(x) - f_x) / h
        x[index] = old_value
    return gradient


def numerical_gradient_float32(f, x, h=1e-5):
    x = np.array(x, dtype=np.float32)
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old_value = x[index]
        x[index] = old_value + h
        f_plus = f(x)
        x[index] = old_value - h
        f_minus = f(x)
        x[index] = old_value
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradient_fixed_step(f, x, h=1e-5):
    return learner_numerical_gradient(f, x, h=1e-2)


def numerical_gradient_not_restored(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        f_plus = f(x)
        x[index] -= 2 * h
        f_minus = f(x)
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradient_over_h(f, x, h=1e-5):
    return 2 * learner_numerical_gradient(f, x, h)


def numerical_gradient_on_callers_x(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)  # no copy for a float64 array: this is the caller's x
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old_value = x[index]
        x[index] = old_value + h
        f_plus = f(x)
        x[index] = old_value - h
        f_minus = f(x)
        x[index] = old_value
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradient_not_restored_in_place(f, x, h=1e-5):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        f_plus = f(x)
        x[index] -= 2 * h
        gradient[index] = (f_plus - f(x)) / (2 * h)
    return gradient


# --- the table of everything ---

CHECKERS = {
    "softmax": (check_softmax, rnn_core.softmax, learner_softmax),
    "rnn_cell_forward": (check_rnn_cell_forward, rnn_core.rnn_cell_forward, learner_cell_forward),
    "rnn_forward": (check_rnn_forward, rnn_core.rnn_forward, learner_rnn_forward),
    "rnn_cell_backward": (
        check_rnn_cell_backward,
        rnn_core.rnn_cell_backward,
        learner_cell_backward,
    ),
    "rnn_backward": (check_rnn_backward, rnn_core.rnn_backward, learner_rnn_backward),
    "cross_entropy_loss": (check_cross_entropy_loss, rnn_core.cross_entropy_loss, learner_loss),
    "output_layer_backward": (
        check_output_layer_backward,
        rnn_core.output_layer_backward,
        learner_output_backward,
    ),
    "numerical_gradient": (
        check_numerical_gradient,
        rnn_core.numerical_gradient,
        learner_numerical_gradient,
    ),
}


def with_bug(function, **bug):
    return lambda *args: function(*args, **bug)


BUGS = [
    (check_softmax, softmax_over_rows, "softmax_wrong_axis"),
    (check_softmax, softmax_over_everything, "softmax_wrong_axis"),
    (check_softmax, softmax_row_max, "softmax_max_wrong_axis"),
    (check_softmax, softmax_seed, "softmax_one_max"),
    (check_softmax, softmax_without_max, "softmax_no_max"),
    (check_softmax, softmax_in_place, "modifies_input"),
    (check_rnn_cell_forward, cell_forward_softmax_over_rows, "softmax_wrong_axis"),
    (check_rnn_cell_forward, cell_forward_without_ba, "missing_bias"),
    (check_rnn_cell_forward, cell_forward_swapped, "Wax_Waa_swapped"),
    (check_rnn_cell_forward, cell_forward_output_from_a_prev, "output_from_a_prev"),
    (check_rnn_cell_forward, cell_forward_without_tanh, "missing_tanh"),
    (check_rnn_cell_forward, cell_forward_cache_in_other_order, "cache_wrong_form"),
    (check_rnn_cell_forward, cell_forward_two_outputs, "wrong_return_type"),
    (check_rnn_forward, rnn_forward_from_zeros, "starts_from_zeros"),
    (check_rnn_forward, rnn_forward_storing_a_prev, "stores_a_prev"),
    (check_rnn_forward, rnn_forward_a0_every_step, "a0_at_every_step"),
    (check_rnn_forward, rnn_forward_caches_without_x, "caches_wrong_form"),
    (check_rnn_cell_backward, cell_backward_dWaa_from_a_next, "dWaa_from_a_next"),
    (check_rnn_cell_backward, cell_backward_missing_transpose_with_matmul, "missing_transpose"),
    *((check_rnn_cell_backward, function, mistake) for function, mistake in CELL_BACKWARD_BUGS),
    *(
        (check_rnn_backward, with_bug(learner_rnn_backward, mode=mode), mistake)
        for mode, mistake in RNN_BACKWARD_BUGS
    ),
    *((check_cross_entropy_loss, with_bug(learner_loss, **bug), m) for bug, m in LOSS_BUGS),
    (check_cross_entropy_loss, loss_with_np_mean, "averaged_over_time_and_batch"),
    *(
        (check_output_layer_backward, with_bug(learner_output_backward, **bug), mistake)
        for bug, mistake in OUTPUT_BACKWARD_BUGS
    ),
    (check_output_layer_backward, output_backward_dby_per_step, "dby_not_summed"),
    (check_output_layer_backward, output_backward_dby_flat, "dby_no_keepdims"),
    (check_numerical_gradient, numerical_gradient_one_sided, "one_sided_difference"),
    (check_numerical_gradient, numerical_gradient_float32, "computed_in_float32"),
    (check_numerical_gradient, numerical_gradient_fixed_step, "huge_h"),
    (check_numerical_gradient, numerical_gradient_not_restored, "not_restored"),
    (check_numerical_gradient, numerical_gradient_not_restored_in_place, "not_restored"),
    (check_numerical_gradient, numerical_gradient_over_h, "divided_by_h"),
    (check_numerical_gradient, numerical_gradient_on_callers_x, "modifies_input"),
]


def bug_id(bug):
    checker, function, mistake = bug
    return f"{checker.__name__}-{mistake}"


# --- (1) the reference passes, (2) a learner's correct version passes ---


@pytest.mark.parametrize("name", CHECKERS)
def test_the_reference_passes(name):
    checker, reference, _ = CHECKERS[name]
    result = checker(reference)
    assert result.passed, result.message
    assert result.mistake is None
    assert result.name == name
    tolerance = "1e-7" if name == "numerical_gradient" else "1e-10"
    assert result.message.startswith(f"{name}: matches ")
    assert f"tolerance {tolerance})." in result.message


@pytest.mark.parametrize("name", CHECKERS)
def test_a_learners_correct_version_passes(name):
    checker, _, learner = CHECKERS[name]
    result = checker(learner)
    assert result.passed, result.message
    assert re.search(r"max relative error [0-9.e-]+, tolerance", result.message)


@pytest.mark.parametrize("name", CHECKERS)
def test_other_seeds_and_case_counts_pass_too(name):
    checker, _, learner = CHECKERS[name]
    result = checker(learner, seed=7, cases=6)
    assert result.passed, result.message
    assert result.cases >= 6


# --- (3) every named mistake is recognised ---


@pytest.mark.parametrize("bug", BUGS, ids=bug_id)
def test_each_classic_mistake_is_named(bug):
    checker, function, mistake = bug
    result = checker(function)
    assert not result.passed
    assert result.mistake == mistake, result.message
    assert mistake in dict(MISTAKES)
    assert "Likely mistake:" in result.message or mistake == "wrong_return_type"


def test_the_message_names_the_output_the_error_and_the_cause():
    result = check_rnn_cell_backward(cell_backward_dWaa_from_a_next)
    first, second = result.message.split("\n")[:2]
    assert re.fullmatch(
        r"rnn_cell_backward: dWaa is wrong on case 1 of 20 "
        r"\(relative error [0-9.e-]+, tolerance 1e-10\)\.",
        first,
    )
    assert second.startswith("Likely mistake: dWaa computed from a_next instead of a_prev.")
    assert "dWaa = dz @ a_prev.T" in result.message


def test_a_mistake_hidden_behind_a_shape_error_is_found_where_the_shapes_fit():
    """np.dot(Wax, dtanh) raises where n_a != n_x; the all-equal case shows which mistake it is."""
    function = cell_backward_with_line("dxt", lambda dtanh, Wax, *_: np.dot(Wax, dtanh))
    result = check_rnn_cell_backward(function)
    assert result.mistake == "missing_transpose"
    assert "raised an exception on case 1 of 20" in result.message
    assert "ValueError: shapes (5,3) and (5,2) not aligned" in result.message
    assert "Recognised on case 2 of 20" in result.message


def test_one_max_for_the_batch_is_caught_on_the_far_apart_columns():
    result = check_softmax(softmax_seed)
    assert "case 21 of 22" in result.message
    assert "z = [[1000, 0], [1001, 1]]" in result.message
    assert "contains nan or inf (2 of 4 entries)" in result.message


def test_da_modified_in_place_is_reported_although_every_value_is_right():
    result = check_rnn_backward(with_bug(learner_rnn_backward, mode="in place"))
    assert result.message.startswith(
        "rnn_backward: the values match rnn_core, but the function changes its argument da in place"
    )


def test_huge_h_and_float32_state_the_error_against_the_analytic_gradient():
    huge = check_numerical_gradient(numerical_gradient_fixed_step)
    assert re.match(
        r"numerical_gradient: the gradient is wrong on case 1 of 10 "
        r"\(relative error [0-9.e-]+, tolerance 1e-7\)\.",
        huge.message,
    )
    assert "the step is 0.01 whatever h is passed" in huge.message
    float32 = check_numerical_gradient(numerical_gradient_float32)
    assert "Likely mistake: computed in float32" in float32.message


# --- (4) a function that raises is reported, never propagated ---


def raises_key_error(*args):
    parameters = {}
    return parameters["Wax"]


def not_implemented(*args):
    raise NotImplementedError("write your function here")


@pytest.mark.parametrize("name", CHECKERS)
def test_an_exception_is_reported_with_its_line(name):
    checker = CHECKERS[name][0]
    result = checker(raises_key_error)
    assert not result.passed
    assert result.mistake == "raises_exception"
    assert "raised an exception on case 1 of" in result.message
    assert "KeyError: 'Wax'" in result.message
    assert 'in the line: return parameters["Wax"]' in result.message
    assert "Hint: a dict has no key 'Wax'" in result.message


@pytest.mark.parametrize("name", CHECKERS)
def test_a_stub_is_reported_as_not_implemented(name):
    result = CHECKERS[name][0](not_implemented)
    assert result.mistake == "not_implemented"
    assert result.message == (
        f"{name}: not implemented yet (your function raised NotImplementedError: write your "
        "function here). Write its body and run the cell again."
    )


def test_a_shape_error_gets_a_hint_about_transposes():
    def cell_backward_all_wrong(da_next, cache):
        (a_next, a_prev, xt, parameters) = cache
        return {"dxt": np.dot(xt, parameters["Wax"])}

    result = check_rnn_cell_backward(cell_backward_all_wrong)
    assert result.mistake == "raises_exception"
    assert "Hint: a shape error" in result.message


def test_a_function_that_is_not_callable_is_a_type_error():
    with pytest.raises(TypeError, match="pass your function itself"):
        check_softmax(learner_softmax(np.zeros((2, 2))))
    with pytest.raises(ValueError, match="cases must be a whole number >= 1"):
        check_softmax(learner_softmax, cases=0)


# --- (5) a failing message states the measured error and the tolerance ---

VALUE_BUGS = [
    (check_softmax, softmax_over_rows, "1e-10"),
    (check_rnn_cell_forward, cell_forward_without_ba, "1e-10"),
    (check_rnn_forward, rnn_forward_from_zeros, "1e-10"),
    (check_rnn_cell_backward, cell_backward_dWaa_from_a_next, "1e-10"),
    (check_rnn_backward, with_bug(learner_rnn_backward, mode="assigned"), "1e-10"),
    (check_cross_entropy_loss, with_bug(learner_loss, divide_by="T_x"), "1e-10"),
    (check_output_layer_backward, with_bug(learner_output_backward, bug="no 1/m"), "1e-10"),
    (check_numerical_gradient, numerical_gradient_one_sided, "1e-7"),
]


@pytest.mark.parametrize("checker, function, tolerance", VALUE_BUGS)
def test_a_failing_message_states_the_error_and_the_tolerance(checker, function, tolerance):
    result = checker(function)
    errors = re.findall(r"relative error ([0-9.e+-]+)", result.message)
    assert errors, result.message
    assert all(float(error) > float(tolerance) for error in errors)
    assert f"tolerance {tolerance}" in result.message


# --- the result itself ---


def test_the_result_prints_as_its_message_and_is_reproducible():
    result = check_rnn_cell_forward(cell_forward_swapped)
    assert isinstance(result, CheckResult)
    assert str(result) == repr(result) == result.message
    assert check_rnn_cell_forward(cell_forward_swapped) == result
    assert not re.search(r"0x[0-9a-f]{6,}", result.message)


def test_every_mistake_has_one_entry():
    identifiers = [identifier for identifier, _ in MISTAKES]
    assert len(identifiers) == len(set(identifiers))
    assert all(description and "\n" not in description for _, description in MISTAKES)
    named_in_tests = {mistake for _, _, mistake in BUGS}
    assert named_in_tests <= set(identifiers)
    untested = set(identifiers) - named_in_tests - {"raises_exception", "not_implemented"}
    assert not untested
