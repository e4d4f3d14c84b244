/** Compiles the `clients` section: key hashes and budgets. */
import { createHash } from 'node:crypto';
import type { Config } from '../config/types.js';
import type { CompileContext } from './compile-context.js';
import type { CompiledClient } from './types.js';

/** Compiles clients; keys are kept only as SHA-256 hashes. */
export function compileClients(clients: Config['clients'], cc: CompileContext, upstreams: string[]): CompiledClient[] {
  const names = new Set<string>();
  return (clients ?? []).flatMap((c, i) => {
    const path = ['clients', i];
    if (names.has(c.name)) cc.error([...path, 'name'], `duplicate client name "${c.name}"`);
    names.add(c.name);
    if (c.key !== undefined && c.key.length < 16) {
      cc.error([...path, 'key'], `the key of client "${c.name}" is ${c.key.length === 0 ? 'empty (is its environment variable set?)' : 'shorter than 16 characters'}`);
      return [];
    }
    const keyHash = c.key !== undefined ? createHash('sha256').update(c.key).digest() : Buffer.from(c.key_sha256!, 'hex');
    const b = c.budget;
    if (b?.over_budget && b.over_budget !== 'reject' && !upstreams.includes(b.over_budget)) {
      cc.error([...path, 'budget', 'over_budget'], `unknown upstream "${b.over_budget}" (known: ${upstreams.join(', ')}, or reject)`);
    }
    return [
      {
        name: c.name,
        keyHash,
        budget: b && {
          dailyUsd: b.daily_usd,
          monthlyUsd: b.monthly_usd,
          overBudgetUpstream: b.over_budget && b.over_budget !== 'reject' ? b.over_budget : undefined,
          perUpstream: new Map(Object.entries(b.per_upstream ?? {}).map(([u, l]) => [u, { dailyUsd: l.daily_usd, monthlyUsd: l.monthly_usd }])),
        },
      },
    ];
  });
}
