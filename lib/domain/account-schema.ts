import { z } from "zod";
import { API_KEY_PAGE_SCOPES, API_KEY_SCOPES, ROLES } from "./permissions";

/** Request shapes of accounts, sessions and API keys, validated at the route boundary. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "the email address is too long")
  .pipe(z.email({ message: "enter a valid email address" }));

/** Long passphrases welcome; the upper bound only keeps hashing cheap for hostile input. */
export const PASSWORD_MIN_LENGTH = 10;
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `a password needs at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, "a password may have at most 256 characters");

export const personNameSchema = z.string().trim().min(1, "a name is required").max(100, "a name may have at most 100 characters");

export const roleSchema = z.enum(ROLES);

export const loginSchema = z.object({
  email: emailSchema,
  // Any length is accepted at login: a wrong password is a failed login, not a validation hint.
  password: z.string().min(1, "enter your password").max(256, "wrong email or password"),
});

export const setupSchema = z.object({
  token: z.string().min(20).max(200),
  email: emailSchema,
  name: personNameSchema,
  password: passwordSchema,
});

export const createUserSchema = z.object({
  email: emailSchema,
  name: personNameSchema,
  role: roleSchema,
  password: passwordSchema,
});

export const updateUserSchema = z
  .object({
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .refine((value) => value.role !== undefined || value.disabled !== undefined || value.password !== undefined, "nothing to change");

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});

export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1, "a name is required").max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "choose at least one scope").max(API_KEY_SCOPES.length),
  })
  .refine((input) => input.scopes.every((scope) => (API_KEY_PAGE_SCOPES as readonly string[]).includes(scope)), {
    message: "worker tokens are created on the Workers page (/workers), not as API keys",
    path: ["scopes"],
  });
