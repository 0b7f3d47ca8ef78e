"""Statements, function signatures, imports and type parameters."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, cast

from backend_skill.check.newer_grammar.base import DEL, LOAD, STORE, Base, ident
from backend_skill.check.newer_grammar.expressions import binary_operator
from backend_skill.check.newer_grammar.nodes import ParamSpec, TypeAlias, TypeVar, TypeVarTuple

if TYPE_CHECKING:
    import libcst as cst


class Statements(Base):
    """Translates libcst statements; each returns a list (`a; b` is one libcst line)."""

    def statements(self, node: cst.CSTNode) -> list[ast.stmt]:
        import libcst as cst

        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return [self._small(small) for small in node.body]
        if isinstance(node, cst.IndentedBlock):
            return [s for statement in node.body for s in self.statements(statement)]
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise NotImplementedError(f"no translation for {type(node).__name__}")
        result: list[ast.stmt] = method(node)
        return result

    def block(self, node: cst.BaseSuite) -> list[ast.stmt]:
        return self.statements(node)

    def module_body(self, node: cst.Module) -> list[ast.stmt]:
        return [s for statement in node.body for s in self.statements(statement)]

    # -- simple statements ----------------------------------------------------------------------

    def _small(self, node: cst.BaseSmallStatement) -> ast.stmt:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise NotImplementedError(f"no translation for {type(node).__name__}")
        new: ast.stmt = method(node)
        return self.at(new, node)

    def _Expr(self, node: cst.Expr) -> ast.stmt:
        return ast.Expr(value=self.expr(node.value))

    def _Assign(self, node: cst.Assign) -> ast.stmt:
        targets = [self.expr(t.target, STORE) for t in node.targets]
        return ast.Assign(targets=targets, value=self.expr(node.value))

    def _AnnAssign(self, node: cst.AnnAssign) -> ast.stmt:
        import libcst as cst

        simple = int(isinstance(node.target, cst.Name) and not node.target.lpar)
        return ast.AnnAssign(
            target=cast(ast.Name | ast.Attribute | ast.Subscript, self.expr(node.target, STORE)),
            annotation=self.expr(node.annotation.annotation),
            value=self.expr(node.value) if node.value is not None else None,
            simple=simple,
        )

    def _AugAssign(self, node: cst.AugAssign) -> ast.stmt:
        return ast.AugAssign(
            target=cast(ast.Name | ast.Attribute | ast.Subscript, self.expr(node.target, STORE)),
            op=binary_operator(node.operator),
            value=self.expr(node.value),
        )

    def _TypeAlias(self, node: cst.TypeAlias) -> ast.stmt:
        self.newer_features.add("PEP 695 type aliases")
        alias: ast.stmt = TypeAlias(
            name=self.expr(node.name, STORE),
            type_params=self.type_params(node.type_parameters),
            value=self.expr(node.value),
        )
        return alias

    def _Return(self, node: cst.Return) -> ast.stmt:
        return ast.Return(value=self.expr(node.value) if node.value is not None else None)

    def _Raise(self, node: cst.Raise) -> ast.stmt:
        return ast.Raise(
            exc=self.expr(node.exc) if node.exc is not None else None,
            cause=self.expr(node.cause.item) if node.cause is not None else None,
        )

    def _Assert(self, node: cst.Assert) -> ast.stmt:
        message = self.expr(node.msg) if node.msg is not None else None
        return ast.Assert(test=self.expr(node.test), msg=message)

    def _Del(self, node: cst.Del) -> ast.stmt:
        import libcst as cst

        target = node.target
        if isinstance(target, cst.Tuple) and not target.lpar:  # `del a, b` deletes two targets
            return ast.Delete(targets=[self.expr(e.value, DEL) for e in target.elements])
        return ast.Delete(targets=[self.expr(target, DEL)])

    def _Pass(self, node: cst.Pass) -> ast.stmt:
        return ast.Pass()

    def _Break(self, node: cst.Break) -> ast.stmt:
        return ast.Break()

    def _Continue(self, node: cst.Continue) -> ast.stmt:
        return ast.Continue()

    def _Global(self, node: cst.Global) -> ast.stmt:
        return ast.Global(names=[ident(item.name) for item in node.names])

    def _Nonlocal(self, node: cst.Nonlocal) -> ast.stmt:
        return ast.Nonlocal(names=[ident(item.name) for item in node.names])

    # -- imports -----------------------------------------------------------------------------------

    def _Import(self, node: Any) -> ast.stmt:
        return ast.Import(names=[self._alias(alias) for alias in node.names])

    def _ImportFrom(self, node: Any) -> ast.stmt:
        import libcst as cst

        if isinstance(node.names, cst.ImportStar):
            names = [self.at(ast.alias(name="*", asname=None), node.names)]
        else:
            names = [self._alias(alias) for alias in node.names]
        module = self._dotted(node.module) if node.module is not None else None
        return ast.ImportFrom(module=module, names=names, level=len(node.relative))

    def _LazyImport(self, node: Any) -> ast.stmt:
        self.newer_features.add("PEP 810 lazy imports")
        new = self._Import(node)
        setattr(new, "is_lazy", 1)  # noqa: B010  (the 3.15 field)
        return new

    def _LazyImportFrom(self, node: Any) -> ast.stmt:
        self.newer_features.add("PEP 810 lazy imports")
        new = self._ImportFrom(node)
        setattr(new, "is_lazy", 1)  # noqa: B010
        return new

    def _alias(self, node: cst.ImportAlias) -> ast.alias:
        asname = node.asname.name if node.asname is not None else None
        new = ast.alias(name=self._dotted(node.name), asname=self._name_of(asname))
        return self.between(new, node.name, asname if asname is not None else node.name)

    def _dotted(self, node: cst.BaseExpression) -> str:
        import libcst as cst

        if isinstance(node, cst.Attribute):
            return f"{self._dotted(node.value)}.{ident(node.attr)}"
        if not isinstance(node, cst.Name):
            raise NotImplementedError(f"no translation for a dotted name of {type(node).__name__}")
        return ident(node)

    @staticmethod
    def _name_of(node: cst.BaseExpression | None) -> str | None:
        import libcst as cst

        if node is None:
            return None
        if not isinstance(node, cst.Name):
            raise NotImplementedError(f"no translation for a name of {type(node).__name__}")
        return ident(node)

    # -- compound statements ----------------------------------------------------------------------

    def _located(self, new: ast.stmt, node: cst.CSTNode) -> list[ast.stmt]:
        return [self.place(new, self.start(node), self.with_semicolon(self.end(node)))]

    def _If(self, node: cst.If) -> list[ast.stmt]:
        new = ast.If(test=self.expr(node.test), body=self.block(node.body), orelse=self._else(node))
        return self._located(new, node)

    def _else(self, node: Any) -> list[ast.stmt]:
        import libcst as cst

        orelse = node.orelse
        if orelse is None:
            return []
        if isinstance(orelse, cst.If):  # elif
            return self.statements(orelse)
        return self.block(orelse.body)

    def _While(self, node: cst.While) -> list[ast.stmt]:
        new = ast.While(
            test=self.expr(node.test), body=self.block(node.body), orelse=self._else(node)
        )
        return self._located(new, node)

    def _For(self, node: cst.For) -> list[ast.stmt]:
        kind = ast.AsyncFor if node.asynchronous is not None else ast.For
        new = kind(
            target=self.expr(node.target, STORE),
            iter=self.expr(node.iter),
            body=self.block(node.body),
            orelse=self._else(node),
        )
        return self._located(new, node)

    def _With(self, node: cst.With) -> list[ast.stmt]:
        items = [
            ast.withitem(
                context_expr=self.expr(item.item),
                optional_vars=(
                    self.expr(item.asname.name, STORE) if item.asname is not None else None
                ),
            )
            for item in node.items
        ]
        kind = ast.AsyncWith if node.asynchronous is not None else ast.With
        return self._located(kind(items=items, body=self.block(node.body)), node)

    def _Try(self, node: Any) -> list[ast.stmt]:
        import libcst as cst

        handlers = [self._handler(handler) for handler in node.handlers]
        kind = ast.TryStar if isinstance(node, cst.TryStar) else ast.Try
        new = kind(
            body=self.block(node.body),
            handlers=handlers,
            orelse=self.block(node.orelse.body) if node.orelse is not None else [],
            finalbody=self.block(node.finalbody.body) if node.finalbody is not None else [],
        )
        return self._located(new, node)

    _TryStar = _Try

    def _handler(self, node: Any) -> ast.ExceptHandler:
        import libcst as cst

        if isinstance(node.type, cst.Tuple) and not node.type.lpar:
            self.newer_features.add("PEP 758 except without parentheses")
        name = node.name.name if node.name is not None else None
        new = ast.ExceptHandler(
            type=self.expr(node.type) if node.type is not None else None,
            name=self._name_of(name),
            body=self.block(node.body),
        )
        return self.place(new, self.start(node), self.with_semicolon(self.end(node)))

    def _FunctionDef(self, node: cst.FunctionDef) -> list[ast.stmt]:
        kind = ast.AsyncFunctionDef if node.asynchronous is not None else ast.FunctionDef
        new = kind(
            name=ident(node.name),
            args=self.arguments(node.params),
            body=self.block(node.body),
            decorator_list=[self.expr(d.decorator) for d in node.decorators],
            returns=self.expr(node.returns.annotation) if node.returns is not None else None,
            type_comment=None,
        )
        setattr(new, "type_params", self.type_params(node.type_parameters))  # noqa: B010  (3.12)
        return self._located(new, node)

    def _ClassDef(self, node: cst.ClassDef) -> list[ast.stmt]:
        bases: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for arg in [*node.bases, *node.keywords]:
            if arg.keyword is not None:
                value = ast.keyword(arg=ident(arg.keyword), value=self.expr(arg.value))
                keywords.append(self.between(value, arg.keyword, arg.value))
            elif arg.star == "**":
                keywords.append(self.at(ast.keyword(arg=None, value=self.expr(arg.value)), arg))
            elif arg.star == "*":
                bases.append(self.at(ast.Starred(value=self.expr(arg.value), ctx=LOAD), arg))
            else:
                bases.append(self.expr(arg.value))
        new = ast.ClassDef(
            name=ident(node.name),
            bases=bases,
            keywords=keywords,
            body=self.block(node.body),
            decorator_list=[self.expr(d.decorator) for d in node.decorators],
        )
        setattr(new, "type_params", self.type_params(node.type_parameters))  # noqa: B010  (3.12)
        return self._located(new, node)

    def _Match(self, node: cst.Match) -> list[ast.stmt]:
        cases = [
            ast.match_case(
                pattern=self.pattern(case.pattern),
                guard=self.expr(case.guard) if case.guard is not None else None,
                body=self.block(case.body),
            )
            for case in node.cases
        ]
        return self._located(ast.Match(subject=self.expr(node.subject), cases=cases), node)

    # -- signatures ------------------------------------------------------------------------------

    def arguments(self, node: cst.Parameters) -> ast.arguments:
        import libcst as cst

        star = node.star_arg
        vararg = self._arg(star) if isinstance(star, cst.Param) else None
        positional = [*node.posonly_params, *node.params]
        return ast.arguments(
            posonlyargs=[self._arg(p) for p in node.posonly_params],
            args=[self._arg(p) for p in node.params],
            vararg=vararg,
            kwonlyargs=[self._arg(p) for p in node.kwonly_params],
            kw_defaults=[
                self.expr(p.default) if p.default is not None else None for p in node.kwonly_params
            ],
            kwarg=self._arg(node.star_kwarg) if node.star_kwarg is not None else None,
            defaults=[self.expr(p.default) for p in positional if p.default is not None],
        )

    def _arg(self, node: cst.Param) -> ast.arg:
        annotation = node.annotation
        new = ast.arg(
            arg=ident(node.name),
            annotation=self.expr(annotation.annotation) if annotation is not None else None,
            type_comment=None,
        )
        last = annotation.annotation if annotation is not None else node.name
        return self.between(new, node.name, last)

    def _type_param_default(self, item: cst.TypeParam) -> ast.expr | None:
        import libcst as cst

        if item.default is None:
            return None
        default = self.expr(item.default)
        if not item.star:
            return default
        after = (
            self.end(item.equal) if isinstance(item.equal, cst.AssignEqual) else self.start(item)
        )
        star = self.find_after(after, "*")  # `*Ts = *tuple[int]`
        return self.place(ast.Starred(value=default, ctx=LOAD), star, self.outer_end(item.default))

    def type_params(self, node: cst.TypeParameters | None) -> list[ast.AST]:
        import libcst as cst

        if node is None:
            return []
        self.newer_features.add("PEP 695 type parameters")
        params: list[ast.AST] = []
        for item in node.params:
            param = item.param
            default = self._type_param_default(item)
            new: ast.AST
            last: cst.CSTNode = param.name
            if isinstance(param, cst.TypeVar):
                bound = self.expr(param.bound) if param.bound is not None else None
                new = TypeVar(name=ident(param.name), bound=bound, default_value=default)
                last = param.bound if param.bound is not None else param.name
            elif isinstance(param, cst.TypeVarTuple):
                new = TypeVarTuple(name=ident(param.name), default_value=default)
            else:
                new = ParamSpec(name=ident(param.name), default_value=default)
            # libcst's span of a parameter runs on over its comma; ast's ends with it
            end = self.outer_end(item.default if item.default is not None else last)
            params.append(self.place(new, self.start(item), end))
        return params
