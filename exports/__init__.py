"""exports: what people read — letters to trainees and files for finance.

- ``exports.wording``: amounts and dates in plain French words and French figures;
- ``exports.letters``: versioned letter templates, pure context builders, PDF rendering; and,
  reading the database, ``letters.sources`` / ``letters.money_sources`` (stored decisions,
  payments and overpayments → letters), ``letters.produce`` (one letter to PDF), ``letters.bulk``
  (every letter of a run, or of recent decisions, with a manifest);
- ``exports.tabular``: CSV/XLSX writers (French Excel profile, formula-injection guard);
- ``exports.finance``: ``reconciliation``, ``states`` and ``summary`` (pure rows, where each
  euro is, the month's summary), ``queries`` (reading runs and recovery orders), ``files`` (the
  finance files, refused when they do not reconcile with the batches);
- ``exports.errors``: the business errors of letters and exports.
"""

__all__: list[str] = []
