"""A local Ray for the tests that need one: 2 CPUs, loopback only, no usage reporting, no dashboard.

One Ray serves the whole session: starting one costs seconds, and its warm worker processes (the
pipeline each caches, the modules each imported) are what keep the Ray tests' time reasonable.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

# Set before any test module imports ray (Ray reads them at import). Ray reports usage to its
# authors unless told not to: nothing leaves this machine in tests. With "clusters" off, a local
# Ray takes 127.0.0.1 as its node address instead of the one it would use to reach other hosts
# (the variable's name is Ray's).
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
# Hugging Face `datasets` reads local Parquet here; it must not look for anything on its hub.
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
# Ray ends worker processes beyond one per CPU after a second idle (its default); a test suite is
# idle between its Ray calls far more often than that, and each new worker re-imports pyarrow and
# Ray Data (seconds on a busy 2-core machine). Keep them for five minutes.
os.environ.setdefault("RAY_idle_worker_killing_time_threshold_ms", "300000")


@pytest.fixture(scope="session")
def local_ray() -> Iterator[None]:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        pytest.skip(f"ray[data] is not importable ({exc}): scripts/python-tests.sh installs it from PyPI")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    try:
        yield
    finally:
        ray.shutdown()
