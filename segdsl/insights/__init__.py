"""Insights on a DuckDB database: segment sizes, overlaps, profiles and an HTML report.

Everything heavy runs inside DuckDB: the compiler's membership query (one boolean column
per segment, one pass over the data) is wrapped in small aggregate queries, so a million
customers take seconds. The modules here return plain dataclasses; the commands in
``segdsl/commands/`` print them as rich tables or JSON.

* :mod:`segdsl.insights.database` — opening the database, checking column types, queries
* :mod:`segdsl.insights.sizes` and :mod:`segdsl.insights.snapshots` — ``segdsl sizes``
* :mod:`segdsl.insights.overlap` — ``segdsl overlap``
* :mod:`segdsl.insights.profile` — ``segdsl profile`` (and the report's charts)
* :mod:`segdsl.insights.charts` and :mod:`segdsl.insights.report` — ``segdsl report``
"""
