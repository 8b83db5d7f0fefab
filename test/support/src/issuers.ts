/**
 * @packageDocumentation
 *
 * A test issuer: a fresh did:key that signs real OpenBadgeCredentials and, with a status registry
 * of its own, real status list versions. Apart from the package's main entry because it needs
 * @cofl/credentials, @cofl/identity and @cofl/status (whose own tests therefore cannot use it).
 *
 * @example
 * import { tampered } from '@cofl/test-support'
 * import { createIssuer } from '@cofl/test-support/issuers'
 *
 * const issuer = await createIssuer()
 * const credential = await issuer.issue(learner.did, { status: true })
 * const forged = tampered(credential, (c) => { c.name = 'Forged' })
 * const list = await issuer.revokeOne() // the next signed revocation list
 * await issuer.close()
 */
import { join } from 'node:path'
import { buildAchievement, buildOpenBadgeCredential, buildProfile, signCredential } from '@cofl/credentials'
import type { OpenBadgeCredentialInit, VerifiableCredential } from '@cofl/credentials'
import { generateKeyPair } from '@cofl/identity'
import type { KeyPair } from '@cofl/identity'
import { openStatusRegistry } from '@cofl/status'
import type { BitstringStatusListEntry, StatusRegistry } from '@cofl/status'
import { DEFAULT_ACHIEVEMENT, DEFAULT_ISSUER_NAME } from './constants.js'
import { tempDir } from './temp.js'
import type { TempDir } from './temp.js'

export interface IssuerInit {
  /** The issuer profile's name (default 'Plymouth City of Learning'). */
  name?: string
  /**
   * Where its status registry lives (DIRECTORY/status), opened on first use. Without one, the
   * registry is in a temp directory of its own, which `close()` removes.
   */
  directory?: string
}

/** What `issue` may set: the builder's fields, and two of its own. */
export interface IssueOptions extends Partial<Omit<OpenBadgeCredentialInit, 'issuer' | 'subject' | 'achievement' | 'name'>> {
  /** The achievement's name, and so the credential's (default 'Coding Club'; the same achievement id). */
  name?: string
  /** Carries the revocation entry of an index allocated from the issuer's registry. */
  status?: boolean
}

/** An issuer with a did:key that builds and signs OpenBadgeCredentials and its status lists. */
export interface TestIssuer {
  key: KeyPair
  did: string
  /** A signed OpenBadgeCredential for `subject`. */
  issue: (subject: string, options?: IssueOptions) => Promise<VerifiableCredential>
  /** Its status registry, opened on first use. */
  registry: () => Promise<StatusRegistry>
  /** Its revocation list (list 0), as of now, signed. */
  statusList: () => Promise<VerifiableCredential>
  /** Revokes a credential issued with `status`. */
  revoke: (credential: VerifiableCredential) => Promise<void>
  /** Allocates an index, revokes it, and gives the revocation list signed after that: a new version. */
  revokeOne: () => Promise<VerifiableCredential>
  /** Closes the registry (when opened) and removes the temp directory it made (when it made one). */
  close: () => Promise<void>
}

export async function createIssuer (init: IssuerInit = {}): Promise<TestIssuer> {
  const key = await generateKeyPair()
  const issuer = buildProfile({ id: key.did, name: init.name ?? DEFAULT_ISSUER_NAME })
  const achievement = buildAchievement({ ...DEFAULT_ACHIEVEMENT, creator: issuer })
  let own: TempDir | undefined
  let opening: Promise<StatusRegistry> | undefined
  const registry = async (): Promise<StatusRegistry> => {
    opening ??= (async () => {
      let directory: string
      if (init.directory != null) {
        directory = join(init.directory, 'status')
      } else {
        own = await tempDir('cofl-issuer-')
        directory = own.path
      }
      return await openStatusRegistry({ directory, issuer: key.did })
    })()
    return await opening
  }
  const statusList = async (): Promise<VerifiableCredential> => {
    return await signCredential(await (await registry()).buildListCredential('revocation', 0), { key }) as unknown as VerifiableCredential
  }
  return {
    key,
    did: key.did,
    issue: async (subject, options = {}) => {
      const { name, status, ...fields } = options
      if (status === true && fields.credentialStatus != null) throw new TypeError('options: give status or credentialStatus, not both')
      const credentialStatus = status === true ? (await (await registry()).allocate()).entries[0] : undefined
      const credential = buildOpenBadgeCredential({
        issuer,
        achievement: name != null ? { ...achievement, name } : achievement,
        subject,
        ...fields,
        ...(credentialStatus != null ? { credentialStatus } : {})
      })
      return await signCredential(credential, { key }) as unknown as VerifiableCredential
    },
    registry,
    statusList,
    revoke: async (credential) => {
      await (await registry()).setStatus(credential.credentialStatus as BitstringStatusListEntry, true)
    },
    revokeOne: async () => {
      const r = await registry()
      const { entries } = await r.allocate()
      await r.setStatus(entries[0] as BitstringStatusListEntry, true)
      return await statusList()
    },
    close: async () => {
      try {
        if (opening != null) await (await opening).close()
      } finally {
        await own?.remove()
      }
    }
  }
}
