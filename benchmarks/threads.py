"""BLAS threads: one thread against the machine's default, without a CPU quota and under one.

    python benchmarks/threads.py [--steps 1000] [--repeats 5] [--quotas 1,0.5]

Part 1, no quota: `rnn_loss_and_gradients` at the README's four shapes and notebook 05's
training (`train` on the sonnets, n_a 64, T_x 25, m 16), each timed with the BLAS thread count set
to 1 and to the machine's default (threadpoolctl, which rnn_core then leaves alone), interleaved:
wall time and CPU time per call, median and min-max. This is how rnn_core.threads.LARGE_PRODUCT
was chosen: more than one thread only where it made a call faster.

Part 2, a CPU quota like a Binder or JupyterHub pod's (Linux, as root, with the cgroup `cpu`
controller, v1 or v2): a cgroup with a CFS quota of `--quotas` CPUs, and in it, in a private mount
namespace where that cgroup is mounted as the root of the `cpu` hierarchy (what a container sees,
so that the quota can be read, as in a pod), notebook 05's training runs in fresh interpreters:
  rnn_core  no thread variable set: rnn_core's rule (threads lowered to the quota at import)
  1 thread  OPENBLAS_NUM_THREADS=1
  default   OPENBLAS_NUM_THREADS=<cores>: what every run did before rnn_core had the rule
Printed: median and min-max of the seconds for `--steps` steps, and rnn_core / 1 thread (goal
<= 1.1). Without root or a cgroup `cpu` controller, part 2 says why and is skipped.

The last line is JSON with every figure.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

import rnn_core
from rnn_core import training
from rnn_core.corpus import load_corpus
from rnn_core.threads import LARGE_PRODUCT, THREAD_VARIABLES

SHAPES = [(3, 5, 2, 10, 4), (27, 50, 27, 1, 25), (64, 128, 64, 32, 100), (256, 512, 256, 64, 50)]
TRAINING = {"n_a": 64, "T_x": 25, "m": 16}  # notebook 05's defaults
V1 = Path("/sys/fs/cgroup/cpu")
V2 = Path("/sys/fs/cgroup")


def spread(values, scale=1.0):
    values = [v * scale for v in values]
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def timed(function, budget=0.3):
    """Seconds and CPU seconds per call: calls repeated for about `budget` seconds."""
    function()  # warm up
    calls, start, cpu = 0, time.perf_counter(), time.process_time()
    while calls == 0 or time.perf_counter() - start < budget:
        function()
        calls += 1
    return (time.perf_counter() - start) / calls, (time.process_time() - cpu) / calls


def no_quota(repeats, steps):
    default = os.cpu_count() or 1
    text = load_corpus("sonnets")
    cases = {}
    for shape in SHAPES:
        x, y, a0, p = rnn_core.random_problem(*shape)
        work = rnn_core.threads.step_work(x.shape[0], *a0.shape)
        cases[f"rnn_loss_and_gradients {shape}, step work {work:,}"] = (
            lambda x=x, y=y, a0=a0, p=p: rnn_core.rnn_loss_and_gradients(x, y, a0, p),
            0.3,
        )
    cases[f"train 05 (n_a 64, T_x 25, m 16), {steps // 10} steps"] = (
        lambda: training.train(text, steps=steps // 10, **TRAINING),
        0.0,
    )
    results = {}
    for name, (function, budget) in cases.items():
        walls, cpus = {1: [], default: []}, {1: [], default: []}
        for _ in range(repeats):
            for threads in walls:
                with threadpool_limits(limits=threads, user_api="blas"):
                    wall, cpu = timed(function, budget)
                walls[threads].append(wall)
                cpus[threads].append(cpu)
        one, many = statistics.median(walls[1]), statistics.median(walls[default])
        results[name] = {
            "ms_1_thread": spread(walls[1], 1e3),
            f"ms_{default}_threads": spread(walls[default], 1e3),
            f"cpu_ms_{default}_threads": spread(cpus[default], 1e3),
            f"ratio_{default}_to_1": many / one,
        }
        print(
            f"  {name}\n    1 thread {one * 1e3:9.2f} ms   {default} threads "
            f"{many * 1e3:9.2f} ms (CPU {statistics.median(cpus[default]) * 1e3:.2f} ms)   "
            f"{default} / 1 = {many / one:.2f}"
        )
    return results


TRAIN_SCRIPT = """
import sys, time
import rnn_core
from rnn_core import training
from rnn_core.corpus import load_corpus
text = load_corpus("sonnets")
training.train(text, steps=20, n_a=64, T_x=25, m=16)  # warm up
start = time.perf_counter()
training.train(text, steps=int(sys.argv[1]), n_a=64, T_x=25, m=16)
print(time.perf_counter() - start)
print(rnn_core.threads.describe())
"""


def quota_unavailable():
    if not sys.platform.startswith("linux"):
        return "not Linux: no cgroups"
    if os.geteuid() != 0:
        return "not root: creating a cgroup and a mount namespace needs root"
    if not shutil.which("unshare"):
        return "no `unshare` (util-linux): cannot give the run a container's view of its cgroup"
    if (V1 / "cpu.cfs_quota_us").exists() or (V2 / "cpu.max").exists():
        return None
    return "no cgroup `cpu` controller mounted at /sys/fs/cgroup"


def run_in_quota(cpus, variables, steps):
    """Seconds of `steps` training steps in a fresh Python inside a cgroup of `cpus` CPUs."""
    period = 100_000
    name = f"rnn-core-quota-{os.getpid()}"
    if (V1 / "cpu.cfs_quota_us").exists():
        group = V1 / name
        group.mkdir()
        (group / "cpu.cfs_period_us").write_text(str(period))
        (group / "cpu.cfs_quota_us").write_text(str(int(cpus * period)))
        mount_point = V1
    else:  # cgroup v2: the cpu controller must be enabled for the children of the root
        group = V2 / name
        (V2 / "cgroup.subtree_control").write_text("+cpu")
        group.mkdir()
        (group / "cpu.max").write_text(f"{int(cpus * period)} {period}")
        mount_point = V2
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env.update(variables)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(TRAIN_SCRIPT)
    # Join the group, then, in a private mount namespace, show the group as the root of the
    # hierarchy (as a container's runtime does), so that the process can read its own quota.
    inner = (
        f"echo $$ > {group}/cgroup.procs && mount --make-rprivate / && "
        f"mount --bind {group} {mount_point} && "
        f"exec {sys.executable} {script.name} {steps}"
    )
    try:
        result = subprocess.run(
            ["unshare", "--mount", "sh", "-c", inner],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        seconds, description = result.stdout.strip().splitlines()[-2:]
        return float(seconds), description
    finally:
        os.unlink(script.name)
        time.sleep(0.1)  # the process has left the group; the kernel may need a moment
        group.rmdir()


def quota_runs(quotas, repeats, steps):
    cores = os.cpu_count() or 1
    settings = {
        "rnn_core": {},
        "1 thread": {"OPENBLAS_NUM_THREADS": "1"},
        "default": {"OPENBLAS_NUM_THREADS": str(cores)},
    }
    results = {}
    for cpus in quotas:
        seconds = {name: [] for name in settings}
        descriptions = {}
        for _ in range(repeats):
            for name, variables in settings.items():
                value, descriptions[name] = run_in_quota(cpus, variables, steps)
                seconds[name].append(value)
        medians = {name: statistics.median(values) for name, values in seconds.items()}
        results[f"quota {cpus:g} CPU"] = {
            **{f"s_{name.replace(' ', '_')}": spread(values) for name, values in seconds.items()},
            "ratio_rnn_core_to_1_thread": medians["rnn_core"] / medians["1 thread"],
            "ratio_default_to_1_thread": medians["default"] / medians["1 thread"],
        }
        print(f"  quota {cpus:g} CPU ({cores} cores visible), {steps} steps of notebook 05:")
        for name, values in seconds.items():
            print(
                f"    {name:9s} {medians[name]:6.2f} s (min {min(values):.2f}, max "
                f"{max(values):.2f})   / 1 thread = {medians[name] / medians['1 thread']:.2f}"
            )
        print(f"    rnn_core saw: {descriptions['rnn_core']}")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quotas", default="1,0.5", help="CPU quotas, comma-separated")
    args = parser.parse_args()
    print(rnn_core.threads.describe())
    print(f"LARGE_PRODUCT = {LARGE_PRODUCT:,} multiply-adds per step (rnn_core.threads)")
    print(f"\nNo quota ({os.cpu_count()} cores), median of {args.repeats} interleaved runs:")
    figures = {"no_quota": no_quota(args.repeats, args.steps)}
    why = quota_unavailable()
    if why:
        print(f"\nQuota runs skipped: {why}.")
        figures["quota"] = {"skipped": why}
    else:
        print(f"\nUnder a CPU quota, median of {args.repeats} interleaved runs:")
        quotas = [float(q) for q in args.quotas.split(",")]
        figures["quota"] = quota_runs(quotas, args.repeats, args.steps)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
