/**
 * @packageDocumentation
 *
 * @cofl/api: the city node's HTTP API from the caller's side, for Node and browsers alike. The
 * wire types of what its routes answer (docs/api.md), shared by the node that sends them and by
 * every caller, and one JSON client on fetch: a deadline that holds on Node 20, a limit on what it
 * reads, and errors that carry the node's own code, status and message. It knows nothing of
 * credentials, keys or stores: @cofl/wallet, the `cofl` CLI and the web pages build on it.
 *
 * @example
 * ```ts
 * import { ApiAnswerError, createApiClient } from '@cofl/api'
 * import type { ClaimOffer } from '@cofl/api'
 *
 * const node = createApiClient({ baseUrl: 'https://city.example', timeoutMs: 10_000 })
 * try {
 *   const offer = await node.get<ClaimOffer>('/api/claims/3q2-7w...')
 * } catch (err) {
 *   if (err instanceof ApiAnswerError) console.log(err.status, err.code, err.message) // 409 COFL_ERR_OFFER_CLAIMED ...
 * }
 * ```
 */
export { CLAIM_PATH, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, GRANTS_PATHS, STATUS_LIST_PATH } from './constants.js'
export { ApiAnswerError, ApiRequestError, ApiResponseError, ApiUnreachableError } from './errors.js'
export { createApiClient, nodeBaseUrl } from './client.js'
export type { ApiClient, ApiClientInit, ApiRequestOptions } from './client.js'
export { listAll, listedDocument } from './listing.js'
export type { ListAllOptions } from './listing.js'
export type {
  ApiErrorBody, ApiPage, BulkOfferResult, ClaimOffer, CreatedOffer, CredentialListing, CredentialSearchPage, GrantList, GrantRevoked, GrantsChallenge, Health, IssuedCredential,
  JsonObject, NodeGrant, OfferMail, OfferState, OfferView, PresentationBody, RefusalProblem, StatusChange, TrustAnswer
} from './types.js'
