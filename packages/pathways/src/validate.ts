/**
 * Validation of untrusted pathway, spine, opportunity and place documents. Nothing here throws on
 * bad input: each function returns `{ valid: true, value }` with a clean copy holding only the
 * known fields, or `{ valid: false, errors }` where each error names the path of the offending
 * value (`requirements.allOf[2].nOf: n must be between 1 and 3`).
 */
import {
  MAX_LIST_LENGTH, MAX_REQUIREMENT_DEPTH, MAX_REQUIREMENT_NODES, MAX_STRING_LENGTH, OPPORTUNITY_KINDS, SPINE_LAYERS
} from './constants.js'
import type { OpportunityKind, SpineLayer } from './constants.js'
import { PathwayError, PathwayErrorCode } from './errors.js'
import type { ValidationError } from './errors.js'
import type {
  DestinationPathway, InterestPathway, Opportunity, OrderConstraint, Pathway, Place, PostalAddress, Requirement, SkillsSpine, SpineSkill
} from './types.js'

export type ValidationResult<T> =
  | { valid: true, value: T, errors: [] }
  | { valid: false, errors: ValidationError[] }

/** `path: message`, the form in which an error is shown to a person. */
export function formatValidationError (error: ValidationError): string {
  return error.path === '' ? error.message : `${error.path}: ${error.message}`
}

class Checker {
  readonly errors: ValidationError[] = []

  fail (path: string, message: string, code: PathwayErrorCode = PathwayErrorCode.INVALID): undefined {
    this.errors.push({ path, code, message })
    return undefined
  }

  object (value: unknown, path: string, what = 'an object'): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.fail(path, `must be ${what}`)
    return value as Record<string, unknown>
  }

  string (value: unknown, path: string): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') return this.fail(path, 'must be a non-empty string')
    if (value.length > MAX_STRING_LENGTH) return this.fail(path, `must be at most ${MAX_STRING_LENGTH} characters`)
    return value
  }

  optionalString (obj: Record<string, unknown>, key: string, path: string): string | undefined {
    return obj[key] === undefined ? undefined : this.string(obj[key], join(path, key))
  }

  array (value: unknown, path: string, min = 0): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(path, 'must be an array')
    if (value.length < min) return this.fail(path, `must have at least ${min} ${min === 1 ? 'entry' : 'entries'}`)
    if (value.length > MAX_LIST_LENGTH) return this.fail(path, `must have at most ${MAX_LIST_LENGTH} entries`)
    return value
  }

  strings (value: unknown, path: string, min = 0): string[] | undefined {
    const list = this.array(value, path, min)
    if (list === undefined) return undefined
    const out: string[] = []
    const seen = new Set<string>()
    list.forEach((v, i) => {
      const s = this.string(v, `${path}[${i}]`)
      if (s === undefined) return
      if (seen.has(s)) this.fail(`${path}[${i}]`, `'${s}' appears twice`, PathwayErrorCode.DUPLICATE)
      seen.add(s)
      out.push(s)
    })
    return out
  }

  oneOf<T extends string> (value: unknown, allowed: readonly T[], path: string): T | undefined {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      return this.fail(path, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`)
    }
    return value as T
  }

  date (obj: Record<string, unknown>, key: string, path: string): string | undefined {
    const s = this.optionalString(obj, key, path)
    if (s !== undefined && Number.isNaN(Date.parse(s))) return this.fail(join(path, key), 'must be an ISO 8601 date')
    return s
  }
}

function join (path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/** Runs a check so that nothing (not even a throwing getter in the input) escapes as an exception. */
function run<T> (build: (c: Checker) => T | undefined): ValidationResult<T> {
  const c = new Checker()
  let value: T | undefined
  try {
    value = build(c)
  } catch (err) {
    c.fail('', `could not be read: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (c.errors.length > 0 || value === undefined) {
    if (c.errors.length === 0) c.fail('', 'is not valid')
    return { valid: false, errors: c.errors }
  }
  return { valid: true, value, errors: [] }
}

const OPERATORS = ['allOf', 'anyOf', 'nOf'] as const

interface TreeState {
  nodes: number
  leaves: Map<string, string> // achievement id -> path of its first occurrence
  ancestors: Set<object>
  tooBig: boolean
}

function checkRequirement (c: Checker, value: unknown, path: string, depth: number, state: TreeState): Requirement | undefined {
  state.nodes++
  if (state.nodes > MAX_REQUIREMENT_NODES) {
    if (!state.tooBig) c.fail(path, `the tree has more than ${MAX_REQUIREMENT_NODES} nodes`, PathwayErrorCode.TOO_DEEP)
    state.tooBig = true
    return undefined
  }
  if (typeof value === 'string') {
    const id = c.string(value, path)
    if (id === undefined) return undefined
    const first = state.leaves.get(id)
    if (first !== undefined) return c.fail(path, `achievement '${id}' appears twice (also at ${first})`, PathwayErrorCode.DUPLICATE)
    state.leaves.set(id, path)
    return id
  }
  const node = c.object(value, path, 'an achievement id or one of { allOf }, { anyOf }, { nOf: { n, of } }')
  if (node === undefined) return undefined
  if (state.ancestors.has(node)) return c.fail(path, 'the requirement contains itself', PathwayErrorCode.CYCLE)
  const keys = Object.keys(node)
  const ops = keys.filter((k) => (OPERATORS as readonly string[]).includes(k))
  const unknown = keys.filter((k) => !(OPERATORS as readonly string[]).includes(k))
  if (unknown.length > 0) return c.fail(path, `unknown key '${unknown[0]}' (expected one of allOf, anyOf, nOf)`)
  if (ops.length !== 1) return c.fail(path, 'must have exactly one of allOf, anyOf, nOf')
  const op = ops[0] as typeof OPERATORS[number]
  const opPath = join(path, op)
  if (depth > MAX_REQUIREMENT_DEPTH) {
    return c.fail(opPath, `requirements are nested deeper than ${MAX_REQUIREMENT_DEPTH} levels`, PathwayErrorCode.TOO_DEEP)
  }
  state.ancestors.add(node)
  try {
    if (op === 'nOf') {
      const body = c.object(node.nOf, opPath, 'an object { n, of }')
      if (body === undefined) return undefined
      const extra = Object.keys(body).filter((k) => k !== 'n' && k !== 'of')
      if (extra.length > 0) return c.fail(opPath, `unknown key '${extra[0]}' (expected n and of)`)
      const children = checkChildren(c, body.of, join(opPath, 'of'), depth, state)
      if (children === undefined) return undefined
      const n = body.n
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > children.length) {
        return c.fail(opPath, `n must be between 1 and ${children.length}`)
      }
      return { nOf: { n, of: children } }
    }
    const children = checkChildren(c, node[op], opPath, depth, state)
    if (children === undefined) return undefined
    return op === 'allOf' ? { allOf: children } : { anyOf: children }
  } finally {
    state.ancestors.delete(node)
  }
}

function checkChildren (c: Checker, value: unknown, path: string, depth: number, state: TreeState): Requirement[] | undefined {
  const list = c.array(value, path, 1)
  if (list === undefined) return undefined
  const out: Requirement[] = []
  let ok = true
  list.forEach((child, i) => {
    if (state.tooBig) { ok = false; return }
    const r = checkRequirement(c, child, `${path}[${i}]`, depth + 1, state)
    if (r === undefined) ok = false
    else out.push(r)
  })
  return ok ? out : undefined
}

function checkOrder (c: Checker, value: unknown, leaves: Map<string, string>): OrderConstraint[] | undefined {
  const list = c.array(value, 'order')
  if (list === undefined) return undefined
  const out: OrderConstraint[] = []
  list.forEach((item, i) => {
    const path = `order[${i}]`
    const o = c.object(item, path, 'an object { before, after }')
    if (o === undefined) return
    const before = c.string(o.before, join(path, 'before'))
    const after = c.string(o.after, join(path, 'after'))
    if (before === undefined || after === undefined) return
    let bad = false
    for (const [key, id] of [['before', before], ['after', after]] as const) {
      if (!leaves.has(id)) {
        c.fail(join(path, key), `achievement '${id}' is not in the requirements`, PathwayErrorCode.UNKNOWN_REFERENCE)
        bad = true
      }
    }
    if (before === after) {
      c.fail(path, `achievement '${before}' cannot come before itself`, PathwayErrorCode.CYCLE)
      bad = true
    }
    if (!bad) out.push({ before, after })
  })
  const cycle = findCycle(out)
  if (cycle !== undefined) c.fail('order', `the constraints form a cycle: ${cycle.join(' → ')}`, PathwayErrorCode.CYCLE)
  return out
}

/** A cycle in the graph before → after, as a list of ids that starts and ends with the same id. */
function findCycle (edges: OrderConstraint[]): string[] | undefined {
  const next = new Map<string, string[]>()
  for (const { before, after } of edges) next.set(before, [...(next.get(before) ?? []), after])
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open')
    stack.push(id)
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === 'open') return [...stack.slice(stack.indexOf(to)), to]
      if (state.get(to) === undefined) {
        const found = visit(to)
        if (found !== undefined) return found
      }
    }
    stack.pop()
    state.set(id, 'done')
    return undefined
  }
  for (const id of [...next.keys()].sort()) {
    if (state.get(id) === undefined) {
      const found = visit(id)
      if (found !== undefined) return found
    }
  }
  return undefined
}

/**
 * Checks an untrusted pathway document. Refuses requirement trees nested deeper than
 * MAX_REQUIREMENT_DEPTH, nodes that contain themselves, an achievement twice in one tree, order
 * constraints that name achievements outside the tree or form a cycle, and `nOf` whose `n` is not
 * between 1 and the number of its children. Other top-level keys (`@context`, `proof`) are
 * ignored and not copied.
 */
export function validatePathway (input: unknown): ValidationResult<Pathway> {
  return run<Pathway>((c) => {
    const doc = c.object(input, '', 'a pathway object')
    if (doc === undefined) return undefined
    const id = c.string(doc.id, 'id')
    const name = c.string(doc.name, 'name')
    const description = c.optionalString(doc, 'description', '')
    const issuer = c.optionalString(doc, 'issuer', '')
    const awardAchievementId = c.optionalString(doc, 'awardAchievementId', '')
    const kind = c.oneOf(doc.kind, ['destination', 'interest'] as const, 'kind')
    if (id === undefined || name === undefined || kind === undefined) return undefined
    const common = {
      id,
      name,
      ...(description !== undefined ? { description } : {}),
      ...(issuer !== undefined ? { issuer } : {}),
      ...(awardAchievementId !== undefined ? { awardAchievementId } : {})
    }
    if (kind === 'destination') {
      const state: TreeState = { nodes: 0, leaves: new Map(), ancestors: new Set(), tooBig: false }
      const requirements = doc.requirements === undefined
        ? c.fail('requirements', 'is required for a destination pathway')
        : checkRequirement(c, doc.requirements, 'requirements', 1, state)
      const order = doc.order === undefined ? undefined : checkOrder(c, doc.order, state.leaves)
      const opportunityId = c.optionalString(doc, 'opportunityId', '')
      if (awardAchievementId !== undefined && state.leaves.has(awardAchievementId)) {
        c.fail('awardAchievementId', `'${awardAchievementId}' is also one of the requirements`, PathwayErrorCode.CYCLE)
      }
      if (requirements === undefined) return undefined
      const out: DestinationPathway = { ...common, kind, requirements }
      if (order !== undefined && order.length > 0) out.order = order
      if (opportunityId !== undefined) out.opportunityId = opportunityId
      return out
    }
    const theme = c.object(doc.theme, 'theme', 'an object { skills, tags }')
    const skills = theme === undefined ? undefined : c.strings(theme.skills ?? [], 'theme.skills')
    const tags = theme === undefined ? undefined : c.strings(theme.tags ?? [], 'theme.tags')
    const suggested = c.strings(doc.suggested, 'suggested', 1)
    if (awardAchievementId !== undefined && suggested?.includes(awardAchievementId) === true) {
      c.fail('awardAchievementId', `'${awardAchievementId}' is also one of the suggested achievements`, PathwayErrorCode.CYCLE)
    }
    if (skills === undefined || tags === undefined || suggested === undefined) return undefined
    if (skills.length === 0 && tags.length === 0) return c.fail('theme', 'must name at least one skill or tag')
    const out: InterestPathway = { ...common, kind, theme: { skills, tags }, suggested }
    return out
  })
}

/** Like validatePathway, for trusted callers that prefer an exception: throws PathwayError with all the errors. */
export function assertValidPathway (input: unknown): Pathway {
  const result = validatePathway(input)
  if (result.valid) return result.value
  const first = result.errors[0] as ValidationError
  throw new PathwayError(first.code, `invalid pathway: ${result.errors.map(formatValidationError).join('; ')}`, { errors: result.errors })
}

function checkPlace (c: Checker, value: unknown, path: string): Place | undefined {
  const p = c.object(value, path, 'an object { lat, lon }')
  if (p === undefined) return undefined
  const lat = p.lat
  const lon = p.lon
  let ok = true
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) { c.fail(join(path, 'lat'), 'must be a number between -90 and 90'); ok = false }
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) { c.fail(join(path, 'lon'), 'must be a number between -180 and 180'); ok = false }
  const name = c.optionalString(p, 'name', path)
  const area = c.optionalString(p, 'area', path)
  let address: PostalAddress | undefined
  if (p.address !== undefined) {
    const a = c.object(p.address, join(path, 'address'))
    if (a !== undefined) {
      address = {}
      for (const key of ['streetAddress', 'postalCode', 'addressLocality', 'addressRegion', 'addressCountry'] as const) {
        const s = c.optionalString(a, key, join(path, 'address'))
        if (s !== undefined) address[key] = s
      }
    }
  }
  if (!ok) return undefined
  const out: Place = { lat: lat as number, lon: lon as number }
  if (name !== undefined) out.name = name
  if (area !== undefined) out.area = area
  if (address !== undefined) out.address = address
  return out
}

/** Checks an untrusted place: `lat` in [-90, 90], `lon` in [-180, 180], optional name, area and address. */
export function validatePlace (input: unknown): ValidationResult<Place> {
  return run((c) => checkPlace(c, input, ''))
}

/** Checks an untrusted skills spine: each skill with a unique id, a name and one of the four layers. */
export function validateSpine (input: unknown): ValidationResult<SkillsSpine> {
  return run<SkillsSpine>((c) => {
    const doc = c.object(input, '', 'a skills spine object')
    if (doc === undefined) return undefined
    const id = c.string(doc.id, 'id')
    const name = c.string(doc.name, 'name')
    const issuer = c.optionalString(doc, 'issuer', '')
    const list = c.array(doc.skills, 'skills', 1)
    const skills: SpineSkill[] = []
    const seen = new Map<string, string>()
    list?.forEach((item, i) => {
      const path = `skills[${i}]`
      const s = c.object(item, path)
      if (s === undefined) return
      const sid = c.string(s.id, join(path, 'id'))
      const sname = c.string(s.name, join(path, 'name'))
      const layer = c.oneOf<SpineLayer>(s.layer, SPINE_LAYERS, join(path, 'layer'))
      const description = c.optionalString(s, 'description', path)
      const targetFramework = c.optionalString(s, 'targetFramework', path)
      const targetCode = c.optionalString(s, 'targetCode', path)
      if (targetCode !== undefined && targetFramework === undefined) c.fail(join(path, 'targetCode'), 'needs a targetFramework')
      if (sid !== undefined) {
        const first = seen.get(sid)
        if (first !== undefined) c.fail(join(path, 'id'), `skill '${sid}' appears twice (also at ${first})`, PathwayErrorCode.DUPLICATE)
        seen.set(sid, path)
      }
      if (sid === undefined || sname === undefined || layer === undefined) return
      const skill: SpineSkill = { id: sid, name: sname, layer }
      if (description !== undefined) skill.description = description
      if (targetFramework !== undefined) skill.targetFramework = targetFramework
      if (targetCode !== undefined) skill.targetCode = targetCode
      skills.push(skill)
    })
    if (id === undefined || name === undefined || list === undefined) return undefined
    return { id, name, ...(issuer !== undefined ? { issuer } : {}), skills }
  })
}

/** Checks an untrusted opportunity: a kind, a name, dates that parse (end not before start), and what it asks for. */
export function validateOpportunity (input: unknown): ValidationResult<Opportunity> {
  return run<Opportunity>((c) => {
    const doc = c.object(input, '', 'an opportunity object')
    if (doc === undefined) return undefined
    const id = c.string(doc.id, 'id')
    const kind = c.oneOf<OpportunityKind>(doc.kind, OPPORTUNITY_KINDS, 'kind')
    const name = c.string(doc.name, 'name')
    const description = c.optionalString(doc, 'description', '')
    const provider = c.optionalString(doc, 'provider', '')
    const place = doc.place === undefined ? undefined : checkPlace(c, doc.place, 'place')
    const startDate = c.date(doc, 'startDate', '')
    const endDate = c.date(doc, 'endDate', '')
    const applyBy = c.date(doc, 'applyBy', '')
    if (startDate !== undefined && endDate !== undefined && Date.parse(endDate) < Date.parse(startDate)) {
      c.fail('endDate', 'must not be before startDate')
    }
    const asks = c.object(doc.asks, 'asks', 'an object { pathwayId?, achievementIds? }')
    const pathwayId = asks === undefined ? undefined : c.optionalString(asks, 'pathwayId', 'asks')
    const achievementIds = asks?.achievementIds === undefined ? undefined : c.strings(asks.achievementIds, 'asks.achievementIds', 1)
    if (asks !== undefined && asks.pathwayId === undefined && asks.achievementIds === undefined) {
      c.fail('asks', 'must name a pathwayId or achievementIds')
    }
    if (id === undefined || kind === undefined || name === undefined || asks === undefined) return undefined
    const out: Opportunity = {
      id,
      kind,
      name,
      asks: { ...(pathwayId !== undefined ? { pathwayId } : {}), ...(achievementIds !== undefined ? { achievementIds } : {}) }
    }
    if (description !== undefined) out.description = description
    if (provider !== undefined) out.provider = provider
    if (place !== undefined) out.place = place
    if (startDate !== undefined) out.startDate = startDate
    if (endDate !== undefined) out.endDate = endDate
    if (applyBy !== undefined) out.applyBy = applyBy
    return out
  })
}
