"""Manabi's speed and size benchmark (issue 5): training time, latency, throughput and memory.

Not part of the test run (pytest only collects ``tests/``). Run it with ``python -m benchmarks``
or ``python -m bot benchmark`` (``make bench``); ``--quick`` for a short run while iterating.
See docs/performance.md for the method and the latest numbers.
"""
