/**
 * The JSON Schema of what an expression computes, read from the expression
 * before any record: the Meltano SDK's rules (a cast such as int(...) or
 * str(...) says the type; json.dumps is a string; datetime.datetime... a
 * date-time) extended to the whole expression tree, so `md5(x) if x else None`
 * is a nullable string and `record['visitor']['email']` keeps the field's
 * schema. Undefined: the expression does not say; the caller then falls back
 * to the SDK's rule (the property's existing type, else string).
 */
import type { JsonSchema } from '../../core/json-schema.js'
import { schemaAt, staticPath, type CompileContext } from './compile.js'
import type { Node } from './parse.js'

const STRING: JsonSchema = { type: 'string' }
const INTEGER: JsonSchema = { type: 'integer' }
const NUMBER: JsonSchema = { type: 'number' }
const BOOLEAN: JsonSchema = { type: 'boolean' }
const DATE_TIME: JsonSchema = { type: 'string', format: 'date-time' }
const DATE: JsonSchema = { type: 'string', format: 'date' }
const ARRAY: JsonSchema = { type: 'array' }
const OBJECT: JsonSchema = { type: 'object' }
const NULL: JsonSchema = { type: 'null' }

const typesOf = (s: JsonSchema): string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? [...(s.type as string[])] : [s.type as string]

/** Both schemas' values: a list of types where both are plain, anyOf otherwise. */
export const union = (a: JsonSchema, b: JsonSchema): JsonSchema => {
  if (JSON.stringify(a) === JSON.stringify(b)) return a
  const plain = (s: JsonSchema) => Object.keys(s).every((k) => k === 'type' || k === 'format') && s.type !== undefined
  const onlyNull = (s: JsonSchema) => typesOf(s).length === 1 && typesOf(s)[0] === 'null'
  if (onlyNull(a) && b.type !== undefined) return nullable(b)
  if (onlyNull(b) && a.type !== undefined) return nullable(a)
  if (plain(a) && plain(b)) {
    let types = [...new Set([...typesOf(a), ...typesOf(b)])]
    if (types.includes('number')) types = types.filter((t) => t !== 'integer')
    const format = a.format === b.format ? a.format : undefined
    return { type: types.length === 1 ? types[0] : types, ...(format === undefined ? {} : { format }) }
  }
  return { anyOf: [a, b] }
}

/** The schema with null allowed, as the SDK declares every computed property (Property(..., required=False)). */
export const nullable = (s: JsonSchema): JsonSchema => {
  if (s.type === undefined)
    return s.anyOf !== undefined ? { anyOf: [...(s.anyOf as JsonSchema[]).filter((m) => m.type !== 'null'), NULL] } : s
  const types = typesOf(s)
  return types.includes('null') ? s : { ...s, type: [...types, 'null'] }
}

const STRING_METHODS = new Set([
  'lower',
  'upper',
  'casefold',
  'swapcase',
  'capitalize',
  'title',
  'strip',
  'lstrip',
  'rstrip',
  'replace',
  'join',
  'zfill',
  'removeprefix',
  'removesuffix',
  'isoformat',
  'strftime',
])
const BOOLEAN_METHODS = new Set(['startswith', 'endswith', 'isdigit', 'isnumeric', 'isalpha', 'isalnum', 'isspace', 'islower', 'isupper'])
const INTEGER_METHODS = new Set(['find', 'rfind', 'index', 'count', 'weekday', 'isoweekday'])
const INTEGER_ATTRIBUTES = new Set(['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'days', 'seconds', 'microseconds'])

/** The text of a dotted name (`datetime.datetime.fromisoformat`), when the node is one. */
const dotted = (node: Node): string | undefined => {
  if (node.kind === 'name') return node.id
  if (node.kind === 'attr') {
    const base = dotted(node.target)
    return base === undefined ? undefined : `${base}.${node.name}`
  }
  return undefined
}

const callType = (node: Extract<Node, { kind: 'call' }>, context: CompileContext, locals: ReadonlySet<string>): JsonSchema | undefined => {
  const name = dotted(node.fn)
  switch (name) {
    case 'int':
    case 'len':
      return INTEGER
    case 'float':
      return NUMBER
    case 'str':
    case 'md5':
    case 'sha256':
    case 'json.dumps':
      return STRING
    case 'bool':
      return BOOLEAN
    case 'list':
    case 'tuple':
      return ARRAY
    case 'dict':
      return OBJECT
    case 'datetime.date':
    case 'datetime.date.fromisoformat':
    case 'datetime.date.today':
      return DATE
  }
  if (name?.startsWith('datetime.datetime')) return DATE_TIME
  if (node.fn.kind !== 'attr') return undefined
  const method = node.fn.name
  if (method === 'get') {
    const path = staticPath(node, context, locals)
    const found = path === undefined ? undefined : schemaAt(context.fullSchema, path)
    const fallback = node.args[1] === undefined ? NULL : infer(node.args[1], context, locals)
    return typeof found === 'object' && fallback !== undefined ? union(found, fallback) : undefined
  }
  if (method === 'date') return DATE
  if (method === 'timestamp' || method === 'total_seconds') return NUMBER
  if (method === 'astimezone' || (method === 'replace' && dotted(node.fn.target)?.startsWith('datetime.datetime'))) return DATE_TIME
  if (STRING_METHODS.has(method)) return STRING
  if (BOOLEAN_METHODS.has(method)) return BOOLEAN
  if (INTEGER_METHODS.has(method)) return INTEGER
  if (['split', 'rsplit', 'splitlines', 'partition'].includes(method)) return { type: 'array', items: STRING }
  if (['keys', 'values', 'items'].includes(method)) return ARRAY
  return undefined
}

const numeric = (s: JsonSchema | undefined): 'integer' | 'number' | undefined => {
  if (s === undefined) return undefined
  const types = typesOf(s).filter((t) => t !== 'null')
  if (types.length === 1 && (types[0] === 'integer' || types[0] === 'boolean')) return 'integer'
  if (types.length > 0 && types.every((t) => t === 'integer' || t === 'number' || t === 'boolean')) return 'number'
  return undefined
}

const isString = (s: JsonSchema | undefined): boolean =>
  s !== undefined &&
  typesOf(s)
    .filter((t) => t !== 'null')
    .join() === 'string'

/** What `node` computes, as a JSON Schema; undefined when the expression does not tell. */
export const infer = (node: Node, context: CompileContext, locals: ReadonlySet<string> = new Set()): JsonSchema | undefined => {
  switch (node.kind) {
    case 'const':
      if (node.value === null) return NULL
      if (typeof node.value === 'boolean') return BOOLEAN
      if (typeof node.value === 'number') return Number.isInteger(node.value) ? INTEGER : NUMBER
      return STRING
    case 'name':
    case 'index': {
      const path = staticPath(node, context, locals)
      if (path !== undefined && path.length > 0) {
        const found = schemaAt(context.fullSchema, path)
        return typeof found === 'object' ? found : undefined
      }
      if (node.kind !== 'index') return undefined
      const target = infer(node.target, context, locals)
      if (isString(target)) return STRING
      if (target !== undefined && typesOf(target).includes('array') && typeof target.items === 'object') return target.items as JsonSchema
      return undefined
    }
    case 'slice': {
      const target = infer(node.target, context, locals)
      return isString(target) ? STRING : target !== undefined && typesOf(target).includes('array') ? nullable(target) : undefined
    }
    case 'attr':
      if (INTEGER_ATTRIBUTES.has(node.name)) return INTEGER
      return undefined
    case 'call':
      return callType(node, context, locals)
    case 'list':
    case 'tuple':
      return ARRAY
    case 'dict':
      return OBJECT
    case 'comp':
      return node.shape === 'list' ? ARRAY : OBJECT
    case 'compare':
      return BOOLEAN
    case 'unary':
      if (node.op === 'not') return BOOLEAN
      return numeric(infer(node.operand, context, locals)) === undefined
        ? undefined
        : { type: numeric(infer(node.operand, context, locals)) }
    case 'bool': {
      const left = infer(node.left, context, locals)
      const right = infer(node.right, context, locals)
      return left === undefined || right === undefined ? undefined : union(left, right)
    }
    case 'ifexp': {
      const body = infer(node.body, context, locals)
      const orelse = infer(node.orelse, context, locals)
      return body === undefined || orelse === undefined ? undefined : union(body, orelse)
    }
    case 'binary': {
      const left = infer(node.left, context, locals)
      const right = infer(node.right, context, locals)
      if (node.op === '+' && (isString(left) || isString(right))) return STRING
      if (node.op === '*' && (isString(left) || isString(right))) return STRING
      const l = numeric(left)
      const r = numeric(right)
      if (l !== undefined && r !== undefined) {
        if (node.op === '/') return NUMBER
        return l === 'integer' && r === 'integer' && node.op !== '**' ? INTEGER : NUMBER
      }
      if (
        left !== undefined &&
        right !== undefined &&
        typesOf(left).includes('array') &&
        typesOf(right).includes('array') &&
        node.op === '+'
      )
        return ARRAY
      return undefined
    }
  }
}
