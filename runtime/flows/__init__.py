"""Flows at run time: published definitions and their compiled versions, starting instances,
applying events to them, and the node-type catalogue."""
