"""Monitoring: the champion's reference sample against the recent prediction log, with
Evidently reports whose test conditions decide each check; alerts, gauges and the cadence.

See docs/monitoring.md.
"""
