"""The onewindow hall server: the single source of truth for queues, windows and cases."""

__version__ = "0.1.0"
