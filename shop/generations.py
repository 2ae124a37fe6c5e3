"""Generation counters in the shared cache: retire every cached entry of one kind at once.

A cache key that includes ``generation.current()`` is never read again once ``bump()`` has
run, on every process and machine that shares the cache; nothing has to find and delete the old
entries, which simply expire. Used by the catalogue's list counts and search results, the page
cache and the header and footer links (the lowest layer all three import).
"""

from django.core.cache import cache


class Generation:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        return cache.get(self.key, 0)

    def bump(self) -> None:
        """Start a new generation: everything cached under the current one is retired."""
        cache.add(self.key, 0, None)  # atomic: two processes starting the counter cannot both win
        cache.incr(self.key)
