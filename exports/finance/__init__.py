"""What finance receives: payment runs, months and recovery orders as files that reconcile to the
cent with the batches sent to the bank.

- ``reconciliation``: a run's rows (one per line, offset, carried overpayment, re-issue) and the
  proof that they add up to the transfers and to the batches' control sums;
- ``states``: where every euro of a run is (paid, held, rejected, returned, re-issued, offset…);
- ``summary``: the month by programme and by nature, and the recovery orders' columns;
- ``queries``: reading all of that from the database (money summed in Python, never in SQL);
- ``files``: the exports ready to write (CSV or XLSX), checked, named with ids, audited.
"""
