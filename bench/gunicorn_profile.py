"""gunicorn config of bench/run.py --profile: cProfile (CPU-time clock) of the worker once the flag file exists."""

import cProfile
import os
import time

from simplelogin.gunicorn_conf import *  # noqa: F403 (the Dockerfile's settings, then the profiler's hooks)

profiler = cProfile.Profile(time.process_time)
flag = os.environ["BENCH_PROFILE_FLAG"]
state = {"on": False}


def pre_request(worker, req):
    """Start profiling at the first request after the bench created the flag (the warm-up is not profiled)."""
    if not state["on"] and os.path.exists(flag):
        state["on"] = True
        profiler.enable()


def worker_exit(server, worker):
    """Write the stats when the worker stops."""
    if state["on"]:
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
