/**
 * A failure the client caused or can act on. Each subclass declares its HTTP status once, and its
 * message is public: the one responder (auth/guard.ts) answers `{ error: message, ...details }`
 * with that status and headers, so no route maps errors. Anything else thrown is a bug, answered
 * 500 with a reference. Errors of lib/domain stay plain Errors: pure code knows no HTTP, and a
 * domain refusal a request can meet is returned as a value that lib/server turns into one of these.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Fields of the answer beside `error`: a conflict's `current`, an import's `issues`. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Headers the answer needs, such as Retry-After. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = new.target.name;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}
