"""A local Ray for the tests that need one: 2 CPUs, loopback only, no usage reporting, no dashboard."""

from __future__ import annotations

import os
from typing import Iterator


def local_ray() -> Iterator[None]:
    import ray

    # Ray reports usage to its authors unless told not to; nothing leaves this machine in tests.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        _node_ip_address="127.0.0.1",
    )
    try:
        yield
    finally:
        ray.shutdown()
