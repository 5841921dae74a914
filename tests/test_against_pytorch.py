"""Loss and every gradient against PyTorch autograd, in float64 (skipped without torch).

PyTorch computes the same network with its own kernels and its own automatic differentiation, so
agreement to 1e-10 is evidence independent of our numerical gradients.
"""

import os

import numpy as np
import pytest
from helpers import CORNERS, seeds, sizes
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rnn_core import rnn_loss_and_gradients, rnn_loss_and_gradients_by_steps
from rnn_core.problems import random_problem

if os.environ.get("RNN_CORE_REQUIRE_TORCH"):  # set by CI, where a skip would hide the cross-check
    import torch
else:
    torch = pytest.importorskip(
        "torch",
        reason="the PyTorch cross-check needs torch: pip install torch (the CPU build is enough)",
    )

TOL = 1e-10


def torch_loss_and_gradients(x, y, a0, parameters):
    """The same RNN written directly in torch; gradients from loss.backward()."""
    leaves = {
        name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
        for name, value in {**parameters, "a0": a0, "x": x}.items()
    }
    Wax, Waa, Wya, ba, by = (leaves[k] for k in ("Wax", "Waa", "Wya", "ba", "by"))
    a, losses = leaves["a0"], []
    labels = torch.tensor(y, dtype=torch.long)  # (m, T_x)
    for t in range(x.shape[2]):
        a = torch.tanh(Wax @ leaves["x"][:, :, t] + Waa @ a + ba)
        logits = Wya @ a + by  # (n_y, m)
        losses.append(torch.nn.functional.cross_entropy(logits.T, labels[:, t], reduction="sum"))
    loss = torch.stack(losses).sum() / x.shape[1]  # summed over time, averaged over the batch
    loss.backward()
    return loss.item(), {"d" + name: leaf.grad.numpy() for name, leaf in leaves.items()}


@pytest.mark.parametrize("path", [rnn_loss_and_gradients, rnn_loss_and_gradients_by_steps])
@settings(max_examples=25, deadline=None)
@example(sizes=(3, 5, 2, 10, 4), seed=1, scale=1.0)
@example(sizes=CORNERS[0], seed=0, scale=1.0)
@example(sizes=(3, 5, 4, 3, 6), seed=2, scale=5.0)  # saturated tanh units
@given(sizes=sizes, seed=seeds, scale=st.sampled_from((0.5, 1.0, 2.0, 5.0)))
def test_loss_and_gradients_equal_pytorch_autograd(path, sizes, seed, scale):
    x, y, a0, parameters = random_problem(*sizes, seed, scale=scale)
    loss, gradients = path(x, y, a0, parameters)
    torch_loss, torch_gradients = torch_loss_and_gradients(x, y, a0, parameters)
    assert abs(loss - torch_loss) <= TOL * max(1.0, abs(torch_loss))
    assert set(gradients) == set(torch_gradients)
    for name, expected in torch_gradients.items():
        np.testing.assert_allclose(gradients[name], expected, rtol=TOL, atol=TOL, err_msg=name)
