/**
 * The simulated account's records, generated from a seed.
 *
 * Each record is a pure function of (seed, kind, index): agent #i is the same
 * whether 10 or 1,000,000 agents exist, and ids and times grow with the index,
 * so "first agent with id >= X" or "first chat updated at or after T" is a
 * binary search rather than a scan. Records copy the shapes and
 * irregularities of the real payloads in /work/shared/zendesk-chat/samples
 * (see API.md, "Data quirks"). Per-resource generators live in data/.
 *
 * Data changes between runs (`editChats`, `addBans`, ...) are deterministic
 * given the seed and the sequence of calls, stamped after every existing
 * record and never after the real current time.
 */
import { Rng } from './random.js'
import { COMPANIES, DEPARTMENT_NAMES, FIRST_NAMES, LAST_NAMES, SKILL_NAMES } from '../vocabulary/account.js'
import { Bans, type Ban, type BansPage, type IpBan, type VisitorBan } from './bans.js'
import { ChatIds } from './chat-ids.js'
import { ChatLayout } from './chat-layout.js'
import { preview, type Chat, type ChatContext, type ChatRecord, type OfflineMessage } from './chat-records.js'
import { ChatStore, type ChatPosition, type ExportedConversion, type SearchField, type SearchHit } from './chats.js'
import { departmentEvents, type DepartmentEvent } from './department-events.js'
import { ChangeClock, checkCount, DAY, deepFreeze, pageFrom, isoSeconds, REFERENCE_NOW, slug, type Flag } from './common.js'
import {
  buildAccount,
  buildAgent,
  buildDepartment,
  type Account,
  type Agent,
  type AgentContext,
  type Department,
  type Owner,
  type PlanLimit,
  type RoleRef,
  type SkillRef,
} from './people.js'
import * as settings from './settings.js'
import { Timeline, type TimelineEntry } from './timeline.js'
import type { JsonBytes } from './json-bytes.js'
import { triggers, type Trigger } from './triggers.js'
import { visitorPoolSize, Visitors } from './visitors.js'
import { QUIRK_LEVELS, QUIRK_RATE, quirkDice, type QuirkLevel } from './quirks.js'

export { isoSeconds, REFERENCE_NOW }
export type { Account, Agent, Ban, BansPage, Chat, ChatPosition, ChatRecord, Department, Flag, IpBan, OfflineMessage }
export type { PlanLimit, RoleRef, SearchField, SearchHit, SkillRef, TimelineEntry, Trigger, VisitorBan }
export type { DepartmentEvent, ExportedConversion }
export type { QuirkLevel } from './quirks.js'
export type { Goal, Role, RoutingSettings, Shortcut, Skill } from './settings.js'
export type { HistoryEntry, Session, Visitor, WebpathEntry } from './chat-records.js'

export interface SandboxDataOptions {
  readonly seed: number
  readonly agents: number
  readonly departments: number
  /** Chats and offline messages over the three years before REFERENCE_NOW (default 3000). */
  readonly chats?: number
  /** Bans, IP and visitor (default 120). */
  readonly bans?: number
  /** agent_timeline entries (default 2000). */
  readonly timeline?: number
  /** The account's clock in epoch ms (default: the machine's): no data change is stamped after it. */
  readonly now?: () => number
  /** How often the rare shapes of real payloads come (default `rare`, about as often as the real API). */
  readonly quirks?: QuirkLevel
}

export const DATA_DEFAULTS = { chats: 3000, bans: 120, timeline: 2000 } as const

/** One page of the chats export: the records, and the position of the last one. */
export interface ChatsExportPage {
  readonly chats: ChatRecord[]
  /** update_timestamp (epoch seconds) and id of the last chat; undefined when the page is empty. */
  readonly endTime: number | undefined
  readonly endId: string | undefined
}

/** One page of the agent_timeline export. */
export interface TimelinePage {
  readonly entries: TimelineEntry[]
  /** start_time of the last entry in epoch microseconds; undefined when the page is empty. */
  readonly endMicros: number | undefined
}

/** A search result as `chats/search` lists it (without `url`, which needs the server's address). */
export interface SearchResult {
  readonly id: string
  readonly type: ChatRecord['type']
  readonly timestamp: string
  readonly preview: string
}

function checkQuirks(level: unknown): QuirkLevel {
  if (!QUIRK_LEVELS.includes(level as QuirkLevel))
    throw new RangeError(`sandbox: quirks must be ${QUIRK_LEVELS.join(' or ')}, got ${JSON.stringify(level)}`)
  return level as QuirkLevel
}

/** Agent ids look like the real ones (12 digits, near 360000000000). */
const AGENT_ID_BASE = 360_000_000_000
/** One slot per agent; the id lands at a random offset inside it, so gaps vary and are never < 2. */
const AGENT_ID_SLOT = 4_000_000
const DEPARTMENT_ID_BASE = 5_000_000_000_000
const DEPARTMENT_ID_SLOT = 250_000_000
const SKILL_ID_BASE = 1_000_000
const SKILL_ID_SLOT = 1_000_000

export class SandboxData {
  readonly seed: number
  private quirkLevel: QuirkLevel
  readonly account: Account
  readonly roles: ReadonlyArray<RoleRef>
  readonly skills: ReadonlyArray<SkillRef>
  private readonly departmentIds: ReadonlyArray<number>
  private readonly accountCreated: number
  private readonly agentIdBase: number
  private readonly departmentIdBase: number
  private readonly owner: Owner
  private readonly agentContext: AgentContext
  private readonly site: string
  private readonly initialAgents: number
  private readonly agentCache: Agent[] = []
  private agentTotal: number
  /** Department members and skill members depend on every agent; rebuilt when agents are added. */
  private departmentCache: ReadonlyArray<Department> | undefined
  private skillCache: ReadonlyArray<settings.Skill> | undefined
  private readonly clock: ChangeClock
  /** Agents edited between runs (renamed, disabled, moved), by index: served in place of the generated ones. */
  private readonly agentEdits = new Map<number, Agent>()
  private agentEditCount = 0
  /** Ids of bans lifted between runs: they are no longer listed. */
  private readonly lifted = new Set<number>()
  private liftCount = 0
  private readonly chatStore: ChatStore
  private readonly chatLayout: ChatLayout
  private readonly banStore: Bans
  private readonly timeline: Timeline

  constructor(options: SandboxDataOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new RangeError(`sandbox: seed must be an integer, got ${options.seed}`)
    checkCount('agents', options.agents, 1) // one of them is the owner
    checkCount('departments', options.departments, 0)
    const chats = options.chats ?? DATA_DEFAULTS.chats
    const bans = options.bans ?? DATA_DEFAULTS.bans
    const timeline = options.timeline ?? DATA_DEFAULTS.timeline
    checkCount('chats', chats, 0, 50_000_000)
    checkCount('bans', bans, 0, 10_000_000)
    checkCount('timeline', timeline, 0, 50_000_000)
    this.seed = options.seed
    const now = options.now ?? Date.now
    this.clock = new ChangeClock(REFERENCE_NOW, () => Math.floor(now() / 1000))
    this.quirkLevel = checkQuirks(options.quirks ?? 'rare')
    this.agentTotal = options.agents
    this.initialAgents = options.agents

    const rng = Rng.derive(this.seed, 'account')
    this.accountCreated = Date.UTC(2018, 0, 1) / 1000 + rng.int(0, 3 * 365 * DAY)
    this.agentIdBase = AGENT_ID_BASE + rng.int(0, 900_000_000)
    this.departmentIdBase = DEPARTMENT_ID_BASE + rng.int(0, 2_000_000_000_000)
    const company = rng.pick(COMPANIES)
    const first = rng.pick(FIRST_NAMES)
    const last = rng.pick(LAST_NAMES)
    this.owner = { first, last, email: `${slug(first)}.${slug(last)}@${slug(company)}.example` }
    this.site = `https://www.${slug(company)}.example/`
    this.account = deepFreeze(buildAccount(rng, this.owner, company, this.accountCreated, this.agentTotal))
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

    const { seed, accountCreated, owner, roles, skills, departmentIds } = this
    // A getter: the level can change while serving (setQuirks).
    const level = (): QuirkLevel => this.quirkLevel
    this.agentContext = {
      seed,
      accountCreated,
      owner,
      roles,
      skills,
      departmentIds,
      agentId: (i) => this.agentId(i),
      get quirks() {
        return level()
      },
    }

    const visitors = new Visitors(this.seed)
    const visitorPool = visitorPoolSize(chats)
    this.chatLayout = new ChatLayout(this.seed, chats)
    this.chatStore = new ChatStore(this.chatContext(visitors, visitorPool), this.clock)
    this.banStore = new Bans(this.seed, bans, visitors, visitorPool, this.accountCreated)
    this.timeline = new Timeline(this.seed, timeline, this.initialAgents, (i) => this.agentId(i))
  }

  /** How often the rare shapes of real payloads come (data/quirks.ts). */
  get quirks(): QuirkLevel {
    return this.quirkLevel
  }

  /** Changes how often the rare shapes come: records built from now on follow the new level. */
  setQuirks(level: QuirkLevel): void {
    this.quirkLevel = checkQuirks(level)
    this.agentCache.length = 0
    this.departmentCache = undefined
    this.skillCache = undefined
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
    const edited = this.agentEdits.get(index)
    if (edited !== undefined) return edited
    let cached = this.agentCache[index]
    if (cached === undefined) {
      cached = deepFreeze(buildAgent(this.agentContext, index))
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
    // Ids grow with the index, so the first index at or above sinceId is found by binary search.
    return pageFrom(
      this.agentTotal,
      (i) => this.agentId(i) >= sinceId,
      limit,
      (i) => this.agent(i),
    )
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
    this.skillCache = undefined
    return Array.from({ length: n }, (_, k) => this.agent(from + k))
  }

  /**
   * Edits `n` agents (never the owner) without changing their ids, as admins
   * do: in turn a rename, a disable (or enable), a move to other departments,
   * other skills. Deterministic given the seed and the calls. Returns their ids.
   */
  editAgents(n: number): number[] {
    checkCount('editAgents(n)', n, 0, Math.max(0, this.agentTotal - 1))
    const rng = Rng.derive(this.seed, 'agent-edit', this.agentEditCount++)
    const chosen = rng.sample(
      Array.from({ length: this.agentTotal - 1 }, (_, i) => i + 1),
      n,
    )
    chosen.forEach((index, k) => {
      const agent = this.agent(index)
      const kind = (this.agentEditCount + k) % 4
      let edit: Agent
      if (kind === 0) {
        const last = rng.pick(LAST_NAMES.filter((name) => name !== agent.last_name))
        edit = { ...agent, last_name: last, display_name: `${agent.first_name} ${last}` }
      } else if (kind === 1) {
        edit = { ...agent, enabled: agent.enabled === true || agent.enabled === 1 ? false : true }
      } else if (kind === 2) {
        const others = this.departmentIds.filter((d) => !agent.departments.includes(d))
        const departments = rng.sample(others.length > 0 ? others : this.departmentIds, 1)
        edit = { ...agent, departments, enabled_departments: departments }
      } else {
        const others = this.skills.filter((s) => !agent.skills.includes(s.id)).map((s) => s.id)
        edit = { ...agent, skills: rng.sample(others, Math.min(2, others.length)) }
      }
      this.agentEdits.set(index, deepFreeze(edit))
    })
    this.departmentCache = undefined
    this.skillCache = undefined
    return chosen.map((index) => this.agentId(index))
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
        this.departmentIds.map((id, i) => buildDepartment(this.seed, i, id, this.departmentName(i), members.get(id) ?? [], this.quirks)),
      )
    }
    return this.departmentCache
  }

  // --- settings resources -------------------------------------------------

  /** `GET goals`. */
  goals(): settings.Goal[] {
    return settings.goals(this.settingsContext())
  }

  /** `GET roles`: the roles agents' `role_id` points to, with their members counted. */
  roleRecords(): settings.Role[] {
    return settings.roles(this.settingsContext())
  }

  /** `GET skills`: the skills agents list, with their members. */
  skillRecords(): ReadonlyArray<settings.Skill> {
    this.skillCache ??= deepFreeze(settings.skills(this.settingsContext()))
    return this.skillCache
  }

  /** `GET shortcuts`. */
  shortcuts(): settings.Shortcut[] {
    return settings.shortcuts(this.settingsContext())
  }

  /** `GET triggers`. */
  triggers(): Trigger[] {
    return triggers({
      seed: this.seed,
      departmentIds: this.departmentIds,
      skillIds: this.skills.map((s) => s.id),
      site: this.site,
      quirks: this.quirks,
    })
  }

  /** `GET routing_settings/account` (the object inside `data`). */
  routingSettings(): settings.RoutingSettings {
    return settings.routingSettings(this.settingsContext())
  }

  // --- bans ----------------------------------------------------------------

  /** Bans listed now (lifted ones are not). */
  get banCount(): number {
    return this.banStore.count - this.lifted.size
  }

  /** Highest ban id now (undefined without bans). */
  maxBanId(): number | undefined {
    return this.banStore.maxId()
  }

  /**
   * `GET bans?since_id=&limit=`: the first `limit` bans with id >= sinceId over
   * both kinds, split by kind. Now and then a ban says no `type` (its array
   * does), or an IP ban says the short `ip`.
   */
  bansSince(sinceId: number, limit: number): BansPage {
    const page: { ip_address: IpBan[]; visitor: VisitorBan[] } = { ip_address: [], visitor: [] }
    const rate = QUIRK_RATE[this.quirks]
    for (const ban of this.listedBans(sinceId, limit)) {
      const dice = quirkDice(this.seed, 'ban', ban.id)
      const { type, ...untyped } = ban
      const served = dice.chance(rate) ? untyped : type === 'ip_address' && dice.chance(rate) ? { ...ban, type: 'ip' } : ban
      if (ban.type === 'ip_address') page.ip_address.push(served as IpBan)
      else page.visitor.push(served as VisitorBan)
    }
    return page
  }

  /** The first `limit` bans with id >= sinceId that are not lifted. */
  private listedBans(sinceId: number, limit: number): Ban[] {
    const out: Ban[] = []
    for (let from = sinceId; out.length < limit;) {
      const batch = this.banStore.since(from, limit - out.length)
      if (batch.length === 0) break
      for (const ban of batch) if (!this.lifted.has(ban.id)) out.push(ban)
      from = batch.at(-1)!.id + 1
    }
    return out
  }

  /** Every ban listed now, ascending by id (both kinds; lifted ones are gone). */
  allBans(): Ban[] {
    const all = this.banStore.all()
    return this.lifted.size === 0 ? all : all.filter((ban) => !this.lifted.has(ban.id))
  }

  /** Lifts `n` bans: they disappear from the list, as on the real API. Deterministic. Returns their ids. */
  liftBans(n: number): number[] {
    const listed = this.allBans()
    checkCount('liftBans(n)', n, 0, listed.length)
    const ids = Rng.derive(this.seed, 'ban-lift', this.liftCount++).sample(
      listed.map((ban) => ban.id),
      n,
    )
    for (const id of ids) this.lifted.add(id)
    return ids
  }

  /** `n` new bans above the max id, alternating IP / visitor, created after every earlier change. */
  addBans(n: number): number[] {
    return this.banStore.add(n, this.clock).map((b) => b.id)
  }

  // --- agent timeline --------------------------------------------------------

  get timelineCount(): number {
    return this.timeline.count
  }

  /** `GET incremental/agent_timeline`: entries with start_time >= startMicros (inclusive), in time order. */
  timelineSince(startMicros: number, limit: number): TimelinePage {
    const page = this.timeline.since(startMicros, limit)
    return { entries: page.map((e) => e.entry), endMicros: page.at(-1)?.micros }
  }

  /** Every timeline entry in export order. */
  allTimeline(): TimelineEntry[] {
    return this.timeline.all()
  }

  /** `n` entries after the last one; returns them. */
  addTimelineEntries(n: number): TimelineEntry[] {
    return this.timeline.add(n, this.clock)
  }

  // --- chats -------------------------------------------------------------

  /** Chats and offline messages now (deleted ones included). */
  get chatCount(): number {
    return this.chatStore.count
  }

  /**
   * `GET incremental/chats`: chats ordered by (update_timestamp, id), id as a
   * string, from update_timestamp >= startTime; with startId, chats updated at
   * exactly startTime only when their id > startId.
   */
  exportChats(startTime: number, startId: string | undefined, limit: number): ChatsExportPage {
    const positions = this.chatStore.positions(startTime, startId, limit)
    const last = positions.at(-1)
    return { chats: positions.map((p) => this.chatStore.record(p.index)), endTime: last?.update, endId: last?.id }
  }

  /**
   * `exportChats` written into `out` as JSON, the chats separated by
   * `separator`, each as soon as it is built rather than all at the end
   * (data/json-bytes.ts). Returns how many, and the position of the last.
   */
  writeExportedChats(
    out: JsonBytes,
    startTime: number,
    startId: string | undefined,
    limit: number,
    separator = ',',
  ): { readonly count: number; readonly endTime: number | undefined; readonly endId: string | undefined } {
    const positions = this.chatStore.positions(startTime, startId, limit)
    for (let k = 0; k < positions.length; k++) {
      if (k > 0) out.write(separator)
      this.chatStore.writeJson(positions[k]!.index, out)
    }
    const last = positions.at(-1)
    return { count: positions.length, endTime: last?.update, endId: last?.id }
  }

  /** Every chat as served now, in export order (builds them all: meant for tests). */
  allChats(): ChatRecord[] {
    return this.chatStore.all()
  }

  /** The chat with this id as served now, deleted or not; undefined if there is none. */
  chatById(id: string): ChatRecord | undefined {
    const index = this.chatStore.indexOf(id)
    return index === undefined ? undefined : this.chatStore.record(index)
  }

  /** `GET chats?ids=`: the chats found, deleted ones left out (as the API no longer serves them). */
  chatsByIds(ids: ReadonlyArray<string>): Record<string, ChatRecord> {
    const docs: Record<string, ChatRecord> = {}
    for (const id of ids) {
      const chat = this.chatById(id)
      if (chat !== undefined && !chat.deleted) docs[id] = chat
    }
    return docs
  }

  /**
   * `GET chats/search`: chats of one type whose field lies in [from, to] (epoch
   * seconds, inclusive), not deleted. The last answer is kept: a client pages
   * through one query, and every change to chats moves the clock.
   */
  searchChats(type: ChatRecord['type'], field: SearchField, from: number, to: number): SearchHit[] {
    const key = `${type} ${field} ${from} ${to} ${this.clock.now} ${this.chatStore.count}`
    if (this.lastSearch?.key !== key) this.lastSearch = { key, hits: this.chatStore.search(type, field, from, to) }
    return this.lastSearch.hits
  }
  private lastSearch: { readonly key: string; readonly hits: SearchHit[] } | undefined

  /** The result entries for some hits of `searchChats`. */
  searchResults(hits: ReadonlyArray<SearchHit>): SearchResult[] {
    return hits.map((hit) => {
      const chat = this.chatStore.record(hit.index)
      return { id: chat.id, type: chat.type, timestamp: chat.timestamp, preview: preview(chat) }
    })
  }

  // --- conversions and department events ------------------------------------

  /**
   * `GET incremental/conversions`: conversions from timestamp >= startTime
   * (epoch seconds); with startId, those at exactly startTime only when their
   * id > startId; ordered by (timestamp, id). Each is one of a chat's
   * `conversions`, naming the chat in `attribution.chat_id`.
   */
  exportConversions(startTime: number, startId: string | undefined, limit: number): ExportedConversion[] {
    return this.chatStore.conversionsSince(startTime, startId, limit)
  }

  /** Every conversion in export order (walks every chat: meant for tests). */
  allConversions(): ExportedConversion[] {
    return this.chatStore.conversionsSince(Number.NEGATIVE_INFINITY, undefined, Number.POSITIVE_INFINITY)
  }

  /** Every department event in export order: (timestamp, id). */
  allDepartmentEvents(): ReadonlyArray<DepartmentEvent> {
    this.departmentEventCache ??= deepFreeze(departmentEvents(this.seed, this.accountCreated, this.departments()))
    return this.departmentEventCache
  }
  private departmentEventCache: ReadonlyArray<DepartmentEvent> | undefined

  /** `GET incremental/department_events`: as exportConversions, over department events. */
  exportDepartmentEvents(startTime: number, startId: string | undefined, limit: number): DepartmentEvent[] {
    const out: DepartmentEvent[] = []
    for (const e of this.allDepartmentEvents()) {
      if (out.length >= limit) break
      const at = Date.parse(e.timestamp) / 1000
      if (at > startTime || (at === startTime && (startId === undefined || e.id > startId))) out.push(e)
    }
    return out
  }

  /**
   * From now on chat `id` carries `value` at `path`, a shape no codec knows
   * (for tests of what a user does then). False when there is no such chat.
   */
  surpriseChat(id: string, path: readonly string[], value: unknown): boolean {
    return this.chatStore.surprise(id, path, value)
  }

  /** Adds a tag or a rating to `n` chats; each moves past every existing update. Returns their ids. */
  editChats(n: number): string[] {
    return this.chatStore.edit(n)
  }

  /** Marks `n` chats `deleted: true`; each moves past every existing update. Returns their ids. */
  deleteChats(n: number): string[] {
    return this.chatStore.delete(n)
  }

  /** `n` new chats after every existing one (and their own timestamps too). Returns their ids. */
  addChats(n: number): string[] {
    return this.chatStore.add(n)
  }

  /**
   * The bulk update as generated: `size` chats sharing one update_timestamp
   * (epoch seconds): 1100 (more than an export page) from 2750 chats up, 40%
   * of the chats below that, none below 5 chats. Edits move chats out of it.
   */
  get bulkUpdate(): { readonly updateTimestamp: number; readonly size: number } | undefined {
    const c = this.chatLayout.cluster
    return c === undefined ? undefined : { updateTimestamp: c.time, size: c.to - c.from }
  }

  /**
   * Nothing happens until `epochSeconds` (not after the account's clock): later
   * changes are stamped after it, so an account's newest changes can be made
   * as recent as a test needs (minutes before the clock: the five-minute rule).
   */
  quietUntil(epochSeconds: number): void {
    this.clock.check(epochSeconds)
    this.clock.advanceTo(epochSeconds)
  }

  /** The latest time any record carries (epoch seconds): REFERENCE_NOW until data changes. */
  get latestChange(): number {
    return this.clock.now
  }

  private departmentName(index: number): string {
    const base = DEPARTMENT_NAMES[index % DEPARTMENT_NAMES.length]
    const round = Math.floor(index / DEPARTMENT_NAMES.length)
    return round === 0 ? `${base}` : `${base} ${round + 1}`
  }

  private settingsContext(): settings.SettingsContext {
    return {
      seed: this.seed,
      roles: this.roles,
      skills: this.skills,
      agents: this.agents(),
      departmentIds: this.departmentIds,
      site: this.site,
    }
  }

  private chatContext(visitors: Visitors, visitorPool: number): ChatContext {
    const level = (): QuirkLevel => this.quirkLevel
    const departments = this.departmentIds.map((id, i) => ({ id, name: this.departmentName(i) }))
    return {
      seed: this.seed,
      layout: this.chatLayout,
      ids: new ChatIds(this.seed),
      visitors,
      visitorPool,
      agentsJoinedBy: (t) => Math.min(this.initialAgents, Math.max(1, Math.floor((t - this.accountCreated) / DAY))),
      agent: (i) => this.agent(i),
      departments,
      goals: settings.goals({ seed: this.seed, site: this.site, roles: [], skills: [], agents: [], departmentIds: [] }),
      skills: this.skills,
      get quirks() {
        return level()
      },
      site: this.site,
    }
  }
}
