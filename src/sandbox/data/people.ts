/**
 * The account, its agents and departments: the record shapes and their builders.
 */
import { Rng } from './random.js'
import { CITIES, FIRST_NAMES, LAST_NAMES, PLANS, type PlanLimit } from '../vocabulary/account.js'
import { ALPHANUMERIC, DAY, flag, isoSeconds, REFERENCE_NOW, slug, type Flag } from './common.js'
import { quirkDice, quirkOn, withNullItem, type QuirkLevel } from './quirks.js'

export type { PlanLimit }

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
  readonly members: ReadonlyArray<number | null>
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
  /** Some agents carry it (added to the singer-io schema on request); its values are assumed. */
  readonly scope?: 'all' | 'department'
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

/** The account owner (agent #0), who also appears in the billing details. */
export interface Owner {
  readonly first: string
  readonly last: string
  readonly email: string
}

export function buildAccount(rng: Rng, owner: Owner, company: string, created: number, agents: number): Account {
  const plan = rng.pick(PLANS)
  const place = rng.pick(CITIES)
  return {
    account_key: rng.string(32, ALPHANUMERIC),
    status: 'active',
    create_date: isoSeconds(created),
    billing: {
      first_name: owner.first,
      last_name: owner.last,
      email: owner.email,
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
      max_agents: Math.ceil((agents * 1.2) / 5) * 5,
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

/** How often an invited agent has never logged in (`last_login: null`). */
const NEVER_LOGGED_IN_RATE = 0.1

/** What building an agent needs from the account. */
export interface AgentContext {
  readonly seed: number
  readonly accountCreated: number
  readonly owner: Owner
  readonly roles: ReadonlyArray<RoleRef>
  readonly skills: ReadonlyArray<SkillRef>
  readonly departmentIds: ReadonlyArray<number>
  readonly quirks: QuirkLevel
  agentId(index: number): number
}

export function buildAgent(ctx: AgentContext, index: number): Agent {
  const rng = Rng.derive(ctx.seed, 'agent', index)
  const isOwner = index === 0
  // Agents join in id order, about one a day after the account was opened.
  const created = isOwner ? ctx.accountCreated : ctx.accountCreated + index * DAY + rng.int(0, DAY - 1)
  const first = isOwner ? ctx.owner.first : rng.pick(FIRST_NAMES)
  const last = isOwner ? ctx.owner.last : rng.chance(0.05) ? '' : rng.pick(LAST_NAMES)
  const email = isOwner ? ctx.owner.email : `${slug(first)}.${slug(last || 'agent')}${index}@${ctx.owner.email.split('@')[1]}`
  const administrator = isOwner || rng.chance(0.1)
  const enabled = isOwner || rng.chance(0.9)
  const roleId = administrator ? ctx.roles[0].id : rng.pick(ctx.roles.slice(1)).id

  const departments = rng.sample(ctx.departmentIds, rng.chance(0.1) ? 0 : rng.int(1, 3))
  const neverLoggedIn = !isOwner && rng.chance(NEVER_LOGGED_IN_RATE)
  const lastLogin = created + rng.int(60, Math.max(60, REFERENCE_NOW - created))

  return {
    id: ctx.agentId(index),
    email,
    display_name: rng.chance(0.15) && last !== '' ? `${first} ${last.charAt(0)}.` : `${first} ${last}`.trim(),
    first_name: first,
    last_name: last,
    enabled: flag(rng, enabled),
    role_id: roleId,
    roles: { administrator, owner: isOwner },
    departments,
    enabled_departments: departments.filter(() => rng.chance(0.85)),
    skills: rng.sample(ctx.skills, rng.int(0, 3)).map((s) => s.id),
    create_date: isoSeconds(created),
    last_login: neverLoggedIn ? null : isoSeconds(lastLogin),
    login_count: neverLoggedIn ? 0 : rng.int(1, 1500),
    ...scopeOf(ctx, index, departments.length),
  }
}

/** Dice of their own, so the fields above stay as they were: about a third of the agents say a scope. */
function scopeOf(ctx: AgentContext, index: number, departments: number): { scope?: 'all' | 'department' } {
  const rng = Rng.derive(ctx.seed, 'agent-scope', index)
  if (!rng.chance(0.3)) return {}
  return { scope: departments > 0 && rng.chance(0.4) ? 'department' : 'all' }
}

export function buildDepartment(
  seed: number,
  index: number,
  id: number,
  name: string,
  members: ReadonlyArray<number>,
  quirks: QuirkLevel,
): Department {
  const rng = Rng.derive(seed, 'department', index)
  const dice = quirkDice(seed, 'department', index)
  return {
    id,
    name,
    description: rng.chance(0.2) ? '' : `Chats about ${name.toLowerCase()}`,
    enabled: flag(rng, rng.chance(0.9)),
    // A null item now and then (schema-level in other connectors).
    members: quirkOn(dice, quirks, index, 0) ? withNullItem(dice, members) : members,
    settings: {
      chat_enabled: rng.chance(0.85),
      solved_ticket_reassignment_strategy: '',
      // Chat departments are Support groups: the real sample has the same number in both.
      support_group_id: id,
    },
  }
}
