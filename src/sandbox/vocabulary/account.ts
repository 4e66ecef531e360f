/**
 * Word lists the sandbox draws names and plans from. Kept apart from the
 * generators (data/) read as rules, not as lists. Domains use the reserved
 * `.example` TLD so no generated address can reach a real mailbox.
 */

export const FIRST_NAMES: ReadonlyArray<string> = [
  'Maria',
  'James',
  'Aisha',
  'Wei',
  'Olga',
  'Diego',
  'Priya',
  'Tom',
  'Fatima',
  'Lukas',
  'Yuki',
  'Amara',
  'Noah',
  'Sofia',
  'Mateo',
  'Chloe',
  'Arjun',
  'Ingrid',
  'Kwame',
  'Elena',
  'Omar',
  'Hannah',
  'Liam',
  'Mei',
  'Pablo',
  'Zara',
  'Oscar',
  'Leila',
  'Felix',
  'Nadia',
  'Ravi',
  'Greta',
  'Tariq',
  'Anna',
  'Jonas',
  'Ines',
  'Kenji',
  'Lucia',
  'Samuel',
  'Freya',
]

export const LAST_NAMES: ReadonlyArray<string> = [
  'Garcia',
  'Smith',
  'Okafor',
  'Chen',
  'Ivanova',
  'Fernandez',
  'Patel',
  'Brown',
  'Haddad',
  'Muller',
  'Tanaka',
  'Mensah',
  'Wilson',
  'Rossi',
  'Lopez',
  'Martin',
  'Sharma',
  'Larsen',
  'Asante',
  'Popescu',
  'Khan',
  'Schmidt',
  'Murphy',
  'Wang',
  'Silva',
  'Ahmed',
  'Nilsson',
  'Rahimi',
  'Weber',
  'Novak',
  'Kumar',
  'Berg',
  'Aziz',
  'Kowalski',
  'Meyer',
  'Costa',
  'Sato',
  'Moreno',
  'Cohen',
  'Jensen',
]

export const COMPANIES: ReadonlyArray<string> = [
  'Northwind Traders',
  'Acme Outfitters',
  'Globex Support',
  'Initech Software',
  'Umbrella Retail',
  'Hooli Cloud',
  'Vandelay Imports',
  'Soylent Foods',
  'Tyrell Robotics',
  'Wonka Confectionery',
]

export const DEPARTMENT_NAMES: ReadonlyArray<string> = [
  'Sales',
  'Support',
  'Billing',
  'Technical Support',
  'Returns',
  'VIP',
  'Onboarding',
  'Partnerships',
  'Shipping',
  'Renewals',
  'Enterprise',
  'Accounts',
]

export const SKILL_NAMES: ReadonlyArray<string> = ['english', 'spanish', 'german', 'french', 'japanese', 'billing', 'technical', 'vip']

export const CITIES: ReadonlyArray<{ city: string; state: string; postal_code: string; country_code: string }> = [
  { city: 'San Francisco', state: 'CA', postal_code: '94105', country_code: 'US' },
  { city: 'Dublin', state: '', postal_code: 'D02 F205', country_code: 'IE' },
  { city: 'Melbourne', state: 'VIC', postal_code: '3000', country_code: 'AU' },
  { city: 'Berlin', state: '', postal_code: '10115', country_code: 'DE' },
  { city: 'Toronto', state: 'ON', postal_code: 'M5H 2N2', country_code: 'CA' },
]

/** Plan limits: a count or the string "unlimited", as the real API sends them. */
export type PlanLimit = number | 'unlimited'

/** The plan fields that differ by tier; the feature flags shared by all tiers are added in data/people.ts. */
export const PLANS: ReadonlyArray<{
  name: string
  short_desc: string
  long_desc: string
  price: number
  max_departments: PlanLimit
  max_concurrent_chats: PlanLimit
  max_history_search_days: PlanLimit
  max_basic_triggers: PlanLimit
  max_advanced_triggers: PlanLimit
  goals: number
  sla: boolean
}> = [
  {
    name: 'enterprise',
    short_desc: 'Ideal for Large Support Teams',
    long_desc: 'Best for Organizations to manage Large Support Teams',
    price: 70,
    max_departments: 'unlimited',
    max_concurrent_chats: 'unlimited',
    max_history_search_days: 'unlimited',
    max_basic_triggers: 'unlimited',
    max_advanced_triggers: 'unlimited',
    goals: 5,
    sla: true,
  },
  {
    name: 'professional',
    short_desc: 'Ideal for Growing Support Teams',
    long_desc: 'Best for Teams that need analytics and routing',
    price: 59,
    max_departments: 'unlimited',
    max_concurrent_chats: 'unlimited',
    max_history_search_days: 'unlimited',
    max_basic_triggers: 'unlimited',
    max_advanced_triggers: 'unlimited',
    goals: 5,
    sla: false,
  },
  {
    name: 'team',
    short_desc: 'Ideal for Small Support Teams',
    long_desc: 'Best for Small Teams getting started with chat',
    price: 29,
    max_departments: 'unlimited',
    max_concurrent_chats: 'unlimited',
    max_history_search_days: 365,
    max_basic_triggers: 'unlimited',
    max_advanced_triggers: 2,
    goals: 1,
    sla: false,
  },
]
