/**
 * The account's settings resources: goals, roles, skills, shortcuts and
 * routing settings, shaped like the Airbyte and zenpy samples. Small, so
 * they are built whole; membership figures come from the current agents.
 */
import { Rng } from './random.js'
import { flag, type Flag } from './common.js'

export interface Goal {
  readonly id: number
  readonly name: string
  readonly description: string
  readonly enabled: Flag
  readonly attribution_model: 'first_touch' | 'last_touch'
  readonly attribution_period: number
  readonly settings: { readonly conditions: ReadonlyArray<{ readonly operator: string; readonly type: string; readonly value: string }> }
}

export type RolePermissions = Readonly<Record<string, string | boolean>>

export interface Role {
  readonly id: number
  readonly name: string
  readonly description: string
  readonly enabled: Flag
  readonly permissions: RolePermissions
  readonly members_count: number
}

export interface Skill {
  readonly id: number
  readonly name: string
  readonly description: string
  readonly enabled: Flag
  readonly members: ReadonlyArray<number>
}

export interface Shortcut {
  readonly id: string
  readonly name: string
  readonly message: string
  readonly options: string
  readonly tags: ReadonlyArray<string>
  readonly scope: 'all' | 'departments' | 'agents'
  readonly departments?: ReadonlyArray<number>
  readonly agents?: ReadonlyArray<number>
}

export interface RoutingSettings {
  readonly routing_mode: 'assigned' | 'broadcast'
  readonly chat_limit: {
    readonly enabled: boolean
    readonly limit: number
    readonly limit_type: 'account' | 'agent'
    readonly allow_agent_override: boolean
  }
  readonly skill_routing: { readonly enabled: boolean; readonly max_wait_time: number }
  readonly reassignment: { readonly enabled: boolean; readonly timeout: number }
  readonly auto_idle: { readonly enabled: boolean; readonly reassignments_before_idle: number; readonly new_status: 'away' | 'invisible' }
  readonly auto_accept: { readonly enabled: boolean }
}

/** What the settings need from the rest of the account. */
export interface SettingsContext {
  readonly seed: number
  readonly roles: ReadonlyArray<{ readonly id: number; readonly name: string }>
  readonly skills: ReadonlyArray<{ readonly id: number; readonly name: string }>
  readonly agents: ReadonlyArray<{ readonly id: number; readonly role_id: number; readonly skills: ReadonlyArray<number> }>
  readonly departmentIds: ReadonlyArray<number>
  readonly site: string
}

const GOAL_TEMPLATES = [
  { name: 'Purchase', description: 'Visitor reached the order confirmation page', operator: 'contains', path: 'checkout/thank-you' },
  { name: 'Signup', description: 'Visitor created an account', operator: 'equals', path: 'welcome' },
  { name: 'Goal 3', description: 'A new goal', operator: 'equals', path: '' },
  { name: 'Demo request', description: 'Visitor asked for a demo', operator: 'contains', path: 'demo/booked' },
] as const

export function goals(ctx: SettingsContext): Goal[] {
  const base = 260 + Rng.derive(ctx.seed, 'goal-base').int(0, 600_000)
  return GOAL_TEMPLATES.map((g, i) => {
    const rng = Rng.derive(ctx.seed, 'goal', i)
    return {
      id: base + i * 40 + rng.int(0, 39),
      name: g.name,
      description: g.description,
      enabled: flag(rng, rng.chance(0.8)),
      attribution_model: rng.chance(0.7) ? 'first_touch' : 'last_touch',
      attribution_period: rng.pick([1, 7, 15, 30]),
      settings: { conditions: [{ operator: g.operator, type: 'url', value: ctx.site + g.path }] },
    }
  })
}

const PERMISSIONS: Readonly<Record<string, { readonly description: string; readonly permissions: RolePermissions }>> = {
  Administrator: {
    description:
      'In addition to regular agent privileges, administrators can edit widget and accounts settings, manage agents, roles and permissions, and more.',
    permissions: {
      visitors_seen: 'account',
      proactive_chatting: 'listen-join',
      edit_visitor_information: true,
      edit_visitor_notes: true,
      view_past_chats: 'account',
      edit_chat_tags: true,
      manage_bans: 'account',
      access_analytics: 'account',
      view_monitor: 'account',
      edit_department_agents: 'account',
      set_agent_chat_limit: 'account',
      manage_shortcuts: 'account',
    },
  },
  Agent: {
    description: 'Agents can serve chats, see visitors and use shortcuts.',
    permissions: {
      visitors_seen: 'department',
      proactive_chatting: 'listen',
      edit_visitor_information: true,
      edit_visitor_notes: true,
      view_past_chats: 'department',
      edit_chat_tags: true,
      manage_bans: 'none',
      access_analytics: 'none',
      view_monitor: 'none',
      edit_department_agents: 'none',
      set_agent_chat_limit: 'none',
      manage_shortcuts: 'none',
    },
  },
}
const TEAM_LEAD = {
  description: 'Team leads run one or more departments: their chats, agents and analytics.',
  permissions: {
    ...PERMISSIONS.Agent!.permissions,
    view_past_chats: 'account',
    manage_bans: 'department',
    access_analytics: 'department',
    view_monitor: 'department',
    edit_department_agents: 'department',
    set_agent_chat_limit: 'department',
    manage_shortcuts: 'account',
  },
}

export function roles(ctx: SettingsContext): Role[] {
  return ctx.roles.map((role, i) => {
    const rng = Rng.derive(ctx.seed, 'role', i)
    const known = PERMISSIONS[role.name] ?? TEAM_LEAD
    return {
      id: role.id,
      name: role.name,
      description: known.description,
      enabled: flag(rng, true),
      permissions: known.permissions,
      members_count: ctx.agents.filter((a) => a.role_id === role.id).length,
    }
  })
}

const LANGUAGES: Readonly<Record<string, string>> = {
  english: 'English',
  spanish: 'Spanish',
  german: 'German',
  french: 'French',
  japanese: 'Japanese',
}

export function skills(ctx: SettingsContext): Skill[] {
  return ctx.skills.map((skill, i) => {
    const rng = Rng.derive(ctx.seed, 'skill', i)
    const language = LANGUAGES[skill.name]
    return {
      id: skill.id,
      name: skill.name,
      description: language !== undefined ? `${language} language` : `Chats that need ${skill.name} know-how`,
      enabled: flag(rng, rng.chance(0.9)),
      members: ctx.agents.filter((a) => a.skills.includes(skill.id)).map((a) => a.id),
    }
  })
}

const SHORTCUTS = [
  { name: 'hi', message: 'Hi, how can we help you today? =)', options: '', tags: [] },
  {
    name: 'goodbye',
    message: 'Thanks for chatting with us. Have we resolved your question(s)?',
    options: 'Yes/No',
    tags: ['goodbye_survey'],
  },
  { name: 'help', message: 'Do you need any help?', options: 'Yes/No', tags: ['help_survey'] },
  { name: 'refund', message: 'I have issued a refund, it takes 3-5 business days to show up.', options: '', tags: ['refund', 'billing'] },
  {
    name: 'shipping',
    message: 'Orders ship within 2 business days. Which country should it go to?',
    options: 'US/EU/Other',
    tags: ['shipping'],
  },
  { name: 'escalate', message: 'Let me bring in a specialist for this.', options: '', tags: ['urgent'] },
] as const

export function shortcuts(ctx: SettingsContext): Shortcut[] {
  return SHORTCUTS.map((s, i) => {
    const rng = Rng.derive(ctx.seed, 'shortcut', i)
    const common = { id: s.name, name: s.name, message: s.message, options: s.options, tags: [...s.tags] }
    if (i >= 3 && ctx.departmentIds.length > 0 && rng.chance(0.5)) {
      return { ...common, scope: 'departments', departments: rng.sample(ctx.departmentIds, rng.int(1, 2)) }
    }
    if (i >= 3 && rng.chance(0.5))
      return {
        ...common,
        scope: 'agents',
        agents: rng.sample(
          ctx.agents.map((a) => a.id),
          rng.int(1, 3),
        ),
      }
    return { ...common, scope: 'all' }
  })
}

export function routingSettings(ctx: SettingsContext): RoutingSettings {
  const rng = Rng.derive(ctx.seed, 'routing')
  return {
    routing_mode: rng.chance(0.6) ? 'assigned' : 'broadcast',
    chat_limit: {
      enabled: rng.chance(0.5),
      limit: rng.int(2, 6),
      limit_type: rng.chance(0.7) ? 'account' : 'agent',
      allow_agent_override: rng.chance(0.3),
    },
    skill_routing: { enabled: rng.chance(0.7), max_wait_time: rng.pick([15, 30, 60, 120]) },
    reassignment: { enabled: rng.chance(0.7), timeout: rng.pick([15, 30, 60]) },
    auto_idle: { enabled: rng.chance(0.3), reassignments_before_idle: rng.int(1, 5), new_status: rng.chance(0.8) ? 'away' : 'invisible' },
    auto_accept: { enabled: rng.chance(0.2) },
  }
}
