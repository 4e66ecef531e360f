/**
 * A parsed expression turned, once per stream, into a JavaScript closure over
 * the record: the per-record cost is the closure's work, not a walk of the
 * syntax tree. Compiling is also where an expression is checked before any
 * request: names that are neither a field of the stream nor a built-in,
 * fields the stream does not have, attributes no value has, and anything
 * Python-looking that could reach past the expression (dunder names, `_`
 * attributes) are refused here, naming the problem.
 */
import { schemaProperties, type JsonSchema } from '../../core/json-schema.js'
import { attribute, FUNCTIONS, METHOD_NAMES, setKey } from './builtins.js'
import { parse, type Node } from './parse.js'
import {
  binary,
  compare,
  contains,
  dictGet,
  equal,
  EvalProblem,
  isDict,
  iterate,
  MAX_COMPREHENSION_LENGTH,
  negate,
  PyFunction,
  PyModule,
  toIndex,
  truthy,
  typeError,
  typeName,
  type Dict,
} from './values.js'

/** An expression refused before any request: what is wrong with it. */
export class CheckProblem extends Error {}

/** What an expression sees of one record. */
export interface Scope {
  readonly record: Dict
  /** The value of the property the expression computes, when the record has it. */
  readonly self: unknown
  readonly locals?: ReadonlyMap<string, unknown>
}

export type Compiled = (scope: Scope) => unknown

/** What an expression may name, known before any record is read. */
export interface CompileContext {
  /** The stream's record schema as selected (what records carry). */
  readonly schema: JsonSchema
  /** The stream's whole schema (to tell a deselected field from one that does not exist). */
  readonly fullSchema: JsonSchema
  readonly streamName: string
  readonly originalStreamName: string
  /** `stream_map_config`. */
  readonly config: Dict
  /** The path of the property the expression computes: `self` is its value. Undefined: `self` is not there (a filter). */
  readonly selfPath?: readonly string[]
}

const SPECIAL = new Set(['record', '_', 'self', 'config', '__stream_name__', '__original_stream_name__'])

/** Attributes some value an expression can hold has; any other is a mistake worth refusing early. */
const ATTRIBUTES: ReadonlySet<string> = new Set([
  ...METHOD_NAMES,
  ...[
    'year',
    'month',
    'day',
    'hour',
    'minute',
    'second',
    'microsecond',
    'tzinfo',
    'date',
    'timestamp',
    'isoformat',
    'astimezone',
    'replace',
  ],
  ...['weekday', 'isoweekday', 'strftime', 'days', 'seconds', 'microseconds', 'total_seconds', 'dumps', 'loads', 'datetime', 'timedelta'],
  ...['timezone', 'utc', 'UTC', 'fromisoformat', 'fromtimestamp', 'utcfromtimestamp', 'now', 'utcnow', 'today'],
])

const builtinNames = (): string => Object.keys(FUNCTIONS).join(', ')

const typesOf = (schema: JsonSchema | undefined): readonly string[] =>
  schema === undefined || schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]

const hasField = (schema: JsonSchema, name: string): boolean => {
  const properties = schemaProperties(schema)
  return properties !== undefined && Object.hasOwn(properties, name)
}

/** The schema of the field at `path` (`[]` steps into an array's items); undefined where the schema does not say. */
export const schemaAt = (schema: JsonSchema, path: readonly string[]): JsonSchema | undefined | 'missing' => {
  let node: JsonSchema | undefined = schema
  for (const step of path) {
    if (node === undefined) return undefined
    if (step === '[]') {
      node = (node.items as JsonSchema | undefined) ?? undefined
      continue
    }
    const properties = schemaProperties(node)
    if (properties === undefined) return typesOf(node).includes('object') || typesOf(node).length === 0 ? undefined : 'missing'
    if (!Object.hasOwn(properties, step))
      return node.additionalProperties === false || Object.keys(properties).length > 0 ? 'missing' : undefined
    node = properties[step]
  }
  return node
}

/** The record field a node reads, as a path, when it reads one by names written in the expression. */
export const staticPath = (node: Node, context: CompileContext, locals: ReadonlySet<string> = new Set()): string[] | undefined => {
  switch (node.kind) {
    case 'name':
      if (locals.has(node.id)) return undefined
      if (node.id === 'self') return context.selfPath === undefined ? undefined : [...context.selfPath]
      if (node.id === 'record' || node.id === '_') return []
      if (SPECIAL.has(node.id) || !hasField(context.fullSchema, node.id)) return undefined
      return [node.id]
    case 'index': {
      const base = staticPath(node.target, context, locals)
      if (base === undefined) return undefined
      if (node.index.kind === 'const' && typeof node.index.value === 'string') return [...base, node.index.value]
      if (node.index.kind === 'const' && typeof node.index.value === 'number') return [...base, '[]']
      return undefined
    }
    case 'call':
      // record.get('x') reads the field x (or None).
      if (node.fn.kind === 'attr' && node.fn.name === 'get' && node.args[0]?.kind === 'const' && typeof node.args[0].value === 'string') {
        const base = staticPath(node.fn.target, context, locals)
        return base === undefined ? undefined : [...base, node.args[0].value]
      }
      return undefined
    default:
      return undefined
  }
}

const describePath = (path: readonly string[]): string => path.filter((p) => p !== '[]').join('.')

/** Refuses a path to a field the stream does not have, or has but the catalog does not select. */
const checkPath = (path: readonly string[], context: CompileContext): void => {
  if (path.length === 0) return
  if (schemaAt(context.fullSchema, path) === 'missing') {
    throw new CheckProblem(`stream ${context.originalStreamName} has no field ${describePath(path)}`)
  }
  if (schemaAt(context.schema, path) === 'missing') {
    throw new CheckProblem(`field ${describePath(path)} of stream ${context.originalStreamName} is not selected in the catalog`)
  }
}

const keyError = (key: unknown): EvalProblem => new EvalProblem('KeyError', typeof key === 'string' ? `'${key}'` : String(key))

const subscript = (target: unknown, index: unknown): unknown => {
  if (Array.isArray(target)) {
    const i = toIndex(index, 'list')
    const at = i < 0 ? target.length + i : i
    if (at < 0 || at >= target.length) throw new EvalProblem('IndexError', 'list index out of range')
    return target[at]
  }
  if (typeof target === 'string') {
    const chars = Array.from(target)
    const i = toIndex(index, 'string')
    const at = i < 0 ? chars.length + i : i
    if (at < 0 || at >= chars.length) throw new EvalProblem('IndexError', 'string index out of range')
    return chars[at]
  }
  if (isDict(target)) {
    const v = typeof index === 'string' ? dictGet(target, index) : undefined
    if (v === undefined) throw keyError(index)
    return v
  }
  throw typeError(`'${typeName(target)}' object is not subscriptable`)
}

const sliceOf = (target: unknown, lower: unknown, upper: unknown, step: unknown): unknown => {
  const seq = typeof target === 'string' ? Array.from(target) : Array.isArray(target) ? target : undefined
  if (seq === undefined) throw typeError(`'${typeName(target)}' object is not subscriptable`)
  const n = seq.length
  const s = step === null ? 1 : toIndex(step, 'slice')
  if (s === 0) throw new EvalProblem('ValueError', 'slice step cannot be zero')
  const bound = (v: unknown, fallback: number): number => {
    if (v === null) return fallback
    const i = toIndex(v, 'slice')
    const at = i < 0 ? i + n : i
    return s > 0 ? Math.min(Math.max(at, 0), n) : Math.min(Math.max(at, -1), n - 1)
  }
  const from = bound(lower, s > 0 ? 0 : n - 1)
  const to = bound(upper, s > 0 ? n : -1)
  const out: unknown[] = []
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(seq[i])
  return typeof target === 'string' ? out.join('') : out
}

const callValue = (fn: unknown, args: readonly unknown[], kwargs: Dict): unknown => {
  if (fn instanceof PyFunction) return fn.call(args, kwargs)
  if (fn instanceof PyModule && fn.callable !== undefined) return fn.callable(args, kwargs)
  throw typeError(`'${typeName(fn)}' object is not callable`)
}

const compareOp = (op: string, a: unknown, b: unknown): boolean => {
  switch (op) {
    case '==':
      return equal(a, b)
    case '!=':
      return !equal(a, b)
    case '<':
      return compare(a, b, op) < 0
    case '<=':
      return compare(a, b, op) <= 0
    case '>':
      return compare(a, b, op) > 0
    case '>=':
      return compare(a, b, op) >= 0
    case 'in':
      return contains(b, a)
    case 'not in':
      return !contains(b, a)
    case 'is':
      return (a ?? null) === (b ?? null)
    case 'is not':
      return (a ?? null) !== (b ?? null)
  }
  throw typeError(`unknown comparison ${op}`)
}

class Compiler {
  constructor(private readonly context: CompileContext) {}

  node(node: Node, locals: ReadonlySet<string>): Compiled {
    switch (node.kind) {
      case 'const': {
        const value = node.value
        return () => value
      }
      case 'name':
        return this.name(node.id, locals)
      case 'list':
      case 'tuple': {
        const items = node.items.map((n) => this.node(n, locals))
        return (scope) => items.map((f) => f(scope))
      }
      case 'dict': {
        const entries = node.entries.map(([k, v]) => [this.node(k, locals), this.node(v, locals)] as const)
        return (scope) => {
          const out: Dict = {}
          for (const [k, v] of entries) setKey(out, k(scope), v(scope))
          return out
        }
      }
      case 'attr': {
        if (node.name.startsWith('_')) throw new CheckProblem(`attribute ${node.name} is not reachable (names starting with _ are refused)`)
        if (!ATTRIBUTES.has(node.name)) {
          const path = staticPath(node.target, this.context, locals)
          const hint = path !== undefined ? `; read a field as ${node.target.kind === 'name' ? node.target.id : 'x'}['${node.name}']` : ''
          throw new CheckProblem(`no value has an attribute ${node.name}${hint}`)
        }
        this.checkStatic(node.target, locals)
        const target = this.node(node.target, locals)
        const name = node.name
        return (scope) => attribute(target(scope), name)
      }
      case 'index': {
        this.checkStatic(node, locals)
        const target = this.node(node.target, locals)
        const index = this.node(node.index, locals)
        return (scope) => subscript(target(scope), index(scope))
      }
      case 'slice': {
        const target = this.node(node.target, locals)
        const none = () => null
        const lower = node.lower === undefined ? none : this.node(node.lower, locals)
        const upper = node.upper === undefined ? none : this.node(node.upper, locals)
        const step = node.step === undefined ? none : this.node(node.step, locals)
        return (scope) => sliceOf(target(scope), lower(scope), upper(scope), step(scope))
      }
      case 'call': {
        this.checkStatic(node, locals)
        const fn = this.node(node.fn, locals)
        const args = node.args.map((a) => this.node(a, locals))
        const kwargs = node.kwargs.map(([k, v]) => [k, this.node(v, locals)] as const)
        return (scope) => {
          const f = fn(scope)
          const values = args.map((a) => a(scope))
          const named: Dict = {}
          for (const [k, v] of kwargs) named[k] = v(scope)
          return callValue(f, values, named)
        }
      }
      case 'unary': {
        const operand = this.node(node.operand, locals)
        if (node.op === 'not') return (scope) => !truthy(operand(scope))
        const op = node.op
        return (scope) => negate(operand(scope), op)
      }
      case 'binary': {
        const left = this.node(node.left, locals)
        const right = this.node(node.right, locals)
        const op = node.op
        return (scope) => binary(op, left(scope), right(scope))
      }
      case 'bool': {
        const left = this.node(node.left, locals)
        const right = this.node(node.right, locals)
        return node.op === 'and'
          ? (scope) => {
              const l = left(scope)
              return truthy(l) ? right(scope) : l
            }
          : (scope) => {
              const l = left(scope)
              return truthy(l) ? l : right(scope)
            }
      }
      case 'compare': {
        const first = this.node(node.first, locals)
        const rest = node.rest.map(([op, n]) => [op, this.node(n, locals)] as const)
        return (scope) => {
          let left = first(scope)
          for (const [op, f] of rest) {
            const right = f(scope)
            if (!compareOp(op, left, right)) return false
            left = right
          }
          return true
        }
      }
      case 'ifexp': {
        const test = this.node(node.test, locals)
        const body = this.node(node.body, locals)
        const orelse = this.node(node.orelse, locals)
        return (scope) => (truthy(test(scope)) ? body(scope) : orelse(scope))
      }
      case 'comp':
        return this.comprehension(node, locals)
    }
  }

  private comprehension(node: Extract<Node, { kind: 'comp' }>, locals: ReadonlySet<string>): Compiled {
    for (const t of node.targets) if (t.startsWith('__')) throw new CheckProblem(`name ${t} is not allowed`)
    const inner = new Set([...locals, ...node.targets])
    const iter = this.node(node.iter, locals)
    const element = this.node(node.element, inner)
    const value = node.value === undefined ? undefined : this.node(node.value, inner)
    const conditions = node.conditions.map((c) => this.node(c, inner))
    const targets = node.targets
    return (scope) => {
      const items = iterate(iter(scope))
      if (items.length > MAX_COMPREHENSION_LENGTH)
        throw new EvalProblem(
          'IterableTooLong',
          `more than ${MAX_COMPREHENSION_LENGTH} items in a comprehension (a limit of map expressions)`,
        )
      const list: unknown[] = []
      const dict: Dict = {}
      for (const item of items) {
        const bound = new Map(scope.locals)
        if (targets.length === 1) bound.set(targets[0]!, item)
        else {
          const parts = typeof item === 'string' ? Array.from(item) : item
          if (!Array.isArray(parts) || parts.length !== targets.length) {
            throw new EvalProblem('ValueError', `cannot unpack ${typeName(item)} into ${targets.length} names`)
          }
          targets.forEach((t, i) => bound.set(t, parts[i]))
        }
        const inner: Scope = { record: scope.record, self: scope.self, locals: bound }
        if (!conditions.every((c) => truthy(c(inner)))) continue
        if (value === undefined) list.push(element(inner))
        else setKey(dict, element(inner), value(inner))
      }
      return value === undefined ? list : dict
    }
  }

  /** A field read by names the expression writes is checked against the schema now. */
  private checkStatic(node: Node, locals: ReadonlySet<string>): void {
    const path = staticPath(node, this.context, locals)
    if (path !== undefined) checkPath(path, this.context)
  }

  private name(id: string, locals: ReadonlySet<string>): Compiled {
    if (locals.has(id)) return (scope) => scope.locals!.get(id)
    const context = this.context
    switch (id) {
      case 'record':
      case '_':
        return (scope) => scope.record
      case 'self': {
        if (context.selfPath === undefined) throw new CheckProblem('self is only there in a property expression')
        const missing = schemaAt(context.fullSchema, context.selfPath) === 'missing'
        if (missing)
          throw new CheckProblem(
            `self: stream ${context.originalStreamName} has no field ${describePath(context.selfPath)} (self is the value of the field being mapped)`,
          )
        return (scope) => {
          if (scope.self === undefined)
            throw new EvalProblem('NameError', `name 'self' is not defined (the record has no ${describePath(context.selfPath!)})`)
          return scope.self
        }
      }
      case 'config': {
        const config = context.config
        return () => config
      }
      case '__stream_name__': {
        const name = context.streamName
        return () => name
      }
      case '__original_stream_name__': {
        const name = context.originalStreamName
        return () => name
      }
    }
    if (id.startsWith('__')) throw new CheckProblem(`name ${id} is not reachable (only __stream_name__ and __original_stream_name__ are)`)
    const isField = hasField(context.fullSchema, id)
    const builtin = Object.hasOwn(FUNCTIONS, id) ? FUNCTIONS[id] : undefined
    if (!isField && builtin === undefined) {
      throw new CheckProblem(
        `name ${id} is not defined: not a field of stream ${context.originalStreamName}, nor record, _, self, config or a built-in (${builtinNames()})`,
      )
    }
    if (isField) checkPath([id], context)
    // A record's field wins over a built-in of the same name, as in the SDK.
    return (scope) => {
      const v = dictGet(scope.record, id)
      if (v !== undefined) return v
      if (builtin !== undefined) return builtin
      throw new EvalProblem('NameError', `name '${id}' is not defined (the record has no ${id})`)
    }
  }
}

/** The text compiled once: its syntax tree (for type inference) and its closure. Throws CheckProblem. */
export const compileExpression = (text: string, context: CompileContext): { readonly tree: Node; readonly run: Compiled } => {
  let tree: Node
  try {
    tree = parse(text)
  } catch (error) {
    throw new CheckProblem(`does not parse: ${(error as Error).message}`)
  }
  return { tree, run: new Compiler(context).node(tree, new Set()) }
}
