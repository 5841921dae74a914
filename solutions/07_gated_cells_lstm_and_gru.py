"""Notebook 07's exercises, solved (the format, and how the stubs derive: tools/editions.py)."""

import numpy as np

import rnn_core


def my_lstm_cell_forward(xt, a_prev, c_prev, parameters):
    # xt (n_x, m), a_prev (n_a, m), c_prev (n_a, m); parameters: Wf, Wi, Wc, Wo
    # (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    # Return a_next (n_a, m), c_next (n_a, m), yt_pred (n_y, m) and
    # cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).
    # stub: raise NotImplementedError("write the LSTM cell here")
    p = parameters
    s = np.concatenate((a_prev, xt), axis=0)  # (1): a_prev on top, (n_a + n_x, m)
    ft = rnn_core.sigmoid(p["Wf"] @ s + p["bf"])  # (2) forget gate, (n_a, m)
    it = rnn_core.sigmoid(p["Wi"] @ s + p["bi"])  # (3) input gate
    cct = np.tanh(p["Wc"] @ s + p["bc"])  # (4) candidate
    ot = rnn_core.sigmoid(p["Wo"] @ s + p["bo"])  # (5) output gate
    c_next = ft * c_prev + it * cct  # (6)
    a_next = ot * np.tanh(c_next)  # (7): tanh of the new cell state
    yt_pred = rnn_core.softmax(p["Wy"] @ a_next + p["by"])  # (8): (n_y, m)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def my_lstm_forward(x, a0, parameters):
    # x (n_x, m, T_x), a0 (n_a, m); the cell state starts at zeros (n_a, m).
    # Return a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x) and
    # caches = (list of the T_x cell caches, x).
    # stub: raise NotImplementedError("write the loop over time here")
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = a0  # the hidden state starts from a0 ...
    c_next = np.zeros((n_a, m))  # ... and the cell state from zeros
    for t in range(T_x):
        a_next, c_next, yt_pred, cache = my_lstm_cell_forward(
            x[:, :, t], a_next, c_next, parameters
        )
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y, c, (cell_caches, x)


def my_lstm_cell_backward(da_next, dc_next, cache):
    # da_next (n_a, m), dc_next (n_a, m);
    # cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).
    # Return {"dxt": (n_x, m), "da_prev": (n_a, m), "dc_prev": (n_a, m),
    #         "dWf", "dWi", "dWc", "dWo": (n_a, n_a + n_x),
    #         "dbf", "dbi", "dbc", "dbo": (n_a, 1)}.
    # stub: raise NotImplementedError("write the cell backward here")
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)  # (n_a, m)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)  # (9): both paths into c<t>
    dzo = da_next * tanh_c * ot * (1 - ot)  # (10), each (n_a, m)
    dzc = dc * it * (1 - cct**2)
    dzi = dc * cct * it * (1 - it)
    dzf = dc * c_prev * ft * (1 - ft)
    s = np.concatenate((a_prev, xt), axis=0)  # the stacked input, (n_a + n_x, m)
    ds = p["Wf"].T @ dzf + p["Wi"].T @ dzi + p["Wc"].T @ dzc + p["Wo"].T @ dzo  # (12)
    return {
        "dxt": ds[n_a:],  # the rows of xt: (n_x, m)
        "da_prev": ds[:n_a],  # the rows of a_prev: (n_a, m)
        "dc_prev": dc * ft,  # (13): the highway, through the forget gate only
        "dWf": dzf @ s.T,  # (11): (n_a, m) @ (m, n_a + n_x)
        "dWi": dzi @ s.T,
        "dWc": dzc @ s.T,
        "dWo": dzo @ s.T,
        "dbf": np.sum(dzf, axis=1, keepdims=True),  # (11): (n_a, 1)
        "dbi": np.sum(dzi, axis=1, keepdims=True),
        "dbc": np.sum(dzc, axis=1, keepdims=True),
        "dbo": np.sum(dzo, axis=1, keepdims=True),
    }


def my_lstm_backward(da, caches):
    # da (n_a, m, T_x); caches = (list of T_x cell caches, x).
    # Return {"dx": (n_x, m, T_x), "da0": (n_a, m),
    #         "dWf", "dWi", "dWc", "dWo": (n_a, n_a + n_x),
    #         "dbf", "dbi", "dbc", "dbo": (n_a, 1)}.
    # stub: raise NotImplementedError("write BPTT for the LSTM here")
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    sums = {}  # the gate weights' gradients, summed over the steps
    for g in "fico":
        sums["dW" + g] = np.zeros((n_a, n_a + n_x))
        sums["db" + g] = np.zeros((n_a, 1))
    da_prev = np.zeros((n_a, m))  # nothing flows back from after the last step,
    dc_prev = np.zeros((n_a, m))  # into neither state
    for t in reversed(range(T_x)):
        step = my_lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        for key in sums:
            sums[key] += step[key]
        da_prev = step["da_prev"]
        dc_prev = step["dc_prev"]  # the highway; the first step's is dropped
    return {"dx": dx, "da0": da_prev, **sums}
