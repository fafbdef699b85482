"""The one extension mechanism: a registry of classes keyed by their `type` attribute."""

from __future__ import annotations

from typing import Generic, Iterator, TypeVar

T = TypeVar("T")


class RegistryError(LookupError):
    pass


class Registry(Generic[T]):
    """Keeps one instance per type key; registering a key twice is a programming error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        key = getattr(item, "type", None)
        if not isinstance(key, str) or not key:
            raise RegistryError(f"{self.name}: {item!r} has no string 'type' key")
        if key in self._items:
            raise RegistryError(f"{self.name}: type {key!r} is already registered")
        self._items[key] = item
        return item

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise RegistryError(f"{self.name}: unknown type {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)
