"""Import contracts that import-linter's own types cannot say (see pyproject.toml).

`layers_by_pattern`: every module of the project belongs to one layer, named by module
expressions (`requests_app.*.views`), and no module imports one of a higher layer. The
built-in `layers` contract takes whole packages; here an area's package holds modules of
several layers (its views above its services).

`area_interfaces`: an area is used by the other areas through its interface: its package,
its `services` and `tasks`, and the modules the contract names as shared. Every other
module of the area is its own business. Its web modules (views, forms …) are left to the
contract that keeps them to the web and the API; the layer above (web, API, commands) may
call into any area, as the composition of them all.

Both check direct imports, and print each broken one with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain.helpers import module_expression_to_modules


@dataclass(frozen=True)
class Broken:
    importer: str
    imported: str
    lines: tuple[int, ...]
    why: str


def matching(graph: grimp.ImportGraph, expressions: list[Any]) -> set[str]:
    """The modules named by the expressions, with their descendants."""
    found: set[str] = set()
    for expression in expressions:
        if expression.expression not in missing(graph, [expression]):
            modules = module_expression_to_modules(graph, expression, as_packages=True)
            found |= {module.name for module in modules}
    return found


def missing(graph: grimp.ImportGraph, expressions: list[Any]) -> list[str]:
    """The expressions that name no module: the map names something the code lacks."""
    absent = []
    for expression in expressions:
        if expression.has_wildcard_expression():
            named = graph.find_matching_modules(expression.expression)
        else:
            named = {expression.expression} & graph.modules
        if not named:
            absent.append(expression.expression)
    return absent


def line_numbers(graph: grimp.ImportGraph, importer: str, imported: str) -> tuple[int, ...]:
    details = graph.get_import_details(importer=importer, imported=imported)
    return tuple(sorted(detail["line_number"] for detail in details))


def render(broken: list[Broken]) -> None:
    for item in broken:
        lines = ", ".join(f"l.{line}" for line in item.lines)
        link = f"{item.importer} -> {item.imported} ({lines})" if item.imported else item.importer
        output.print_error(f"{link}: {item.why}", bold=False)
        output.new_line()


def option(contract: Contract, name: str) -> Any:
    """A contract's option, parsed (typed Any: the class attribute is the field)."""
    return getattr(contract, name)


def project_modules(graph: grimp.ImportGraph) -> set[str]:
    """The project's own modules: import-linter's graph also holds the external packages."""
    return {module for module in graph.modules if not graph.is_module_squashed(module)}


class LayersByPatternContract(Contract):
    """Ordered layers, highest first; each a `|`-separated list of module expressions.

    A module belongs to the first layer that names it (so a catch-all such as
    `requests_app.**` can come after narrower layers in `order`); a module no layer names
    breaks the contract, so the map stays complete.
    """

    type_name = "layers_by_pattern"

    layers = fields.ListField(subfield=fields.StringField())
    order = fields.ListField(subfield=fields.StringField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        ranked = [self._expressions(layer) for layer in option(self, "layers")]
        precedence = self._precedence(len(ranked))
        layer_of: dict[str, int] = {}
        for rank in precedence:
            for module in matching(graph, ranked[rank]):
                layer_of.setdefault(module, rank)
        ignored = self._ignored(graph)
        named = [expression for layer in ranked for expression in layer]
        broken = [
            Broken(name, "", (), "named in a layer but missing") for name in missing(graph, named)
        ]
        broken += [
            Broken(module, "", (), "belongs to no layer")
            for module in sorted(project_modules(graph) - layer_of.keys())
        ]
        for importer, rank in sorted(layer_of.items()):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                higher = layer_of.get(imported, rank) < rank
                if higher and (importer, imported) not in ignored:
                    why = f"layer {rank + 1} imports layer {layer_of[imported] + 1}"
                    lines = line_numbers(graph, importer, imported)
                    broken.append(Broken(importer, imported, lines, why))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        render(check.metadata["broken"])

    def _expressions(self, layer: str) -> list[Any]:
        parse = fields.ModuleExpressionField().parse
        return [parse(part.strip()) for part in layer.split("|") if part.strip()]

    def _precedence(self, count: int) -> list[int]:
        """Which layer claims a module first: `order` (1-based), else top to bottom."""
        if not option(self, "order"):
            return list(range(count))
        return [int(rank) - 1 for rank in option(self, "order")]

    def _ignored(self, graph: grimp.ImportGraph) -> set[tuple[str, str]]:
        pairs: set[tuple[str, str]] = set()
        for expression in option(self, "ignore_imports") or ():
            pairs.add((expression.importer.expression, expression.imported.expression))
        return pairs


class AreaInterfacesContract(Contract):
    """Each area's modules are imported from outside it only through its interface."""

    type_name = "area_interfaces"

    areas = fields.ListField(subfield=fields.StringField())
    interface = fields.ListField(subfield=fields.StringField())
    shared = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)
    web = fields.ListField(subfield=fields.StringField())
    callers_above = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        shared = matching(graph, option(self, "shared") or [])
        above = matching(graph, option(self, "callers_above") or [])
        parse = fields.ModuleExpressionField().parse
        areas = [parse(area) for area in option(self, "areas")]
        named = [*areas, *(option(self, "shared") or [])]
        broken = [
            Broken(name, "", (), "named as an area or shared but missing")
            for name in missing(graph, named)
        ]
        used: set[str] = set()
        for area in option(self, "areas"):
            if area not in graph.modules:
                continue
            for module in sorted(graph.find_descendants(area)):
                if self._open(area, module):
                    continue
                for importer in sorted(graph.find_modules_that_directly_import(module)):
                    outside = importer != area and not importer.startswith(area + ".")
                    if outside and importer not in above and module in shared:
                        used.add(module)
                    elif outside and importer not in above:
                        why = f"reach {area} through its {' or '.join(option(self, 'interface'))}"
                        lines = line_numbers(graph, importer, module)
                        broken.append(Broken(importer, module, lines, why))
        unused = {expression.expression for expression in option(self, "shared") or []} - used
        broken += [
            Broken(name, "", (), "shared, but no other area uses it") for name in sorted(unused)
        ]
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        render(check.metadata["broken"])

    def _open(self, area: str, module: str) -> bool:
        """Its interface, or a web module (another contract keeps those to the web)."""
        first = module[len(area) + 1 :].split(".")[0]
        return first in option(self, "interface") or first in option(self, "web")
