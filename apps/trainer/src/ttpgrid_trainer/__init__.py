"""ttpgrid's Python trainer: Temporal activities that train and evaluate TTP classifiers."""

__version__ = "0.1.0"
