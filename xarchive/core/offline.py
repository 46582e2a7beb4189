"""The offline promise, enforced: no network connection can be opened in-process.

`forbid_network()` installs an audit hook (PEP 578) that refuses every attempt to
resolve a host name or to create, connect, send to or bind an Internet socket.
Local sockets (AF_UNIX), which Qt and multiprocessing use between their own parts,
stay allowed. Audit hooks cannot be removed, so once installed the promise holds
for the life of the process, whatever a library tries.

The hook is installed by `xarchive/__init__.py`, before any other module of ours
or any library is imported: every entry point (the CLI, the app, the fork server
and its workers) imports the package first. A library that probes the network as
it is imported (urllib3 made an IPv6 socket and bound it to ::1) is refused too.
"""

from __future__ import annotations

# The C module's constants, not socket.py's, which imports selectors and makes an enum of
# every constant (5-15 ms of a command's start, by the load): the hook compares numbers.
import _socket
import sys
from typing import Any

from .errors import NetworkForbidden

_BLOCKED_EVENTS = frozenset(
    {
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)
_ADDRESS_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.bind"})
_installed = False
_INTERNET = (_socket.AF_INET, _socket.AF_INET6)


def _is_internet_socket(sock: Any) -> bool:
    family = getattr(sock, "family", None)
    return family in _INTERNET


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.__new__" and len(args) > 1 and args[1] in _INTERNET:
        raise NetworkForbidden("xarchive works offline: refused to make an Internet socket")
    if event in _BLOCKED_EVENTS:
        raise NetworkForbidden(f"xarchive works offline: refused {event}{args[:1]!r}")
    if event in _ADDRESS_EVENTS and args and _is_internet_socket(args[0]):
        raise NetworkForbidden(f"xarchive works offline: refused {event} to {args[1]!r}")


def forbid_network() -> None:
    """Refuse every Internet connection from now on in this process (idempotent)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def network_forbidden() -> bool:
    """Whether `forbid_network()` has been called in this process."""
    return _installed
