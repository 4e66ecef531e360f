/**
 * Triggers: `definition` holds the trigger language's nested lists (event,
 * condition, actions and, for triggers saved by the newer editor, version and
 * editor), as in the Airbyte and zenpy samples.
 */
import { Rng } from './random.js'
import { flag, type Flag } from './common.js'
import { quirkDice, quirkOn, type QuirkLevel } from './quirks.js'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface TriggerDefinition {
  /** A string; now and then (a quirk other connectors' schemas allow) a list of them. */
  readonly event: string | string[]
  /** Nested lists; now and then (a quirk) the same lists written as a JSON string. */
  readonly condition: Json[] | string
  readonly actions: Json[][] | string
  readonly version?: number
  readonly editor?: 'simple' | 'advanced'
}

export interface Trigger {
  readonly id: number
  readonly name: string
  readonly description: string
  readonly enabled: Flag
  readonly definition: TriggerDefinition
}

export interface TriggerContext {
  readonly seed: number
  readonly departmentIds: ReadonlyArray<number>
  readonly skillIds: ReadonlyArray<number>
  readonly site: string
  readonly quirks: QuirkLevel
}

type Template = Omit<Trigger, 'id' | 'enabled'>

function templates(ctx: TriggerContext): Template[] {
  const host = ctx.site.replace(/^https?:\/\//, '').replace(/\/$/, '')
  const department = ctx.departmentIds[0] ?? null
  return [
    {
      name: 'Chat Rescuer',
      description: "Auto respond to messages if agents don't respond in time.",
      definition: {
        condition: [
          'and',
          ['not', ['firedBefore']],
          ['and', ['neq', '@account_status', 'offline'], ['stillOnSite', 60], ['eq', '@visitor_served', false]],
        ],
        event: 'chat_requested',
        actions: [
          ['setTriggered', true],
          [
            'sendMessageToVisitor',
            'Customer Service',
            "We apologize for keeping you waiting. Our operators are busy at the moment, please leave us a message with your email address and we'll get back to you shortly.",
          ],
        ],
      },
    },
    {
      name: 'Checkout Page',
      description: 'Reduce cart abandonment.',
      definition: {
        event: 'page_enter',
        condition: ['and', ['eq', '@visitor_page_url', `${host}/cart`], ['stillOnPage', 60], ['eq', '@visitor_requesting_chat', false]],
        actions: [['sendMessageToVisitor', 'Stephanie', 'Hi, are you having any trouble checking out?']],
        version: 1,
        editor: 'advanced',
      },
    },
    {
      name: 'Welcome back',
      description: 'Greet returning visitors by name.',
      definition: {
        event: 'page_enter',
        condition: ['and', ['gt', '@visitor_previous_visits', 0], ['neq', '@visitor_name', ''], ['not', ['firedBefore']]],
        actions: [
          ['wait', 5],
          ['sendMessageToVisitor', 'Customer Service', 'Welcome back, @visitor_name! Can we help with anything today?'],
        ],
        version: 1,
        editor: 'simple',
      },
    },
    {
      name: 'Route VIP visitors',
      description: 'Tag and route visitors from large customers.',
      definition: {
        event: 'chat_requested',
        condition: [
          'or',
          ['icontains', '@visitor_email', '@bigcustomer.example'],
          ['and', ['eq', '@visitor_country_code', 'US'], ['gte', '@visitor_page_count', 5]],
        ],
        actions: [
          ['addTag', 'vip'],
          ['setDepartment', department],
          ['setSkills', [...ctx.skillIds.slice(-2)]],
          ['setVisitorPriority', 1],
        ],
        version: 1,
        editor: 'advanced',
      },
    },
    {
      name: 'Offline auto-reply',
      description: 'Tell visitors when we are back.',
      definition: {
        event: 'chat_requested',
        condition: ['eq', '@account_status', 'offline'],
        actions: [
          ['sendMessageToVisitor', 'Customer Service', 'We are offline right now; leave a message and we will reply by email.'],
          ['addNote', 'Came in while offline'],
        ],
      },
    },
  ]
}

export function triggers(ctx: TriggerContext): Trigger[] {
  const base = 66_000_000 + Rng.derive(ctx.seed, 'trigger-base').int(0, 900_000)
  return templates(ctx).map((t, i) => {
    const rng = Rng.derive(ctx.seed, 'trigger', i)
    const trigger = {
      id: base + i * 80 + rng.int(0, 79),
      name: t.name,
      description: t.description,
      enabled: flag(rng, rng.chance(0.85)),
      definition: t.definition,
    }
    const dice = quirkDice(ctx.seed, 'trigger', i)
    return quirkTrigger(trigger, quirkOn(dice, ctx.quirks, i, 0), quirkOn(dice, ctx.quirks, i, 1))
  })
}

/** The shapes other connectors' schemas allow: condition and actions as strings, event as an array. */
function quirkTrigger(trigger: Trigger, eventAsList: boolean, asStrings: boolean): Trigger {
  const { definition } = trigger
  if (!eventAsList && !asStrings) return trigger
  return {
    ...trigger,
    definition: {
      ...definition,
      ...(eventAsList ? { event: typeof definition.event === 'string' ? [definition.event] : definition.event } : {}),
      ...(asStrings ? { condition: JSON.stringify(definition.condition), actions: JSON.stringify(definition.actions) } : {}),
    },
  }
}
