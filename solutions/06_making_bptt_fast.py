"""Notebook 06's exercises, solved (the format, and how the stubs derive: tools/editions.py)."""

import numpy as np


def my_output_layer_backward(y_pred, y, a, parameters):
    # y_pred (n_y, m, T_x) probabilities, y (m, T_x) integer labels, a (n_a, m, T_x),
    # parameters["Wya"] (n_y, n_a). Return {"dWya": (n_y, n_a), "dby": (n_y, 1),
    # "da": (n_a, m, T_x)}, with one product for dWya and one for da.
    # stub: raise NotImplementedError("write it here, without a loop over t")
    Wya = parameters["Wya"]
    n_y, m, T_x = y_pred.shape
    n_a = a.shape[0]
    onehot = np.zeros(y_pred.shape)  # (n_y, m, T_x)
    onehot[y, np.arange(m)[:, None], np.arange(T_x)[None, :]] = 1.0
    dlogits = (y_pred - onehot) / m  # a new array, y_pred is left alone
    D = dlogits.reshape(n_y, m * T_x)  # (n_y, m, T_x) -> (n_y, m*T_x): column i*T_x + t
    A = a.reshape(n_a, m * T_x)  # (n_a, m, T_x) -> (n_a, m*T_x), the same column order
    dWya = D @ A.T  # one product: (n_y, m*T_x) @ (m*T_x, n_a) -> (n_y, n_a)
    dby = D.sum(axis=1, keepdims=True)  # over examples and steps: (n_y, 1)
    da = (Wya.T @ D).reshape(n_a, m, T_x)  # one product, then back to (n_a, m, T_x)
    return {"dWya": dWya, "dby": dby, "da": da}


def my_rnn_backward(da, caches):
    # da (n_a, m, T_x); caches = ([(a_next, a_prev, xt, parameters) for each step], x),
    # x (n_x, m, T_x). Return {"dx": (n_x, m, T_x), "da0": (n_a, m), "dWax": (n_a, n_x),
    # "dWaa": (n_a, n_a), "dba": (n_a, 1)}.
    # stub: raise NotImplementedError("write BPTT here: only dz and Waa.T @ dz in the loop")
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    parameters = cell_caches[0][3]
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    a = np.stack([cache[0] for cache in cell_caches], axis=2)  # a<1> ... a<T_x>: (n_a, m, T_x)
    a_prev = np.stack([cache[1] for cache in cell_caches], axis=2)  # a<0> ... a<T_x - 1>
    dz = np.zeros((n_a, m, T_x))
    da_prev = np.zeros((n_a, m))  # dz<T_x + 1> = 0: nothing comes from after the last step
    for t in reversed(range(T_x)):
        dz[:, :, t] = (1 - a[:, :, t] ** 2) * (da[:, :, t] + da_prev)  # equation (2)
        da_prev = Waa.T @ dz[:, :, t]  # the one product that has to wait for step t+1
    DZ = dz.reshape(n_a, m * T_x)  # (n_a, m, T_x) -> (n_a, m*T_x)
    X = x.reshape(n_x, m * T_x)  # the same column order
    A_prev = a_prev.reshape(n_a, m * T_x)
    dWax = DZ @ X.T  # equation (3), one product each: (n_a, n_x)
    dWaa = DZ @ A_prev.T  # (n_a, n_a)
    dx = (Wax.T @ DZ).reshape(n_x, m, T_x)  # (n_x, m*T_x) -> (n_x, m, T_x)
    dba = DZ.sum(axis=1, keepdims=True)  # (n_a, 1)
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
