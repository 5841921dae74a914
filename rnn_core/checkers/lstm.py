"""Exercises: the LSTM cell, its forward pass, its backward step and BPTT (notebook 07).

One step, on the stacked input s = [a_prev; xt] (a_prev on top, as in `rnn_core.lstm`):

    ft = σ(Wf s + bf),  it = σ(Wi s + bi),  cct = tanh(Wc s + bc),  ot = σ(Wo s + bo)
    c_next = ft * c_prev + it * cct,   a_next = ot * tanh(c_next)
    yt_pred = softmax(Wy a_next + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)

and backwards, from da_next, dc_next and that cache:

    dc = dc_next + da_next * ot * (1 - tanh(c_next)**2)       both paths into c_next
    dzo = da_next * tanh(c_next) * ot * (1 - ot)
    dzc = dc * it * (1 - cct**2),  dzi = dc * cct * it * (1 - it)
    dzf = dc * c_prev * ft * (1 - ft)
    dW{g} = dz{g} @ s.T,  db{g} = sum of dz{g} over axis 1,  ds = Σ_g W{g}.T @ dz{g}
    da_prev = ds[:n_a],  dxt = ds[n_a:],  dc_prev = dc * ft

The mistakes are written as one configurable step each way (`cell_forward_with`,
`cell_backward_with`), right with the defaults; each registration binds the one setting that
makes it the learner's function with that mistake in it.
"""

import numpy as np

from rnn_core.activations import sigmoid, softmax
from rnn_core.lstm import (
    CACHE_ENTRIES,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)

from .cases import draw_lstm_problem, random_cases, shown
from .engine import Exercise, same
from .forward import sequence_caches_problem
from .learner import DictOf, TupleOf, describe, read_output
from .softmax import ROWS, summed_over_rows

GATE_NAMES = {
    "f": "forget gate ft",
    "i": "input gate it",
    "c": "candidate cct",
    "o": "output gate ot",
}


def lstm_cell_forward_case(rng, sizes):
    """(xt (n_x, m), a_prev (n_a, m), c_prev (n_a, m), parameters) of a random problem."""
    x, a0, c0, parameters = draw_lstm_problem(rng, sizes)
    return (x[:, :, 0].copy(), a0, c0, parameters), shown(sizes, ("n_x", "n_a", "n_y", "m"))


def lstm_forward_case(rng, sizes):
    """(x (n_x, m, T_x), a0 (n_a, m), parameters) of a random problem."""
    x, a0, _, parameters = draw_lstm_problem(rng, sizes)
    return (x, a0, parameters), sizes


def lstm_cell_backward_case(rng, sizes):
    """(da_next (n_a, m), dc_next (n_a, m), cache) of a random problem; rnn_core's cache."""
    x, a0, c0, parameters = draw_lstm_problem(rng, sizes)
    cache = lstm_cell_forward(x[:, :, 0].copy(), a0, c0, parameters)[3]
    da_next = rng.standard_normal(a0.shape)
    dc_next = rng.standard_normal(a0.shape)
    return (da_next, dc_next, cache), shown(sizes, ("n_x", "n_a", "m"))


def lstm_backward_case(rng, sizes):
    """(da (n_a, m, T_x), caches) of a random problem; the caches are rnn_core's."""
    x, a0, _, parameters = draw_lstm_problem(rng, sizes)
    caches = lstm_forward(x, a0, parameters)[3]
    da = rng.standard_normal((*a0.shape, sizes["T_x"]))
    return (da, caches), shown(sizes, ("n_x", "n_a", "m", "T_x"))


def lstm_cell_forward_cases(rng, count):
    return random_cases(rng, count, lstm_cell_forward_case)


def lstm_forward_cases(rng, count):
    return random_cases(rng, count, lstm_forward_case)


def lstm_cell_backward_cases(rng, count):
    return random_cases(rng, count, lstm_cell_backward_case)


def lstm_backward_cases(rng, count):
    return random_cases(rng, count, lstm_backward_case)


WEIGHT_GRADIENTS = {}
for _g in "fico":
    WEIGHT_GRADIENTS[f"dW{_g}"] = ("n_a", "n_a + n_x")
    WEIGHT_GRADIENTS[f"db{_g}"] = ("n_a", "1")
del _g
LSTM_CELL_GRADIENTS = {
    "dxt": ("n_x", "m"),
    "da_prev": ("n_a", "m"),
    "dc_prev": ("n_a", "m"),
    **WEIGHT_GRADIENTS,
}
LSTM_SEQUENCE_GRADIENTS = {"dx": ("n_x", "m", "T_x"), "da0": ("n_a", "m"), **WEIGHT_GRADIENTS}

IN_PLACE_STATE = (
    "{name} is changed in place ({name} *= ft, or {name} += ...): the caller still needs it, "
    "lstm_forward keeps it in this step's cache, and lstm_cell_backward reads it there. "
    "Compute c_next and a_next into new arrays: c_next = ft * c_prev + it * cct."
)

LSTM_CELL_FORWARD = Exercise(
    "lstm_cell_forward",
    arguments=("xt", "a_prev", "c_prev", "parameters"),
    outputs={"a_next": ("n_a", "m"), "c_next": ("n_a", "m"), "yt_pred": ("n_y", "m")},
    returns=TupleOf("a_next", "c_next", "yt_pred", "cache"),
    reference=lstm_cell_forward,
    cases=lstm_cell_forward_cases,
    equations="s = np.concatenate((a_prev, xt), axis=0); ft = sigmoid(Wf @ s + bf); "
    "it = sigmoid(Wi @ s + bi); cct = np.tanh(Wc @ s + bc); ot = sigmoid(Wo @ s + bo); "
    "c_next = ft * c_prev + it * cct; a_next = ot * np.tanh(c_next); "
    "yt_pred = softmax(Wy @ a_next + by) over axis 0.",
    modified_explanations={
        "a_prev": IN_PLACE_STATE.format(name="a_prev"),
        "c_prev": IN_PLACE_STATE.format(name="c_prev"),
    },
)

LSTM_FORWARD = Exercise(
    "lstm_forward",
    arguments=("x", "a0", "parameters"),
    outputs={"a": ("n_a", "m", "T_x"), "y": ("n_y", "m", "T_x"), "c": ("n_a", "m", "T_x")},
    returns=TupleOf("a", "y", "c", "caches"),
    reference=lstm_forward,
    cases=lstm_forward_cases,
    equations="start from a_next = a0 and c_next = np.zeros_like(a0); at every step t, "
    "a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters), "
    "then a[:, :, t] = a_next, c[:, :, t] = c_next, y[:, :, t] = yt, and append cache to a "
    "list; caches = (that list, x).",
)

LSTM_CELL_BACKWARD = Exercise(
    "lstm_cell_backward",
    arguments=("da_next", "dc_next", "cache"),
    outputs=LSTM_CELL_GRADIENTS,
    returns=DictOf(*LSTM_CELL_GRADIENTS),
    reference=lstm_cell_backward,
    cases=lstm_cell_backward_cases,
    equations="dc = dc_next + da_next * ot * (1 - np.tanh(c_next)**2); "
    "dzo = da_next * np.tanh(c_next) * ot * (1 - ot); dzc = dc * it * (1 - cct**2); "
    "dzi = dc * cct * it * (1 - it); dzf = dc * c_prev * ft * (1 - ft); "
    "with s = [a_prev; xt]: dWg = dzg @ s.T, dbg = np.sum(dzg, axis=1, keepdims=True) for g in "
    "f, i, c, o; ds = Wf.T @ dzf + Wi.T @ dzi + Wc.T @ dzc + Wo.T @ dzo; da_prev = ds[:n_a]; "
    "dxt = ds[n_a:]; dc_prev = dc * ft.",
    modified_explanations={
        "da_next": "da_next is changed in place: the caller (lstm_backward) may still need it. "
        "Compute dc into a new array: dc = dc_next + da_next * ot * (1 - np.tanh(c_next)**2).",
        "dc_next": "dc_next is changed in place (dc_next += ...): compute the whole gradient "
        "into a new array instead, dc = dc_next + da_next * ot * (1 - np.tanh(c_next)**2).",
    },
)

LSTM_BACKWARD = Exercise(
    "lstm_backward",
    arguments=("da", "caches"),
    outputs=LSTM_SEQUENCE_GRADIENTS,
    returns=DictOf(*LSTM_SEQUENCE_GRADIENTS),
    reference=lstm_backward,
    cases=lstm_backward_cases,
    equations="da_prev and dc_prev start at zeros; for t from T_x - 1 down to 0: gradients = "
    "lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, caches[0][t]); "
    "dx[:, :, t] = gradients['dxt']; dWf += gradients['dWf'] (and every dW, db); "
    "da_prev = gradients['da_prev']; dc_prev = gradients['dc_prev']. At the end da0 = da_prev.",
    modified_explanations={
        "da": "lstm_backward changes da in place, for example with da[:, :, t] += da_prev. The "
        "caller's da is then no longer the gradient from the output layer; compute "
        "da[:, :, t] + da_prev into a new array instead."
    },
)


# --- the form of the caches ---


def lstm_cell_cache_problem(cache, expected, label):
    """None, or what is wrong when `cache` is not rnn_core's LSTM cell cache."""
    names = [name for name, _ in CACHE_ENTRIES]
    if not isinstance(cache, tuple) or len(cache) != len(names) + 1:
        return f"{label} is {describe(cache)}, not a tuple of {len(names) + 1}."
    for k, name in enumerate(names):
        if not same(read_output(name, cache[k]), read_output(name, expected[k])):
            return f"{label}[{k}] is {describe(cache[k])} that is not this step's {name}."
    parameters = cache[-1]
    if not isinstance(parameters, dict) or not all(
        key in parameters and same(read_output(key, parameters[key]), read_output(key, value))
        for key, value in expected[-1].items()
    ):
        return f"{label}[{len(names)}] is {describe(parameters)}, not the parameters dict."
    return None


CACHE_TEXT = "(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)"


@LSTM_CELL_FORWARD.structure(
    "lstm_cache_wrong_form",
    f"the cache is not the tuple {CACHE_TEXT}, in this order: lstm_cell_backward unpacks it "
    f"as {CACHE_TEXT[1:-1]} = cache.",
    summary=f"the LSTM cell cache is not the tuple {CACHE_TEXT}",
)
def lstm_cache_not_as_rnn_core(returned, expected):
    return lstm_cell_cache_problem(returned["cache"], expected["cache"], "cache")


@LSTM_FORWARD.structure(
    "caches_wrong_form",
    "caches is not the tuple (caches_list, x), where caches_list holds the T_x cell caches in "
    f"the order of the steps, each {CACHE_TEXT}: lstm_backward unpacks it as "
    "(caches_list, x) = caches, then reads caches_list[t].",
)
def lstm_caches_not_as_rnn_core(returned, expected):
    return sequence_caches_problem(returned["caches"], expected["caches"], lstm_cell_cache_problem)


# --- lstm_cell_forward: the mistakes ---


def cell_forward_with(
    xt,
    a_prev,
    c_prev,
    parameters,
    *,
    x_on_top=False,
    without_bias=(),
    candidate=np.tanh,
    cell="right",
    tanh_of="c_next",
    output_from="a_next",
    normalise=softmax,
):
    """One LSTM step, right with the defaults; each keyword puts one mistake in it."""
    p = parameters
    s = np.concatenate((xt, a_prev) if x_on_top else (a_prev, xt), axis=0)

    def z(g):
        return p[f"W{g}"] @ s + (0 if g in without_bias else p[f"b{g}"])

    ft, it, cct, ot = sigmoid(z("f")), sigmoid(z("i")), candidate(z("c")), sigmoid(z("o"))
    if cell == "gates_swapped":
        c_next = it * c_prev + ft * cct
    elif cell == "from_a_prev":
        c_next = ft * a_prev + it * cct
    else:
        c_next = ft * c_prev + it * cct
    states = {"c_next": c_next, "c_prev": c_prev}
    a_next = ot * c_next if tanh_of is None else ot * np.tanh(states[tanh_of])
    source = a_next if output_from == "a_next" else a_prev
    yt_pred = normalise(p["Wy"] @ source + (0 if "y" in without_bias else p["by"]))
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


STACKED_IN_WRONG_ORDER = (
    "the input is stacked in the wrong order, [xt; a_prev]: every gate weight's first n_a "
    "columns multiply a_prev and its last n_x columns xt, so the stack is "
    "s = np.concatenate((a_prev, xt), axis=0), a_prev on top. (Both orders have the shape "
    "(n_a + n_x, m), so nothing fails: only the values are wrong.)"
)


@LSTM_CELL_FORWARD.mistake(
    "stacked_in_wrong_order",
    STACKED_IN_WRONG_ORDER,
    summary="the stacked input is [xt; a_prev] instead of [a_prev; xt] (or split that way)",
    x_on_top=True,
)
@LSTM_CELL_FORWARD.mistake(
    "tanh_of_c_prev",
    "a_next is computed from tanh(c_prev), the old cell state: the hidden state reads the cell "
    "state this step has just written, a_next = ot * np.tanh(c_next).",
    summary="tanh of c_prev where the step needs tanh of c_next",
    tanh_of="c_prev",
)
@LSTM_CELL_FORWARD.mistake(
    "missing_tanh_of_c",
    "the tanh of the cell state is missing: a_next = ot * np.tanh(c_next), not ot * c_next. "
    "The cell state is not bounded; the tanh squashes it into (-1, 1) before the output gate.",
    summary="a_next = ot * c_next, without the tanh",
    tanh_of=None,
)
@LSTM_CELL_FORWARD.mistake(
    "forget_input_swapped",
    "the forget and input gates are swapped: c_next = it * c_prev + ft * cct. The forget gate "
    "decides what of the old cell state is kept, the input gate what of the candidate is "
    "written: c_next = ft * c_prev + it * cct.",
    summary="c_next = it * c_prev + ft * cct: the forget and input gates swapped",
    cell="gates_swapped",
)
@LSTM_CELL_FORWARD.mistake(
    "cell_from_a_prev",
    "the cell state is computed from a_prev instead of c_prev: c_next = ft * a_prev + it * cct. "
    "The forget gate scales the previous cell state: c_next = ft * c_prev + it * cct.",
    summary="c_next = ft * a_prev + it * cct: a_prev where c_prev belongs",
    cell="from_a_prev",
)
@LSTM_CELL_FORWARD.mistake(
    "candidate_with_sigmoid",
    "the candidate cct is computed with sigmoid: it is a value to write, in (-1, 1), so "
    "cct = np.tanh(Wc @ s + bc). Only the gates ft, it, ot use sigmoid.",
    summary="the candidate cct = sigmoid(...) instead of np.tanh(...)",
    candidate=sigmoid,
)
@LSTM_CELL_FORWARD.mistake(
    "output_from_a_prev",
    "the output is computed from a_prev instead of a_next: this step's prediction reads this "
    "step's hidden state, yt_pred = softmax(Wy @ a_next + by).",
    output_from="a_prev",
)
@LSTM_CELL_FORWARD.mistake(
    "missing_bias",
    "the bias by is missing: yt_pred = softmax(Wy @ a_next + by).",
    without_bias=("y",),
)
@LSTM_CELL_FORWARD.mistake(
    "gate_bias_missing",
    "the biases of the gates are missing: each gate adds its own, ft = sigmoid(Wf @ s + bf), "
    "it = sigmoid(Wi @ s + bi), cct = np.tanh(Wc @ s + bc), ot = sigmoid(Wo @ s + bo).",
    summary="a gate's bias (bf, bi, bc or bo) is left out",
    without_bias=("f", "i", "c", "o"),
)
@LSTM_CELL_FORWARD.mistake("softmax_wrong_axis", ROWS, normalise=summed_over_rows)
def lstm_cell_forward_mistake(xt, a_prev, c_prev, parameters, **mistake):
    return cell_forward_with(xt, a_prev, c_prev, parameters, **mistake)


def gate_bias_missing(g):
    """The registration of one gate's bias left out."""
    act = "np.tanh" if g == "c" else "sigmoid"
    gate = "cct" if g == "c" else f"{g}t"
    return LSTM_CELL_FORWARD.mistake(
        "gate_bias_missing",
        f"the bias b{g} of the {GATE_NAMES[g]} is missing: {gate} = {act}(W{g} @ s + b{g}).",
        without_bias=(g,),
    )


for _g in "fico":
    gate_bias_missing(_g)(lstm_cell_forward_mistake)
del _g


# --- lstm_forward: the mistakes ---


def sequence_forward_with(x, a0, parameters, *, a_start=None, c_start="zeros", carry_c=True):
    """lstm_forward, right with the defaults: a from a0, c from zeros, both carried."""
    _, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    a_next = a0 if a_start is None else a_start
    c_next = np.zeros_like(a0) if c_start == "zeros" else a0
    cell_caches = []
    for t in range(T_x):
        c_prev = c_next if carry_c else np.zeros_like(a0)
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(
            x[:, :, t], a_next, c_prev, parameters
        )
        a[:, :, t], c[:, :, t] = a_next, c_next
        cell_caches.append(cache)
    return a, y, c, (cell_caches, x)


@LSTM_FORWARD.mistake(
    "starts_from_zeros",
    "the recurrence starts from zeros instead of a0: the first step's a_prev is the a0 passed "
    "in, so set a_next = a0 before the loop (only the cell state starts at zeros).",
)
def lstm_forward_from_zeros(x, a0, parameters):
    return sequence_forward_with(x, a0, parameters, a_start=np.zeros_like(a0))


@LSTM_FORWARD.mistake(
    "c0_from_a0",
    "the cell state starts from a0: c⟨0⟩ is zero, c_next = np.zeros_like(a0) before the loop; "
    "a0 is the initial hidden state only.",
    summary="the cell state starts from a0 instead of zeros",
)
def lstm_forward_c_from_a0(x, a0, parameters):
    return sequence_forward_with(x, a0, parameters, c_start="a0")


@LSTM_FORWARD.mistake(
    "c_not_carried",
    "the cell state is not carried from step to step: every step gets c_prev = zeros. Pass "
    "the c_next that the previous step returned to the next call of the cell, as for a_next: "
    "the cell state is the LSTM's memory.",
    summary="every step starts from a zero cell state instead of the previous c_next",
)
def lstm_forward_c_not_carried(x, a0, parameters):
    return sequence_forward_with(x, a0, parameters, carry_c=False)


@LSTM_FORWARD.mistake(
    "a0_at_every_step",
    "every step starts from a0: pass the a_next (and c_next) that the previous step returned to "
    "the next call of the cell, so that the states carry through time.",
)
def lstm_forward_a0_every_step(x, a0, parameters):
    steps = []
    c_next = np.zeros_like(a0)
    for t in range(x.shape[2]):
        steps.append(lstm_cell_forward(x[:, :, t], a0, c_next, parameters))
        c_next = steps[-1][1]
    a, c, y = (np.stack([step[k] for step in steps], axis=2) for k in (0, 1, 2))
    return a, y, c, ([step[3] for step in steps], x)


# --- lstm_cell_backward: the mistakes ---

RIGHT_DERIVATIVES = {"f": "right", "i": "right", "c": "right", "o": "right"}


def derivative(g, value, how):
    """The derivative of gate g's activation, from the gate's value: right, or one mistake."""
    if how == "missing":
        return 1.0
    if how == "of_gate":  # the derivative function applied to the gate instead of to z
        value = np.tanh(value) if g == "c" else sigmoid(value)
    elif how == "other_form":  # tanh's form for a sigmoid gate, sigmoid's for the candidate
        return value * (1 - value) if g == "c" else 1 - value**2
    return 1 - value**2 if g == "c" else value * (1 - value)


def cell_backward_with(
    da_next,
    dc_next,
    cache,
    *,
    da_path=True,
    dc_next_path=True,
    tanh_of="c_next",
    derivatives=None,
    dzo_from="da_next",
    dc_prev="right",
    stack_x_on_top=False,
    split_x_on_top=False,
):
    """One LSTM step backwards, right with the defaults; each keyword puts one mistake in it."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a, n_x = a_next.shape[0], xt.shape[0]
    how = {**RIGHT_DERIVATIVES, **(derivatives or {})}
    gate = {"f": ft, "i": it, "c": cct, "o": ot}
    d = {g: derivative(g, gate[g], how[g]) for g in "fico"}
    tanh_c = np.tanh(c_next if tanh_of == "c_next" else c_prev)
    dc = (dc_next if dc_next_path else 0) + (da_next * ot * (1 - tanh_c**2) if da_path else 0)
    dc = dc + np.zeros_like(c_next)
    dz = {
        "o": (da_next if dzo_from == "da_next" else dc) * tanh_c * d["o"],
        "c": dc * it * d["c"],
        "i": dc * cct * d["i"],
        "f": dc * c_prev * d["f"],
    }
    s = np.concatenate((xt, a_prev) if stack_x_on_top else (a_prev, xt), axis=0)
    ds = sum(p[f"W{g}"].T @ dz[g] for g in "fico")
    if split_x_on_top:
        dxt, da_prev = ds[:n_x], ds[n_x:]
    else:
        dxt, da_prev = ds[n_a:], ds[:n_a]
    previous = {"right": dc * ft, "without_ft": dc, "from_dc_next": dc_next * ft}[dc_prev]
    gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": previous}
    for g in "fico":
        gradients[f"dW{g}"] = dz[g] @ s.T
        gradients[f"db{g}"] = np.sum(dz[g], axis=1, keepdims=True)
    return gradients


def each_gate(text):
    """{gate: text with {gate} and {g}} for the gates that are sigmoids."""
    return {g: text.format(gate=f"{g}t", g=g) for g in "fio"}


@LSTM_CELL_BACKWARD.mistake(
    "da_path_dropped",
    "the path from a_next into the cell state is dropped: dc = dc_next. c_next also reaches "
    "the loss through a_next = ot * tanh(c_next), so "
    "dc = dc_next + da_next * ot * (1 - np.tanh(c_next)**2), and every gate below c_next "
    "(dzf, dzi, dzc) and dc_prev read that whole dc.",
    summary="dc = dc_next: the path da_next → dc through a_next = ot tanh(c_next) is dropped",
    da_path=False,
)
@LSTM_CELL_BACKWARD.mistake(
    "dc_next_dropped",
    "dc_next is dropped: dc = da_next * ot * (1 - np.tanh(c_next)**2) alone. The cell state "
    "also reaches the loss through the later steps (c_next is the next step's c_prev), so "
    "dc = dc_next + da_next * ot * (1 - np.tanh(c_next)**2).",
    summary="dc leaves out dc_next, the gradient from the later steps",
    dc_next_path=False,
)
@LSTM_CELL_BACKWARD.mistake(
    "dc_prev_without_ft",
    "dc_prev = dc: the forget gate is forgotten. c_next = ft * c_prev + it * cct, so "
    "∂c_next/∂c_prev = ft and dc_prev = dc * ft.",
    summary="dc_prev = dc, without the factor ft",
    dc_prev="without_ft",
)
@LSTM_CELL_BACKWARD.mistake(
    "dc_prev_from_dc_next",
    "dc_prev = dc_next * ft reads only the gradient from the later steps: use the whole "
    "gradient that reached c_next, dc = dc_next + da_next * ot * (1 - np.tanh(c_next)**2), "
    "so dc_prev = dc * ft.",
    summary="dc_prev = dc_next * ft instead of dc * ft (the da_next path left out)",
    dc_prev="from_dc_next",
)
@LSTM_CELL_BACKWARD.mistake(
    "tanh_of_c_prev",
    "the backward uses tanh(c_prev): a_next = ot * np.tanh(c_next), so both dc and dzo read "
    "tanh(c_next), the cell state this step wrote (cache[1]).",
    tanh_of="c_prev",
)
@LSTM_CELL_BACKWARD.mistake(
    "gate_derivative_of_gate",
    "the gate derivatives are applied to the gates themselves: ft is already sigmoid(zf), so "
    "σ'(zf) = ft * (1 - ft), not sigmoid(ft) * (1 - sigmoid(ft)); likewise it, ot, and "
    "tanh'(zc) = 1 - cct**2, not 1 - np.tanh(cct)**2.",
    summary="a gate derivative is σ' (or tanh') of the gate's value instead of its input z",
    derivatives={"f": "of_gate", "i": "of_gate", "c": "of_gate", "o": "of_gate"},
)
@LSTM_CELL_BACKWARD.mistake(
    "gate_derivative_of_gate",
    "the sigmoid derivatives are applied to the gates themselves: ft is already sigmoid(zf), "
    "so σ'(zf) = ft * (1 - ft), not sigmoid(ft) * (1 - sigmoid(ft)); likewise it and ot.",
    derivatives={"f": "of_gate", "i": "of_gate", "o": "of_gate"},
)
@LSTM_CELL_BACKWARD.mistake(
    "gate_derivative_missing",
    "the activation derivatives are missing: dzf = dc * c_prev * ft * (1 - ft), "
    "dzi = dc * cct * it * (1 - it), dzc = dc * it * (1 - cct**2), "
    "dzo = da_next * np.tanh(c_next) * ot * (1 - ot).",
    summary="a gate's activation derivative (σ' or tanh') is left out",
    derivatives={"f": "missing", "i": "missing", "c": "missing", "o": "missing"},
)
@LSTM_CELL_BACKWARD.mistake(
    "gate_derivative_wrong_form",
    "the sigmoid derivative is written 1 - g**2, which is tanh's: for a sigmoid gate, "
    "σ'(z) = σ(z)(1 - σ(z)), so ft * (1 - ft), it * (1 - it), ot * (1 - ot).",
    summary="σ' written 1 - g**2 (tanh's) or tanh' written g * (1 - g) (σ's)",
    derivatives={"f": "other_form", "i": "other_form", "o": "other_form"},
)
@LSTM_CELL_BACKWARD.mistake(
    "gate_derivative_wrong_form",
    "the derivatives are mixed up: σ'(z) = σ(z)(1 - σ(z)) for the gates (ft * (1 - ft), ...) "
    "and tanh'(z) = 1 - tanh(z)**2 for the candidate (1 - cct**2).",
    derivatives={"f": "other_form", "i": "other_form", "c": "other_form", "o": "other_form"},
)
@LSTM_CELL_BACKWARD.mistake(
    "gate_derivative_wrong_form",
    "the candidate's derivative is written cct * (1 - cct), which is sigmoid's: cct = tanh(zc), "
    "so tanh'(zc) = 1 - cct**2 and dzc = dc * it * (1 - cct**2).",
    derivatives={"c": "other_form"},
)
@LSTM_CELL_BACKWARD.mistake(
    "dzo_from_dc",
    "the output gate's gradient reads dc: ot enters the loss only through a_next = "
    "ot * tanh(c_next), so dzo = da_next * np.tanh(c_next) * ot * (1 - ot).",
    summary="dzo computed from dc instead of da_next",
    dzo_from="dc",
)
@LSTM_CELL_BACKWARD.mistake(
    "stacked_in_wrong_order",
    "the stacked input is taken as [xt; a_prev]: a_prev is on top, s = "
    "np.concatenate((a_prev, xt), axis=0), so dWg = dzg @ s.T with that s, da_prev = ds[:n_a] "
    "(the first n_a rows) and dxt = ds[n_a:].",
    stack_x_on_top=True,
    split_x_on_top=True,
)
@LSTM_CELL_BACKWARD.mistake(
    "stacked_in_wrong_order",
    "ds is split as if the stack were [xt; a_prev]: a_prev is on top, so da_prev = ds[:n_a] "
    "(the first n_a rows) and dxt = ds[n_a:] (the last n_x).",
    split_x_on_top=True,
)
@LSTM_CELL_BACKWARD.mistake(
    "stacked_in_wrong_order",
    "the weight gradients use the stack [xt; a_prev]: the gate weights' first n_a columns "
    "multiply a_prev, so dWg = dzg @ s.T with s = np.concatenate((a_prev, xt), axis=0).",
    stack_x_on_top=True,
)
def lstm_cell_backward_mistake(da_next, dc_next, cache, **mistake):
    return cell_backward_with(da_next, dc_next, cache, **mistake)


def one_gate(identifier, g, how, text):
    LSTM_CELL_BACKWARD.mistake(identifier, text, derivatives={g: how})(lstm_cell_backward_mistake)


for _g, _gate in (("f", "ft"), ("i", "it"), ("o", "ot")):
    one_gate(
        "gate_derivative_of_gate",
        _g,
        "of_gate",
        f"the derivative of the {GATE_NAMES[_g]} is applied to the gate itself: {_gate} is "
        f"already sigmoid(z{_g}), so σ'(z{_g}) = {_gate} * (1 - {_gate}), not "
        f"sigmoid({_gate}) * (1 - sigmoid({_gate})).",
    )
    one_gate(
        "gate_derivative_missing",
        _g,
        "missing",
        f"the sigmoid derivative {_gate} * (1 - {_gate}) of the {GATE_NAMES[_g]} is missing "
        f"from dz{_g}.",
    )
    one_gate(
        "gate_derivative_wrong_form",
        _g,
        "other_form",
        f"the derivative of the {GATE_NAMES[_g]} is written 1 - {_gate}**2, which is tanh's: "
        f"σ'(z{_g}) = {_gate} * (1 - {_gate}).",
    )
one_gate(
    "gate_derivative_of_gate",
    "c",
    "of_gate",
    "the candidate's derivative is applied to cct itself: cct is already np.tanh(zc), so "
    "tanh'(zc) = 1 - cct**2, not 1 - np.tanh(cct)**2.",
)
one_gate(
    "gate_derivative_missing",
    "c",
    "missing",
    "the tanh derivative 1 - cct**2 of the candidate is missing: dzc = dc * it * (1 - cct**2).",
)
del _g, _gate


# --- lstm_backward: the mistakes ---


def lstm_through_time(da, caches, *, into_step="both", carry_dc=True, assigned=()):
    """BPTT for the LSTM, right with the defaults; each keyword puts one mistake in it."""
    cell_caches, x = caches
    T_x = x.shape[2]
    dx = np.zeros(x.shape)
    totals = dict.fromkeys(WEIGHT_GRADIENTS, 0.0)
    da_prev = np.zeros(da.shape[:2])
    dc_prev = np.zeros(da.shape[:2])
    for t in reversed(range(T_x)):
        entering = {"both": da[:, :, t] + da_prev, "da_prev": da_prev, "da_t": da[:, :, t]}
        dc_next = dc_prev if carry_dc else np.zeros(da.shape[:2])
        gradients = lstm_cell_backward(entering[into_step], dc_next, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        for key in totals:
            totals[key] = gradients[key] if key in assigned else totals[key] + gradients[key]
        da_prev, dc_prev = gradients["da_prev"], gradients["dc_prev"]
    return {"dx": dx, "da0": da_prev, **totals}


@LSTM_BACKWARD.mistake(
    "only_da_prev",
    "only da_prev is passed to each step's backward, so the gradient from each step's own "
    "output, da[:, :, t], never enters. The gradient reaching a_t has two sources: "
    "lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, caches[0][t]).",
    into_step="da_prev",
)
@LSTM_BACKWARD.mistake(
    "only_da_t",
    "da_prev is dropped: each step's backward gets only da[:, :, t], so nothing flows back "
    "through the hidden state. Pass da[:, :, t] + da_prev, where da_prev is what the backward "
    "of step t + 1 returned.",
    into_step="da_t",
)
@LSTM_BACKWARD.mistake(
    "dc_not_carried",
    "dc_prev is not carried back: each step's backward gets dc_next = zeros, which cuts the "
    "cell state's gradient highway. Pass the dc_prev that the backward of step t + 1 "
    "returned as this step's dc_next (zeros only for the last step).",
    summary="each step's backward gets dc_next = zeros instead of the later step's dc_prev",
    carry_dc=False,
)
@LSTM_BACKWARD.mistake(
    "not_accumulated",
    "the weight gradients hold only the first time step's share (the loop runs from T_x - 1 "
    "down to 0, so the last assignment is step 0's): they are assigned "
    "(dWf = gradients['dWf']) instead of added up. The same weights serve every step, so start "
    "from zeros and sum: dWf += gradients['dWf'].",
    assigned=tuple(WEIGHT_GRADIENTS),
)
def lstm_backward_mistake(da, caches, **mistake):
    return lstm_through_time(da, caches, **mistake)
