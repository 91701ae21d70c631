"""queue_server package."""
