"""Dated data files of the payment procedure."""
