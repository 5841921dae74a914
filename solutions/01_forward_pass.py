"""Notebook 01's exercises, solved (the format, and how the stubs derive: tools/editions.py)."""

import numpy as np


def my_softmax(z):
    # z: logits of shape (n_y, m). Return probabilities of the same shape;
    # every column sums to 1.
    # stub: raise NotImplementedError("write your softmax here")
    shifted = z - z.max(axis=0, keepdims=True)  # each column's own maximum: exponents <= 0
    exp_shifted = np.exp(shifted)  # (n_y, m)
    return exp_shifted / exp_shifted.sum(axis=0, keepdims=True)  # (n_y, m) / (1, m)


def my_rnn_cell_forward(xt, a_prev, parameters):
    # xt (n_x, m), a_prev (n_a, m); parameters: Wax (n_a, n_x), Waa (n_a, n_a),
    # Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1). Return a_next (n_a, m), yt_pred (n_y, m)
    # and the cache.
    # stub: raise NotImplementedError("write the cell here")
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)  # equation (1): (n_a, m)
    yt_pred = my_softmax(Wya @ a_next + by)  # equation (2): (n_y, m)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def my_rnn_forward(x, a0, parameters):
    # x (n_x, m, T_x), a0 (n_a, m). Return a (n_a, m, T_x), y_pred (n_y, m, T_x)
    # and caches = (list of the T_x cell caches, x).
    # stub: raise NotImplementedError("write the loop here")
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = a0  # start from a0, not from zeros
    for t in range(T_x):  # iteration t is step t+1 of the equations
        a_next, yt_pred, cache = my_rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y_pred, (cell_caches, x)
