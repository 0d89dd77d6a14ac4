"""tillpoint's benchmarks, run with ``make bench`` (``python -m bench``).

Every figure is a ratio of two things measured side by side in the same run —
tillpoint against raw httpx, or against the ``gr4vy`` SDK — because the machines
this runs on are small and noisy, and an absolute time means little there. One
module per benchmark, each with a ``run(...)`` that returns table rows:

* ``cold_start`` — fresh processes: import, build, first call;
* ``per_call`` — steady-state cost of a call over an in-memory transport;
* ``serialisation`` — encoding and decoding against ``json``;
* ``throughput`` — 1,000 concurrent calls against a local HTTP server;
* ``memory`` — tracemalloc peak decoding a page of checkouts.

A missed target is printed, never raised: the benchmark is not a test.
"""
