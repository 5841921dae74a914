"""The exercise checkers, fed functions written the way a learner writes them.

Every function below is a learner's: plain numpy, with loops, np.dot or @, written without rnn_core
and without the mistake functions that rnn_core.checkers keeps. The correct ones (at least two of
different styles per checker) must pass. Each wrong one differs from a correct one by one mistake,
and the checker must name that mistake: its identifier and a phrase of its message, in one table
(`MADE`) that also covers the verdicts every checker shares (stubs, exceptions, odd return values,
functions that never return, the rules on loops). The regressions for defects of earlier versions
of the checkers are marked as such.
"""

import functools
import inspect
import re
import signal
import sys
import time
from typing import NamedTuple

import numpy as np
import pytest
from test_checkers_lstm import LSTM_MADE

import rnn_core as rc
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

CHECKERS = (
    check_softmax,
    check_rnn_cell_forward,
    check_rnn_forward,
    check_rnn_cell_backward,
    check_rnn_backward,
    check_cross_entropy_loss,
    check_output_layer_backward,
    check_numerical_gradient,
)


# --- softmax: right ---


def softmax_column_by_column(z):
    n_y, m = z.shape
    probabilities = np.zeros((n_y, m))
    for i in range(m):
        column = z[:, i]
        e = np.exp(column - np.max(column))
        probabilities[:, i] = e / np.sum(e)
    return probabilities


def softmax_with_keepdims(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_from_logsumexp(z):
    top = np.max(z, axis=0)
    log_sum = top + np.log(np.sum(np.exp(z - top), axis=0))
    return np.exp(z - log_sum)


def softmax_in_place_on_a_copy(z):
    p = np.array(z, dtype=float)  # my own copy: changing it in place is fine
    p -= p.max(axis=0)
    np.exp(p, out=p)
    p /= p.sum(axis=0)
    return p


# --- softmax: wrong ---


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


def softmax_minus_min(z):
    e = np.exp(z - np.min(z, axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_minus_mean(z):
    e = np.exp(z - z.mean(axis=0))
    return e / e.sum(axis=0)


def softmax_minus_first_entry(z):
    e = np.exp(z - z[0])
    return e / e.sum(axis=0)


def softmax_in_place(z):
    z -= np.max(z, axis=0)
    np.exp(z, out=z)
    z /= np.sum(z, axis=0)
    return z


# --- rnn_cell_forward: right ---


def cell_forward_with_dot(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba)
    yt_pred = softmax_column_by_column(np.dot(Wya, a_next) + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def cell_forward_stacked(xt, a_prev, parameters):
    """[Waa | Wax] @ [a_prev; xt]: one product for both inputs."""
    W = np.hstack([parameters["Waa"], parameters["Wax"]])  # (n_a, n_a + n_x)
    stacked = np.vstack([a_prev, xt])  # (n_a + n_x, m)
    a_next = np.tanh(W @ stacked + parameters["ba"])
    logits = np.einsum("ya,am->ym", parameters["Wya"], a_next) + parameters["by"]
    return [a_next, softmax_with_keepdims(logits), (a_next, a_prev, xt, parameters)]


# --- rnn_cell_forward: wrong ---


def cell_forward_with(a_next_of, output_of):
    """The learner's step with a_next = a_next_of(p, xt, a_prev) and the output from
    output_of(p, a_next, a_prev)."""

    def cell_forward(xt, a_prev, parameters):
        a_next = a_next_of(parameters, xt, a_prev)
        yt_pred = output_of(parameters, a_next, a_prev)
        return a_next, yt_pred, (a_next, a_prev, xt, parameters)

    return cell_forward


def right_state(p, xt, a_prev):
    return np.tanh(np.dot(p["Wax"], xt) + np.dot(p["Waa"], a_prev) + p["ba"])


def right_output(p, a_next, a_prev):
    return softmax_with_keepdims(np.dot(p["Wya"], a_next) + p["by"])


cell_forward_rows = cell_forward_with(
    right_state, lambda p, a, _: softmax_over_rows(np.dot(p["Wya"], a) + p["by"])
)
cell_forward_without_ba = cell_forward_with(
    lambda p, xt, a_prev: np.tanh(np.dot(p["Wax"], xt) + np.dot(p["Waa"], a_prev)), right_output
)
cell_forward_without_by = cell_forward_with(
    right_state, lambda p, a, _: softmax_with_keepdims(np.dot(p["Wya"], a))
)
cell_forward_swapped = cell_forward_with(
    lambda p, xt, a_prev: np.tanh(np.dot(p["Waa"], xt) + np.dot(p["Wax"], a_prev) + p["ba"]),
    right_output,
)
cell_forward_output_from_a_prev = cell_forward_with(
    right_state, lambda p, a_next, a_prev: right_output(p, a_prev, None)
)
cell_forward_without_tanh = cell_forward_with(
    lambda p, xt, a_prev: np.dot(p["Wax"], xt) + np.dot(p["Waa"], a_prev) + p["ba"], right_output
)


def cell_forward_cache_in_other_order(xt, a_prev, parameters):
    a_next, yt_pred, _ = cell_forward_with_dot(xt, a_prev, parameters)
    return a_next, yt_pred, (a_next, xt, a_prev, parameters)


def cell_forward_two_outputs(xt, a_prev, parameters):
    a_next, yt_pred, _ = cell_forward_with_dot(xt, a_prev, parameters)
    return a_next, yt_pred


def cell_forward_into_a_prev(xt, a_prev, parameters):
    a_next, yt_pred, _ = cell_forward_with_dot(xt, a_prev, parameters)
    a_prev[:] = a_next  # "keep the state for the next step": the caller's array
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


# --- rnn_forward: right ---


def rnn_forward_loop(x, a0, parameters, start=None, store_before=False, caches_as_list=False):
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0 if start is None else start(a0)
    for t in range(T_x):
        a_before = a_next
        a_next, yt_pred, cache = cell_forward_with_dot(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_before if store_before else a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return (a, y_pred, caches) if caches_as_list else (a, y_pred, (caches, x))


def rnn_forward_with_lists(x, a0, parameters):
    states, predictions, caches = [], [], []
    a_t = a0
    for t in range(x.shape[2]):
        a_t, y_t, cache = cell_forward_stacked(x[..., t], a_t, parameters)
        states.append(a_t)
        predictions.append(y_t)
        caches.append(cache)
    return np.stack(states, axis=-1), np.stack(predictions, axis=-1), (caches, x)


# --- rnn_forward: wrong ---


def rnn_forward_from_zeros(x, a0, parameters):
    return rnn_forward_loop(x, a0, parameters, start=np.zeros_like)


def rnn_forward_storing_a_prev(x, a0, parameters):
    return rnn_forward_loop(x, a0, parameters, store_before=True)


def rnn_forward_a0_every_step(x, a0, parameters):
    a, y_pred, caches = [], [], []
    for t in range(x.shape[2]):
        a_next, yt_pred, cache = cell_forward_with_dot(x[:, :, t], a0, parameters)
        a.append(a_next)
        y_pred.append(yt_pred)
        caches.append(cache)
    return np.stack(a, axis=2), np.stack(y_pred, axis=2), (caches, x)


def rnn_forward_caches_without_x(x, a0, parameters):
    return rnn_forward_loop(x, a0, parameters, caches_as_list=True)


# --- rnn_cell_backward: right (the seed's style: np.dot, keepdims=1) ---


def cell_backward_seed_style(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dtanh = (1 - a_next**2) * da_next
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=1)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def cell_backward_with_matmul(da_next, cache):
    a_next, a_prev, xt, p = cache
    dz = da_next * (1 - np.tanh(np.arctanh(a_next)) ** 2)  # tanh'(z), written from z
    return {
        "dba": dz.sum(axis=1)[:, None],
        "dWaa": dz @ a_prev.T,
        "dWax": np.einsum("am,xm->ax", dz, xt),
        "da_prev": p["Waa"].T @ dz,
        "dxt": p["Wax"].T @ dz,
    }


# --- rnn_cell_backward: wrong ---


def gradients_from(dtanh, cache):
    """My five gradients from dtanh, as in cell_backward_seed_style."""
    (_, a_prev, xt, parameters) = cache
    return {
        "dxt": np.dot(parameters["Wax"].T, dtanh),
        "da_prev": np.dot(parameters["Waa"].T, dtanh),
        "dWax": np.dot(dtanh, xt.T),
        "dWaa": np.dot(dtanh, a_prev.T),
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


def cell_backward_with_dtanh(dtanh_of):
    """My cell backward with dtanh = dtanh_of(a_next, da_next) instead of its line."""
    return lambda da_next, cache: gradients_from(dtanh_of(cache[0], da_next), cache)


def cell_backward_with_line(name, line):
    """My cell backward with the line for `name` written as line(dtanh, p, a_next, a_prev, xt)."""

    def cell_backward(da_next, cache):
        (a_next, a_prev, xt, parameters) = cache
        dtanh = (1 - a_next**2) * da_next
        gradients = gradients_from(dtanh, cache)
        gradients[name] = line(dtanh, parameters, a_next, a_prev, xt)
        return gradients

    return cell_backward


def cell_backward_dxt_matmul_without_transpose(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dz = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"] @ dz,
        "da_prev": parameters["Waa"].T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": dz.sum(axis=1, keepdims=True),
    }


# --- rnn_backward: right ---


def rnn_backward_loop(da, caches, into_step=None, assigned=False, store_dx=True, keep_da0=True):
    (cell_caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da0 = np.zeros((n_a, m))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        da_next = da[:, :, t] + da_prevt if into_step is None else into_step(da, t, da_prevt)
        gradients = cell_backward_seed_style(da_next, cell_caches[t])
        if store_dx:
            dx[:, :, t] = gradients["dxt"]
        if assigned:
            dWax, dWaa, dba = gradients["dWax"], gradients["dWaa"], gradients["dba"]
        else:
            dWax += gradients["dWax"]
            dWaa += gradients["dWaa"]
            dba += gradients["dba"]
        da_prevt = gradients["da_prev"]
    if keep_da0:
        da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def rnn_backward_one_product_in_the_loop(da, caches):
    """Notebook 06's exercise 2: only dz and Waa.T @ dz inside the loop."""
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    Wax, Waa = cell_caches[0][3]["Wax"], cell_caches[0][3]["Waa"]
    a = np.stack([cache[0] for cache in cell_caches], axis=2)  # a_t, (n_a, m, T_x)
    a_before = np.stack([cache[1] for cache in cell_caches], axis=2)  # a_{t-1}
    dz = np.zeros((n_a, m, T_x))
    da_prev = np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        dz[:, :, t] = (1 - a[:, :, t] ** 2) * (da[:, :, t] + da_prev)
        da_prev = Waa.T @ dz[:, :, t]
    dz_2d = dz.reshape(n_a, m * T_x)
    return {
        "dx": (Wax.T @ dz_2d).reshape(n_x, m, T_x),
        "da0": da_prev,
        "dWax": dz_2d @ x.reshape(n_x, m * T_x).T,
        "dWaa": dz_2d @ a_before.reshape(n_a, m * T_x).T,
        "dba": dz_2d.sum(axis=1, keepdims=True),
    }


# --- rnn_backward: wrong ---


def rnn_backward_only_da_prev(da, caches):
    return rnn_backward_loop(da, caches, into_step=lambda da, t, da_prevt: da_prevt)


def rnn_backward_only_da_t(da, caches):
    return rnn_backward_loop(da, caches, into_step=lambda da, t, da_prevt: da[:, :, t])


def rnn_backward_assigned(da, caches):
    return rnn_backward_loop(da, caches, assigned=True)


def rnn_backward_forgets_dx(da, caches):
    return rnn_backward_loop(da, caches, store_dx=False)


def rnn_backward_forgets_da0(da, caches):
    return rnn_backward_loop(da, caches, keep_da0=False)


def rnn_backward_in_place(da, caches):
    def into_step(da, t, da_prevt):
        da[:, :, t] += da_prevt  # the caller's da
        return da[:, :, t]

    return rnn_backward_loop(da, caches, into_step=into_step)


# --- cross_entropy_loss: right ---


def loss_with_loops(y_pred, y, divide_by="m", sign=-1, index=lambda y, i, t: (y[i, t], i, t)):
    m, T_x = y.shape
    total = 0.0
    for i in range(m):
        for t in range(T_x):
            total += np.log(y_pred[index(y, i, t)])
    divisor = {"m": m, "T_x": T_x, "nothing": 1}[divide_by]
    return sign * total / divisor


def loss_with_fancy_indexing(y_pred, y):
    m, T_x = y.shape
    p = y_pred[y, np.arange(m)[:, None], np.arange(T_x)]
    return -np.sum(np.log(p)) / m


def loss_with_a_one_hot_mask(y_pred, y):
    n_y, m = y_pred.shape[:2]
    mask = np.arange(n_y)[:, None, None] == y[None, :, :]  # (n_y, m, T_x)
    return float(-np.sum(np.log(y_pred[mask])) / m)


# --- cross_entropy_loss: wrong ---


def loss_with_np_mean(y_pred, y):
    m, T_x = y.shape
    p = y_pred[y, np.arange(m)[:, None], np.arange(T_x)]
    return -np.mean(np.log(p))


# --- output_layer_backward: right ---


def output_backward_loop(y_pred, y, a, parameters, bug=None):
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
        else:
            dWya += np.dot(dlogits, a[:, :, t].T)
        if bug in ("assigned", "dby assigned"):
            dby = np.sum(dlogits, axis=1, keepdims=True)
        else:
            dby += np.sum(dlogits, axis=1, keepdims=True)
        da[:, :, t] = np.dot(Wya, dlogits) if bug == "Wya" else np.dot(Wya.T, dlogits)
    return {"dWya": dWya, "dby": dby, "da": da}


def output_backward_without_a_loop(y_pred, y, a, parameters):
    """Notebook 06's exercise 1: every step at once, in matrices of m*T_x columns."""
    n_y, m, T_x = y_pred.shape
    n_a = a.shape[0]
    dlogits = y_pred.copy()
    dlogits[y, np.arange(m)[:, None], np.arange(T_x)] -= 1
    dlogits = dlogits / m
    dlogits_2d = dlogits.reshape(n_y, m * T_x)
    a_2d = a.reshape(n_a, m * T_x)
    return {
        "dWya": dlogits_2d @ a_2d.T,
        "dby": dlogits_2d.sum(axis=1, keepdims=True),
        "da": (parameters["Wya"].T @ dlogits_2d).reshape(n_a, m, T_x),
    }


def output_backward_with_einsum(y_pred, y, a, parameters):
    n_y = y_pred.shape[0]
    one_hot = (np.arange(n_y)[:, None, None] == y).astype(float)
    dlogits = (y_pred - one_hot) / y.shape[0]
    return {
        "dWya": np.einsum("ymt,amt->ya", dlogits, a),
        "dby": np.einsum("ymt->y", dlogits)[:, np.newaxis],
        "da": np.einsum("ya,ymt->amt", parameters["Wya"], dlogits),
    }


# --- output_layer_backward: wrong ---


def output_backward_dby_per_step(y_pred, y, a, parameters):
    gradients = output_backward_without_a_loop(y_pred, y, a, parameters)
    dlogits = y_pred.copy()
    dlogits[y, np.arange(y.shape[0])[:, None], np.arange(y.shape[1])] -= 1
    gradients["dby"] = np.sum(dlogits / y.shape[0], axis=1, keepdims=True)  # (n_y, 1, T_x)
    return gradients


def output_backward_dby_flat(y_pred, y, a, parameters):
    gradients = output_backward_without_a_loop(y_pred, y, a, parameters)
    gradients["dby"] = gradients["dby"].ravel()  # (n_y,)
    return gradients


def with_bug(function, **bug):
    return lambda *args: function(*args, **bug)


# --- numerical_gradient: right ---


def numerical_gradient_loop(f, x, h=1e-5):
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


def numerical_gradient_flat(f, x, h):
    point = x.astype(float)  # astype copies
    flat = point.reshape(-1)  # a view of my copy
    gradient = np.empty(flat.size)
    for i in range(flat.size):
        step = np.zeros(flat.size)
        step[i] = h
        f_plus = f((flat + step).reshape(x.shape))
        f_minus = f((flat - step).reshape(x.shape))
        gradient[i] = (f_plus - f_minus) / 2 / h
    return gradient.reshape(x.shape)


# --- numerical_gradient: wrong ---


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


def numerical_gradient_step_1e3(f, x, h):
    return numerical_gradient_loop(f, x, h=1e-3)  # h is never used


def numerical_gradient_step_1e2(f, x, h=1e-5):
    h = 1e-2  # "a bigger step is more stable"
    return numerical_gradient_loop(f, x, h)


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


def numerical_gradient_not_restored_in_place(f, x, h=1e-5):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        f_plus = f(x)
        x[index] -= 2 * h
        gradient[index] = (f_plus - f(x)) / (2 * h)
    return gradient


def numerical_gradient_over_h(f, x, h=1e-5):
    return 2 * numerical_gradient_loop(f, x, h)


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


# --- regressions: the loop rules, the time limit, the smaller defects ---


def step(da_next, cache):  # a global helper: 4 products (regression: it hid a local `step`)
    return rc.rnn_cell_backward(da_next, cache)


def rnn_backward_with_a_local_step(da, caches):
    """Notebook 06's exercise 2 with a local helper named like the global `step` above."""
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    Wax, Waa = cell_caches[0][3]["Wax"], cell_caches[0][3]["Waa"]

    def step(dz):  # one product: this, not the global step, is what the loop calls
        return Waa.T @ dz

    a = np.stack([cache[0] for cache in cell_caches], axis=2)
    a_before = np.stack([cache[1] for cache in cell_caches], axis=2)
    dz = np.zeros((n_a, m, T_x))
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        dz[:, :, t] = (1 - a[:, :, t] ** 2) * (da[:, :, t] + da_prev)
        da_prev = step(dz[:, :, t])
    dz_2d = dz.reshape(n_a, m * T_x)
    return {
        "dx": (Wax.T @ dz_2d).reshape(n_x, m, T_x),
        "da0": da_prev,
        "dWax": dz_2d @ x.reshape(n_x, m * T_x).T,
        "dWaa": dz_2d @ a_before.reshape(n_a, m * T_x).T,
        "dba": dz_2d.sum(axis=1, keepdims=True),
    }


def rnn_backward_through_an_alias(da, caches):
    """A loop whose cell is rnn_core's, called through a local name: 4 products per step."""
    cell_caches, x = caches
    back = rc.rnn_cell_backward
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    da_prev, dWax, dWaa, dba = np.zeros((n_a, m)), 0.0, 0.0, 0.0
    for t in reversed(range(T_x)):
        cell = back(da[:, :, t] + da_prev, cell_caches[t])
        dx[:, :, t], da_prev = cell["dxt"], cell["da_prev"]
        dWax, dWaa, dba = dWax + cell["dWax"], dWaa + cell["dWaa"], dba + cell["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def _softmax_of(c):
    e = np.exp(c - c.max(axis=0))
    return e / e.sum(axis=0)


# two lambdas on one line (regression: the first one was read, whichever was passed)
softmax_by_columns, softmax_at_once = lambda z: np.stack([_softmax_of(c) for c in z.T], 1), lambda z: _softmax_of(z)  # noqa: E501  # fmt: skip


def output_backward_wrapper(*args):  # regression: passed loops_allowed=False
    return output_backward_loop(*args)


def output_backward_through_a_lambda(y_pred, y, a, parameters):
    run = lambda *args: output_backward_loop(*args)  # noqa: E731
    return run(y_pred, y, a, parameters)


def output_backward_through_a_nested_def(y_pred, y, a, parameters):
    def run(*args):
        return output_backward_loop(*args)

    return run(y_pred, y, a, parameters)


def rnn_backward_through_rnn_core(da, caches):
    backward = rc.rnn_backward
    return backward(da, caches)


def output_backward_copied_by_a_comprehension(y_pred, y, a, parameters):
    gradients = output_backward_without_a_loop(y_pred, y, a, parameters)
    return {name: gradients[name] for name in ("dWya", "dby", "da")}


def softmax_that_sets_a_tracer(z):
    sys.settrace(lambda frame, event, arg: None)
    return softmax_with_keepdims(z)


def softmax_with_its_own_alarm(z):
    signal.setitimer(signal.ITIMER_REAL, 0.2)  # like signal.alarm(1), sooner
    while True:
        pass


def softmax_with_its_own_handler(z):
    def too_slow(signum, frame):
        raise TimeoutError("my own time limit")

    signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    while True:
        pass


def softmax_that_cancels_the_timer(z):
    signal.setitimer(signal.ITIMER_REAL, 0)
    return softmax_with_keepdims(z)


def numerical_gradient_nditer_on_callers_x(f, x, h=1e-5):
    """The classic perturb-and-restore on the caller's x: x is back when it returns."""
    gradient = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + h
        f_plus = f(x)
        x[ix] = old_value - h
        f_minus = f(x)
        x[ix] = old_value
        gradient[ix] = (f_plus - f_minus) / (2 * h)
        it.iternext()
    return gradient


def loss_of_shape_1(y_pred, y):
    m, T_x = y.shape
    loss = np.zeros(1)
    for i in range(m):
        for t in range(T_x):
            loss -= np.log(y_pred[y[i, t], i, t])
    return loss / m


# --- functions any exercise's learner may write ---


def not_implemented(*args):
    raise NotImplementedError("write your function here")


def raises_key_error(*args):
    parameters = {}
    return parameters["Wax"]


class UnprintableError(Exception):
    def __str__(self):
        raise ValueError("this message cannot be printed")


def raises_unprintable(*args):
    raise UnprintableError()


def never_returns(*args):
    while True:
        pass


def never_returns_despite_a_bare_except(*args):
    steps = 0
    while True:
        try:
            time.sleep(0.01)
            steps += 1
        except:  # noqa: E722 (swallows everything, the checker's alarm included)
            pass


class TensorThatRequiresGrad:
    """Like a torch tensor with requires_grad=True: numpy cannot read it."""

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")


class RaisesOnEquality:
    def __eq__(self, other):
        raise RuntimeError("cannot compare")

    __hash__ = None


class DictThatRaises(dict):
    def __getitem__(self, key):
        raise RuntimeError("no items here")


OUTPUT_NAMES = {
    check_softmax: None,
    check_rnn_cell_forward: 3,
    check_rnn_forward: 3,
    check_rnn_cell_backward: ("dxt", "da_prev", "dWax", "dWaa", "dba"),
    check_rnn_backward: ("dx", "da0", "dWax", "dWaa", "dba"),
    check_cross_entropy_loss: None,
    check_output_layer_backward: ("dWya", "dby", "da"),
    check_numerical_gradient: None,
}


def returning(checker, make_value, container=dict):
    """A function returning make_value() in place of every output, in the form `checker` expects."""
    names = OUTPUT_NAMES[checker]

    def function(*args):
        if names is None:
            return make_value()
        if isinstance(names, int):
            return tuple(make_value() for _ in range(names))
        return container({name: make_value() for name in names})

    return function


def numbers_generator():
    return (value for value in [1.0, 2.0])


# --- the table: who makes which mistake, and a phrase of what the checker says ---


class Made(NamedTuple):
    checker: object
    function: object
    mistake: str | None
    phrase: str
    options: dict


def named(checker, function, mistake, phrase, **options):
    label = getattr(function, "__name__", "function")
    return pytest.param(Made(checker, function, mistake, phrase, options), id=f"{mistake}-{label}")


MADE = [
    named(check_softmax, softmax_over_rows, "softmax_wrong_axis", "normalised over axis 1"),
    named(check_softmax, softmax_over_everything, "softmax_wrong_axis", "over the whole array"),
    named(check_softmax, softmax_row_max, "softmax_max_wrong_axis", "(each row's)"),
    named(check_softmax, softmax_seed, "softmax_one_max", "one maximum for the whole batch"),
    named(check_softmax, softmax_without_max, "softmax_no_max", "no maximum subtracted"),
    # regressions: these three passed, since the large logits only shifted whole columns
    named(check_softmax, softmax_minus_min, "softmax_shift_not_max", "column's minimum instead"),
    named(check_softmax, softmax_minus_mean, "softmax_shift_not_max", "column's mean instead"),
    named(check_softmax, softmax_minus_first_entry, "softmax_shift_not_max", "first entry instead"),
    named(check_softmax, softmax_in_place, "modifies_input", "changes its argument z in place"),
    named(check_rnn_cell_forward, cell_forward_rows, "softmax_wrong_axis", "over axis 1"),
    named(check_rnn_cell_forward, cell_forward_without_ba, "missing_bias", "bias ba is missing"),
    named(check_rnn_cell_forward, cell_forward_without_by, "missing_bias", "bias by is missing"),
    named(check_rnn_cell_forward, cell_forward_swapped, "Wax_Waa_swapped", "Wax and Waa are"),
    named(
        check_rnn_cell_forward,
        cell_forward_output_from_a_prev,
        "output_from_a_prev",
        "computed from a_prev instead of a_next",
    ),
    named(check_rnn_cell_forward, cell_forward_without_tanh, "missing_tanh", "tanh is missing"),
    named(
        check_rnn_cell_forward,
        cell_forward_cache_in_other_order,
        "cache_wrong_form",
        "cache[1] is an array of shape (3, 2) that is not this step's a_prev",
    ),
    named(
        check_rnn_cell_forward,
        cell_forward_two_outputs,
        "wrong_return_type",
        "returned a tuple of length 2; expected the tuple (a_next, yt_pred, cache)",
    ),
    # regression: reported as a cache of the wrong form, which the change in place caused
    named(
        check_rnn_cell_forward,
        cell_forward_into_a_prev,
        "modifies_input",
        "changes its argument a_prev in place",
    ),
    named(check_rnn_forward, rnn_forward_from_zeros, "starts_from_zeros", "starts from zeros"),
    named(check_rnn_forward, rnn_forward_storing_a_prev, "stores_a_prev", "holds a_prev"),
    named(check_rnn_forward, rnn_forward_a0_every_step, "a0_at_every_step", "starts from a0"),
    named(
        check_rnn_forward,
        rnn_forward_caches_without_x,
        "caches_wrong_form",
        "caches is a list of length 6, not a tuple of 2",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("dWaa", lambda dtanh, p, a_next, *_: np.dot(dtanh, a_next.T)),
        "dWaa_from_a_next",
        "dWaa computed from a_next instead of a_prev",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_dtanh(lambda a_next, da_next: da_next),
        "missing_tanh_derivative",
        "the tanh derivative is missing",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_dtanh(lambda a_next, da_next: (1 - a_next) * da_next),
        "tanh_derivative_not_squared",
        "written 1 - a_next",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_dtanh(lambda a_next, da_next: (1 - np.tanh(a_next) ** 2) * da_next),
        "tanh_applied_twice",
        "tanh applied twice",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("dxt", lambda dtanh, p, *_: np.dot(p["Waa"].T, dtanh)),
        "dxt_uses_Waa",
        "dxt computed with Waa instead of Wax",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("dxt", lambda dtanh, p, *_: np.dot(p["Wax"], dtanh)),
        "missing_transpose",
        "dxt = Wax.T @ dz",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_dxt_matmul_without_transpose,
        "missing_transpose",
        "dxt = Wax.T @ dz",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("da_prev", lambda dtanh, p, *_: np.dot(p["Waa"], dtanh)),
        "missing_transpose",
        "da_prev = Waa.T @ dz",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("dWax", lambda dtanh, p, a_next, a_prev, xt: np.dot(xt, dtanh.T)),
        "missing_transpose",
        "dWax comes out transposed",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("dba", lambda dtanh, *_: np.sum(dtanh, axis=0, keepdims=True)),
        "dba_wrong_axis",
        "dba summed over axis 0, the hidden units",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("dba", lambda dtanh, *_: np.sum(dtanh)),
        "dba_wrong_axis",
        "summed over everything",
    ),
    named(
        check_rnn_cell_backward,
        cell_backward_with_line("dba", lambda dtanh, *_: np.sum(dtanh, axis=1)),
        "dba_no_keepdims",
        "dba has shape (n_a,)",
    ),
    named(check_rnn_backward, rnn_backward_only_da_prev, "only_da_prev", "only da_prev is passed"),
    named(check_rnn_backward, rnn_backward_only_da_t, "only_da_t", "da_prev is dropped"),
    named(
        check_rnn_backward,
        rnn_backward_assigned,
        "not_accumulated",
        "dWax, dWaa and dba hold only the first time step's share",
    ),
    named(check_rnn_backward, rnn_backward_in_place, "modifies_input", "changes its argument da"),
    # regressions: both were "only da_prev is passed", whose zeros "explained" any zeroed output
    named(
        check_rnn_backward,
        rnn_backward_forgets_dx,
        "output_all_zeros",
        "dx is all zeros where rnn_core's is not: is it allocated but never filled?",
    ),
    named(
        check_rnn_backward,
        rnn_backward_forgets_da0,
        "output_all_zeros",
        "da0 is all zeros where rnn_core's is not",
    ),
    named(
        check_cross_entropy_loss,
        with_bug(loss_with_loops, divide_by="T_x"),
        "averaged_over_time",
        "divided by T_x instead of m",
    ),
    named(
        check_cross_entropy_loss,
        loss_with_np_mean,
        "averaged_over_time_and_batch",
        "divided by m * T_x",
    ),
    named(
        check_cross_entropy_loss,
        with_bug(loss_with_loops, divide_by="nothing"),
        "not_averaged",
        "summed but not averaged",
    ),
    named(
        check_cross_entropy_loss,
        with_bug(loss_with_loops, index=lambda y, i, t: (i, y[i, t], t)),
        "labels_wrong_axis",
        "the label indexes the batch axis",
    ),
    named(
        check_cross_entropy_loss,
        with_bug(loss_with_loops, index=lambda y, i, t: (y[t, i], i, t)),
        "labels_wrong_axis",
        "the labels are read transposed",
    ),
    named(
        check_cross_entropy_loss,
        with_bug(loss_with_loops, sign=1),
        "missing_minus_sign",
        "the minus sign is missing",
    ),
    named(
        check_output_layer_backward,
        with_bug(output_backward_loop, bug="no 1/m"),
        "forgot_divide_by_m",
        "not divided by m",
    ),
    named(
        check_output_layer_backward,
        with_bug(output_backward_loop, bug="no one-hot"),
        "missing_one_hot",
        "one-hot labels are not subtracted",
    ),
    named(
        check_output_layer_backward,
        output_backward_dby_per_step,
        "dby_not_summed",
        "not summed over both the batch and the time steps",
    ),
    named(check_output_layer_backward, output_backward_dby_flat, "dby_no_keepdims", "shape (n_y,)"),
    named(
        check_output_layer_backward,
        with_bug(output_backward_loop, bug="Wya"),
        "missing_transpose",
        "da uses Wya instead of Wya.T",
    ),
    named(
        check_output_layer_backward,
        with_bug(output_backward_loop, bug="assigned"),
        "not_accumulated",
        "dWya and dby hold only the last time step's share",
    ),
    # regression: "dWya and dby hold only the last time step's share" when only dby was wrong
    named(
        check_output_layer_backward,
        with_bug(output_backward_loop, bug="dby assigned"),
        "not_accumulated",
        "dby holds only the last time step's share",
    ),
    named(
        check_output_layer_backward,
        with_bug(output_backward_loop, bug="no copy"),
        "modifies_input",
        "changes its argument y_pred in place",
    ),
    named(
        check_numerical_gradient,
        numerical_gradient_one_sided,
        "one_sided_difference",
        "a one-sided difference",
    ),
    named(
        check_numerical_gradient,
        numerical_gradient_float32,
        "computed_in_float32",
        "computed in float32",
    ),
    # regressions: a fixed step of 1e-3 passed, since h was always 1e-5
    named(
        check_numerical_gradient,
        numerical_gradient_step_1e3,
        "huge_h",
        "ignores its argument h and always uses a step of 0.001",
    ),
    named(
        check_numerical_gradient,
        numerical_gradient_step_1e2,
        "huge_h",
        "ignores its argument h and always uses a step of 0.01",
    ),
    named(
        check_numerical_gradient,
        numerical_gradient_not_restored,
        "not_restored",
        "a perturbed entry is not put back",
    ),
    named(
        check_numerical_gradient,
        numerical_gradient_not_restored_in_place,
        "not_restored",
        "a perturbed entry is not put back",
    ),
    named(
        check_numerical_gradient,
        numerical_gradient_over_h,
        "divided_by_h",
        "divided by h instead of 2h",
    ),
    named(
        check_numerical_gradient,
        numerical_gradient_on_callers_x,
        "modifies_input",
        "the caller's x is moved",
    ),
    # the rules of notebook 06 (regression: the loop version passed)
    named(
        check_output_layer_backward,
        output_backward_loop,
        "loop_not_allowed",
        "this exercise asks for no loop, and your function has 2: `for t in range(T_x):`",
        loops_allowed=False,
    ),
    named(
        check_rnn_backward,
        rnn_backward_loop,
        "too_many_products_in_loop",
        "at most 1 matrix product inside the loop, and your function has 4: "
        "`cell_backward_seed_style(da_next, cell_caches[t])` (line",
        max_products_in_loop=1,
    ),
    named(
        check_output_layer_backward,
        functools.partial(output_backward_without_a_loop),
        "source_unavailable",
        "cannot read the source code of your function",
        loops_allowed=False,
    ),
    # regressions: the no-loop rule did not follow calls, as the rule on products did
    named(
        check_output_layer_backward,
        output_backward_wrapper,
        "loop_not_allowed",
        "a call of output_backward_loop, which has a loop: `for t in range(T_x):` (line ",
        loops_allowed=False,
    ),
    named(
        check_output_layer_backward,
        output_backward_through_a_lambda,
        "loop_not_allowed",
        "a call of output_backward_loop, which has a loop",
        loops_allowed=False,
    ),
    named(
        check_output_layer_backward,
        output_backward_through_a_nested_def,
        "loop_not_allowed",
        "a call of output_backward_loop, which has a loop",
        loops_allowed=False,
    ),
    named(
        check_rnn_backward,
        rnn_backward_through_rnn_core,
        "loop_not_allowed",
        "a call of rnn_backward, which has a loop",
        loops_allowed=False,
    ),
    named(
        check_rnn_backward,
        rnn_backward_through_an_alias,
        "too_many_products_in_loop",
        "your function has 4: `back(da[:, :, t] + da_prev, cell_caches[t])` (line ",
        max_products_in_loop=1,
    ),
    # regression: a comprehension that copies a dict failed without saying why
    named(
        check_output_layer_backward,
        output_backward_copied_by_a_comprehension,
        "loop_not_allowed",
        "A comprehension counts as a loop too, even one that is not over time: write the dict "
        "out literally",
        loops_allowed=False,
    ),
    # regression: the first lambda of the line was read, whichever one was passed
    named(
        check_softmax,
        softmax_by_columns,
        "loop_not_allowed",
        "your function has 1: `[_softmax_of(c) for c in z.T]` (line ",
        loops_allowed=False,
    ),
    # regressions: the function's own alarm was reported as "had not returned after 5 s"
    named(
        check_softmax,
        softmax_with_its_own_alarm,
        "changes_alarm",
        "your function changes the SIGALRM signal handler or timer, which the checker uses for "
        "its time limit; remove the signal calls",
    ),
    named(
        check_softmax,
        softmax_with_its_own_handler,
        "changes_alarm",
        "it changed the SIGALRM signal handler, which switches the time limit of 5 s off, and it "
        "raised TimeoutError: my own time limit after 0.2 s",
    ),
    named(
        check_softmax,
        softmax_that_cancels_the_timer,
        "changes_alarm",
        "it changed the SIGALRM timer, which switches the time limit of 5 s off",
    ),
    # regressions: put back, x was reported as "changed in place"; a loss of shape (1,) was unnamed
    named(
        check_numerical_gradient,
        numerical_gradient_nditer_on_callers_x,
        "modifies_input",
        "moves x while it runs (f sees the caller's x perturbed)",
    ),
    named(
        check_cross_entropy_loss,
        loss_of_shape_1,
        "wrong_return_type",
        "returns an array of shape (1,) for the loss; return a float, e.g. float(loss)",
    ),
    # what any learner's function may do, for every checker
    *(
        named(checker, not_implemented, "not_implemented", "not implemented yet")
        for checker in CHECKERS
    ),
    *(
        named(checker, raises_key_error, "raises_exception", "KeyError: 'Wax'")
        for checker in CHECKERS
    ),
    # regressions: each of these escaped from the checker as its own traceback
    *(
        named(
            checker,
            raises_unprintable,
            "raises_exception",
            "UnprintableError (its message cannot be shown",
        )
        for checker in CHECKERS
    ),
    *(
        named(
            checker,
            returning(checker, TensorThatRequiresGrad),
            "wrong_return_type",
            "cannot be turned into a numpy array (np.array raised RuntimeError",
        )
        for checker in CHECKERS
    ),
    *(
        named(checker, returning(checker, RaisesOnEquality), "wrong_return_type", "RaisesOnEqual")
        for checker in CHECKERS
    ),
    *(
        named(checker, returning(checker, numbers_generator), "wrong_return_type", "generator")
        for checker in CHECKERS
    ),
    *(
        named(
            checker,
            returning(checker, lambda: 1.0, container=DictThatRaises),
            "wrong_return_type",
            "reading it raised RuntimeError: no items here",
        )
        for checker in (check_rnn_cell_backward, check_rnn_backward, check_output_layer_backward)
    ),
    # a function that never returns: before, the checker hung with it
    named(
        check_rnn_backward,
        never_returns,
        "timed_out",
        "had not returned after 0.5 s on case 1 of 20",
        time_limit=0.5,
    ),
    named(
        check_numerical_gradient,
        never_returns_despite_a_bare_except,
        "timed_out",
        "had not returned after 0.5 s on case 1 of 12",
        time_limit=0.5,
    ),
]


@pytest.mark.parametrize("made", MADE)
def test_each_mistake_is_named_with_its_explanation(made):
    result = made.checker(made.function, **made.options)
    assert isinstance(result, CheckResult)
    assert not result.passed, result.message
    assert result.mistake == made.mistake, result.message
    assert made.phrase in result.message
    assert result.mistake in dict(MISTAKES)
    shown = str(result)  # what the notebook shows: wrapped between words, no word broken
    assert shown.split() == result.message.split()
    for line in shown.splitlines():
        assert len(line) <= 88 or " " not in line.strip(), line


def test_every_mistake_the_checkers_can_name_is_made_by_some_learner():
    identifiers = [identifier for identifier, _ in MISTAKES]
    assert len(identifiers) == len(set(identifiers))
    assert all(description and "\n" not in description for _, description in MISTAKES)
    assert set(identifiers) == {param.values[0].mistake for param in MADE + LSTM_MADE}


# --- the right functions pass ---

RIGHT = [
    (check_softmax, softmax_column_by_column),
    (check_softmax, softmax_with_keepdims),
    (check_softmax, softmax_from_logsumexp),
    (check_softmax, softmax_in_place_on_a_copy),
    (check_rnn_cell_forward, cell_forward_with_dot),
    (check_rnn_cell_forward, cell_forward_stacked),
    (check_rnn_forward, rnn_forward_loop),
    (check_rnn_forward, rnn_forward_with_lists),
    (check_rnn_cell_backward, cell_backward_seed_style),
    (check_rnn_cell_backward, cell_backward_with_matmul),
    (check_rnn_backward, rnn_backward_loop),
    (check_rnn_backward, rnn_backward_one_product_in_the_loop),
    (check_cross_entropy_loss, loss_with_loops),
    (check_cross_entropy_loss, loss_with_fancy_indexing),
    (check_cross_entropy_loss, loss_with_a_one_hot_mask),
    (check_output_layer_backward, output_backward_loop),
    (check_output_layer_backward, output_backward_without_a_loop),
    (check_output_layer_backward, output_backward_with_einsum),
    (check_numerical_gradient, numerical_gradient_loop),
    (check_numerical_gradient, numerical_gradient_flat),
]


def right_id(pair):
    return pair.__name__


@pytest.mark.parametrize("checker, function", RIGHT, ids=right_id)
@pytest.mark.parametrize("seed, cases", [(0, None), (7, 6)])
def test_a_right_function_passes(checker, function, seed, cases):
    options = {} if cases is None else {"cases": cases}
    result = checker(function, seed=seed, **options)
    assert result.passed, result.message
    assert result.mistake is None
    assert result.message.startswith(f"{result.name}: matches ")
    errors = [float(e) for e in re.findall(r"max relative error ([0-9.e-]+)", result.message)]
    tolerances = [float(t) for t in re.findall(r"tolerance ([0-9.e-]+)\)", result.message)]
    assert errors and len(errors) == len(tolerances)
    assert all(error <= tolerance for error, tolerance in zip(errors, tolerances))


def test_every_checker_has_two_right_functions_of_different_styles():
    assert all(sum(checker is c for c, _ in RIGHT) >= 2 for checker in CHECKERS)


def test_the_vectorised_versions_follow_the_rules_of_notebook_06():
    loops = check_output_layer_backward(output_backward_without_a_loop, loops_allowed=False)
    assert loops.passed, loops.message
    products = check_rnn_backward(rnn_backward_one_product_in_the_loop, max_products_in_loop=1)
    assert products.passed, products.message
    stricter = check_rnn_backward(rnn_backward_one_product_in_the_loop, max_products_in_loop=0)
    assert stricter.mistake == "too_many_products_in_loop"
    assert "`Waa.T @ dz[:, :, t]` (line " in stricter.message


# --- what the messages say ---


def test_a_message_names_the_output_the_case_the_error_and_the_cause():
    result = check_rnn_cell_backward(
        cell_backward_with_line("dWaa", lambda dtanh, p, a_next, *_: np.dot(dtanh, a_next.T))
    )
    first, second = result.message.split("\n")[:2]
    assert re.fullmatch(
        r"rnn_cell_backward: dWaa is wrong on case 1 of 20 \(n_x=3, n_a=5, m=2\): "
        r"relative error [0-9.e-]+, tolerance 1e-10\.",
        first,
    )
    assert second.startswith("Likely mistake: dWaa computed from a_next instead of a_prev.")


def test_a_mistake_hidden_behind_a_shape_error_is_found_where_the_shapes_fit():
    """np.dot(Wax, dtanh) raises where n_a != n_x; the all-equal case 2 shows which mistake."""
    result = check_rnn_cell_backward(
        cell_backward_with_line("dxt", lambda dtanh, p, *_: np.dot(p["Wax"], dtanh))
    )
    assert result.mistake == "missing_transpose"
    assert "raised an exception on case 1 of 20" in result.message
    assert "in the line: " in result.message
    assert "Recognised on case 2 of 20 (n_x=3, n_a=3, m=3)" in result.message


def test_a_failing_message_states_the_measured_error_above_the_tolerance():
    result = check_cross_entropy_loss(with_bug(loss_with_loops, divide_by="T_x"))
    found = re.search(r"relative error ([0-9.e-]+), tolerance ([0-9.e-]+)\.", result.message)
    error, tolerance = found.groups()
    assert float(error) > float(tolerance) == 1e-10


def test_an_exception_is_reported_with_the_line_that_raised_and_a_hint():
    result = check_rnn_cell_forward(raises_key_error)
    assert 'in the line: return parameters["Wax"]' in result.message
    assert "Hint: a dict has no key 'Wax'" in result.message


def test_a_stub_gets_the_message_the_notebooks_show():
    assert check_rnn_backward(not_implemented).message == (
        "rnn_backward: not implemented yet (your function raised NotImplementedError: write your "
        "function here). Write its body and run the cell again."
    )


def test_a_mistake_is_named_only_if_it_also_reproduces_the_right_outputs():
    """Zeroing every output but dWax is explained by no known mistake, though some zero them."""

    def only_dWax_right(da, caches):
        gradients = rnn_backward_loop(da, caches)
        return {key: value if key == "dWax" else 0 * value for key, value in gradients.items()}

    result = check_rnn_backward(only_dWax_right)
    assert result.mistake == "output_all_zeros"
    assert "Likely mistake: the array is created" in result.message
    assert "da_prev" not in result.message


def test_the_result_prints_as_its_message_and_is_reproducible():
    result = check_rnn_cell_forward(cell_forward_swapped)
    assert str(result) == repr(result)
    assert str(result).split() == result.message.split()  # the same words, only wrapped
    assert check_rnn_cell_forward(cell_forward_swapped) == result
    assert not re.search(r"0x[0-9a-f]{6,}", result.message)


# --- the time limit ---


def test_after_a_timeout_no_further_case_is_run():
    calls = []

    def hangs_on_its_second_call(z):
        calls.append(1)
        while len(calls) > 1:
            pass
        return softmax_with_keepdims(z)

    started = time.monotonic()
    result = check_softmax(hangs_on_its_second_call, time_limit=0.5)
    assert time.monotonic() - started < 3
    assert result.mistake == "timed_out"
    assert (len(calls), result.cases) == (2, 2)
    assert "on case 2 of 23" in result.message
    assert "a while loop whose condition never changes" in result.message


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM on this platform")
def test_the_previous_handler_timer_and_trace_function_are_put_back():
    alarms = []

    def previous_handler(signum, frame):
        alarms.append(signum)

    def previous_trace(frame, event, arg):
        return previous_trace

    old_handler = signal.signal(signal.SIGALRM, previous_handler)
    signal.setitimer(signal.ITIMER_REAL, 30.0)
    sys.settrace(previous_trace)
    try:
        result = check_softmax(never_returns_despite_a_bare_except, time_limit=0.3)
        trace_after = sys.gettrace()
    finally:
        sys.settrace(None)
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        handler_after = signal.signal(signal.SIGALRM, old_handler)
    assert result.mistake == "timed_out"
    assert trace_after is previous_trace
    assert handler_after is previous_handler
    assert 25 < left < 30
    assert alarms == []


def test_without_a_time_limit_a_slow_function_passes():
    def slow_softmax(z):
        time.sleep(0.002)
        return softmax_with_keepdims(z)

    assert check_softmax(slow_softmax, cases=3, time_limit=None).passed


# --- the checkers' own arguments ---


@pytest.mark.parametrize(
    "options, error, phrase",
    [
        ({"fn": softmax_with_keepdims(np.zeros((2, 2)))}, TypeError, "fn must be your function"),
        ({"seed": -1}, ValueError, "seed must be an int >= 0"),
        ({"seed": "0"}, TypeError, "seed must be an int >= 0 or a numpy Generator"),
        ({"cases": 0}, ValueError, "cases must be at least 1"),
        ({"cases": 2.5}, TypeError, "cases must be an int"),
        ({"time_limit": 0}, ValueError, "time_limit must be a finite number > 0"),
        ({"time_limit": "5"}, TypeError, "time_limit must be a number"),
        ({"loops_allowed": "no"}, TypeError, "loops_allowed must be True or False"),
        ({"max_products_in_loop": -1}, ValueError, "max_products_in_loop must be at least 0"),
    ],
)
@pytest.mark.parametrize("checker", CHECKERS, ids=lambda checker: checker.__name__)
def test_a_bad_argument_of_the_checker_raises_and_names_it(checker, options, error, phrase):
    arguments = {"fn": not_implemented, **options}
    with pytest.raises(error, match=re.escape(phrase)):
        checker(arguments.pop("fn"), **arguments)


def test_every_checker_has_the_same_keyword_arguments():
    for checker in CHECKERS:
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


# --- regressions: what the learner's function does to the checker's alarm and trace ---


@pytest.mark.parametrize("time_limit", [5.0, None])
def test_a_trace_function_set_by_the_learner_is_removed(time_limit):
    before = sys.gettrace()
    result = check_softmax(softmax_that_sets_a_tracer, cases=3, time_limit=time_limit)
    after = sys.gettrace()
    sys.settrace(before)
    assert result.passed, result.message
    assert after is before


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM on this platform")
@pytest.mark.parametrize(
    "function", [softmax_with_its_own_alarm, softmax_with_its_own_handler], ids=right_id
)
def test_the_learners_own_alarm_is_named_and_the_checkers_state_put_back(function):
    handler_before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    result = check_softmax(function)
    assert time.monotonic() - started < 2  # stopped by its own 0.2 s alarm, not after 5 s
    assert result.mistake == "changes_alarm"
    assert "had not returned after" not in result.message
    assert "ran no further cases" in result.message and result.cases == 1
    assert signal.getsignal(signal.SIGALRM) is handler_before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_local_helper_is_read_before_a_global_function_of_the_same_name():
    result = check_rnn_backward(rnn_backward_with_a_local_step, max_products_in_loop=1)
    assert result.passed, result.message
    stricter = check_rnn_backward(rnn_backward_with_a_local_step, max_products_in_loop=0)
    assert stricter.mistake == "too_many_products_in_loop"
    assert "your function has 1: `step(dz[:, :, t])` (line " in stricter.message


def test_of_two_lambdas_on_one_line_the_one_passed_is_read():
    result = check_softmax(softmax_at_once, loops_allowed=False)
    assert result.passed, result.message


def test_a_caller_x_moved_and_put_back_is_not_said_to_be_changed_in_place():
    result = check_numerical_gradient(numerical_gradient_nditer_on_callers_x)
    assert "changes its argument x in place" not in result.message
    assert "holds its old values again when it returns" in result.message
