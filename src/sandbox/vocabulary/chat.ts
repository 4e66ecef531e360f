/**
 * Word lists for chats, offline messages, visitors and bans. IP addresses are
 * generated; pages live under the account's `.example` site.
 */

export interface Place {
  readonly city: string
  readonly region: string
  readonly country_code: string
  readonly country_name: string
}

export const PLACES: ReadonlyArray<Place> = [
  { city: 'Huai Khwang', region: 'Krung Thep', country_code: 'TH', country_name: 'Thailand' },
  { city: 'Orlando', region: 'Florida', country_code: 'US', country_name: 'United States' },
  { city: 'Austin', region: 'Texas', country_code: 'US', country_name: 'United States' },
  { city: 'Seattle', region: 'Washington', country_code: 'US', country_name: 'United States' },
  { city: 'London', region: 'England', country_code: 'GB', country_name: 'United Kingdom' },
  { city: 'Manchester', region: 'England', country_code: 'GB', country_name: 'United Kingdom' },
  { city: 'Berlin', region: 'Land Berlin', country_code: 'DE', country_name: 'Germany' },
  { city: 'Lyon', region: 'Auvergne-Rhone-Alpes', country_code: 'FR', country_name: 'France' },
  { city: 'Sao Paulo', region: 'Sao Paulo', country_code: 'BR', country_name: 'Brazil' },
  { city: 'Bengaluru', region: 'Karnataka', country_code: 'IN', country_name: 'India' },
  { city: 'Melbourne', region: 'Victoria', country_code: 'AU', country_name: 'Australia' },
  { city: 'Toronto', region: 'Ontario', country_code: 'CA', country_name: 'Canada' },
  { city: 'Osaka', region: 'Osaka', country_code: 'JP', country_name: 'Japan' },
  { city: 'Lagos', region: 'Lagos', country_code: 'NG', country_name: 'Nigeria' },
  // Geo-IP sometimes knows only the country.
  { city: '', region: '', country_code: 'NL', country_name: 'Netherlands' },
]

export interface Browser {
  readonly browser: string
  readonly platform: string
  readonly user_agent: string
}

export const BROWSERS: ReadonlyArray<Browser> = [
  { browser: 'Firefox', platform: 'Linux', user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:53.0) Gecko/20100101 Firefox/53.0' },
  {
    browser: 'Chrome',
    platform: 'Linux',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.81 Safari/537.36',
  },
  {
    browser: 'Safari',
    platform: 'Mac OS',
    user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10) AppleWebKit/600.1.25 (KHTML, like Gecko) Version/8.0 Safari/600.1.25',
  },
  {
    browser: 'Chrome',
    platform: 'Windows',
    user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  },
  {
    browser: 'Edge',
    platform: 'Windows',
    user_agent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  },
  {
    browser: 'Safari',
    platform: 'iOS',
    user_agent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  },
  {
    browser: 'Chrome',
    platform: 'Android',
    user_agent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  },
]

export const PAGES: ReadonlyArray<{ readonly title: string; readonly path: string }> = [
  { title: 'Home', path: '' },
  { title: 'Pricing', path: 'pricing' },
  { title: 'Checkout', path: 'cart' },
  { title: 'Order status', path: 'orders' },
  { title: 'Returns and refunds', path: 'help/returns' },
  { title: 'Shipping information', path: 'help/shipping' },
  { title: 'Sign in', path: 'login' },
  { title: 'Contact us', path: 'contact' },
]

export const REFERRERS: ReadonlyArray<string> = ['https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', '']

export const VISITOR_OPENERS: ReadonlyArray<string> = [
  'Hi, where is my order?',
  'Hello, I was charged twice this month',
  'Can I change my shipping address?',
  'I cannot log in to my account',
  'Do you ship to Canada?',
  'How do I return a damaged item?',
  'Is there a discount for annual plans?',
  'The checkout page keeps failing',
  'hi',
  'Quick question about pricing',
]

export const VISITOR_LINES: ReadonlyArray<string> = [
  'ok thanks',
  'It is order 48213',
  'yes',
  'no, that did not work',
  'I tried that already',
  'My email is the one on the account',
  'great',
  'How long will it take?',
  'Can you check again?',
  'perfect, thank you!',
  'sure',
  'one moment',
  'It says error 502',
  'that makes sense',
]

export const AGENT_GREETINGS: ReadonlyArray<string> = [
  'Hi! Let me look into that for you.',
  'Hello, thanks for reaching out!',
  'Hi there, happy to help.',
  'Good day! How can I help?',
]

export const AGENT_LINES: ReadonlyArray<string> = [
  'Could you share your order number?',
  'Thanks, one moment please.',
  'I can see the order here.',
  'I have issued a refund, it takes 3-5 business days.',
  'Could you try clearing your cache?',
  'I have escalated this to our technical team.',
  'Is there anything else I can help with?',
  'You are welcome!',
  'I have updated the address.',
  'Let me transfer you to a colleague who knows this best.',
  'Sorry for the wait.',
]

export const CHAT_TAGS: ReadonlyArray<string> = [
  'billing',
  'refund',
  'shipping',
  'bug',
  'vip',
  'goodbye_survey',
  'help_survey',
  'feedback',
  'pricing',
  'login',
  'urgent',
  'returns',
  'onetag',
]

export const COMMENTS: ReadonlyArray<string> = [
  'Hell yea!',
  'Very helpful, thanks',
  'Took too long to get an answer',
  'Great service',
  'Problem not solved',
  'Friendly agent',
]

export const TRIGGER_SENDERS: ReadonlyArray<string> = ['Customer Service', 'Stephanie', 'Support Bot']

export const TRIGGER_MESSAGES: ReadonlyArray<string> = [
  'Hi, are you having any trouble checking out?',
  "We apologize for keeping you waiting. Our operators are busy at the moment, please leave us a message with your email address and we'll get back to you shortly.",
  'Welcome back! Can we help you with anything today?',
]

export const OFFLINE_MESSAGES: ReadonlyArray<string> = [
  'Hi there!',
  "Please dob't break",
  'Please call me back about my invoice',
  'My package never arrived, order 51922',
  'Do you have this in size M?',
  'I would like to cancel my subscription',
  'Your site is down for me',
  'Can someone send me a quote for 40 seats?',
]

export const VISITOR_NOTES: ReadonlyArray<string> = [
  'Hmm important things',
  'Test 2',
  'Prefers email',
  'Enterprise lead',
  'Called twice already',
]

export const BAN_REASONS: ReadonlyArray<string> = ['Spammer', 'Abusive language', 'Stupid Luser', 'Bot traffic', 'Harassing agents', '']
