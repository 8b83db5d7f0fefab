/**
 * Errors of @cofl/wallet, each with a stable `code` (docs/errors.md lists them). A programmer's
 * mistake (a missing argument, a wrong type) is a TypeError without a code. Errors of the packages
 * below pass through with their own codes: a wrong passphrase is @cofl/identity's
 * KeyPassphraseError (COFL_ERR_KEY_PASSPHRASE), a wallet open in another process is @cofl/store's
 * COFL_ERR_STORE_LOCKED.
 */
import { CoflError, defineError } from '@cofl/errors'
import type { VerificationReport } from '@cofl/verifier'

export class WalletError extends CoflError {}

/** The directory holds no wallet (no holder key): `cofl wallet init` first. */
export class WalletNotInitialisedError extends defineError(WalletError, 'COFL_ERR_WALLET_NOT_INITIALISED') {}

/** `init` on a directory that holds a wallet already: a holder key is never replaced. */
export class WalletExistsError extends defineError(WalletError, 'COFL_ERR_WALLET_EXISTS') {}

/** A refusal of a credential by what the verifier found: `report` is its report when there is one. */
class ReportedRefusal extends WalletError {
  readonly report: VerificationReport | undefined
  constructor (code: string, message: string, options?: ErrorOptions & { report?: VerificationReport }) {
    super(code, message, options)
    this.report = options?.report
  }
}

/**
 * A credential the wallet refuses: not a verifiable credential, fails its OB 3.0 JSON Schema or
 * its signature, or has no id. `report` is the verifier's report when there is one.
 */
export class CredentialRefusedError extends defineError(ReportedRefusal, 'COFL_ERR_WALLET_CREDENTIAL_INVALID') {}

/**
 * A credential whose signature cannot be checked here (its issuer's key is bound by a document
 * this wallet cannot resolve: a did:web or URL issuer; or an unsupported cryptosuite): neither
 * valid nor forged, so refused unless `force` keeps it, marked as not checked. A forged one is a
 * CredentialRefusedError, which `force` never overrides.
 */
export class CredentialUncheckedError extends defineError(ReportedRefusal, 'COFL_ERR_WALLET_CREDENTIAL_UNCHECKED') {}

/** A credential about someone other than this wallet's holder (accepted only with `force`). */
export class NotHolderError extends defineError(WalletError, 'COFL_ERR_WALLET_NOT_HOLDER') {}

/** Another credential with the same id is held already (a credential id names one credential). */
export class CredentialConflictError extends defineError(WalletError, 'COFL_ERR_WALLET_CONFLICT') {}

/** No credential with that id is held. */
export class CredentialNotFoundError extends defineError(WalletError, 'COFL_ERR_WALLET_NOT_FOUND') {}

/** Import input that is none of: a wallet backup, a credential, an array of credentials, a baked image. */
export class ImportFormatError extends defineError(WalletError, 'COFL_ERR_WALLET_IMPORT') {}

/** A request to a node that failed; when the node answered, `status` and `nodeCode` carry its answer. */
export class NodeRequestError extends WalletError {
  /** The node's error code, when it refused. */
  readonly nodeCode: string | undefined
  /** The HTTP status of the node's answer, when it answered. */
  readonly status: number | undefined
  constructor (code: string, message: string, options?: ErrorOptions & { nodeCode?: string, status?: number }) {
    super(code, message, options)
    this.nodeCode = options?.nodeCode
    this.status = options?.status
  }
}

/**
 * A claim that did not give a credential: the node did not answer, refused (`nodeCode` and
 * `status` carry its answer, such as a used or expired offer), or answered with something that
 * is not the protocol's.
 */
export class ClaimError extends defineError(NodeRequestError, 'COFL_ERR_WALLET_CLAIM') {}

/**
 * The wallet refused to sign what a node asked for: a `domain` that is not the host of the URL
 * the learner gave, or a challenge made for another use (packages/wallet/src/binding.ts). Nothing
 * was signed.
 */
export class SigningRefusedError extends defineError(WalletError, 'COFL_ERR_WALLET_SIGNING_REFUSED') {}

/**
 * Listing or revoking the learner's OB 3.0 grants on a node failed: the node did not answer,
 * refused (`nodeCode`, `status`), or answered outside the protocol.
 */
export class GrantsError extends defineError(NodeRequestError, 'COFL_ERR_WALLET_GRANTS') {}

/** A credential the wallet declines (not valid, not checkable here, not about the holder, or in conflict with one held), as opposed to a failure of the wallet itself. */
export function isRefusal (err: unknown): err is CredentialRefusedError | CredentialUncheckedError | NotHolderError | CredentialConflictError {
  return err instanceof CredentialRefusedError || err instanceof CredentialUncheckedError || err instanceof NotHolderError || err instanceof CredentialConflictError
}
