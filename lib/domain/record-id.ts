import { z } from "zod";

/** Ids of stored records (cuids) as they arrive in URLs: checked before any query. */
export const recordIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "not a valid id");
