/**
 * The simulated account's records, generated from a seed.
 *
 * Each record is a pure function of (seed, kind, index): agent #i is the same
 * whether 10 or 1,000,000 agents exist, and ids are closed-form in the index,
 * so "first agent with id >= X" is a binary search rather than a scan. Records
 * copy the shapes and irregularities of the real payloads in
 * /work/shared/zendesk-chat/samples (see API.md, "Data quirks").
 */
import { Rng } from './random.js'
import { CITIES, COMPANIES, DEPARTMENT_NAMES, FIRST_NAMES, LAST_NAMES, PLANS, SKILL_NAMES, type PlanLimit } from './vocabulary.js'

export type { PlanLimit }

/** `enabled` is documented as an integer but real payloads mostly send booleans. */
export type Flag = boolean | 0 | 1

export interface SandboxDataOptions {
  readonly seed: number
  readonly agents: number
  readonly departments: number
}

export interface Account {
  readonly account_key: string
  readonly status: string
  readonly create_date: string
  readonly billing: Readonly<Record<string, string>>
  readonly plan: Readonly<Record<string, string | number | boolean>> & { readonly max_agents: PlanLimit }
}

export interface Department {
  readonly id: number
  readonly name: string
  readonly description: string
  readonly enabled: Flag
  readonly members: ReadonlyArray<number>
  readonly settings: {
    readonly chat_enabled: boolean
    readonly solved_ticket_reassignment_strategy: string
    readonly support_group_id: number
  }
}

export interface Agent {
  readonly id: number
  readonly email: string
  readonly display_name: string
  readonly first_name: string
  readonly last_name: string
  readonly enabled: Flag
  readonly role_id: number
  readonly roles: { readonly administrator: boolean; readonly owner: boolean }
  readonly departments: ReadonlyArray<number>
  readonly enabled_departments: ReadonlyArray<number>
  readonly skills: ReadonlyArray<number>
  readonly create_date: string
  readonly last_login: string | null
  readonly login_count: number
}

/** A role an agent's `role_id` points to (the roles resource will serve these). */
export interface RoleRef {
  readonly id: number
  readonly name: string
  readonly administrator: boolean
}

/** A skill an agent's `skills` points to (the skills resource will serve these). */
export interface SkillRef {
  readonly id: number
  readonly name: string
}

const DAY = 86_400
/** Fixed "now" for generated history: wall-clock time would break byte-identical output. */
const REFERENCE_NOW = Date.UTC(2024, 5, 1) / 1000

/** Agent ids look like the real ones (12 digits, near 360000000000). */
const AGENT_ID_BASE = 360_000_000_000
/** One slot per agent; the id lands at a random offset inside it, so gaps vary and are never < 2. */
const AGENT_ID_SLOT = 4_000_000
const DEPARTMENT_ID_BASE = 5_000_000_000_000
const DEPARTMENT_ID_SLOT = 250_000_000
const SKILL_ID_BASE = 1_000_000
const SKILL_ID_SLOT = 1_000_000

/** How often a record carries `enabled` as 0/1 instead of a boolean. */
const INTEGER_FLAG_RATE = 0.06
/** How often an invited agent has never logged in (`last_login: null`). */
const NEVER_LOGGED_IN_RATE = 0.1

/** Seconds since the epoch to the API's format: second precision, `Z`. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Most records say true/false; a few say 1/0 like the documentation. */
function flag(rng: Rng, value: boolean): Flag {
  return rng.chance(INTEGER_FLAG_RATE) ? (value ? 1 : 0) : value
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}

/** Objects handed out are shared with the cache; freezing stops callers corrupting it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`sandbox: ${name} must be an integer >= ${min}, got ${value}`)
  }
}

export class SandboxData {
  readonly seed: number
  readonly account: Account
  readonly roles: ReadonlyArray<RoleRef>
  readonly skills: ReadonlyArray<SkillRef>
  private readonly departmentIds: ReadonlyArray<number>
  private readonly accountCreated: number
  private readonly agentIdBase: number
  private readonly departmentIdBase: number
  private readonly owner: { first: string; last: string; email: string }
  private readonly agentCache: Agent[] = []
  private agentTotal: number
  /** Department members depend on every agent; rebuilt when agents are added. */
  private departmentCache: ReadonlyArray<Department> | undefined

  constructor(options: SandboxDataOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new RangeError(`sandbox: seed must be an integer, got ${options.seed}`)
    checkCount('agents', options.agents, 1) // one of them is the owner
    checkCount('departments', options.departments, 0)
    this.seed = options.seed
    this.agentTotal = options.agents

    const rng = Rng.derive(this.seed, 'account')
    this.accountCreated = Date.UTC(2018, 0, 1) / 1000 + rng.int(0, 3 * 365 * DAY)
    this.agentIdBase = AGENT_ID_BASE + rng.int(0, 900_000_000)
    this.departmentIdBase = DEPARTMENT_ID_BASE + rng.int(0, 2_000_000_000_000)
    const company = rng.pick(COMPANIES)
    const first = rng.pick(FIRST_NAMES)
    const last = rng.pick(LAST_NAMES)
    this.owner = { first, last, email: `${slug(first)}.${slug(last)}@${slug(company)}.example` }
    this.account = deepFreeze(this.buildAccount(rng, company))
    this.departmentIds = Array.from({ length: options.departments }, (_, i) => this.departmentId(i))

    const roleBase = 360_002_800_000 + Rng.derive(this.seed, 'roles').int(0, 99_999) * 10
    this.roles = deepFreeze([
      { id: roleBase, name: 'Administrator', administrator: true },
      { id: roleBase + 20, name: 'Agent', administrator: false },
      { id: roleBase + 40, name: 'Team lead', administrator: false },
    ])
    this.skills = deepFreeze(
      SKILL_NAMES.map((name, i) => ({
        id: SKILL_ID_BASE + i * SKILL_ID_SLOT + Rng.derive(this.seed, 'skill-id', i).int(0, SKILL_ID_SLOT - 2),
        name,
      })),
    )
  }

  /** Number of agents now (grows with `addAgents`). */
  get agentCount(): number {
    return this.agentTotal
  }

  /** Id of agent #index: strictly increasing in index, with irregular gaps of at least 2. */
  agentId(index: number): number {
    return this.agentIdBase + index * AGENT_ID_SLOT + Rng.derive(this.seed, 'agent-id', index).int(0, AGENT_ID_SLOT - 2)
  }

  departmentId(index: number): number {
    return this.departmentIdBase + index * DEPARTMENT_ID_SLOT + Rng.derive(this.seed, 'department-id', index).int(0, DEPARTMENT_ID_SLOT - 2)
  }

  /** Agent #index (0 is the owner, who created the account). */
  agent(index: number): Agent {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.agentTotal) {
      throw new RangeError(`sandbox: no agent #${index} (there are ${this.agentTotal})`)
    }
    let cached = this.agentCache[index]
    if (cached === undefined) {
      cached = deepFreeze(this.buildAgent(index))
      this.agentCache[index] = cached
    }
    return cached
  }

  /** Every agent, ascending by id. */
  agents(): Agent[] {
    return Array.from({ length: this.agentTotal }, (_, i) => this.agent(i))
  }

  /** `GET agents?since_id=&limit=`: agents with id >= sinceId (inclusive), ascending, at most `limit`. */
  agentsSince(sinceId: number, limit: number): Agent[] {
    // Ids grow with the index, so binary-search the first index at or above sinceId.
    let lo = 0
    let hi = this.agentTotal
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.agentId(mid) < sinceId) lo = mid + 1
      else hi = mid
    }
    const end = Math.min(this.agentTotal, lo + Math.max(0, limit))
    const page: Agent[] = []
    for (let i = lo; i < end; i++) page.push(this.agent(i))
    return page
  }

  /** Highest agent id now. */
  maxAgentId(): number {
    return this.agentId(this.agentTotal - 1)
  }

  /**
   * Invite `n` more agents, with ids above every current one (as new agents get
   * on the real API). Deterministic: they are simply the next indexes.
   */
  addAgents(n: number): Agent[] {
    checkCount('addAgents(n)', n, 0)
    const from = this.agentTotal
    this.agentTotal += n
    this.departmentCache = undefined
    return Array.from({ length: n }, (_, k) => this.agent(from + k))
  }

  /** `GET departments`: every department, ascending by id, members from the agents' side. */
  departments(): ReadonlyArray<Department> {
    if (this.departmentCache === undefined) {
      const members = new Map<number, number[]>()
      for (let i = 0; i < this.agentTotal; i++) {
        const agent = this.agent(i)
        for (const d of agent.departments) {
          const list = members.get(d)
          if (list === undefined) members.set(d, [agent.id])
          else list.push(agent.id)
        }
      }
      this.departmentCache = deepFreeze(
        this.departmentIds.map((_, i) => this.buildDepartment(i, members)),
      )
    }
    return this.departmentCache
  }

  private buildAccount(rng: Rng, company: string): Account {
    const plan = rng.pick(PLANS)
    const place = rng.pick(CITIES)
    return {
      account_key: rng.string(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
      status: 'active',
      create_date: isoSeconds(this.accountCreated),
      billing: {
        first_name: this.owner.first,
        last_name: this.owner.last,
        email: this.owner.email,
        company,
        address1: `${rng.int(1, 999)} Market Street`,
        address2: '',
        city: place.city,
        state: place.state,
        postal_code: place.postal_code,
        country_code: place.country_code,
        additional_info: '',
      },
      plan: {
        name: plan.name,
        short_desc: plan.short_desc,
        long_desc: plan.long_desc,
        price: plan.price,
        // Paid seats: a round number at or above the agents generated at start.
        max_agents: Math.ceil((this.agentTotal * 1.2) / 5) * 5,
        max_departments: plan.max_departments,
        max_concurrent_chats: plan.max_concurrent_chats,
        max_history_search_days: plan.max_history_search_days,
        max_basic_triggers: plan.max_basic_triggers,
        max_advanced_triggers: plan.max_advanced_triggers,
        goals: plan.goals,
        sla: plan.sla,
        widget_customization: 'full',
        file_upload: true,
        operating_hours: true,
        ip_restriction: true,
        integrations: true,
        analytics: true,
        email_reports: true,
        daily_reports: true,
        chat_reports: true,
        agent_reports: true,
        agent_leaderboard: true,
        rest_api: true,
        monitoring: true,
        unbranding: true,
        high_load: true,
        support: true,
      },
    }
  }

  private buildAgent(index: number): Agent {
    const rng = Rng.derive(this.seed, 'agent', index)
    const isOwner = index === 0
    // Agents join in id order, about one a day after the account was opened.
    const created = isOwner ? this.accountCreated : this.accountCreated + index * DAY + rng.int(0, DAY - 1)
    const first = isOwner ? this.owner.first : rng.pick(FIRST_NAMES)
    const last = isOwner ? this.owner.last : rng.chance(0.05) ? '' : rng.pick(LAST_NAMES)
    const email = isOwner ? this.owner.email : `${slug(first)}.${slug(last || 'agent')}${index}@${this.owner.email.split('@')[1]}`
    const administrator = isOwner || rng.chance(0.1)
    const enabled = isOwner || rng.chance(0.9)
    const roleId = administrator ? this.roles[0].id : rng.pick(this.roles.slice(1)).id

    const departments = rng.sample(this.departmentIds, rng.chance(0.1) ? 0 : rng.int(1, 3))
    const neverLoggedIn = !isOwner && rng.chance(NEVER_LOGGED_IN_RATE)
    const lastLogin = created + rng.int(60, Math.max(60, REFERENCE_NOW - created))

    return {
      id: this.agentId(index),
      email,
      display_name: rng.chance(0.15) && last !== '' ? `${first} ${last.charAt(0)}.` : `${first} ${last}`.trim(),
      first_name: first,
      last_name: last,
      enabled: flag(rng, enabled),
      role_id: roleId,
      roles: { administrator, owner: isOwner },
      departments,
      enabled_departments: departments.filter(() => rng.chance(0.85)),
      skills: rng.sample(this.skills, rng.int(0, 3)).map((s) => s.id),
      create_date: isoSeconds(created),
      last_login: neverLoggedIn ? null : isoSeconds(lastLogin),
      login_count: neverLoggedIn ? 0 : rng.int(1, 1500),
    }
  }

  private buildDepartment(index: number, members: ReadonlyMap<number, number[]>): Department {
    const rng = Rng.derive(this.seed, 'department', index)
    const id = this.departmentId(index)
    const base = DEPARTMENT_NAMES[index % DEPARTMENT_NAMES.length]
    const round = Math.floor(index / DEPARTMENT_NAMES.length)
    const name = round === 0 ? base : `${base} ${round + 1}`
    return {
      id,
      name,
      description: rng.chance(0.2) ? '' : `Chats about ${name.toLowerCase()}`,
      enabled: flag(rng, rng.chance(0.9)),
      members: members.get(id) ?? [],
      settings: {
        chat_enabled: rng.chance(0.85),
        solved_ticket_reassignment_strategy: '',
        // Chat departments are Support groups: the real sample has the same number in both.
        support_group_id: id,
      },
    }
  }
}
