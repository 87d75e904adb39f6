"""exports: what people read — letters to trainees and files for finance.

- ``exports.wording``: amounts and dates in plain French words and French figures;
- ``exports.letters``: versioned letter templates, pure context builders, PDF rendering;
- ``exports.tabular``: CSV/XLSX writers (French Excel profile, formula-injection guard).
"""
