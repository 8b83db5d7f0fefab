// The home page in Chromium: served by the node, it names the city and its DID, and links to
// every page; the pages load nothing but from the node (no request leaves 127.0.0.1).
import * as assert from 'uvu/assert'
import type { Browser } from 'playwright-core'
import { assertAxeClean, browserSuite, ensureWebBuilt, launchBrowser, newPage, screenshot, startTestNode } from './harness.js'
import type { TestNode } from './harness.js'

const { it, before, after, run } = browserSuite('home page')

let browser: Browser | undefined
let city: TestNode | undefined

before(async () => {
  ensureWebBuilt()
  city = await startTestNode()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await city?.stop()
})

it('the home page names the city, its DID and links to every page, loading only from the node', async () => {
  const errors: string[] = []
  const { context, page } = await newPage(browser as Browser, errors)
  const origins = new Set<string>()
  page.on('request', (request) => { origins.add(new URL(request.url()).origin) })
  try {
    const node = (city as TestNode).node
    const response = await page.goto(node.url + '/')
    assert.is(response?.status(), 200)
    assert.match(response?.headers()['content-security-policy'] ?? '', "default-src 'self'")
    await page.getByText('Bristol City of Learning').waitFor()
    assert.ok((await page.textContent('#about'))?.includes(node.did))
    for (const name of ['Verify', 'Catalogue', 'Wallet', 'City dashboard']) {
      assert.is(await page.getByRole('navigation').getByRole('link', { name }).count(), 1, name)
    }
    await screenshot(page, 'home')
    await assertAxeClean(page, 'home')
    assert.equal([...origins], [node.url])
    assert.equal(errors, [])
  } finally {
    await context.close()
  }
})

run()
