/** Compiles one upstream definition: URL, auth, model, headers, timeouts, transforms, keep-alive agent. */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { parseDuration, parseSize } from '../config/duration.js';
import type { UpstreamConfig } from '../config/types.js';
import { USER_FIX_STATUS } from '../errors.js';
import { compileProfile, type CompiledProfile } from '../profiles/compile-profile.js';
import { errorMapStage } from '../profiles/error-map.js';
import { boundaryStage } from '../protocols/boundary-stage.js';
import { compileProtocol } from '../protocols/compile-protocol.js';
import { profileStage } from '../profiles/shape-stage.js';
import { thinkingRecorderStage } from '../thinking/recorder-stage.js';
import { compileTransforms } from '../transforms/registry.js';
import { setModel } from '../transforms/simple-request.js';
import type { RequestStage, ResponseStage } from '../pipeline/stage.js';
import type { Protocol } from '../protocols/types.js';
import type { CompileContext } from './compile-context.js';
import type { CompiledUpstream, UpstreamAuth } from './types.js';

/** Timeouts when the rule file sets none: generous enough for long thinking. */
export const DEFAULT_TIMEOUTS = { connect: '10s', first_byte: '300s', idle: '300s' } as const;

/** Answer size limits when the rule file sets none: far above any real answer, far below the memory. */
export const DEFAULT_LIMITS = { event: '8mb', body: '64mb' } as const;

/** Compiles an upstream; returns undefined after recording errors. */
export function compileUpstream(name: string, cfg: UpstreamConfig, cc: CompileContext, env: NodeJS.ProcessEnv): CompiledUpstream | undefined {
  const path = ['upstreams', name];
  let url: URL;
  try {
    url = new URL(cfg.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme must be http or https');
  } catch (err) {
    cc.error([...path, 'url'], `invalid URL "${cfg.url}": ${(err as Error).message}`);
    return undefined;
  }
  const protocol = compileProtocol(cfg, cc, path);
  if (protocol === null) return undefined;
  // Other protocols take their key as a bearer token (OpenAI and every compatible server).
  const keyAs = protocol.protocol ? 'bearer' : 'x-api-key';
  const auth: UpstreamAuth = !cfg.auth || cfg.auth === 'passthrough' ? { kind: 'passthrough' } : { kind: 'key', env: cfg.auth.key_env, as: cfg.auth.as ?? keyAs };
  if (auth.kind === 'key' && !env[auth.env]) {
    cc.warn([...path, 'auth', 'key_env'], `${auth.env} is not set: requests routed to "${name}" will get a ${USER_FIX_STATUS} error naming it until it is`);
  }
  const profile = cfg.profile === undefined ? undefined : compileProfile(cfg.profile, cc, [...path, 'profile']);
  const provider = cfg.provider ?? (profile?.profile.firstParty ? 'anthropic' : 'other');
  const { requestStages, responseStages } = upstreamStages(name, cfg, cc, { profile, protocol: protocol.protocol, provider });
  const t = { ...DEFAULT_TIMEOUTS, ...cfg.timeouts };
  const limits = { ...DEFAULT_LIMITS, ...cfg.limits };
  const agentOptions = { keepAlive: true, keepAliveMsecs: 15_000, maxFreeSockets: 64, scheduling: 'lifo' as const };
  return {
    name,
    url,
    provider,
    protocol: protocol.protocol,
    protocolSettings: protocol.settings,
    profile,
    auth,
    model: cfg.model,
    addHeaders: Object.fromEntries(Object.entries(cfg.headers?.add ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    removeHeaders: new Set((cfg.headers?.remove ?? []).map((h) => h.toLowerCase())),
    timeouts: { connectMs: parseDuration(t.connect), firstByteMs: parseDuration(t.first_byte), idleMs: parseDuration(t.idle) },
    limits: { eventBytes: parseSize(limits.event), bodyBytes: parseSize(limits.body) },
    fallback: cfg.fallback,
    requestStages,
    responseStages,
    agent: url.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions),
  };
}

/** An upstream's stages: its transforms, and those its model, profile, protocol and provider add. */
function upstreamStages(name: string, cfg: UpstreamConfig, cc: CompileContext, with_: { profile: CompiledProfile | undefined; protocol: Protocol | undefined; provider: string }): { requestStages: RequestStage[]; responseStages: ResponseStage[] } {
  const path = ['upstreams', name];
  const { profile, protocol } = with_;
  const requestStages = compileTransforms(cfg.request, 'request', cc, [...path, 'request']);
  if (cfg.model) requestStages.push(setModel.compile({ model: cfg.model }, cc, [...path, 'model'])!);
  // The profile shapes the request last, once the model it goes out with is known.
  if (profile) requestStages.push(profileStage(profile));
  // What another protocol cannot carry is answered here, after every other request stage.
  if (protocol) requestStages.push(boundaryStage(protocol));
  const responseStages = compileTransforms(cfg.response, 'response', cc, [...path, 'response']);
  if (profile && profile.profile.errors.length > 0) responseStages.unshift(errorMapStage(profile.profile.errors, errorTarget(name, cfg, profile)));
  if (with_.provider !== 'anthropic') responseStages.unshift(thinkingRecorderStage);
  return { requestStages, responseStages };
}

/** What the error hints of an upstream's profile may name. */
function errorTarget(name: string, cfg: UpstreamConfig, profile: CompiledProfile): Parameters<typeof errorMapStage>[1] {
  const keyEnv = cfg.auth && cfg.auth !== 'passthrough' ? cfg.auth.key_env : undefined;
  return { upstream: name, provider: profile.profile.vendor, keyEnv, model: cfg.model, profile: profile.profile.name };
}
