"""Notebook 02's exercises, solved (the format, and how the stubs derive: tools/editions.py)."""

import numpy as np

from rnn_core import one_hot


def my_rnn_cell_backward(da_next, cache):
    # da_next (n_a, m);
    # cache = (a_next (n_a, m), a_prev (n_a, m), xt (n_x, m), parameters).
    # Return {"dxt": (n_x, m), "da_prev": (n_a, m), "dWax": (n_a, n_x),
    #         "dWaa": (n_a, n_a), "dba": (n_a, 1)}.
    # stub: raise NotImplementedError("write the cell backward here")
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = (1 - a_next**2) * da_next  # (3): through the tanh, (n_a, m)
    dxt = Wax.T @ dz  # (4): (n_x, n_a) @ (n_a, m) -> (n_x, m)
    dWax = dz @ xt.T  # (6): (n_a, m) @ (m, n_x) -> (n_a, n_x)
    da_prev = Waa.T @ dz  # (5): (n_a, n_a) @ (n_a, m) -> (n_a, m)
    dWaa = dz @ a_prev.T  # (7): the state that entered the cell, (n_a, n_a)
    dba = np.sum(dz, axis=1, keepdims=True)  # (8): summed over the m examples, (n_a, 1)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def my_rnn_backward(da, caches):
    # da (n_a, m, T_x): the gradient from the output layer at every step;
    # caches = (list of T_x cell caches, x).
    # Return {"dx": (n_x, m, T_x), "da0": (n_a, m), "dWax": (n_a, n_x),
    #         "dWaa": (n_a, n_a), "dba": (n_a, 1)}.
    # stub: raise NotImplementedError("write the loop over time here")
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prev = np.zeros((n_a, m))  # nothing comes back from after the last step
    for t in reversed(range(T_x)):  # iteration t is step t+1: the last step first
        # (9): from the output at this step, and from the step after it
        gradients = my_rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        dWax += gradients["dWax"]  # (10): the weights are shared, their gradients add up
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
        da_prev = gradients["da_prev"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def my_output_layer_backward(y_pred, y, a, parameters):
    # y_pred (n_y, m, T_x); y integer labels (m, T_x); a (n_a, m, T_x);
    # parameters["Wya"] (n_y, n_a).
    # Return {"dWya": (n_y, n_a), "dby": (n_y, 1), "da": (n_a, m, T_x)}.
    # stub: raise NotImplementedError("write the output layer backward here")
    Wya = parameters["Wya"]
    n_y, m, T_x = y_pred.shape
    dlogits = (y_pred - one_hot(y, n_y)) / m  # (12): a new array, y_pred is left alone
    dWya = np.zeros_like(Wya)
    dby = np.zeros((n_y, 1))
    da = np.zeros(a.shape)
    for t in range(T_x):  # (13), one step at a time
        dWya += dlogits[:, :, t] @ a[:, :, t].T  # (n_y, m) @ (m, n_a) -> (n_y, n_a)
        dby += np.sum(dlogits[:, :, t], axis=1, keepdims=True)  # (n_y, 1)
        da[:, :, t] = Wya.T @ dlogits[:, :, t]  # (n_a, n_y) @ (n_y, m) -> (n_a, m)
    return {"dWya": dWya, "dby": dby, "da": da}
