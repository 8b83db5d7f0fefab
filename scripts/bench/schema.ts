// What the OB 3.0 schema check costs on a credential with many wrong values (each one an error):
// the time for 1,000 and for 10,000 wrong tags, and their ratio, in one run. A linear check costs
// ~10x for 10x the values; de-duplicating the messages by scanning the list kept so far cost ~100x
// (1.6 s at 10,000 values). POST /api/verify runs this check on anyone's input.
//
//   npm run bench:schema
import { readFileSync } from 'node:fs'
import { validateSchema } from '@cofl/credentials'

const vector = JSON.parse(readFileSync(new URL('../../test/vectors/ob3/eddsa-rdfc-2022-test-vector/credential-unsigned.json', import.meta.url), 'utf8')) as { credentialSubject: { achievement: Record<string, unknown> } }
const ROUNDS = 5

function msPerCheck (wrong: number): number {
  const document = structuredClone(vector)
  document.credentialSubject.achievement.tag = Array.from({ length: wrong }, (_, i) => i)
  validateSchema('AchievementCredential', document) // warm
  const start = performance.now()
  for (let i = 0; i < ROUNDS; i++) validateSchema('AchievementCredential', document)
  return (performance.now() - start) / ROUNDS
}

const small = msPerCheck(1_000)
const large = msPerCheck(10_000)
console.log(`schema check, 1,000 wrong values: ${small.toFixed(1)} ms; 10,000: ${large.toFixed(1)} ms; ratio ${(large / small).toFixed(1)} (linear ~10)`)
