import { z } from "zod";

/** POST /api/models/:id/promote and POST /api/models/rollback: the version serving now, and the one it replaced. */
export const promotionSchema = z.object({ id: z.string(), stage: z.string(), previousId: z.string().nullable() });
export type Promotion = z.infer<typeof promotionSchema>;
