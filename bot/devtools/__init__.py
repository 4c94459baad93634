"""Tools for development, shared by the tests, the benchmarks and ``python -m bot evaluate``.

* :mod:`bot.devtools.servers`: both servers started on free ports in a folder of their own, with a
  pinned clock (as ``make serve`` starts them);
* :mod:`bot.devtools.fake_botframework`: a fake Bot Framework service on 127.0.0.1 (OpenID keys,
  tokens, the connector) for offline Teams runs.

Nothing here runs in production.
"""
