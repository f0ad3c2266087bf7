"""Honest profiles: every kind of declaration a profile can make is read by code that acts on
it, and every field of it is read there. A declaration nobody interprets would pass a test that
reads the profile while nothing happens for the agency."""

from __future__ import annotations

import ast
import dataclasses
import typing
from pathlib import Path

from repairlink.pms import profile as vocabulary

SOURCE = Path(vocabulary.__file__).parents[1]
# Declarations a profile hands out through an accessor of its own, not `of(...)`
ACCESSORS = {"FieldPolicy": "policy_for", "Entity": "kinds"}


def _interpreting_modules() -> dict[Path, ast.Module]:
    """Every module of the product but the profiles themselves (declarations, not readers)."""
    return {
        path: ast.parse(path.read_text())
        for path in SOURCE.rglob("*.py")
        if not (path.name == "profile.py" and path.parent.parent.name == "connectors")
    }


def _asks_for(tree: ast.Module, name: str) -> bool:
    """`<profile>.of(<name>...)`, or the profile's own accessor for that type: the module looks
    the declarations of this type up."""
    accessor = ACCESSORS.get(name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and accessor and node.attr == accessor:
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "of"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == name
        ):
            return True
    return False


def _reads(tree: ast.Module) -> set[str]:
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def test_every_declaration_type_has_an_interpreter_that_reads_each_of_its_fields() -> None:
    modules = _interpreting_modules()
    declared = typing.get_args(vocabulary.Declaration)
    assert len(declared) >= 15
    # a declaration is often handed on by the module that asks for it: its fields may be read
    # anywhere in the product but in the vocabulary that defines them
    read = set().union(
        *(_reads(tree) for path, tree in modules.items() if path != Path(vocabulary.__file__))
    )
    missing: list[str] = []
    for cls in declared:
        if not any(_asks_for(tree, cls.__name__) for tree in modules.values()):
            missing.append(f"{cls.__name__}: no module asks for it (profile.of)")
            continue
        unread = [f.name for f in dataclasses.fields(cls) if f.name not in read]
        if unread:
            missing.append(f"{cls.__name__}: fields never read: {', '.join(unread)}")
    assert not missing, "\n".join(missing)


def test_the_check_finds_a_declaration_with_no_interpreter() -> None:
    """The test above can fail: a type nobody asks for is reported."""

    @dataclasses.dataclass(frozen=True)
    class Forgotten:
        rule: str

    modules = _interpreting_modules()
    assert not any(_asks_for(tree, Forgotten.__name__) for tree in modules.values())
