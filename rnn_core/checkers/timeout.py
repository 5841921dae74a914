"""A time limit for one call of a learner's function, so that an endless loop gets a verdict.

How: `signal.setitimer(signal.ITIMER_REAL, limit, REPEAT)` sends SIGALRM once the limit has passed
and then again every REPEAT seconds, and the handler raises `TimedOut` in whatever Python code is
running: the learner's loop. `TimedOut` derives from BaseException, so `except Exception:` does
not catch it. A bare `except:` does; so from the second alarm on, the handler also sets a line
tracer (`sys.settrace`, and `f_trace` on every frame of the stack) that raises `TimedOut` again at
the next line executed, which is the body of that `except:`, outside its `try`.

Whatever the learner's function did, the signal handler, the timer (with the time it had left) and
the trace function that were there before the call are put back afterwards: a function that calls
`sys.settrace`, `signal.signal(signal.SIGALRM, ...)`, `signal.alarm` or `signal.setitimer` leaves
nothing of it behind. Such a function also switches the time limit off (the handler or the timer
is no longer the checker's), so `TimeLimit.changed` then says what it changed, and the engine gives
the verdict "changes_alarm" instead of a time that would be wrong. A function that switches the
alarm off and then loops forever cannot be stopped: the checker has no other way in, and the
kernel has to be interrupted (the stop button), as without a time limit.

Where this works: in the main thread of a Linux or macOS Python, which is where JupyterLab's
kernel runs every cell. Where it cannot (Windows has no SIGALRM; outside the main thread signals
cannot be used), `TimeLimit` sets no limit, puts back only the trace function, and the function
runs without a limit. A function stuck inside one long numpy call is interrupted only when that
call returns.
"""

import signal
import sys
import threading
import time

REPEAT = 0.2  # seconds between the alarms that follow the first one
EARLY = 0.05  # an alarm this much before the limit is not the checker's timer


class TimedOut(BaseException):
    """Raised inside the learner's function when its time is up (a BaseException on purpose)."""


def can_limit_time():
    """True where SIGALRM timers can be used: a platform that has them, in the main thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class TimeLimit:
    """`with TimeLimit(seconds):` raises `TimedOut` in the block once it has run that long.

    `seconds=None` (or a platform without SIGALRM, or a thread other than the main one) sets no
    limit. The handler, the timer (with the time it had left) and the trace function that were
    there before are restored on the way out, whatever the block did to them. After the block,
    `changed` is None, or "handler" or "timer" when the block replaced the checker's SIGALRM
    handler or changed its timer (which switched the limit off, or fired it early).
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.signals = can_limit_time()
        self.active = seconds is not None and self.signals
        self.armed = False
        self.changed = None

    def __enter__(self):
        self.armed, self.alarms, self.traced, self.changed = False, 0, [], None
        self.started = time.monotonic()
        self.previous_trace = sys.gettrace()
        if not self.signals:
            return self
        self.previous_handler = signal.getsignal(signal.SIGALRM)
        if not self.active:
            self.previous_timer = signal.getitimer(signal.ITIMER_REAL)
            return self
        self.handler = self.on_alarm  # one bound method, so that `is` recognises it later
        self.armed = True
        signal.signal(signal.SIGALRM, self.handler)
        self.previous_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds, REPEAT)
        return self

    def __exit__(self, *exception):
        self.armed = False  # an alarm that is already on its way now does nothing
        if self.signals:
            if self.active and self.changed is None:
                self.changed = self.what_changed()
            signal.setitimer(signal.ITIMER_REAL, 0)
            handler = self.previous_handler
            signal.signal(signal.SIGALRM, signal.SIG_DFL if handler is None else handler)
        if self.traced or sys.gettrace() is not self.previous_trace:
            sys.settrace(self.previous_trace)
        for frame, trace in reversed(self.traced):  # the first record holds the original
            frame.f_trace = trace
        self.traced = []
        if self.signals:
            delay, interval = self.previous_timer
            if delay > 0:  # someone else's timer was running: give it back what it had left
                left = max(delay - (time.monotonic() - self.started), 1e-6)
                signal.setitimer(signal.ITIMER_REAL, left, interval)
        return False

    def what_changed(self):
        """ "handler" or "timer" if the block replaced the checker's handler or timer, else None.

        The checker's timer repeats every REPEAT seconds; `signal.alarm(...)` and
        `signal.setitimer(signal.ITIMER_REAL, ...)` set a timer that does not, or none.
        """
        if signal.getsignal(signal.SIGALRM) is not self.handler:
            return "handler"
        _, interval = signal.getitimer(signal.ITIMER_REAL)
        if abs(interval - REPEAT) > 1e-3:
            return "timer"
        return None

    def on_alarm(self, signum, frame):
        if not self.armed:
            return
        if self.alarms == 0 and time.monotonic() - self.started < self.seconds - EARLY:
            self.changed = "timer"  # not the checker's timer: signal.alarm(1), say
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
