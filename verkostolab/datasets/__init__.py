"""Data sets: the Järvilaakso sample network (shipped as package data) and synthetic
event logs for benchmarks."""

from .jarvilaakso import (CORE_NETWORK, SAMPLE_SOURCE, THEME_NETWORKS, generate_sample, load_sample,
                          sample_folder, sample_path)
from .synthetic import synthetic_events, synthetic_participation

__all__ = ["SAMPLE_SOURCE", "CORE_NETWORK", "THEME_NETWORKS", "generate_sample", "sample_path", "sample_folder", "load_sample",
           "synthetic_participation", "synthetic_events"]
