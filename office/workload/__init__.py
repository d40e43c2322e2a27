"""Workload figures and booking advice from an office's service records (issue #27; docs/workload.md).

Pure computations: records in, figures and advice out. Reading a CSV file or the server's database is done by
the callers (office/assemble.py, office/bureau.py) through office/workload/sources.py.
"""
