"""Installed into the serving venv by scripts/setup-test-env.sh.

sagemaker-containers 2.8.6.post2 (the last release) subclasses `collections.Mapping`, an alias that
Python 3.10 removed (AttributeError: module 'collections' has no attribute 'Mapping'). This restores
the aliases to their collections.abc classes so its unchanged code imports on the Python here.
"""
import collections
import collections.abc

for _name in ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable", "Callable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
