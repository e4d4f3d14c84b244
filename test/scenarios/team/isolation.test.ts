/** Sticky state of one client never decides the requests of another, with or without a session id. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask, CLASSIC_RULES, clientHeaders, startTeam, type TeamSetup } from '../../support/team-gateway.js';

/** Two clients on one gateway, the classic rules, the default session fallback (global). */
const YAML = `
version: 1
state: { store: memory }
clients:
  - { name: frontend, key: "\${MMEXEC_KEY_FRONTEND}" }
  - { name: backend, key: "\${MMEXEC_KEY_BACKEND}" }
upstreams:
  anthropic: { url: "\${ANTHROPIC_UPSTREAM_URL}", provider: anthropic, auth: passthrough }
  minimax: { url: "\${MINIMAX_BASE_URL}", auth: { key_env: MINIMAX_API_KEY, as: bearer }, model: MiniMax-M2.7 }
routes:
  - include: ${CLASSIC_RULES}
`;

describe('sticky isolation between clients', () => {
  let team: TeamSetup;
  before(async () => {
    team = await startTeam({ yaml: YAML, replicas: 1 });
  });
  after(() => team.close());
  const gw = (): TeamSetup['replicas'][number] => team.replicas[0]!;
  /** Which fake upstream the next request reached. */
  const reached = async (text: string, headers: Record<string, string>): Promise<'anthropic' | 'minimax'> => {
    const [a, m] = [team.anthropic.requests.length, team.minimax.requests.length];
    const res = await ask(gw(), text, headers);
    assert.equal(res.status, 200, res.text);
    if (team.minimax.requests.length === m + 1 && team.anthropic.requests.length === a) return 'minimax';
    assert.equal(team.anthropic.requests.length, a + 1, 'exactly one upstream saw the request');
    return 'anthropic';
  };

  it("keeps one client's sessionless trigger to that client's own sessionless requests", async () => {
    assert.equal(await reached('mmexec refactor this', clientHeaders('frontend')), 'minimax');
    assert.equal(await reached('and now this', clientHeaders('frontend')), 'minimax', 'the client that triggered stays sticky');
    assert.equal(await reached('hello', clientHeaders('backend')), 'anthropic', "another client's sessionless request is untouched");
    assert.match((await ask(gw(), 'mmstatus', clientHeaders('backend'))).text, /Anthropic/);
    assert.match((await ask(gw(), 'mmstatus', clientHeaders('frontend'))).text, /MiniMax/);
  });

  it("does not let one client's release clear another client's sessionless state", async () => {
    assert.equal((await ask(gw(), 'mmexec', clientHeaders('backend'))).status, 418);
    assert.equal(await reached('backend work', clientHeaders('backend')), 'minimax');
    assert.equal((await ask(gw(), 'mmrelease', clientHeaders('frontend'))).status, 418);
    assert.equal(await reached('frontend work', clientHeaders('frontend')), 'anthropic', 'the release applied to frontend');
    assert.equal(await reached('more backend work', clientHeaders('backend')), 'minimax', 'backend is still sticky');
    assert.equal((await ask(gw(), 'mmrelease', clientHeaders('backend'))).status, 418);
  });

  it('keeps sessions with an id apart from the sessionless state of their client', async () => {
    assert.equal(await reached('mmexec in a session', clientHeaders('frontend', 'fe-s1')), 'minimax');
    assert.equal(await reached('no session', clientHeaders('frontend')), 'anthropic');
    assert.equal(await reached('other session', clientHeaders('backend', 'be-s1')), 'anthropic');
    assert.equal(await reached('same session', clientHeaders('frontend', 'fe-s1')), 'minimax');
  });
});
