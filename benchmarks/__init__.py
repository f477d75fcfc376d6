"""Benchmarks run by `make bench`; each module measures one stage of the pipeline."""
