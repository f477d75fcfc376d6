"""Continuous-improvement views for service managers: delays, backlog, reassignment cost,
complaints after long waits, bottlenecks, recurring and emerging motives, and what
automatic routing would change. One code path for the store and for imported exports:
both become a ``Cases`` frame (see ``cases.py``), and every figure is a vectorised
pandas/numpy computation over it. Reports hold aggregates only: no free text, no ids.
"""
