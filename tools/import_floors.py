"""Draws the house: keras_gans's top-level rooms, their floors and arrows.

A room is a top-level module or package of `keras_gans` (the package root,
the front door, is left out); an arrow is an import of one room by another
(every `import keras_gans.X` / `from keras_gans.X import ...`, lazy ones
included); a room's floor is 1 + the highest floor it imports from. A
circle is reported and exits 1. Issue 27 counted 32 rooms on 12 floors with
111 arrows before the floors became packages.

    python tools/import_floors.py
"""

import ast
import collections
import pathlib
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_gans"


def room_of(module):
    """`keras_gans.data.pairs` -> `data`; `None` for the package root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "keras_gans" else None


def arrows():
    """`{room: {rooms it imports}}` over every module of the package."""
    found = collections.defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        source = room_of(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        if source is None:
            continue
        found[source]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == "keras_gans":  # from keras_gans import utils
                    names = [f"keras_gans.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                target = room_of(name)
                if target is not None and target != source:
                    found[source].add(target)
    return found


def floors(edges):
    """`{room: floor}`; raises `ValueError` naming a circle."""
    result = {}

    def floor(room, stack):
        if room in stack:
            raise ValueError(f"circle: {' -> '.join(stack + (room,))}")
        if room not in result:
            below = [floor(t, stack + (room,)) for t in sorted(edges.get(room, ()))]
            result[room] = 1 + max(below, default=0)
        return result[room]

    for room in sorted(edges):
        floor(room, ())
    return result


def main():
    edges = arrows()
    try:
        levels = floors(edges)
    except ValueError as error:
        print(error)
        return 1
    count = sum(len(targets) for targets in edges.values())
    print(f"{len(levels)} rooms on {max(levels.values())} floors, {count} arrows")
    for room in sorted(levels, key=lambda r: (levels[r], r)):
        print(
            f"  {levels[room]}  {room:14s} -> {', '.join(sorted(edges[room])) or '-'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
