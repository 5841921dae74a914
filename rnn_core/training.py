"""Training a character-level RNN (notebook 05): the loop, its record, and perplexity.

Letters used for sizes, as in the rest of `rnn_core`:

    n_x   size of one input vector x_t          n_a   size of the hidden state a_t
    n_y   number of output classes              m     number of sequences in a batch
    T_x   number of time steps

One training step is:

    x, y          = make_batch(...)                      x (n_y, m, T_x) one-hot, y (m, T_x) labels
    loss, grads   = rnn_loss_and_gradients(x, y, a0, parameters)         a0 = zeros (n_a, m)
    grads, norm   = clip_by_global_norm(grads, clip)                     notebook 04
    parameters    = optimizer.step(parameters, grads)                    Adagrad

The text and its batches are in `rnn_core.corpus`, clipping and Adagrad in `rnn_core.optimizers`,
sampling from the trained model in `rnn_core.sampling`.
"""

import dataclasses
import time

import numpy as np

from ._validation import (
    check_positive_float,
    check_positive_int,
    check_seed,
    check_text,
    overflow_error,
    to_float_array,
)
from .corpus import build_vocabulary, encode, make_batch
from .network import rnn_loss_and_gradients
from .optimizers import Adagrad, clip_by_global_norm, global_norm
from .rnn import initialize_parameters


@dataclasses.dataclass
class TrainingResult:
    """What `train` returns.

    - parameters: the trained Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1) and
      by (n_y, 1), with n_x = n_y = the vocabulary size.
    - chars, char_to_index: the vocabulary, as from `build_vocabulary`.
    - losses: the loss per character of every step, shape (steps,): rnn_core's loss (summed over
      the T_x steps, averaged over the m windows) divided by T_x.
    - smooth_losses: an exponential moving average of losses (weight 0.99 on the past), (steps,).
    - gradient_norms: the global norm of the parameter gradients before clipping, (steps,).
    - seconds: the wall-clock time of the training loop.
    """

    parameters: dict
    chars: list
    char_to_index: dict
    losses: np.ndarray
    smooth_losses: np.ndarray
    gradient_norms: np.ndarray
    seconds: float


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
):
    """Train a character-level RNN on `text` with Adagrad; deterministic given `seed`.

    Each step draws m random windows (`make_batch`), starts every window from the hidden state
    a0 = 0 (the batches are stateless: nothing is carried from one window to the next), computes
    the loss and the gradients by backpropagation through time, clips them by their global norm,
    and takes one Adagrad step.

    Arguments:
    - text: the training text, a str longer than T_x characters.
    - n_a: the hidden size; T_x: the window length (how far back BPTT reaches); m: the batch size.
    - steps: the number of updates; learning_rate: Adagrad's learning rate.
    - clip: the largest global gradient norm (`clip_by_global_norm`), or None for no clipping.
    - seed: seeds both the initial weights and the choice of windows.
    - log_every: print the smoothed loss every this many steps; None prints nothing.

    Returns: a `TrainingResult` (parameters, chars, char_to_index, losses, smooth_losses,
    gradient_norms, seconds). Before training, the loss per character is about ln(n_y), the loss
    of a uniform guess. With the defaults, on the shipped sonnets (n_y = 36, ln 36 = 3.58), the
    loss falls to about 1.5 (perplexity about 4.5) in roughly 5 seconds.
    """
    n_a = check_positive_int("n_a", n_a)
    T_x = check_positive_int("T_x", T_x)
    text = check_text("text", text, T_x + 1, f" (T_x + 1 = {T_x + 1}, for one window)")
    m = check_positive_int("m", m)
    steps = check_positive_int("steps", steps)
    learning_rate = check_positive_float("learning_rate", learning_rate)
    if clip is not None:
        clip = check_positive_float("clip", clip)
    if log_every is not None:
        log_every = check_positive_int("log_every", log_every)
    check_seed("seed", seed)

    chars, char_to_index = build_vocabulary(text)
    n_y = len(chars)  # n_x = n_y: one character in, a distribution over characters out
    indices = encode(text, char_to_index)
    parameters = initialize_parameters(n_y, n_a, n_y, seed=seed)
    optimizer = Adagrad(learning_rate)
    rng = np.random.default_rng(seed)
    a0 = np.zeros((n_a, m))
    losses = np.zeros(steps)
    smooth_losses = np.zeros(steps)
    gradient_norms = np.zeros(steps)
    smooth = None

    start = time.perf_counter()
    for step in range(steps):
        x, y = make_batch(indices, n_y, m, T_x, rng)  # x (n_y, m, T_x), y (m, T_x)
        # Each Adagrad step moves a weight by at most learning_rate: a huge one makes them overflow
        with overflow_error(
            f"training diverged at step {step + 1}: the weights left the range of float64; "
            f"lower learning_rate (= {learning_rate:g})"
        ):
            loss, gradients = rnn_loss_and_gradients(x, y, a0, parameters)
            if clip is None:
                norm = global_norm(gradients)
            else:
                gradients, norm = clip_by_global_norm(gradients, clip)
            parameters = optimizer.step(parameters, gradients)  # ignores da0 and dx

        losses[step] = loss / T_x  # summed over T_x steps -> per character
        smooth = losses[step] if smooth is None else 0.99 * smooth + 0.01 * losses[step]
        smooth_losses[step] = smooth
        gradient_norms[step] = norm
        if log_every is not None and (step + 1) % log_every == 0:
            print(
                f"step {step + 1:5d}: loss per character {smooth:.3f} "
                f"(perplexity {perplexity(smooth):.2f})"
            )
    seconds = time.perf_counter() - start

    return TrainingResult(
        parameters=parameters,
        chars=chars,
        char_to_index=char_to_index,
        losses=losses,
        smooth_losses=smooth_losses,
        gradient_norms=gradient_norms,
        seconds=seconds,
    )


def perplexity(loss_per_char):
    """exp(loss per character): the number of equally likely characters the model is torn between.

    A model that guesses uniformly among n_y characters has loss ln(n_y) per character and so
    perplexity n_y. Accepts a number (returns a float) or an array (returns an array).
    """
    loss = to_float_array("loss_per_char", loss_per_char)
    with overflow_error(f"loss_per_char is too large: exp(loss_per_char) overflows {loss.dtype}"):
        result = np.exp(loss)
    return float(result) if result.ndim == 0 else result
