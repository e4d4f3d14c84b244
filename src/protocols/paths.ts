/** The client paths the protocol boundary treats specially. */

/** The only request an upstream of another protocol receives (translated). */
export const MESSAGES_PATH = '/v1/messages';

/** Answered by the gateway for upstreams of another protocol (they have no such endpoint). */
export const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';
