/** The /ui page in a real headless Chromium: loads, shows a session after a request, refreshes, no console errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postMessages, startClassic, type ClassicSetup } from '../../support/classic-gateway.js';
import { launchChromium, requireChromium, type Browser } from '../../support/chromium.js';

const TOKEN = 'ui-token-0123';
const body = (text: string): Record<string, unknown> => ({ model: 'claude-opus-4-8', max_tokens: 100, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

describe('/ui in headless Chromium', () => {
  let s: ClassicSetup;
  let browser: Browser | undefined;
  before(async () => {
    s = await startClassic({ env: { MMEXEC_METRICS_TOKEN: TOKEN } });
  });
  after(async () => {
    await browser?.close();
    await s.close();
  });

  it('loads with ?token=, drops the token from the address, and shows a new session on its next refresh', { timeout: 90_000 }, async (t) => {
    const bin = requireChromium(t);
    if (!bin) return;
    browser = await launchChromium(bin);
    const page = await browser.newPage();
    assert.equal((await postMessages(s.gateway.url, body('plain question'), 'sess-before-load')).status, 200);
    await page.goto(`${s.gateway.url}/ui?token=${TOKEN}`);
    assert.equal(await page.evaluate<string>('location.search'), '', 'the token left the address bar');
    assert.match(await page.evaluate<string>('document.title'), /^mmexec /);
    const text = (): Promise<string> => page.evaluate<string>('document.getElementById("live").innerText');
    assert.match(await text(), /Upstreams[\s\S]*anthropic[\s\S]*minimax/);

    assert.equal((await postMessages(s.gateway.url, body('mmexec do the task'), 'sess-after-load')).status, 200);
    const deadline = Date.now() + 30_000;
    while (!(await text()).includes('sess-after-load')) {
      assert.ok(Date.now() < deadline, `the page never showed the new session:\n${await text()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const sessions = await page.evaluate<string>('document.getElementById("sessions").innerText');
    assert.match(sessions, /sess-after-load\s+minimax-m2\s+minimax\s+MiniMax-M2\.7/);
    assert.match(await page.evaluate<string>('document.getElementById("refresh").textContent'), /^live$/);
    assert.match(await page.evaluate<string>('document.getElementById("requests").innerText'), /req_/);
    assert.deepEqual(page.errors, []);
  });

  it('refuses the page and its data without the token, and sends the CSP with both', async () => {
    const page = await fetch(`${s.gateway.url}/ui`);
    assert.equal(page.status, 401);
    assert.equal(((await page.json()) as { error: { type: string } }).error.type, 'authentication_error');
    assert.equal((await fetch(`${s.gateway.url}/ui/data?token=${TOKEN}`)).status, 401, 'the data takes the header only');
    for (const path of [`/ui?token=${TOKEN}`, '/ui/data']) {
      const res = await fetch(`${s.gateway.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      await res.text();
    }
  });
});
