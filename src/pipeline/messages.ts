/** Reading the parts of a Messages API body that routing cares about. */

/** A content block as far as the gateway needs to know. */
export interface ContentBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  [key: string]: unknown;
}

/** A message of the `messages` array. */
export interface Message {
  role: string;
  content: string | ContentBlock[];
  [key: string]: unknown;
}

/** The request body of POST /v1/messages (only the fields the gateway reads are typed). */
export interface MessagesBody {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  thinking?: unknown;
  metadata?: unknown;
  [key: string]: unknown;
}
