import { hash, verify } from "@node-rs/argon2";

/**
 * Passwords are hashed with argon2id (@node-rs/argon2 defaults: 19 MiB memory, 2 passes,
 * parallelism 1 — OWASP's recommended minimum), salted per hash; the hash string carries its
 * parameters, so stronger settings later still verify old hashes.
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  // Hash anyway when the account has no password, so timing does not reveal which emails exist.
  if (!passwordHash) {
    await hash(password);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the email is unknown, computed once per process. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hash("not-a-real-password-decoy");
  return decoyHash;
}
