/**
 * A tool is a name, a title, a description an LLM can act on, a zod input shape with one
 * description per field, and `run`, which takes the agent and the parsed input and returns a
 * JSON-ready object. `defineTool` binds them; `registerTools` puts them on an `McpServer`.
 *
 * Each tool parses its own input, so that a bad argument comes back like any other failure
 * (`INVALID_INPUT: Invalid <field>: …`), and lists its own JSON schema. The MCP SDK would do both
 * with its own copy of zod, which neither shares the metadata registry holding the per-field
 * descriptions (its listing would drop them) nor reports errors in that form.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AnySchema } from "@modelcontextprotocol/sdk/server/zod-compat.js";
import {
  type CallToolResult,
  type Tool as ListedTool,
  ListToolsRequestSchema,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Agent } from "../agent.js";
import { InvalidInputError } from "../errors/input.js";
import { errorResult, okResult } from "./result.js";

export type ToolDefinition<Shape extends z.ZodRawShape> = {
  /** snake_case, as the model calls it. */
  name: string;
  title: string;
  description: string;
  inputSchema: Shape;
  annotations: ToolAnnotations;
  run: (agent: Agent, input: z.output<z.ZodObject<Shape>>) => Promise<object>;
};

/**
 * The agent the tools act as, or how to get it: a server starts before the chain it talks to may
 * run (hosts launch their servers at start-up), so it connects on the first call that needs it and
 * tries again on the next call while that fails.
 */
export type AgentSource = Agent | (() => Promise<Agent>);

/** A defined tool: how it is listed and how a call runs. */
export type Tool = {
  readonly name: string;
  readonly listing: ListedTool;
  /** Parses `args` and runs the tool; never throws (failures are `isError` results). */
  readonly call: (
    agent: AgentSource,
    args: unknown,
    onError: (tool: string, error: unknown) => void,
  ) => Promise<CallToolResult>;
};

const loose = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The problem zod found, as an error naming the field: a misnamed field first (with the name
 * meant, when it differs only in case or punctuation), then the first other issue.
 */
export function inputError(error: z.ZodError, args: unknown, fields: readonly string[]): InvalidInputError {
  const unknownKeys = error.issues.find((i) => i.code === "unrecognized_keys");
  if (unknownKeys) {
    const key = unknownKeys.keys[0] ?? "arguments";
    const meant = fields.find((f) => loose(f) === loose(key));
    return new InvalidInputError(
      key,
      meant
        ? `is not an input of this tool; use ${meant}`
        : `is not an input of this tool (its inputs: ${fields.join(", ")})`,
    );
  }
  const issue = error.issues[0];
  if (!issue) return new InvalidInputError("arguments", "could not be read");
  const field = issue.path.map(String).join(".") || "arguments";
  const value = issue.path.reduce<unknown>(
    (at, key) => (typeof at === "object" && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined),
    args,
  );
  if (value === undefined && issue.path.length > 0) return new InvalidInputError(field, "is required");
  if (issue.code === "invalid_union")
    return new InvalidInputError(field, "has the wrong type (see the tool's input schema)", value);
  return new InvalidInputError(field, issue.message.replace(/^Invalid input: /, ""), value);
}

export function defineTool<Shape extends z.ZodRawShape>(def: ToolDefinition<Shape>): Tool {
  const schema = z.strictObject(def.inputSchema);
  const listing: ListedTool = {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: z.toJSONSchema(schema, { io: "input", target: "draft-7" }) as ListedTool["inputSchema"],
    annotations: { title: def.title, ...def.annotations },
  };
  return {
    name: def.name,
    listing,
    async call(agent, args, onError) {
      try {
        const parsed = schema.safeParse(args ?? {});
        if (!parsed.success) throw inputError(parsed.error, args, Object.keys(def.inputSchema));
        return okResult(await def.run(typeof agent === "function" ? await agent() : agent, parsed.data));
      } catch (error) {
        onError(def.name, error);
        return errorResult(error);
      }
    },
  };
}

/**
 * What the MCP SDK validates calls against: any object (each tool parses its own input). Cast: the
 * SDK types schemas against its own zod copy.
 */
const ANY_OBJECT = z.looseObject({}) as unknown as AnySchema;

/** Registers `tools` on `server` for `agent`, and lists them with their own JSON schemas. */
export function registerTools(
  server: McpServer,
  agent: AgentSource,
  tools: readonly Tool[],
  onError: (tool: string, error: unknown) => void,
): void {
  for (const tool of tools) {
    const { title, description, annotations } = tool.listing;
    server.registerTool(
      tool.name,
      {
        ...(title ? { title } : {}),
        ...(description ? { description } : {}),
        ...(annotations ? { annotations } : {}),
        inputSchema: ANY_OBJECT,
      },
      (args: unknown) => tool.call(agent, args, onError),
    );
  }
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map((t) => t.listing) }));
}
