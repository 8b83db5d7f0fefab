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
export { EXIT, runCli } from './cli/index.js'
export type { CliIo } from './cli/index.js'
export { createCityNode } from './app/city.js'
export type { CityNode, CityNodeInit } from './app/city.js'
export { defaultConfig, loadConfig } from './app/config.js'
export type { ConfigInput, HttpConfig, LimitsConfig, LoadConfigOptions, NodeConfig } from './app/config.js'
export type { NodeInfo } from './app/datadir.js'
export { ApiErrorCode, ConfigError, InputError, NodeError, PortInUseError, UsageError } from './app/errors.js'
export type { ConfigProblem } from './app/errors.js'
export { GeographyError } from './app/geography.js'
export type { Geography, GeographyFeature } from './app/geography.js'
export { issueCredential } from './app/issue.js'
export type { IssueInit } from './app/issue.js'
export { ob3Clock } from './http/ob3.js'
export { OB3_SCOPES } from './http/ob3/constants.js'
