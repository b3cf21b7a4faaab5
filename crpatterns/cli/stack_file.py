"""Stack files: many apps as code, one YAML file.

```yaml
project: demo-project
defaults:            # options every app inherits (an app's own value wins)
  region: us-central1
apps:
  - name: hello
    pattern: web-app
    image: us-docker.pkg.dev/p/r/hello:1
    domain: hello.example.com
    member: [group:staff@example.com]
  - name: orders
    pattern: internal-api
    image: us-docker.pkg.dev/p/r/orders:1
    network: default
    subnet: default
    global-access: true
```

An app takes the same options as its pattern's create command (shared-vpc: enable), under the long
flag's name without its dashes; a repeatable flag takes a list or a single value. The schema of each
pattern is derived from the command's own flags (never a second list kept by hand), and the file is
validated against it before anything else: every problem is one sentence naming the file, the line and
the key. Then each app's flags go through the very checks the command line uses (cli/<pattern>.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crpatterns.errors import UsageError

# Options of the create commands that are about the whole run, not one app: given on the command line.
RUN_OPTIONS = frozenset({"project", "format", "dry_run", "yes", "parallelism", "verbose", "detailed_exitcode",
                         "enable_apis"})
TOP_LEVEL_KEYS = ("name", "project", "defaults", "apps")
# A stack's name is a label value (crpatterns-stack on its apps' services): lowercase letters, digits, - and _,
# at most 63 (https://cloud.google.com/resource-manager/docs/labels-overview#requirements).
STACK_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class PatternCommand:
    """How a pattern is made from flags: the command whose flags an app takes, and its spec builder."""

    pattern: str
    command: Callable[..., Any]  # the typer command function (create, or enable)
    group: Any  # its typer app
    verb: str
    name_param: str  # the positional argument holding the app's name
    spec_from_flags: Callable[[dict[str, Any]], Any]


def pattern_commands() -> dict[str, PatternCommand]:
    from crpatterns.cli import internal_api, shared_vpc, web_app

    return {
        "web-app": PatternCommand("web-app", web_app.create, web_app.app, "create", "name", web_app.spec_from_flags),
        "internal-api": PatternCommand("internal-api", internal_api.create, internal_api.app, "create", "name",
                                       internal_api.spec_from_flags),
        "shared-vpc": PatternCommand("shared-vpc", shared_vpc.enable, shared_vpc.app, "enable", "service",
                                     shared_vpc.enable_spec),
    }


@dataclass(frozen=True)
class OptionInfo:
    param: str  # the command's parameter name, e.g. "global_access"
    multiple: bool
    schema: dict[str, Any]
    default: Any


def options_of(command: PatternCommand) -> dict[str, OptionInfo]:
    """key (long flag without dashes) -> option, read from the command's own signature: each parameter
    is `Annotated[type, typer.Option(...)]` (crpatterns/cli/options.py gives every command its
    signature, common options included)."""
    import inspect
    import typing

    import typer.models

    found: dict[str, OptionInfo] = {}
    for param in inspect.signature(command.command).parameters.values():
        annotation = param.annotation
        if isinstance(annotation, str):
            annotation = typing.get_type_hints(command.command, include_extras=True)[param.name]
        if typing.get_origin(annotation) is not typing.Annotated or param.name in RUN_OPTIONS:
            continue
        kind, *extras = typing.get_args(annotation)
        info = next((e for e in extras if isinstance(e, typer.models.OptionInfo)), None)
        if info is None:
            continue  # the positional NAME
        declared = [d for d in (info.param_decls or ()) if d.startswith("--")]
        long = declared[0].split("/")[0] if declared else "--" + param.name.replace("_", "-")
        multiple = _is_list(kind)
        found[long.lstrip("-")] = OptionInfo(param.name, multiple, _schema_of(kind, multiple),
                                             None if param.default is inspect.Parameter.empty else param.default)
    return found


def _is_list(kind: Any) -> bool:
    import typing

    return any(typing.get_origin(k) is list for k in (kind, *typing.get_args(kind)))


def _schema_of(kind: Any, multiple: bool) -> dict[str, Any]:
    import typing

    bare = {k for k in (kind, *typing.get_args(kind)) if k is not type(None)}
    if bool in bare:
        single: dict[str, Any] = {"type": "boolean"}
    elif int in bare:
        single = {"type": "integer"}
    else:
        single = {"type": "string"}
    if multiple:
        return {"anyOf": [single, {"type": "array", "items": single}]}
    return single


def app_schema(command: PatternCommand) -> dict[str, Any]:
    properties: dict[str, Any] = {"name": {"type": "string"}, "pattern": {"const": command.pattern}}
    properties.update({key: option.schema for key, option in options_of(command).items()})
    return {"type": "object", "properties": properties, "required": ["name", "pattern"],
            "additionalProperties": False}


def stack_schema() -> dict[str, Any]:
    """The top level: what apps are made of is checked per pattern, once each app's pattern is known."""
    return {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "project": {"type": "string"},
            "defaults": {"type": "object"},
            "apps": {"type": "array", "items": {
                "type": "object", "required": ["name", "pattern"],
                "properties": {"name": {"type": "string"}, "pattern": {"enum": sorted(pattern_commands())}}}},
        },
        "required": ["apps"],
        "additionalProperties": False,
    }


# -- reading YAML with line numbers ---------------------------------------------------------------------


Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """A YAML document as plain values, and the line of every key and list item (1-based)."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def read_yaml(file: str) -> Located:
    import yaml

    try:
        text = Path(file).read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"-f {file} cannot be read: {error}.") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        problem = getattr(error, "problem", None) or str(error)
        raise UsageError(f"{where}: not valid YAML ({problem}).") from None
    located = Located(None)
    if node is None:
        raise UsageError(f"{file}:1: the stack is empty; it needs `apps:`, a list of apps.")
    located.value = _plain(node, (), located, file)
    return located


def _plain(node: Any, path: Path_, located: Located, file: str) -> Any:
    import yaml

    located.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        found: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                raise UsageError(f"{file}:{key_node.start_mark.line + 1}: {describe((*path, key))} is given twice.")
            located.lines[(*path, key)] = key_node.start_mark.line + 1
            found[key] = _plain(value_node, (*path, key), located, file)
        return found
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, index), located, file) for index, item in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node, deep=True)  # a scalar, typed as YAML types it


def describe(path: Path_) -> str:
    """`apps[1].global-access`: where a key is, as a person reads it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the stack"


# -- validation --------------------------------------------------------------------------------------------


def schema_error(file: str, located: Located, schema: dict[str, Any], document: Any, base: Path_ = ()) -> None:
    """Raises the first schema violation as one sentence naming file, line and key."""
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document),
                    key=lambda e: (located.line(base + tuple(e.absolute_path)), len(e.absolute_path)))
    if not errors:
        return
    error = errors[0]
    path = base + tuple(error.absolute_path)
    where = f"{file}:{located.line(path)}"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        key = (*path, unknown[0])
        raise UsageError(f"{file}:{located.line(key)}: {describe(key)} is not a known key; "
                         f"known keys here: {', '.join(allowed)}.")
    if error.validator == "required":
        raise UsageError(f"{where}: {describe(path)} needs {error.message.split(' is a required')[0]}.")
    expected = _expected(error.schema)
    raise UsageError(f"{where}: {describe(path)} must be {expected}; got {error.instance!r}.")


def _expected(schema: dict[str, Any]) -> str:
    if "const" in schema:
        return repr(schema["const"])
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_expected(s) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        return f"a list of {_expected(schema.get('items', {}))} values"
    return {"string": "a string", "boolean": "true or false", "integer": "a whole number",
            "object": "a mapping of keys to values"}.get(str(kind), str(kind))


@dataclass(frozen=True)
class StackApp:
    """One app of a stack: its pattern, name, line, and the flags its command would have received."""

    pattern: str
    name: str
    index: int
    line: int
    flags: dict[str, Any]
    keys: dict[str, int]  # option key -> line, for sentences about one option


@dataclass(frozen=True)
class Stack:
    file: str
    project: str | None
    apps: tuple[StackApp, ...]
    name: str = ""  # `name:`, else the file's name without its extension


def load(file: str) -> Stack:
    """The stack, validated: the schema, duplicate apps, and each app's flags as the CLI checks them."""
    located = read_yaml(file)
    document = located.value
    if not isinstance(document, dict):
        raise UsageError(f"{file}:1: the stack must be a mapping with {', '.join(TOP_LEVEL_KEYS)}.")
    schema_error(file, located, stack_schema(), document)
    commands = pattern_commands()
    defaults = document.get("defaults") or {}
    listed = {commands[entry["pattern"]].pattern for entry in document["apps"]}
    taken = {key for name in listed for key in options_of(commands[name])}
    for key in defaults:
        if key not in taken:
            raise UsageError(f"{file}:{located.line(('defaults', key))}: defaults.{key} is an option of no pattern "
                             f"the stack lists ({', '.join(sorted(listed)) or 'none'}); remove it.")
    for name in listed:
        options = options_of(commands[name])
        given = {k: v for k, v in defaults.items() if k in options}
        schema = {"type": "object", "properties": {k: options[k].schema for k in given}}
        schema_error(file, located, schema, given, ("defaults",))
    apps: list[StackApp] = []
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(document["apps"]):
        command = commands[entry["pattern"]]
        options = options_of(command)
        merged = {**{k: v for k, v in defaults.items() if k in options}, **entry}
        schema_error(file, located, app_schema(command), merged, ("apps", index))
        line = located.line(("apps", index))
        identity = (entry["pattern"], entry["name"])
        if identity in seen:
            raise UsageError(f"{file}:{line}: apps[{index}] is {entry['pattern']} {entry['name']!r} again (first at "
                             f"line {seen[identity]}); each app appears once.")
        seen[identity] = line
        flags = {option.param: _in_folder(_flag_value(merged.get(key, option.default), option), key, file)
                 for key, option in options.items()}
        flags[command.name_param] = entry["name"]
        keys = {key: located.line(("apps", index, key)) if key in entry else located.line(("defaults", key))
                for key in merged}
        apps.append(StackApp(entry["pattern"], entry["name"], index, line, flags, keys))
    return Stack(file, document.get("project"), tuple(apps), stack_name(file, located, document.get("name")))


def stack_name(file: str, located: Located, given: str | None) -> str:
    """The stack's name, what `--prune` recognises its apps by: `name:`, else the file's stem."""
    name = given if given is not None else Path(file).stem.lower().replace(".", "-")
    if not STACK_NAME.match(name):
        where = f"{file}:{located.line(('name',))}: name" if given is not None else f"{file}: the file's name"
        raise UsageError(f"{where} {name!r} must be 1-63 lowercase letters, digits, - or _ (it labels the stack's "
                         "apps); give one with `name:`.")
    return name


def _in_folder(value: Any, key: str, file: str) -> Any:
    """A file an option names (`private-key-file: key.pem`) is found next to the stack file, as its author
    sees it, wherever the command runs from."""
    if key.endswith("-file") and isinstance(value, str) and value and not Path(value).is_absolute():
        return str((Path(file).parent / value).resolve())
    return value


def _flag_value(value: Any, option: OptionInfo) -> Any:
    if option.multiple:
        if value is None or value == ():
            return None
        return list(value) if isinstance(value, list | tuple) else [value]
    return value


def app_error(stack: Stack, app: StackApp, error: UsageError) -> UsageError:
    """A flag's refusal, said of the stack file: its line, the app and the key (`--image` -> `image`)."""
    message = str(error)
    key = next((k for k in sorted(app.keys, key=len, reverse=True) if f"--{k}" in message), None)
    line = app.keys[key] if key else app.line
    where = f"apps[{app.index}].{key}" if key else f"apps[{app.index}] ({app.pattern} {app.name!r})"
    return UsageError(f"{stack.file}:{line}: {where}: {message}")
