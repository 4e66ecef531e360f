/** The command table oclif loads (explicit strategy: no directory scan at start-up). */
import About from './about.js'
import Check from './check.js'
import Demo from './demo.js'
import Discover from './discover.js'
import Login from './login.js'
import Sandbox from './sandbox.js'
import Sync from './sync.js'

export const COMMANDS = { about: About, check: Check, demo: Demo, discover: Discover, login: Login, sandbox: Sandbox, sync: Sync }
