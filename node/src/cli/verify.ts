/**
 * `cofl verify`: a credential, a presentation or a baked badge image, here or on a running node
 * (`--node`, `--data`); `--batch` (verify-batch.ts) for a directory of them.
 */
import { formatReport, createVerifier, vcJwtReport } from '@cofl/verifier'
import type { VerificationReport } from '@cofl/verifier'
import { readCredential } from '@cofl/formats'
import { UsageError } from '../app/errors.js'
import { callNode, target } from './client.js'
import { readInput, readJsonObject } from './io.js'
import { withBatch } from './verify-batch.js'
import { exitOfReport, str } from './command.js'
import type { CliIo, Command, Values } from './command.js'

/** Verifies on a node (POST /api/verify); prints the report like `cofl verify`. */
async function verifyOnNode (values: Values, input: unknown, options: { challenge?: string, domain?: string }, io: CliIo): Promise<number> {
  const node = await target(values, false)
  const isPresentation = typeof input === 'object' && input !== null && [(input as { type?: unknown }).type].flat().includes('VerifiablePresentation')
  const body = isPresentation
    ? { verifiablePresentation: input, ...options }
    : { verifiableCredential: input }
  if (!isPresentation && options.challenge != null) throw new UsageError('--challenge and --domain go with a presentation')
  const report = await callNode(node, 'POST', '/api/verify', body) as VerificationReport
  io.stdout(values.json === true ? JSON.stringify(report) + '\n' : formatReport(report) + '\n')
  return exitOfReport(report)
}

export const COMMANDS: Record<string, Command> = {
  verify: withBatch({
    summary: 'verify a credential, a presentation or a baked badge image; prints the report',
    usage: 'cofl verify FILE [--status-list FILE]... [--challenge C [--domain D]] [--json]\n       cofl verify --node URL FILE [--challenge C [--domain D]] [--json]',
    help: 'FILE is a credential, a presentation, a baked badge image (PNG or SVG: the credential baked\ninto it is verified; a VC-JWT is reported as not supported), or - for standard input.\nChecks, in order: the data model, the OB 3.0 JSON Schema, the signature, revocation and\nsuspension (against the signed status lists given with --status-list), and the validity dates.\nA presentation is checked against the challenge (and domain) you gave its holder, and every\ncredential inside it.\nWith --node URL (or --data DIR of a running node), the node verifies it (POST /api/verify)\nwith the status lists of its replica and the issuer\'s trust.\nA key counts only when the issuer\'s own document binds it (a did:key issuer: its DID; a URL or\ndid:web issuer: its document, which is not resolved here), never a key named in a URL.\nExit 0 when valid, 1 when invalid (forged, tampered, revoked, expired), 3 when it cannot be\nchecked here (an unsupported cryptosuite, an issuer whose document cannot be resolved here, a\nstatus list that is not available). --json prints the report as one JSON object.',
    options: { 'status-list': { type: 'string', multiple: true }, challenge: { type: 'string' }, domain: { type: 'string' }, json: { type: 'boolean' }, node: { type: 'string' }, data: { type: 'string' } },
    positionals: [1, 1],
    async run (values, positionals, io) {
      const file = positionals[0] as string
      const print = (report: VerificationReport): number => {
        io.stdout(values.json === true ? JSON.stringify(report) + '\n' : formatReport(report) + '\n')
        return exitOfReport(report)
      }
      // JSON, a baked PNG / SVG badge or a VC-JWT, read as the node and the verify page read them
      // (@cofl/formats): a damaged image, one with nothing baked, or bytes that are not JSON are a
      // FormatError with its code, exit 2.
      const read = readCredential(await readInput(file), file === '-' ? { name: 'standard input' } : { fileName: file })
      if (read.vcJwt != null) return print(vcJwtReport(read.vcJwt))
      const input = read.value
      const domain = str(values.domain)
      const challenge = str(values.challenge)
      if (domain != null && challenge == null) throw new UsageError('--domain goes with --challenge')
      const options = { ...(challenge != null ? { challenge } : {}), ...(domain != null ? { domain } : {}) }
      if (values.node != null || values.data != null) {
        if (values['status-list'] != null) throw new UsageError('--status-list goes without --node: the node uses its own replica of the lists')
        return await verifyOnNode(values, input, options, io)
      }
      const lists: unknown[] = []
      for (const path of (values['status-list'] as string[] | undefined) ?? []) lists.push(await readJsonObject(path, 'a status list credential'))
      return print(await createVerifier({ statusLists: lists }).verify(input, options))
    }
  })
}
