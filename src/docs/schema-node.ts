/** The subset of JSON Schema the rule file schema uses (shared by the generators; imports nothing). */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  required?: string[];
  oneOf?: SchemaNode[];
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  title?: string;
  definitions?: Record<string, SchemaNode>;
}
