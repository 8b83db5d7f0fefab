/**
 * @packageDocumentation
 *
 * The cofl peer node and its command line (`cofl`): a city node (`createCityNode`: its data
 * directory, store, status registry, federation and HTTP API), its configuration, and the CLI
 * for keys, achievements, issuing, status lists and verification, offline or on a running node.
 *
 * @example
 * ```ts
 * import { createCityNode } from 'cofl'
 *
 * const node = createCityNode({ config: { data: './city', http: { host: '127.0.0.1', port: 0 } } })
 * await node.start()                       // prints nothing; node.info() says where it listens
 * const health = await (await fetch(`${node.url}/api/health`)).json()
 * await node.stop()
 * ```
 */
export { EXIT, mainHelp, runCli } from './cli/index.js'
export type { CliIo } from './cli/index.js'
export { createCityNode } from './app/city.js'
export type { CityNode, CityNodeInit } from './app/city.js'
export { CONFIG_ENV, defaultConfig, loadConfig, readConfigFile, resolveConfig, envLayer } from './app/config.js'
export type { ConfigInput, HttpConfig, LimitsConfig, LoadConfigOptions, NodeConfig } from './app/config.js'
export * from './app/constants.js'
export type { NodeInfo } from './app/datadir.js'
export { readNodeInfo } from './app/datadir.js'
export * from './app/errors.js'
export { achievementFromJson, issueCredential, signAchievement } from './app/issue.js'
export type { IssueInit } from './app/issue.js'
export { createOb3Routes, ob3Clock, ob3Routes } from './http/ob3.js'
export type { Ob3RoutesInit } from './http/ob3.js'
export { OB3_BASE_PATH, OB3_SCOPES } from './http/ob3/constants.js'
