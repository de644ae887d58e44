"""Tags and tag lookups: ``obj[tag]`` returns a list, ``obj[tag, i]`` one item or None."""
from .errors import ArgumentError, describe

__all__ = ["TaggableObject"]


class TaggableObject:
    """An object carrying tags (its first tag is its name) that can search itself and its children.

    Lookups are never cached, so they always reflect the current network.
    """

    def __init__(self, tag=None):
        self.tags = []
        if tag is not None:
            self.add_tag(tag)
        self.add_tag(type(self).__name__)

    @property
    def tag(self):
        """The first tag: the object's name."""
        return self.tags[0]

    def add_tag(self, tag):
        """Add one tag, or several separated by commas; existing tags are kept once."""
        if not isinstance(tag, str):
            raise ArgumentError(
                f"{type(self).__name__}.tag: must be a str (several tags separated by ','), "
                f"got {describe(tag)}"
            )
        for part in tag.split(","):
            part = part.strip()
            if part and part not in self.tags:
                self.tags.append(part)

    def find_objects(self, key):
        """Objects below this one that match ``key``; subclasses extend the search."""
        return []

    def search(self, key):
        """All objects matching ``key``: this object if it carries the tag, then its children."""
        if isinstance(key, bool) or not isinstance(key, (str, int, type)):
            raise ArgumentError(
                f"{self._label()}[...]: a tag must be a str, a behavior key (int) or a class, "
                f"got {describe(key)}"
            )
        result = [self] if isinstance(key, str) and key in self.tags else []
        if isinstance(key, type) and isinstance(self, key):
            result.append(self)
        result.extend(self.find_objects(key))
        return result

    def __getitem__(self, key):
        if isinstance(key, tuple):
            if len(key) != 2 or isinstance(key[1], bool) or not isinstance(key[1], int):
                raise ArgumentError(
                    f"{self._label()}[...]: expected obj[tag] or obj[tag, index] with an int index, "
                    f"got {describe(key)}"
                )
            found = self.search(key[0])
            index = key[1]
            return found[index] if -len(found) <= index < len(found) else None
        return self.search(key)

    def clear_cache(self):
        """Nothing to clear: lookups are never cached (kept for code written for pymonntorch)."""

    def has_module(self, tag):
        """True when a lookup of ``tag`` finds something."""
        return bool(self.search(tag))

    def set_tag_attrs(self, tag, attr, value):
        """Set ``attr`` to ``value`` on every object found by ``tag``."""
        for obj in self.search(tag):
            setattr(obj, attr, value)

    def _label(self):
        return f"{type(self).__name__} {self.tags[0]!r}"
