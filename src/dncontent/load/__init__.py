"""Load: read content/ from disk into plain data that remembers where every value came from."""

from .files import ContentFile, discover, read_all
from .yaml_reader import Located, read_yaml

__all__ = ["ContentFile", "Located", "discover", "read_all", "read_yaml"]
