"""A time limit for one call of a learner's function, so that an endless loop gets a verdict.

How: `signal.setitimer(signal.ITIMER_REAL, limit, REPEAT)` sends SIGALRM once the limit has passed
and then again every REPEAT seconds, and the handler raises `TimedOut` in whatever Python code is
running: the learner's loop. `TimedOut` derives from BaseException, so `except Exception:` does
not catch it. A bare `except:` does; so from the second alarm on, the handler also sets a line
tracer (`sys.settrace`, and `f_trace` on every frame of the stack) that raises `TimedOut` again at
the next line executed, which is the body of that `except:`, outside its `try`. The previous
signal handler, timer and trace function are always put back.

Where this works: in the main thread of a Linux or macOS Python, which is where JupyterLab's
kernel runs every cell. Where it cannot (Windows has no SIGALRM; outside the main thread signals
cannot be used), `TimeLimit` does nothing and the function runs without a limit. A function
stuck inside one long numpy call is interrupted only when that call returns.
"""

import signal
import sys
import threading
import time

REPEAT = 0.2  # seconds between the alarms that follow the first one


class TimedOut(BaseException):
    """Raised inside the learner's function when its time is up (a BaseException on purpose)."""


def can_limit_time():
    """True where SIGALRM timers can be used: a platform that has them, in the main thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class TimeLimit:
    """`with TimeLimit(seconds):` raises `TimedOut` in the block once it has run that long.

    `seconds=None` (or a platform without SIGALRM, or a thread other than the main one) sets no
    limit. The handler, the timer (with the time it had left) and the trace function that were
    there before are restored on the way out.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = seconds is not None and can_limit_time()
        self.armed = False

    def __enter__(self):
        if not self.active:
            return self
        self.armed, self.alarms, self.traced = True, 0, []
        self.started = time.monotonic()
        self.previous_trace = sys.gettrace()
        self.previous_handler = signal.signal(signal.SIGALRM, self.on_alarm)
        self.previous_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds, REPEAT)
        return self

    def __exit__(self, *exception):
        if not self.active:
            return False
        self.armed = False  # an alarm that is already on its way now does nothing
        signal.setitimer(signal.ITIMER_REAL, 0)
        handler = self.previous_handler
        signal.signal(signal.SIGALRM, signal.SIG_DFL if handler is None else handler)
        if self.traced:
            sys.settrace(self.previous_trace)
            for frame, trace in reversed(self.traced):  # the first record holds the original
                frame.f_trace = trace
            self.traced = []
        delay, interval = self.previous_timer
        if delay > 0:  # someone else's timer was running: give it back what it had left
            left = max(delay - (time.monotonic() - self.started), 1e-6)
            signal.setitimer(signal.ITIMER_REAL, left, interval)
        return False

    def on_alarm(self, signum, frame):
        if not self.armed:
            return
        self.alarms += 1
        if self.alarms > 1:  # the last TimedOut was caught: raise again at the next line, too
            self.trace_every_line(frame)
        raise TimedOut(self.seconds)

    def trace_every_line(self, frame):
        """Make `raise_at_line` the trace function of every frame on the stack, and of new ones."""
        while frame is not None:
            if frame.f_code.co_filename != __file__:
                self.traced.append((frame, frame.f_trace))
                frame.f_trace = self.raise_at_line
            frame = frame.f_back
        sys.settrace(self.raise_at_line)

    def raise_at_line(self, frame, event, arg):
        if frame.f_code.co_filename == __file__:
            return None  # never in this module's own code: __exit__ must run to its end
        if self.armed and event == "line":
            raise TimedOut(self.seconds)
        return self.raise_at_line
