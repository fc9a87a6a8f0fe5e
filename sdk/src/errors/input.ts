/** Input that cannot be right, caught before anything is sent: a call's argument, a command line. */
import { StigmergyError } from "./base.js";

/**
 * Thrown before any transaction is sent when an argument cannot be right: it names the field,
 * says what was expected and shows what was given.
 */
export class InvalidInputError extends StigmergyError {
  override name = "InvalidInputError";
  /** The argument at fault, as a path (`spec.deadline`, `agentId`). */
  readonly field: string;

  constructor(field: string, expected: string, received?: unknown) {
    super(`Invalid ${field}: ${expected}.`, {
      code: "INVALID_INPUT",
      ...(received === undefined ? {} : { metaMessages: [`Received: ${show(received)}`] }),
    });
    this.field = field;
  }
}

/** The command line cannot be right: an unknown command or flag, a missing or extra argument. */
export class UsageError extends StigmergyError {
  override name = "UsageError";
  constructor(problem: string, hint: string) {
    super(problem, { code: "USAGE", metaMessages: [hint] });
  }
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
