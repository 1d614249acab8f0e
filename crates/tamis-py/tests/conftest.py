"""A local Ray for the tests that need one: 2 CPUs, loopback only, no usage reporting, no dashboard."""

from __future__ import annotations

import os
from typing import Iterator

# Set before any test module imports ray (Ray reads them at import). Ray reports usage to its
# authors unless told not to: nothing leaves this machine in tests. With "clusters" off, a local
# Ray takes 127.0.0.1 as its node address instead of the one it would use to reach other hosts
# (the variable's name is Ray's).
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
# Hugging Face `datasets` reads local Parquet here; it must not look for anything on its hub.
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"


def local_ray() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield
    finally:
        ray.shutdown()
