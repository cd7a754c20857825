"""The built-in paper packs, one subpackage each; this list is the one place that names them.

Each ``verify/packs/<name>/__init__.py`` defines ``PACK = verify.Pack(...)``; its closed forms live in
``theory/<name>/`` and its estimators in ``numerics/<name>/``. Packs from other distributions plug in through the
entry-point group ``theory_verifier.packs`` (see :mod:`verify._pack`).
"""

#: Built-in packs, in the order the registry loads them.
BUILTIN = ("gauss", "lowrank", "fluct", "sloppy", "wd")
