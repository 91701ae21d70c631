"""The installation's configuration: halls, domains, services, windows and the item catalog.

Human-edited TOML files, validated on load into typed objects; a bad file is refused with the
file, the key and what to fix (`onewindow check-config FILE`).
"""

from .loader import ConfigError, load_installation
from .schema import (
    Department,
    Domain,
    Hall,
    Installation,
    Item,
    Material,
    QueuePolicy,
    Service,
    Window,
    WindowKind,
)

__all__ = [
    "ConfigError",
    "Department",
    "Domain",
    "Hall",
    "Installation",
    "Item",
    "Material",
    "QueuePolicy",
    "Service",
    "Window",
    "WindowKind",
    "load_installation",
]
