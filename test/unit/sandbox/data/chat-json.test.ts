import { expect } from 'chai'
import { SandboxData } from '../../../../src/sandbox/data/sandbox-data.js'
import { chatJson } from '../../../../src/sandbox/data/chat-json.js'
import { JsonBytes } from '../../../../src/sandbox/data/json-bytes.js'
import type { Chat, ChatRecord } from '../../../../src/sandbox/data/chat-records.js'
import { HISTORY_START, REFERENCE_NOW } from '../../../../src/sandbox/data/common.js'

const LATER = (REFERENCE_NOW + 30 * 86_400) * 1000

/** Every chat of the export as the server writes it (each chat's text) beside JSON.stringify of the same chats as objects. */
function bothForms(data: SandboxData): { texts: string[]; objects: ChatRecord[] } {
  // A newline between chats: JSON writes none inside a chat, so each line is one chat's text.
  const out = new JsonBytes(4096)
  data.writeExportedChats(out, HISTORY_START - 86_400, undefined, Number.POSITIVE_INFINITY, '\n')
  return { texts: out.bytes().toString('utf8').split('\n'), objects: data.allChats() }
}

describe('sandbox chat JSON (the export page writer)', () => {
  for (const quirks of ['rare', 'often'] as const) {
    for (const departments of [0, 6]) {
      it(`writes every chat as JSON.stringify does (quirks ${quirks}, ${departments} departments, before and after edits)`, () => {
        const data = new SandboxData({ seed: 42, agents: 12, departments, chats: 1200, quirks, now: () => LATER })
        const check = (): void => {
          const { texts, objects } = bothForms(data)
          expect(texts).to.have.length(objects.length)
          objects.forEach((chat, k) => expect(texts[k], chat.id).to.equal(JSON.stringify(chat)))
        }
        check()
        data.editChats(60)
        data.deleteChats(10)
        data.addChats(30)
        data.editChats(40)
        data.editAgents(4)
        check()
      })
    }
  }

  it('writes the strings JSON.stringify escapes, and the quirks that change a field’s type', () => {
    const chat = new SandboxData({ seed: 3, agents: 4, departments: 2, chats: 50, quirks: 'often' })
      .allChats()
      .find((c): c is Chat => c.type === 'chat' && c.engagements.length > 0)!
    const odd = 'say "hi" \\ \n\t\u0001 \ud83d\ude00 \ud800 é'
    const weird = {
      ...chat,
      visitor: { ...chat.visitor, name: odd, notes: odd },
      session: { ...chat.session, browser: odd, city: odd, user_agent: odd },
      department_name: odd,
      tags: [odd, null],
      webpath: [null, [null, 'https://x.example/', odd, 1700000000], { timestamp: chat.timestamp, title: odd, from: odd, to: odd }],
      unread: 1,
      // Twice each, so that a string escaped once and kept is written right the second time as well.
      history: [...chat.history, ...chat.history].map((h) =>
        h === null ? h : h.type === 'chat.msg' ? { ...h, name: odd, msg: odd } : { ...h, name: odd },
      ),
      engagements: chat.engagements.map((e) => ({ ...e, agent_name: odd, agent_full_name: odd })),
    } as ChatRecord
    expect(chatJson(weird)).to.equal(JSON.stringify(weird))
  })

  it('writes a chat carrying a surprise as JSON.stringify does', () => {
    const data = new SandboxData({ seed: 9, agents: 5, departments: 3, chats: 40 })
    const id = data.allChats()[7]!.id
    data.surpriseChat(id, ['session', 'end_date'], { seconds: 12 })
    data.surpriseChat(data.allChats()[8]!.id, ['brand_new'], [1, 'two'])
    const { texts, objects } = bothForms(data)
    objects.forEach((chat, k) => expect(texts[k], chat.id).to.equal(JSON.stringify(chat)))
    expect(texts.some((t) => t.includes('"end_date":{"seconds":12}'))).to.equal(true)
    expect(texts.some((t) => t.endsWith(',"brand_new":[1,"two"]}'))).to.equal(true)
  })
})
