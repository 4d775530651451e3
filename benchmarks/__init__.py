"""faqbot's speed and scale benchmarks: ``python -m benchmarks`` (``make bench``).

Modules:

* ``__main__``  the command line: runs the sections, writes ``results.json``, renders ``RESULTS.md``;
* ``measure``   helpers: percentiles, memory and CPU from /proc, interleaved timing, worker
  processes, ``faqbot serve`` on a free port;
* ``context``   the embedding backends a run measures and an index of the bundled FAQ for each;
* ``questions`` the questions the sections ask;
* sections: ``warm``, ``cold``, ``server``, ``throughput``, ``scale``;
* ``targets``   the targets (with their source issue) and their verdicts from the data;
* ``report``    ``results.json`` -> ``RESULTS.md`` (formatting only: no figure is typed in);
* ``worker``    runs one function of this package in a fresh process.

Quality benchmarks live beside them as scripts: ``quality.py`` (``make quality`` ->
docs/QUALITY.md), ``stackfaq.py`` (``make stackfaq`` -> docs/STACKFAQ.md), ``authoring.py``
(``make authoring`` -> docs/AUTHORS-RESULTS.md) and ``nm_fusion.py``; ``synthetic.py``
makes the scale section's corpora.
"""
