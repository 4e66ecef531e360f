/** `GET account`: the account's plan and billing contact. Fields from the 2017 and 2024 samples. */
import * as t from 'io-ts'
import { Limit, optionalFields, record, Timestamp } from './quirks.js'

const Billing = optionalFields({
  first_name: t.string,
  last_name: t.string,
  email: t.string,
  company: t.string,
  phone: t.string,
  address1: t.string,
  address2: t.string,
  city: t.string,
  state: t.string,
  postal_code: t.string,
  country_code: t.string,
  additional_info: t.string,
})

const Plan = optionalFields({
  name: t.string,
  short_desc: t.string,
  long_desc: t.string,
  price: t.number,
  max_agents: Limit,
  max_departments: Limit,
  max_concurrent_chats: Limit,
  max_history_search_days: Limit,
  max_basic_triggers: Limit,
  max_advanced_triggers: Limit,
  goals: t.number,
  widget_customization: t.string,
  file_upload: t.boolean,
  operating_hours: t.boolean,
  ip_restriction: t.boolean,
  integrations: t.boolean,
  analytics: t.boolean,
  email_reports: t.boolean,
  daily_reports: t.boolean,
  chat_reports: t.boolean,
  agent_reports: t.boolean,
  agent_leaderboard: t.boolean,
  sla: t.boolean,
  rest_api: t.boolean,
  monitoring: t.boolean,
  unbranding: t.boolean,
  high_load: t.boolean,
  support: t.boolean,
})

export const Account = record(
  { account_key: t.string },
  {
    status: t.string,
    create_date: Timestamp,
    billing: Billing,
    plan: Plan,
  },
)
export type Account = t.TypeOf<typeof Account>
