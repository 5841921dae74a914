"""Training a character model (notebooks 05 and 07): the loop, its record, and perplexity.

Letters used for sizes, as in the rest of `rnn_core`:

    n_x   size of one input vector x_t          n_a   size of the hidden state a_t
    n_y   number of output classes              m     number of sequences in a batch
    T_x   number of time steps

One training step is:

    x, y          = make_batch(...)                        x (n_y, m, T_x) one-hot, y (m, T_x)
    loss, grads   = rnn_loss_and_gradients(x, y, a0, parameters)         a0 = zeros (n_a, m)
    grads, norm   = clip_by_global_norm(grads, clip)                     notebook 04
    parameters    = optimizer.step(parameters, grads)                    Adagrad

in numbers; `train` computes the same numbers faster (see below).

With `held_out` > 0, the last `held_out` characters of the text are kept out of every batch, and
the loss per character on them is measured every `eval_every` steps: a loss on text the training
never sees, to compare with the training loss.

For the RNN the inputs stay character indices: the fused path reads them as the embedding lookup
of `rnn_core.embedding` (the same numbers as one-hot columns, without the products by zeros), and
writes the gradients into one set of arrays that every step reuses; clipping and Adagrad then
work in place on arrays the loop owns. The same loop trains an LSTM or a GRU (`cell="lstm"`,
`cell="gru"`, notebook 07, on one-hot inputs), through the dispatch of `rnn_core.models`.

With `carry_state=True` the batches are not random windows but m streams read in order, and each
window starts from the state where the previous one ended.

The text and its batches are in `rnn_core.corpus`, clipping and Adagrad in `rnn_core.optimizers`,
sampling from the trained model in `rnn_core.sampling`.
"""

import dataclasses
import math
import time

import numpy as np

from ._validation import (
    check_bool,
    check_char_to_index,
    check_gradients,
    check_int,
    check_known_characters,
    check_model,
    check_positive_float,
    check_positive_int,
    check_seed,
    check_text,
    choose,
    overflow_error,
    to_float_array,
)
from .corpus import build_vocabulary, encode
from .loss import _one_hot
from .models import (
    CELLS,
    WEIGHT_MATRICES,
    check_model_parameters,
    hidden_size,
    initialize,
    loss_and_state,
    loss_gradients_and_state,
    zero_state,
)
from .optimizers import Adagrad, _clip_in_place, _global_norm
from .threads import step_work, threads_for


@dataclasses.dataclass
class TrainingResult:
    """What `train` returns.

    - parameters: the trained weights, with n_x = n_y = the vocabulary size: for the RNN Wax
      (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1) and by (n_y, 1); for the LSTM and
      the GRU those of `initialize_lstm_parameters` and `initialize_gru_parameters`.
    - chars, char_to_index: the vocabulary, as from `build_vocabulary`.
    - losses: the loss per character of every step, shape (steps,): rnn_core's loss (summed over
      the T_x steps, averaged over the m windows) divided by T_x.
    - smooth_losses: an exponential moving average of losses (weight 0.99 on the past), (steps,).
    - gradient_norms: the global norm of the parameter gradients before clipping, (steps,).
    - held_out_steps: the numbers of updates after which the held-out loss was measured, int
      array of shape (k,): 0 (the initial weights), every `eval_every` steps, and `steps`.
      Empty, shape (0,), when `held_out` = 0.
    - held_out_losses: the loss per character on the held-out text after those steps, (k,), as
      `loss_per_character` measures it (read in windows from zero, or as one stream when the
      training carried the state).
    - seconds: the wall-clock time of the training loop (held-out measurements included).
    - cell: "rnn", "lstm" or "gru"; carry_state: whether the state was carried across windows.
    """

    parameters: dict
    chars: list
    char_to_index: dict
    losses: np.ndarray
    smooth_losses: np.ndarray
    gradient_norms: np.ndarray
    held_out_steps: np.ndarray
    held_out_losses: np.ndarray
    seconds: float
    cell: str
    carry_state: bool


def train(
    text,
    n_a=64,
    T_x=25,
    m=16,
    steps=1000,
    learning_rate=0.1,
    clip=5.0,
    seed=0,
    log_every=None,
    held_out=0,
    eval_every=None,
    cell="rnn",
    carry_state=False,
):
    """Train a character-level RNN (or LSTM, or GRU) on `text` with Adagrad; the same `seed` gives
    the same run on one computer with the same BLAS library and thread count (elsewhere the runs
    diverge).

    Each step draws m random windows (`make_batch`), starts every window from the hidden state
    a0 = 0 (the batches are stateless: nothing is carried from one window to the next), computes
    the loss and the gradients by backpropagation through time, clips them by their global norm,
    and takes one Adagrad step.

    Carried state: with `carry_state=True` the training text is cut into m streams of
    consecutive characters, L = (N - 1) // m inputs each (N training characters; stream i starts
    at character i L). Step k reads window j = k mod (L // T_x) of every stream, characters
    j T_x … (j + 1) T_x of it, starting from the state where window j - 1 ended; at j = 0 (the
    start of each pass through the text) the state is zero again. The gradient stops at the
    window's first state, which is taken as a constant: truncated BPTT (notebook 04), with the
    information, though not the gradient, reaching back past T_x. The windows are then in a
    fixed order, and `seed` seeds only the initial weights.

    Held-out text: with `held_out` = H > 0, the windows are drawn from the first len(text) - H
    characters only, so no batch ever contains one of the last H characters. Those H characters
    are cut into the windows h[k T_x : (k + 1) T_x + 1], k = 0, 1, ..., m_h - 1, of the held-out
    indices h, with m_h = (H - 1) // T_x (consecutive windows that overlap by one character, so
    that every held-out character after the first is a label once; up to T_x - 1 characters at
    the end are left out). They form one fixed batch x_h (n_y, m_h, T_x), y_h (m_h, T_x), read
    from a0 = 0 like the training windows (with `carry_state=True`: read in order as one stream,
    each window from the state where the previous one ended). The held-out loss is the loss per
    character on them (`loss_per_character`), measured before the first update, after every
    `eval_every` updates and after the last. The vocabulary is built from the whole text,
    held-out part included.

    Arguments:
    - text: the text, a str of at least T_x + 1 + held_out characters.
    - n_a: the hidden size; T_x: the window length (how far back BPTT reaches); m: the batch size.
    - steps: the number of updates; learning_rate: Adagrad's learning rate.
    - clip: the largest global gradient norm (`clip_by_global_norm`), or None for no clipping.
    - seed: seeds both the initial weights, initialize_parameters(n_y, n_a, n_y, seed=seed) (or
      the LSTM's or GRU's), and the choice of windows.
    - log_every: print the smoothed loss every this many steps (and the held-out loss, when it
      was measured at that step); None prints nothing.
    - held_out: the number of characters at the end of `text` kept out of training: 0 (none, the
      default) or at least T_x + 1 (one held-out window).
    - eval_every: measure the held-out loss every this many updates; None measures it only before
      the first update and after the last. Needs held_out > 0.
    - cell: "rnn" (the default), "lstm" or "gru".
    - carry_state: False (the default, random windows from zero) or True (streams, the state
      carried from window to window; see above).

    Returns: a `TrainingResult` (parameters, chars, char_to_index, losses, smooth_losses,
    gradient_norms, held_out_steps, held_out_losses, seconds, cell, carry_state). Before
    training, the loss per character is about ln(n_y), the loss of a uniform guess. With the
    defaults, on the shipped sonnets (n_y = 36, ln 36 = 3.58), the loss falls to 1.4-1.7
    (perplexity 4-5.5) in a few seconds.
    """
    n_a = check_positive_int("n_a", n_a)
    T_x = check_positive_int("T_x", T_x)
    held_out = check_int("held_out", held_out, 0)
    if 0 < held_out < T_x + 1:
        raise ValueError(
            f"held_out must be 0 or at least T_x + 1 = {T_x + 1} (one held-out window of T_x "
            f"inputs and T_x labels), got {held_out}"
        )
    if held_out == 0:
        text = check_text("text", text, T_x + 1, f" (T_x + 1 = {T_x + 1}, for one window)")
    else:
        text = check_text(
            "text",
            text,
            T_x + 1 + held_out,
            f" (T_x + 1 = {T_x + 1} for one training window, plus held_out = {held_out})",
        )
    m = check_positive_int("m", m)
    steps = check_positive_int("steps", steps)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    if clip is not None:
        clip = check_positive_float("clip", clip)
    if log_every is not None:
        log_every = check_positive_int("log_every", log_every)
    if eval_every is not None:
        eval_every = check_positive_int("eval_every", eval_every)
        if held_out == 0:
            raise ValueError(
                f"eval_every = {eval_every} needs held_out > 0: with held_out = 0 there is no "
                "held-out text to measure the loss on"
            )
    check_seed("seed", seed)
    cell = choose("cell", cell, CELLS)
    carry_state = check_bool("carry_state", carry_state)
    if carry_state and len(text) - held_out < m * T_x + 1:
        raise ValueError(
            f"carry_state=True cuts the training text into m = {m} streams of at least one window "
            f"of T_x = {T_x}: it needs m T_x + 1 = {m * T_x + 1} characters, the text has "
            f"{len(text) - held_out}" + (f" after held_out = {held_out}" if held_out else "")
        )

    chars, char_to_index = build_vocabulary(text)
    n_y = len(chars)  # n_x = n_y: one character in, a distribution over characters out
    indices = encode(text, char_to_index)  # (N,)
    training_indices = indices[: indices.size - held_out]  # (N - held_out,): the only batches
    if held_out:
        held = _held_out_batch(indices[indices.size - held_out :], cell, n_y, T_x, carry_state)
        every = steps if eval_every is None else eval_every
        held_out_steps = np.array(sorted({0, steps, *range(every, steps, every)}))  # (k,)
    else:
        held_out_steps = np.zeros(0, dtype=int)
    held_out_losses = np.zeros(held_out_steps.size)  # (k,)
    measured = 0  # how many held-out losses are recorded so far
    parameters = initialize(cell, n_y, n_a, n_y, seed=seed)
    optimizer = Adagrad(learning_rate)
    rng = np.random.default_rng(seed)
    if carry_state:
        streams = _streams(training_indices, m, T_x)  # (m, L + 1)
        passes = (streams.shape[1] - 1) // T_x  # windows in one pass through the streams
    state = zero_state(cell, n_a, m)  # (a,) or (a, c), each (n_a, m)
    # The RNN writes every step's gradients into the arrays it returned at the first step (the
    # gated cells return new arrays every step); keys: those that clipping counts
    gradients, keys = None, None
    losses = np.zeros(steps)
    smooth_losses = np.zeros(steps)
    gradient_norms = np.zeros(steps)
    smooth = None

    # BLAS threads for the whole loop, from the size of one step's products (rnn_core.threads)
    with threads_for(step_work(n_y, n_a, m, WEIGHT_MATRICES[cell])):
        start = time.perf_counter()
        if held_out:  # the initial weights: about ln(n_y)
            held_out_losses[0] = _loss_per_character(cell, parameters, *held)
            measured = 1
        for step in range(steps):
            if carry_state:
                j = step % passes  # window j of every stream
                if j == 0:  # a new pass through the text starts from nothing
                    state = zero_state(cell, n_a, m)
                window = streams[:, j * T_x : (j + 1) * T_x + 1]  # (m, T_x + 1)
            else:
                window = _random_windows(training_indices, m, T_x, rng)  # (m, T_x + 1)
            x, y = _inputs(cell, window[:, :-1], n_y), window[:, 1:]  # x, y (m, T_x)
            # Each Adagrad step moves a weight by at most learning_rate: a huge one makes them
            # overflow
            with overflow_error(
                f"training diverged at step {step + 1}: the weights left the range of float64; "
                f"lower learning_rate (= {learning_rate:g})"
            ):
                loss, gradients, last = loss_gradients_and_state(
                    cell, x, y, state, parameters, gradients
                )
                if carry_state:
                    state = last  # where the next window of every stream starts
                # train owns the gradients and the parameters: clip and step in place (the numbers
                # of clip_by_global_norm and Adagrad.step, without their copies and checks)
                if keys is None:  # dWax, dWaa, ... as clip_by_global_norm chooses them
                    keys = check_gradients(gradients, None)[1]
                if clip is None:
                    norm = _global_norm(gradients, keys)
                else:
                    norm = _clip_in_place(gradients, keys, clip)
                optimizer._step_in_place(parameters, gradients)  # ignores da0 and dx

            losses[step] = loss / T_x  # summed over T_x steps -> per character
            smooth = losses[step] if smooth is None else 0.99 * smooth + 0.01 * losses[step]
            smooth_losses[step] = smooth
            gradient_norms[step] = norm
            held_out_now = measured < held_out_steps.size and held_out_steps[measured] == step + 1
            if held_out_now:  # after step + 1 updates
                held_out_losses[measured] = _loss_per_character(cell, parameters, *held)
                measured += 1
            if log_every is not None and (step + 1) % log_every == 0:
                print(
                    f"step {step + 1:5d}: loss per character {smooth:.3f} "
                    f"(perplexity {perplexity(smooth):.2f})"
                    + (f", held-out {held_out_losses[measured - 1]:.3f}" if held_out_now else "")
                )
        seconds = time.perf_counter() - start

    return TrainingResult(
        parameters=parameters,
        chars=chars,
        char_to_index=char_to_index,
        losses=losses,
        smooth_losses=smooth_losses,
        gradient_norms=gradient_norms,
        held_out_steps=held_out_steps,
        held_out_losses=held_out_losses,
        seconds=seconds,
        cell=cell,
        carry_state=carry_state,
    )


def _streams(indices, m, T_x):
    """m streams of consecutive characters: row i is indices[i L : (i + 1) L + 1], L = (N - 1) // m.

    Each row holds L inputs and, one character later, their L labels (row i's last character is
    row i + 1's first). Returns an int array (m, L + 1); the caller has checked N >= m T_x + 1.
    """
    L = (indices.size - 1) // m
    return indices[L * np.arange(m)[:, None] + np.arange(L + 1)]  # (m, 1) + (L + 1,) -> (m, L+1)


def _random_windows(indices, m, T_x, rng):
    """m random windows of T_x + 1 consecutive characters, (m, T_x + 1): the windows of
    `make_batch`, drawn with the same call of `rng`, kept as indices."""
    starts = rng.integers(0, indices.size - T_x, size=m)  # (m,), each window fits in the text
    return indices[starts[:, None] + np.arange(T_x + 1)]  # (m, 1) + (T_x+1,) -> (m, T_x+1)


def _inputs(cell, indices, n_y):
    """The inputs of `cell` for the characters `indices` (m, T_x): the indices themselves for the
    RNN (its fused path looks the columns of Wax up), one-hot (n_y, m, T_x) for the gated cells."""
    return indices if cell == "rnn" else _one_hot(indices, n_y)


def _held_out_batch(indices, cell, n_y, T_x, carry_state):
    """(x, y, characters): the held-out windows as one batch, and how many labels they hold.

    From zero (carry_state False): the m_h windows of `_held_out_windows`, y (m_h, T_x).
    As one stream (carry_state True): the same m_h T_x characters in order, y (1, m_h T_x),
    so that each window is read from the state where the one before it ended. x holds their
    inputs as `_inputs` gives them to `cell`: indices of y's shape for the RNN, one-hot for the
    gated cells.
    """
    windows = _held_out_windows(indices, T_x)  # (m_h, T_x + 1)
    x, y = windows[:, :-1], windows[:, 1:]  # (m_h, T_x) each
    if carry_state:  # window k's labels are followed by window k + 1's: one row of m_h T_x
        x, y = x.reshape(1, -1), y.reshape(1, -1)
    return _inputs(cell, x, n_y), y, y.size


def _loss_per_character(cell, parameters, x, y, characters):
    """The loss summed over every label of x, y from the zero state, divided by their number."""
    state = zero_state(cell, hidden_size(parameters), y.shape[0])
    loss, _ = loss_and_state(cell, x, y, state, parameters)  # summed over time, mean over rows
    return loss * y.shape[0] / characters


def loss_per_character(parameters, char_to_index, text, T_x, carry_state=False):
    """A model's loss per character on `text`: how well it predicts each character from those
    before it, in nats (divide by ln 2 for bits per character; exp of it is the perplexity).

    The text is cut into the windows text[k T_x : (k + 1) T_x + 1], k = 0 … m_h - 1 with
    m_h = (len(text) - 1) // T_x, as `train` cuts its held-out text. With carry_state=False each
    window is read from the zero state, as the random training windows are; with True they are
    read in order as one stream, each window from the state where the one before it ended (so
    the first window alone starts from zero).

    Arguments:
    - parameters: an RNN's, an LSTM's or a GRU's, with n_x = n_y = len(char_to_index).
    - char_to_index: the vocabulary the model was trained with; text: a str of at least T_x + 1
      of its characters; T_x: the window length, >= 1; carry_state: a bool.
    Returns: the loss per character, a float (the mean over the m_h T_x labels).
    """
    T_x = check_positive_int("T_x", T_x)
    cell, parameters, sizes = check_model_parameters(parameters)
    char_to_index = check_char_to_index(char_to_index)
    chars = sorted(char_to_index, key=char_to_index.get)
    parameters, _, char_to_index = check_model(
        parameters, chars, char_to_index, lambda p: check_model_parameters(p)[1:]
    )
    text = check_text("text", text, T_x + 1, f" (T_x + 1 = {T_x + 1}, for one window)")
    carry_state = check_bool("carry_state", carry_state)
    check_known_characters("text", text, char_to_index)
    indices = encode(text, char_to_index)
    m_h = 1 if carry_state else (len(text) - 1) // T_x  # rows of the held-out batch
    work = step_work(sizes["n_y"], sizes["n_a"], m_h, WEIGHT_MATRICES[cell])
    with overflow_error("parameters overflow float64 on this text"), threads_for(work):
        return _loss_per_character(
            cell, parameters, *_held_out_batch(indices, cell, sizes["n_y"], T_x, carry_state)
        )


def bits_per_character(loss_per_char):
    """loss per character (in nats) / ln 2: the same loss in bits, what a compressor would need
    per character with the model's probabilities. A uniform guess among n_y characters costs
    log2(n_y) bits. Accepts a number (returns a float) or an array (returns an array)."""
    loss = to_float_array("loss_per_char", loss_per_char)
    result = loss / math.log(2)  # a Python float: float32 stays float32
    return float(result) if result.ndim == 0 else result


def _held_out_windows(indices, T_x):
    """Consecutive windows of the held-out text: one fixed batch for measuring the loss on it.

    Window k is indices[k T_x : (k + 1) T_x + 1] for k = 0 … m_h - 1, m_h = (N - 1) // T_x: each
    window's last character is the next window's first, so every character after the first is
    a label exactly once (up to T_x - 1 characters at the end do not fill a window).

    Arguments: indices, the encoded held-out text, shape (N,) with N >= T_x + 1; T_x, the window
    length. (Called by `train`, which has checked them.)
    Returns: the windows (m_h, T_x + 1), int: inputs [:, :-1] and labels [:, 1:].
    """
    m_h = (indices.size - 1) // T_x
    starts = T_x * np.arange(m_h)  # (m_h,)
    return indices[starts[:, None] + np.arange(T_x + 1)]  # (m_h, 1) + (T_x+1,) -> (m_h, T_x+1)


def perplexity(loss_per_char):
    """exp(loss per character): the number of equally likely characters the model is torn between.

    A model that guesses uniformly among n_y characters has loss ln(n_y) per character and so
    perplexity n_y. Accepts a number (returns a float) or an array (returns an array).
    """
    loss = to_float_array("loss_per_char", loss_per_char)
    with overflow_error(f"loss_per_char is too large: exp(loss_per_char) overflows {loss.dtype}"):
        result = np.exp(loss)
    return float(result) if result.ndim == 0 else result
