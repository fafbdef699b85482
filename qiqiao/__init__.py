"""Composition root of Qiqiao (七巧): the app factory, the CLI and plugin loading."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qiqiao")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
